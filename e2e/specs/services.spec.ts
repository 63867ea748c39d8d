// The Services view and the doctor: a network broken behind the app's back (its DHCP
// server killed, its firewall table deleted) is explained with the fix; Restart mends each.
// Also the Topology picture of the same host.
import fs from 'node:fs';
import { dhcpFiles } from '../../src-main/engine/dnsmasq';
import { hostOnlyAndNat } from '../lib/configs';
import { expect, test } from '../lib/fixtures';

test('the doctor explains a broken network, and Restart brings DHCP and NAT back', async ({ lab, openEditor }) => {
  await lab.natHost();
  lab.storeConfig(hostOnlyAndNat());
  await lab.applyStored();
  const guest = await lab.guest('guest', 'vmnet8');
  const lease = await lab.dhcp(guest);

  const editor = await openEditor();
  const topology = await editor.topology();
  await expect(topology.picture).toHaveAccessibleName('Topology: 2 networks, 1 guests with leases');
  await expect(topology.picture).toContainText(lease.ip);
  // Every bridge is up: nothing is outlined in the error colour (MUI's light error.main).
  await expect(topology.picture.locator('rect[stroke="#d32f2f"]')).toHaveCount(0);
  await editor.screenshot('view-topology');

  const services = await editor.services();
  await expect(services.row('vmnet8', 'DHCP')).toContainText('Running');
  await expect(services.row('vmnet8', 'NAT')).toContainText('Running');
  await expect(services.allPassed).toBeVisible();
  await editor.screenshot('view-services');

  // Break DHCP: kill vmnet8's dnsmasq.
  const pid = Number(fs.readFileSync(dhcpFiles({ config: lab.dirs.config, state: lab.dirs.state }, 'vmnet8').pid, 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await services.checkAgain();
  await expect(services.finding('vmnet8', /DHCP/)).toContainText('Fix:');
  await editor.screenshot('view-services-dhcp-broken');
  // With its DHCP server gone, a guest gets no lease.
  const late = await lab.guest('late', 'vmnet8');
  await expect(lab.dhcp(late)).rejects.toThrow(/no DHCP lease/);

  await services.restart('vmnet8', 'DHCP');
  await expect(services.row('vmnet8', 'DHCP')).toContainText('Running');
  await services.checkAgain();
  await expect(services.allPassed).toBeVisible();
  expect((await lab.dhcp(late)).ip).toMatch(/^192\.168\.133\./);

  // Break NAT: delete the app's nftables table.
  await lab.host.must(['nft', 'delete', 'table', 'inet', 'vnet_editor']);
  await services.checkAgain();
  await expect(services.finding('vmnet8', /NAT/)).toContainText('Fix:');
  await editor.screenshot('view-services-nat-broken');
  await services.restart('vmnet8', 'NAT');
  await expect(services.row('vmnet8', 'NAT')).toContainText('Running');
  await services.checkAgain();
  await expect(services.allPassed).toBeVisible();
  expect(await lab.host.must(['nft', 'list', 'table', 'inet', 'vnet_editor'])).toContain('masquerade');
});
