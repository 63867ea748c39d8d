import { getStatus } from '../../engine';
import type { NetworkStatus } from '../../../src-shared/api/types';
import { EXIT, type Command } from '../framework';
import { hypervisorName } from '../../engine/hypervisors/status';

function line(s: NetworkStatus): string {
  const parts = [`${s.name} (${s.type})`, s.unconnected ? 'not connected' : s.up ? 'up' : 'down'];
  if (s.subnet) parts.push(s.subnet);
  if (s.prefix6) parts.push(s.prefix6);
  if (s.addresses.length > 0) parts.push(`addresses ${s.addresses.join(', ')}`);
  if (s.hostAdapter && !s.hostAdapter.enabled) parts.push('host adapter off');
  if (s.dhcp)
    parts.push(s.dhcp.running ? `DHCP running (pid ${s.dhcp.pid}, ${s.leases} lease${s.leases === 1 ? '' : 's'})` : 'DHCP not running');
  if (s.nat) parts.push(s.nat.running ? `NAT active (${s.nat.rules} rules, ${s.nat.portForwards} port forwards)` : 'NAT not active');
  if (s.networkManager) parts.push(`through NetworkManager (profile ${s.networkManager.profile}, ${s.networkManager.state})`);
  if (s.bridge.ports.length > 0) parts.push(`ports ${s.bridge.ports.join(', ')}`);
  const problems = [
    ...(s.unconnected ? [`\n    warning: ${s.unconnected}`] : []),
    ...(s.names ? [`\n    names: ${s.names.detail}`] : []),
    ...s.problems.map((p) => `\n    problem: ${p}`),
  ].join('');
  const seen = (s.hypervisors ?? [])
    .map((h) => `\n    ${hypervisorName(h.hypervisor)}: ${h.sees ? 'sees it' : 'does not see it'} (${h.detail})`)
    .join('');
  return `${parts.join(' · ')}${seen}${problems}\n`;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Live state of each network, with any problems found',
  usage: '[--json]',
  options: { json: { type: 'boolean' } },
  help: `
Shows each network of the stored config as it is on the host right now: bridge,
addresses, DHCP server, NAT rules, leases, which hypervisors see it (libvirt, QEMU's
bridge helper, VirtualBox), and any problem found (something missing
or changed outside the app). \`vnet doctor\` says how to fix each problem.

  --json   print a JSON array of network status objects

Exit code: 0.`,
  async run({ values }, { io, dirs }) {
    const status = await getStatus({ dirs });
    if (values.json) io.out(`${JSON.stringify(status, null, 2)}\n`);
    else if (status.length === 0) io.out('No networks: nothing has been applied yet (`vnet apply` creates the defaults).\n');
    else for (const s of status) io.out(line(s));
    return EXIT.ok;
  },
};
