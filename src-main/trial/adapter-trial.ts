// Switching a host adapter as a trial (the GUI's Keep/Revert dialog and
// `vnet adapter down IF --try N`): the watchdog switches it back unless confirmed. An
// adapter NetworkManager manages gets a NetworkManager checkpoint too, as apply trials
// do, so that NetworkManager brings it back even when every process of the app is gone.
import type { TrialState } from '../../src-shared/api/types';
import type { CommandRunner } from '../engine/runner';
import type { Dirs } from '../paths';
import { switchAdapter, type SwitchResult } from '../adapters/switch';
import { abandonTrial, startTrial, trialApplied } from '.';
import { armCheckpoint } from './checkpoint';

export async function switchAdapterAsTrial(
  dirs: Dirs,
  runner: CommandRunner,
  name: string,
  up: boolean,
  seconds: number,
): Promise<SwitchResult & { trial: TrialState }> {
  const record = await startTrial(dirs, { kind: 'adapter', seconds, adapter: name, up, runner });
  let result: SwitchResult;
  try {
    if (record.adapter?.networkManagerProfile) await armCheckpoint(dirs, runner, record.id, seconds);
    result = await switchAdapter(runner, dirs, name, up);
  } catch (error) {
    abandonTrial(dirs, record.id);
    throw error;
  }
  return { ...result, trial: await trialApplied(dirs, record.id, runner) };
}
