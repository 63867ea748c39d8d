// NAT Settings…: a port forward added through VMware's dialogs carries a real HTTP
// request from the outside to a guest's web server.
import { hostOnlyAndNat } from '../lib/configs';
import { expect, test } from '../lib/fixtures';
import { OUTSIDE } from '../lib/lab';

test('a port forward added in NAT Settings lets the outside reach a guest web server', async ({ lab, openEditor }) => {
  await lab.natHost();
  lab.storeConfig(hostOnlyAndNat());
  await lab.applyStored();
  const web = await lab.guest('web', 'vmnet8');
  const lease = await lab.dhcp(web);
  await lab.httpServer(web, 80, 'hello from the guest web server\n');
  // Before: the guest is hidden behind NAT.
  expect(await lab.httpGet(lab.outside!, OUTSIDE.host, 8080)).toBe('');

  const editor = await openEditor();
  await editor.selectNetwork('vmnet8');
  const nat = await editor.natSettings();
  await expect(nat.field('Gateway IP')).toHaveValue('192.168.133.2');
  await editor.screenshot('dialog-nat-settings');
  const forward = await nat.addForward();
  await forward.fillForward({ hostPort: 8080, type: 'TCP', address: lease.ip, guestPort: 80, description: 'guest web server' });
  await editor.screenshot('dialog-port-forward');
  await forward.ok();
  await expect(nat.forwards.getByRole('row').filter({ hasText: '8080' })).toContainText(
    ['8080', 'TCP', lease.ip, '80', 'guest web server'].join(''),
  );
  await editor.screenshot('dialog-nat-settings-with-forward');
  await nat.ok();
  const steps = await editor.apply();
  expect(steps.join('\n')).toMatch(/firewall|port forward/i);

  expect(await lab.httpGet(lab.outside!, OUTSIDE.host, 8080)).toBe('hello from the guest web server\n');
  expect(lab.storedConfig().networks.find((n) => n.name === 'vmnet8')).toMatchObject({
    nat: { portForwards: [{ protocol: 'tcp', hostPort: 8080, guestAddress: lease.ip, guestPort: 80, description: 'guest web server' }] },
  });
});
