import { getLeases } from '../../engine';
import { CliFailure, EXIT, type Command } from '../framework';

export const leasesCommand: Command = {
  name: 'leases',
  summary: 'DHCP leases of all networks or of one',
  usage: '[NAME] [--json]',
  options: { json: { type: 'boolean' } },
  positionals: [0, 1],
  help: `
Lists the addresses the DHCP servers have handed out.

  --json   print a JSON array of {network, mac, address, hostname, expires}; a lease
           also has "ipv6" (a list) when the bridge's neighbour table holds global
           IPv6 addresses for its MAC

Exit code: 0.`,
  async run({ values, positionals }, { io, dirs }) {
    let leases;
    try {
      leases = await getLeases({ dirs }, positionals[0]);
    } catch (error) {
      throw new CliFailure((error as Error).message, EXIT.failed);
    }
    if (values.json) {
      io.out(`${JSON.stringify(leases, null, 2)}\n`);
      return EXIT.ok;
    }
    if (leases.length === 0) {
      io.out('No leases.\n');
      return EXIT.ok;
    }
    for (const l of leases) {
      io.out(`${l.network}\t${l.address}\t${l.mac}\t${l.hostname || '-'}\t${l.expires ?? 'never expires'}\n`);
    }
    return EXIT.ok;
  },
};
