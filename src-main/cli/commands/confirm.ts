// `vnet confirm` keeps a change made as a trial; `vnet __watchdog ID` is the detached
// process that reverts it at the deadline (started by the trial module, not by people).
import { ExecRunner } from '../../engine/runner';
import { confirmTrial, pendingTrial, runWatchdog } from '../../trial';
import { engineForTrial } from '../../trial/engine-link';
import { EXIT, type Command } from '../framework';

export const confirmCommand: Command = {
  name: 'confirm',
  summary: 'Keep a change made with `apply --try` or `adapter … --try`',
  usage: '',
  positionals: [0, 0],
  help: `
A change made with --try SECONDS is reverted by itself when SECONDS pass, even if the
command that made it is gone. Run \`vnet confirm\` before then to keep it.

Exit codes: 0 kept; 1 nothing is waiting to be confirmed.`,
  run(_args, { io, dirs }) {
    const pending = pendingTrial(dirs);
    if (!pending || !confirmTrial(dirs)) {
      io.err('vnet confirm: nothing is waiting to be confirmed (no trial pending, or it has already been reverted)\n');
      return EXIT.failed;
    }
    io.out(`Kept: ${pending.description}.\n`);
    return EXIT.ok;
  },
};

export const watchdogCommand: Command = {
  name: '__watchdog',
  summary: 'Internal: reverts an unconfirmed trial at its deadline',
  usage: 'TRIAL-ID',
  positionals: [1, 1],
  help: 'Started detached by `apply --try` and `adapter … --try`; not meant to be run by hand.',
  async run({ positionals }, { dirs }) {
    const runner = new ExecRunner();
    await runWatchdog(dirs, positionals[0]!, engineForTrial(dirs, runner), runner);
    return EXIT.ok;
  },
};
