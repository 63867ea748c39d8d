// Bad input in each dialog: the message appears next to the field (the same words as
// `vnet validate` prints for that path) and OK/Apply stay disabled; nothing is staged.
import fs from 'node:fs';
import path from 'node:path';
import { defaultConfig, type Config, type NatNetwork } from '../../src-shared/model';
import { expect, test } from '../lib/fixtures';
import type { Lab } from '../lib/lab';

/** What `vnet validate` says about `jsonPath` in `config` (the CLI's message for the same mistake). */
async function cliMessage(lab: Lab, config: Config, jsonPath: string): Promise<string> {
  const file = path.join(lab.sandbox.tempDir('validate'), 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const r = await lab.cli('validate', file);
  expect(r.code, r.stdout + r.stderr).toBe(2);
  const line = `${r.stdout}${r.stderr}`.split('\n').find((l) => l.startsWith(`${jsonPath}: `));
  if (!line) throw new Error(`vnet validate said nothing about ${jsonPath}: ${r.stdout}${r.stderr}`);
  return line.slice(jsonPath.length + 2);
}

/** VMware's defaults with one change, like the draft the editor holds. */
function defaultsWith(change: (vmnet8: NatNetwork) => void): Config {
  const config = defaultConfig();
  change(config.networks[2] as NatNetwork);
  return config;
}

test('bad input in every dialog shows the error and blocks OK and Apply', async ({ lab, openEditor }) => {
  await lab.bareHost();
  const editor = await openEditor();
  await editor.selectNetwork('vmnet8');

  // VMnet information: a subnet with host bits set.
  await editor.setSubnet('192.168.133.7');
  const subnetMessage = await cliMessage(
    lab,
    defaultsWith((n) => (n.subnet = '192.168.133.7/24')),
    'networks[2].subnet',
  );
  await expect(editor.infoField('Subnet IP')).toHaveAccessibleDescription(subnetMessage);
  await expect(editor.okButton).toBeDisabled();
  await expect(editor.applyButton).toBeDisabled();
  await expect(editor.status).toHaveText(/^\d+ problems? to fix$/);
  await editor.screenshot('validation-subnet');
  await editor.setSubnet('192.168.133.0');
  await expect(editor.okButton).toBeEnabled();

  // NAT Settings: a gateway outside the subnet.
  const nat = await editor.natSettings();
  await nat.fill('Gateway IP', '10.0.0.2');
  await nat.expectFieldError(
    'Gateway IP',
    await cliMessage(
      lab,
      defaultsWith((n) => (n.nat.gateway = '10.0.0.2')),
      'networks[2].nat.gateway',
    ),
  );
  await expect(nat.okButton).toBeDisabled();
  await editor.screenshot('validation-nat-settings');
  await nat.fill('Gateway IP', '192.168.133.2');
  await expect(nat.okButton).toBeEnabled();

  // Map Incoming Port: a host port out of range, a guest outside the subnet.
  const forward = await nat.addForward();
  await forward.fillForward({ hostPort: 70000, address: '192.168.56.9', guestPort: 80 });
  const bad = { protocol: 'tcp' as const, hostPort: 70000, guestAddress: '192.168.56.9', guestPort: 80 };
  await forward.expectFieldError(
    'Host port',
    await cliMessage(
      lab,
      defaultsWith((n) => (n.nat.portForwards = [bad])),
      'networks[2].nat.portForwards[0].hostPort',
    ),
  );
  await forward.expectFieldError(
    'Virtual machine IP address',
    await cliMessage(
      lab,
      defaultsWith((n) => (n.nat.portForwards = [{ ...bad, hostPort: 8080 }])),
      'networks[2].nat.portForwards[0].guestAddress',
    ),
  );
  await expect(forward.okButton).toBeDisabled();
  await editor.screenshot('validation-port-forward');
  await forward.cancel();
  await nat.cancel();

  // DHCP Settings: a range start outside the subnet; a reservation with a bad MAC.
  const dhcp = await editor.dhcpSettings();
  await dhcp.fill('Starting IP address', '10.1.1.1');
  await dhcp.expectFieldError(
    'Starting IP address',
    await cliMessage(
      lab,
      defaultsWith((n) => (n.dhcp.rangeStart = '10.1.1.1')),
      'networks[2].dhcp.rangeStart',
    ),
  );
  await expect(dhcp.okButton).toBeDisabled();
  await editor.screenshot('validation-dhcp-settings');
  await dhcp.fill('Starting IP address', '192.168.133.128');
  await expect(dhcp.okButton).toBeEnabled();
  const reservation = await dhcp.addReservation();
  await reservation.fillReservation({ mac: 'zz:00:00:00:00:01', address: '192.168.133.50' });
  await reservation.expectFieldError(
    'MAC address',
    await cliMessage(
      lab,
      defaultsWith((n) => (n.dhcp.reservations = [{ mac: 'zz:00:00:00:00:01', address: '192.168.133.50' }])),
      'networks[2].dhcp.reservations[0].mac',
    ),
  );
  await expect(reservation.okButton).toBeDisabled();
  await editor.screenshot('validation-reservation');
  await reservation.cancel();
  await dhcp.cancel();

  // Add Network…: a name that is not an interface name.
  const add = await editor.addNetwork();
  await add.fill('Network name', '9lives');
  await expect(add.field('Network name')).toHaveAttribute('aria-invalid', 'true');
  await expect(add.field('Network name')).toHaveAccessibleDescription(/letter/);
  await expect(add.okButton).toBeDisabled();
  await editor.screenshot('validation-add-network');
  await add.cancel();

  // Rename Network…: a name another network has.
  const rename = await editor.renameNetwork();
  await rename.fill('Network name', 'vmnet1');
  await expect(rename.field('Network name')).toHaveAttribute('aria-invalid', 'true');
  await expect(rename.okButton).toBeDisabled();
  await editor.screenshot('validation-rename-network');
  await rename.cancel();

  // Nothing was staged by the cancelled dialogs: the networks are VMware's defaults, as loaded.
  expect(await editor.networkRows()).toEqual([
    ['vmnet0', 'Bridged', 'Auto-bridging', '-', '-', '-'],
    ['vmnet1', 'Host-only', '-', 'Connected', 'Enabled', '192.168.56.0/24'],
    ['vmnet8', 'NAT', 'NAT', 'Connected', 'Enabled', '192.168.133.0/24'],
  ]);
  const nat2 = await editor.natSettings();
  await expect(nat2.forwards.getByRole('row')).toHaveCount(2); // the header and the "no port forwards" line
  await nat2.cancel();
});
