// How the engine's applyConfig(…, {trySeconds}) runs an apply as a trial: the watchdog
// is armed before the first change (so that even an applier killed half-way is
// reverted), and the countdown starts once the change is made.
import type { ApplyResult, PlanOperation } from '../../src-shared/api/types';
import type { Config } from '../../src-shared/model';
import type { CommandRunner } from '../engine/runner';
import type { Dirs } from '../paths';
import { abandonTrial, startTrial, trialApplied } from '.';
import { armCheckpoint, touchesNetworkManager } from './checkpoint';

/** Called with the planned steps right before the first change. */
export type BeforeChange = (operations: PlanOperation[]) => Promise<void>;

export async function applyAsTrial(
  dirs: Dirs,
  runner: CommandRunner,
  seconds: number,
  previousConfig: Config | null,
  nextConfig: Config,
  apply: (beforeChange: BeforeChange) => Promise<ApplyResult>,
): Promise<ApplyResult> {
  const record = await startTrial(dirs, { kind: 'apply', seconds, previousConfig, nextConfig });
  // Steps through NetworkManager: a checkpoint too, recorded before the first change.
  const beforeChange: BeforeChange = async (operations) => {
    if (touchesNetworkManager(operations)) await armCheckpoint(dirs, runner, record.id, seconds);
  };
  let result: ApplyResult;
  try {
    result = await apply(beforeChange);
  } catch (error) {
    abandonTrial(dirs, record.id);
    throw error;
  }
  if (!result.ok) {
    abandonTrial(dirs, record.id);
    return result;
  }
  return { ...result, trial: await trialApplied(dirs, record.id, runner) };
}
