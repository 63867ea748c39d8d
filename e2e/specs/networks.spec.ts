// The Networks view: VMware's defaults, changing a NAT subnet, and switching a host
// virtual adapter off, each checked on the host with real DHCP and real packets.
import { hostOnlyAndNat, inRange } from '../lib/configs';
import { expect, test } from '../lib/fixtures';
import { OUTSIDE } from '../lib/lab';
import { addNetworkClickedEarly, holdBack, type HeldBack } from '../lib/held-back';

test('the default networks appear when nothing is stored yet', async ({ lab, openEditor }) => {
  await lab.bareHost();
  const editor = await openEditor();
  expect(await editor.networkRows()).toEqual([
    ['vmnet0', 'Bridged', 'Auto-bridging', '-', '-', '-'],
    ['vmnet1', 'Host-only', '-', 'Connected', 'Enabled', '192.168.56.0/24'],
    ['vmnet8', 'NAT', 'NAT', 'Connected', 'Enabled', '192.168.133.0/24'],
  ]);
  // Nothing is applied until the user applies: the host has no bridge yet, and Apply is offered.
  expect(await lab.host.ip('-br', 'link', 'show', 'type', 'bridge')).toBe('');
  await expect(editor.applyButton).toBeEnabled();
  await editor.screenshot('networks-vmnet0-bridged');
  await editor.selectNetwork('vmnet8');
  await expect(editor.info.getByRole('radio', { name: 'NAT', exact: true })).toBeChecked();
  await expect(editor.infoField('Subnet IP')).toHaveValue('192.168.133.0');
  await expect(editor.infoField('Subnet mask')).toHaveValue('255.255.255.0');
  await expect(editor.infoField('Host virtual adapter address')).toHaveValue('192.168.133.1');
  await expect(editor.hostAdapter).toBeChecked();
  await expect(editor.useDhcp).toBeChecked();
  await editor.screenshot('networks-vmnet8-nat');
  await editor.selectNetwork('vmnet1');
  await expect(editor.info.getByRole('radio', { name: 'Host-only', exact: true })).toBeChecked();
  await editor.screenshot('networks-vmnet1-hostonly');
});

test('changing the NAT subnet and applying gives guests leases in the new subnet', async ({ lab, openEditor }) => {
  await lab.natHost();
  lab.storeConfig(hostOnlyAndNat());
  await lab.applyStored();
  await lab.httpServer(lab.outside!, 80, 'hello from outside\n');
  const editor = await openEditor();

  await editor.selectNetwork('vmnet8');
  await editor.setSubnet('192.168.150.0');
  // Host address, gateway and DHCP range were at their defaults, so they move along (as VMware does).
  await expect(editor.infoField('Host virtual adapter address')).toHaveValue('192.168.150.1');
  await expect(editor.networkRow('vmnet8')).toContainText('192.168.150.0/24');
  await expect(editor.status).toHaveText('Changes not applied yet');
  await editor.screenshot('networks-subnet-staged');
  const steps = await editor.apply('apply-plan');
  expect(steps.join('\n')).toMatch(/192\.168\.150/);

  // The host: the bridge has the new addresses, the stored config the new subnet.
  const addresses = await lab.host.ip('-4', '-br', 'addr', 'show', 'dev', 'vmnet8');
  expect(addresses).toContain('192.168.150.1/24');
  expect(addresses).not.toContain('192.168.133.');
  const stored = lab.storedConfig().networks.find((n) => n.name === 'vmnet8');
  expect(stored).toMatchObject({ subnet: '192.168.150.0/24', nat: { gateway: '192.168.150.2' } });

  // A guest: a real DHCP exchange gets a lease in the new range, with the new gateway,
  // and the outside answers through NAT.
  const guest = await lab.guest('guest', 'vmnet8');
  const lease = await lab.dhcp(guest);
  expect(inRange(lease.ip, '192.168.150.128', '192.168.150.254'), lease.ip).toBe(true);
  expect(lease.router).toBe('192.168.150.2');
  expect(await lab.httpGet(guest, OUTSIDE.outside, 80)).toBe('hello from outside\n');
});

test('a host virtual adapter switched off: the host cannot reach the guest, the guest still reaches the outside', async ({
  lab,
  openEditor,
}) => {
  await lab.natHost();
  lab.storeConfig(hostOnlyAndNat());
  await lab.applyStored();
  await lab.httpServer(lab.outside!, 80, 'hello from outside\n');
  const guest = await lab.guest('guest', 'vmnet8');
  const lease = await lab.dhcp(guest);
  await lab.httpServer(guest, 80, 'hello from the guest\n');
  // Before: the host reaches the guest by its address.
  expect(await lab.httpGet(lab.host, lease.ip, 80)).toBe('hello from the guest\n');

  const editor = await openEditor();
  await editor.selectNetwork('vmnet8');
  await editor.hostAdapter.uncheck();
  await expect(editor.infoField('Host virtual adapter address')).toBeDisabled();
  await expect(editor.networkRow('vmnet8').getByRole('cell').nth(3)).toHaveText('-');
  await editor.screenshot('networks-host-adapter-off');
  await editor.apply();

  expect(await lab.httpGet(lab.host, lease.ip, 80)).toBe('');
  expect(await lab.ping(lab.host, lease.ip)).toBe(false);
  expect(await lab.httpGet(guest, OUTSIDE.outside, 80)).toBe('hello from outside\n');
  // Guests still get leases.
  const again = await lab.dhcp(guest);
  expect(again.ip).toBe(lease.ip);
  expect(lab.storedConfig().networks.find((n) => n.name === 'vmnet8')).toMatchObject({ hostAdapter: { enabled: false } });
});

test('Add Network… clicked before the dialogs have loaded opens its dialog when they arrive', async ({ lab, openEditor }) => {
  await lab.bareHost();
  // The dialogs' code (a chunk loaded after the first screen) is held back until the click has happened.
  let dialogs!: HeldBack;
  const editor = await openEditor(async (page) => void (dialogs = await holdBack(page, /\/assets\/dialogs-[^/]*\.js$/)));
  await dialogs.requested;
  await addNetworkClickedEarly(editor, dialogs);
});
