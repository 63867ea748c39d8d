import { runDoctor } from '../../engine';
import { EXIT, type Command } from '../framework';

const MARK = { ok: 'ok     ', warning: 'warning', problem: 'PROBLEM' } as const;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Diagnose each network and say what to fix',
  usage: '[NAME]',
  positionals: [0, 1],
  help: `
Checks each network of the stored config (or only NAME): bridge up, host adapter
address, NAT gateway, DHCP server alive and listening, the app's firewall rules,
IPv4 forwarding, the uplink route, other firewalls' DROP policies (Docker,
firewalld…) and port forwards hidden by local programs. One line per check; a
failing check says how to fix it.

Exit codes: 0 all fine; 1 a problem was found.`,
  async run({ positionals }, { io, dirs }) {
    const checks = await runDoctor({ dirs }, positionals[0]);
    for (const c of checks) {
      io.out(`${MARK[c.status]}  ${c.network}: ${c.check}: ${c.detail}${c.fix ? `\n         fix: ${c.fix}` : ''}\n`);
    }
    return checks.some((c) => c.status === 'problem') ? EXIT.failed : EXIT.ok;
  },
};
