// DHCP Settings… and the Leases view: reservations made in the editor decide which
// address a guest with that MAC gets from the real dnsmasq.
import { hostOnly, inRange } from '../lib/configs';
import { expect, test } from '../lib/fixtures';

const WEB_MAC = '52:54:00:aa:bb:01';

test('a reservation added in DHCP Settings gives the guest with that MAC its address', async ({ lab, openEditor }) => {
  await lab.bareHost();
  lab.storeConfig(hostOnly());
  await lab.applyStored();
  const editor = await openEditor();
  await editor.selectNetwork('vmnet1');
  const dhcp = await editor.dhcpSettings();
  await expect(dhcp.field('Starting IP address')).toHaveValue('192.168.56.128');
  await expect(dhcp.field('Ending IP address')).toHaveValue('192.168.56.254');
  await expect(dhcp.field('Broadcast address')).toHaveValue('192.168.56.255');
  await editor.screenshot('dialog-dhcp-settings');
  const reservation = await dhcp.addReservation();
  await reservation.fillReservation({ mac: WEB_MAC, address: '192.168.56.50', hostname: 'web' });
  await editor.screenshot('dialog-reservation');
  await reservation.ok();
  await expect(dhcp.reservations).toContainText(`${WEB_MAC}192.168.56.50web`);
  await dhcp.ok();
  await editor.apply();

  const web = await lab.guest('web', 'vmnet1', WEB_MAC);
  const other = await lab.guest('other', 'vmnet1');
  const [webLease, otherLease] = await Promise.all([lab.dhcp(web), lab.dhcp(other)]);
  expect(webLease.ip).toBe('192.168.56.50');
  expect(inRange(otherLease.ip, '192.168.56.128', '192.168.56.254'), otherLease.ip).toBe(true);
});

test('"Reserve this address" in the Leases view pins a guest to the address it has', async ({ lab, openEditor }) => {
  const mac = '52:54:00:aa:bb:02';
  await lab.bareHost();
  lab.storeConfig(hostOnly());
  await lab.applyStored();
  const guest = await lab.guest('guest', 'vmnet1', mac);
  // Where dnsmasq puts this MAC by itself…
  const own = (await lab.dhcp(guest)).ip;
  // …and, once it forgot that, a dynamic lease somewhere else, which the reservation is made from.
  const pinned = own === '192.168.56.200' ? '192.168.56.201' : '192.168.56.200';
  await lab.forgetLeases('vmnet1');
  const lease = await lab.dhcp(guest, { request: pinned });
  expect(lease.ip).toBe(pinned);

  const editor = await openEditor();
  const leases = await editor.leases();
  await expect(leases.row(lease.ip)).toContainText(mac);
  await expect(leases.row(lease.ip)).toContainText('vmnet1');
  // Dynamic so far: the row offers to reserve it.
  await expect(leases.row(lease.ip).getByRole('button')).toHaveText('Reserve this address');
  await editor.screenshot('view-leases');
  const dialog = await leases.reserve(lease.ip);
  await expect(dialog.field('MAC address')).toHaveValue(mac);
  await expect(dialog.field('IP address')).toHaveValue(lease.ip);
  await dialog.fill('Hostname', 'pinned');
  await editor.screenshot('dialog-reserve-this-address');
  await dialog.ok();
  await expect(editor.notice(`Reservation of ${lease.ip} staged on vmnet1`)).toBeVisible();
  await expect(leases.row(lease.ip).getByRole('button')).toHaveText('Reserved');
  await expect(editor.tab('Networks')).toHaveText('Networks •');

  await editor.open('Networks');
  await editor.apply();
  expect(lab.storedConfig().networks[0]).toMatchObject({
    dhcp: { reservations: [{ mac, address: lease.ip, hostname: 'pinned' }] },
  });
  // dnsmasq forgets the dynamic lease, so only the reservation ties the guest to that
  // address: a fresh DISCOVER (no address asked for) would otherwise bring it back to its own.
  await lab.forgetLeases('vmnet1');
  expect(own).not.toBe(pinned);
  expect((await lab.dhcp(guest)).ip).toBe(pinned);
});
