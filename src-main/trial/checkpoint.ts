// A trial on a host whose bridged uplink NetworkManager manages is also a NetworkManager
// checkpoint: NetworkManager itself rolls the change back at the deadline (deleting the
// profiles the trial added and disconnecting the devices it created), even when every
// process of the app is gone. The app's watchdog still records the outcome, and rolls
// the checkpoint back itself first when it is alive at the deadline. The same for apply
// trials (steps through NetworkManager) and adapter trials (an adapter it manages).
import { execFileSync } from 'node:child_process';
import type { CommandRunner } from '../engine/runner';
import type { Dirs } from '../paths';
import { busctlCall, createCheckpoint } from '../engine/drivers/bridged/nm/nmcli';
import { readTrial, writeTrial } from './record';

/** True when the change includes steps through NetworkManager. */
export const touchesNetworkManager = (ops: readonly { op: string }[]): boolean => ops.some((o) => o.op.startsWith('bridged-nm-'));

/** Creates the checkpoint of trial TRIAL_ID right before its first change, and records it with the trial. */
export async function armCheckpoint(dirs: Dirs, runner: CommandRunner, trialId: string, seconds: number): Promise<string> {
  const checkpoint = await createCheckpoint(runner, seconds);
  const armed = readTrial(dirs);
  if (armed?.id === trialId) writeTrial(dirs, { ...armed, checkpoint });
  return checkpoint;
}

/** The change was made: NetworkManager's countdown restarts with the trial's, SECONDS from now. */
export async function restartCheckpointClock(runner: CommandRunner, checkpoint: string, seconds: number): Promise<void> {
  await runner.run(busctlCall('CheckpointAdjustRollbackTimeout', 'ou', checkpoint, String(seconds)));
}

/** Rolls the checkpoint back now; false when NetworkManager has already done so (or it is gone). */
export async function rollbackCheckpoint(runner: CommandRunner, checkpoint: string): Promise<boolean> {
  const r = await runner.run(busctlCall('CheckpointRollback', 'o', checkpoint), { allowFailure: true });
  return r.code === 0;
}

/** Keeps the change: the checkpoint goes without a rollback. Synchronous, for `vnet confirm`. */
export function destroyCheckpoint(checkpoint: string): void {
  const [file, ...args] = busctlCall('CheckpointDestroy', 'o', checkpoint);
  try {
    execFileSync(file!, args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // Already rolled back or destroyed (NetworkManager restarted): nothing is left to keep or undo.
  }
}
