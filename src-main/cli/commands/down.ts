import { down } from '../../engine';
import { EXIT, type Command } from '../framework';

export const downCommand: Command = {
  name: 'down',
  summary: 'Remove what the app created (all networks, or the named ones)',
  usage: '[NAME…]',
  positionals: [0, 64],
  help: `
Removes exactly what the app created for the named networks (all when none is
named): bridges, addresses, DHCP servers and their files, the firewall table, and
puts IPv4 forwarding back as it was. The stored config is kept; \`vnet apply\`
brings the networks back.

Exit code: 0.`,
  async run({ positionals }, { io, dirs }) {
    const started = Date.now();
    const done = await down({ dirs }, positionals.length > 0 ? positionals : undefined);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.out(done.length === 0 ? 'Nothing to remove.\n' : `Removed: ${done.length} step${done.length === 1 ? '' : 's'} in ${seconds}s.\n`);
    return EXIT.ok;
  },
};
