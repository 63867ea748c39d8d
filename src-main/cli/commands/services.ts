import { getServices, restartService } from '../../engine';
import { EXIT, UsageError, type Command } from '../framework';

export const servicesCommand: Command = {
  name: 'services',
  summary: 'DHCP and NAT services per network; restart one',
  usage: '[--json] | restart NAME dhcp|nat',
  options: { json: { type: 'boolean' } },
  positionals: [0, 3],
  help: `
Without arguments, lists each network's DHCP server and NAT service: running or
stopped, since when, leases, rule and port-forward counts.
\`vnet services restart NAME dhcp|nat\` restarts a DHCP server or reloads the NAT rules.

Exit codes: 0; 1 failed.`,
  async run({ values, positionals }, { io, dirs }) {
    if (positionals.length > 0) {
      const [verb, network, service] = positionals;
      if (verb !== 'restart' || !network || (service !== 'dhcp' && service !== 'nat')) {
        throw new UsageError('expected `restart NAME dhcp|nat`');
      }
      await restartService({ dirs }, network, service);
      io.out(`Restarted ${service === 'dhcp' ? 'the DHCP server' : 'NAT'} of ${network}.\n`);
      return EXIT.ok;
    }
    const services = await getServices({ dirs });
    if (values.json) {
      io.out(`${JSON.stringify(services, null, 2)}\n`);
      return EXIT.ok;
    }
    for (const s of services) {
      const since = (t?: number): string => (t ? ` since ${new Date(t).toISOString()}` : '');
      if (s.dhcp)
        io.out(
          `${s.network}\tDHCP\t${s.dhcp.running ? `running${since(s.dhcp.since)}, ${s.dhcp.leases} leases` : `stopped${s.dhcp.detail ? ` (${s.dhcp.detail})` : ''}`}\n`,
        );
      if (s.nat)
        io.out(
          `${s.network}\tNAT\t${s.nat.running ? `active, ${s.nat.rules} rules, ${s.nat.portForwards} port forwards` : `inactive${s.nat.detail ? ` (${s.nat.detail})` : ''}`}\n`,
        );
    }
    return EXIT.ok;
  },
};
