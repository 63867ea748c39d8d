// Switching a host adapter as a trial (the GUI's Keep/Revert dialog and
// `vnet adapter down IF --try N`): the watchdog switches it back unless confirmed.
import type { TrialState } from '../../src-shared/api/types';
import type { CommandRunner } from '../engine/runner';
import type { Dirs } from '../paths';
import { switchAdapter } from '../adapters/switch';
import { abandonTrial, startTrial, trialApplied } from '.';

export async function switchAdapterAsTrial(
  dirs: Dirs,
  runner: CommandRunner,
  name: string,
  up: boolean,
  seconds: number,
): Promise<TrialState> {
  const record = await startTrial(dirs, { kind: 'adapter', seconds, adapter: name, up, runner });
  try {
    await switchAdapter(runner, dirs, name, up);
  } catch (error) {
    abandonTrial(dirs, record.id);
    throw error;
  }
  return trialApplied(dirs, record.id);
}
