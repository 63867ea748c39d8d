// The engine operations a revert uses, bound to the engine facade. Kept apart from
// ./index.ts so that the engine can import the trial module without a cycle.
import { applyConfig } from '../engine';
import { ExecRunner, type CommandRunner } from '../engine/runner';
import type { Dirs } from '../paths';
import { ConfigStore } from '../store/config-store';
import { revertNow, type TrialEngine } from '.';

export function engineForTrial(dirs: Dirs, runner: CommandRunner): TrialEngine {
  return {
    async restoreHost(live, stored) {
      // Applying the networks that were live removes, through the journal, whatever the trial added.
      const result = await applyConfig(live, { dirs, runner, storeConfig: false });
      if (!result.ok) throw new Error(`putting back the host as it was failed: ${result.error ?? 'unknown error'}`);
      const store = new ConfigStore(dirs);
      if (stored === null) store.remove();
      else store.write(stored);
    },
  };
}

/** The GUI's Revert button: reverts the pending trial now. False when nothing was pending. */
export function revertPendingTrial(dirs: Dirs, runner: CommandRunner = new ExecRunner()): Promise<boolean> {
  return revertNow(dirs, engineForTrial(dirs, runner), runner);
}
