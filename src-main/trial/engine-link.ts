// The engine operations a revert uses, bound to the engine facade. Kept apart from
// ./index.ts so that the engine can import the trial module without a cycle.
import { applyConfig, down } from '../engine';
import { ExecRunner, type CommandRunner } from '../engine/runner';
import type { Dirs } from '../paths';
import { ConfigStore } from '../store/config-store';
import { revertNow, type TrialEngine } from '.';

export function engineForTrial(dirs: Dirs, runner: CommandRunner): TrialEngine {
  return {
    async restoreConfig(config) {
      if (config === null) {
        new ConfigStore(dirs).remove();
        return;
      }
      const result = await applyConfig(config, { dirs, runner });
      if (!result.ok) throw new Error(`putting back the previous config failed: ${result.error ?? 'unknown error'}`);
    },
    async down(networks) {
      await down({ dirs, runner }, networks);
    },
  };
}

/** The GUI's Revert button: reverts the pending trial now. False when nothing was pending. */
export function revertPendingTrial(dirs: Dirs, runner: CommandRunner = new ExecRunner()): Promise<boolean> {
  return revertNow(dirs, engineForTrial(dirs, runner), runner);
}
