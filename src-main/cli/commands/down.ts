import { down } from '../../engine';
import type { ApplyProgress } from '../../../src-shared/api/types';
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
    // One line per finished step on stderr, as apply prints them (the bench times the steps by them).
    const onProgress = (p: ApplyProgress): void => {
      if (p.phase === 'done') io.err(`[${p.step}/${p.total}] ${p.description}\n`);
      if (p.phase === 'rolling-back') io.err('rolling back…\n');
    };
    const done = await down({ dirs, onProgress }, positionals.length > 0 ? positionals : undefined);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.out(done.length === 0 ? 'Nothing to remove.\n' : `Removed: ${done.length} step${done.length === 1 ? '' : 's'} in ${seconds}s.\n`);
    return EXIT.ok;
  },
};
