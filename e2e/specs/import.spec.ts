// Import…: VMware Workstation's settings folder (/etc/vmware: networking, vmnetN/nat/nat.conf,
// vmnetN/dhcpd/dhcpd.conf) becomes staged networks, the same as `vnet import --from vmware DIR`
// makes of it; applied, the host has them, reservations and port forwards included.
import fs from 'node:fs';
import path from 'node:path';
import type { Config, NatNetwork } from '../../src-shared/model';
import { expect, test } from '../lib/fixtures';
import { repoRoot } from '../lib/lab';

const VMWARE_FOLDER = path.join(repoRoot, 'test', 'fixtures', 'vmware', 'etc-vmware');

test('Import… of a VMware settings folder stages its networks, and Apply makes them real', async ({ lab, openEditor }) => {
  await lab.bareHost();
  const cli = await lab.cli('import', '--from', 'vmware', VMWARE_FOLDER);
  expect(cli.code, cli.stderr).toBe(0);
  const expected = JSON.parse(cli.stdout) as Config;
  // The folder's dhcpd.conf and nat.conf add to what the networking file says.
  const vmnet8 = expected.networks.find((n) => n.name === 'vmnet8') as NatNetwork;
  expect(vmnet8.dhcp.reservations.map((r) => r.address)).toContain('172.16.160.70');
  expect(vmnet8.nat.portForwards.map((f) => `${f.protocol}/${f.hostPort}`)).toEqual(expect.arrayContaining(['tcp/8443', 'udp/5353']));

  const editor = await openEditor();
  await editor.importFolder(VMWARE_FOLDER);
  await expect(editor.notice(/^Imported etc-vmware\./)).toBeVisible();
  const rows = await editor.networkRows();
  expect(rows.map((r) => [r[0], r[1], r[5]])).toEqual(
    expected.networks.map((n) => [
      n.name,
      { bridged: 'Bridged', hostonly: 'Host-only', nat: 'NAT' }[n.type],
      n.type === 'bridged' ? '-' : n.subnet,
    ]),
  );
  await editor.screenshot('networks-imported');
  await editor.selectNetwork('vmnet8');
  const nat = await editor.natSettings();
  await expect(nat.forwards.getByRole('row')).toHaveCount(1 + vmnet8.nat.portForwards.length);
  await expect(nat.forwards).toContainText('8443');
  await nat.cancel();

  // This host has no uplink to bridge: remove vmnet0 before applying, as a person would.
  await editor.selectNetwork('vmnet0');
  await editor.page.getByRole('button', { name: 'Remove Network' }).click();
  await expect(editor.networkRow('vmnet0')).toHaveCount(0);
  await editor.apply();

  const stored = lab.storedConfig();
  expect(stored).toEqual({ ...expected, networks: expected.networks.filter((n) => n.name !== 'vmnet0') });
  const addresses = await lab.host.ip('-4', '-br', 'addr', 'show', 'type', 'bridge');
  expect(addresses).toMatch(/vmnet2\s+\S+\s+10\.20\.30\.1\/24/);
  expect(addresses).toMatch(/vmnet8\s+\S+\s+172\.16\.160\.1\/24/);
  // The imported reservations (networking's and dhcpd.conf's) are served by the real DHCP server.
  const web = await lab.guest('web', 'vmnet8', '52:54:00:12:34:56');
  expect((await lab.dhcp(web)).ip).toBe('172.16.160.50');
  const db = await lab.guest('db', 'vmnet8', '00:0c:29:4f:8e:21');
  expect((await lab.dhcp(db)).ip).toBe('172.16.160.70');
  // And the imported port forwards (networking's and nat.conf's) are in the firewall.
  const ruleset = await lab.host.must(['nft', 'list', 'ruleset']);
  expect(ruleset).toMatch(/8080.*172\.16\.160\.50/);
  expect(ruleset).toMatch(/8443.*172\.16\.160\.50/);
  expect(ruleset).toMatch(/5353.*172\.16\.160\.50/);
});

test('Import… of a broken settings file says what is wrong and changes nothing', async ({ lab, openEditor }) => {
  await lab.bareHost();
  const file = path.join(lab.sandbox.tempDir('import'), 'networks.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, networks: [{ name: 'vmnet8', type: 'nat', subnet: '192.168.133.7/24' }] }));
  const editor = await openEditor();
  await editor.importFile(file);
  const dialog = editor.page.getByRole('dialog', { name: 'Cannot import networks.json' });
  await expect(dialog).toContainText('networks[0]');
  await editor.screenshot('dialog-import-errors');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  expect((await editor.networkRows()).map((r) => r[0])).toEqual(['vmnet0', 'vmnet1', 'vmnet8']);
});
