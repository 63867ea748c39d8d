// How the engine's applyConfig(…, {trySeconds}) runs an apply as a trial: the watchdog
// is armed before the first change (so that even an applier killed half-way is
// reverted), and the countdown starts once the change is made.
import type { ApplyResult } from '../../src-shared/api/types';
import type { Config } from '../../src-shared/model';
import type { Dirs } from '../paths';
import { abandonTrial, startTrial, trialApplied } from '.';

export async function applyAsTrial(
  dirs: Dirs,
  seconds: number,
  previousConfig: Config | null,
  nextConfig: Config,
  apply: () => Promise<ApplyResult>,
): Promise<ApplyResult> {
  const record = await startTrial(dirs, { kind: 'apply', seconds, previousConfig, nextConfig });
  let result: ApplyResult;
  try {
    result = await apply();
  } catch (error) {
    abandonTrial(dirs, record.id);
    throw error;
  }
  if (!result.ok) {
    abandonTrial(dirs, record.id);
    return result;
  }
  return { ...result, trial: trialApplied(dirs, record.id) };
}
