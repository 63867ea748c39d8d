// Import…: VMware Workstation's `networking` file (from an /etc/vmware settings folder)
// becomes staged networks, the same as `vnet import` makes of it; applied, the host has them.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src-shared/model';
import { expect, test } from '../lib/fixtures';
import { repoRoot } from '../lib/lab';

const VMWARE_FOLDER = path.join(repoRoot, 'test', 'fixtures', 'vmware', 'etc-vmware');

test('Import… of VMware settings stages their networks, and Apply makes them real', async ({ lab, openEditor }) => {
  await lab.bareHost();
  const networkingFile = path.join(VMWARE_FOLDER, 'networking');
  const cli = await lab.cli('import', '--from', 'vmware', networkingFile);
  expect(cli.code, cli.stderr).toBe(0);
  const expected = JSON.parse(cli.stdout) as Config;

  const editor = await openEditor();
  await editor.importFile(networkingFile);
  await expect(editor.notice(/^Imported networking\./)).toBeVisible();
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
  await expect(nat.forwards.getByRole('row')).toHaveCount(
    1 + (expected.networks[3] as { nat: { portForwards: unknown[] } }).nat.portForwards.length,
  );
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
  // The imported reservation is served by the real DHCP server.
  const web = await lab.guest('web', 'vmnet8', '52:54:00:12:34:56');
  expect((await lab.dhcp(web)).ip).toBe('172.16.160.50');
  // And the imported port forward is in the firewall.
  expect(await lab.host.must(['nft', 'list', 'ruleset'])).toMatch(/8080.*172\.16\.160\.50/);
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
