// Starting the helper as root, at most once per session. sudo-prompt runs its command
// through two shells and escapes only double quotes, so the command is built only
// from fixed paths this app chose (its own binary and bundled helper script), checked
// to contain no shell-special characters, and never anything a user typed or an
// environment value. Requests travel over the private socket, never on this line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import sudo from '@vscode/sudo-prompt';
import { INSTALLED_HELPER, INSTALLED_POLICY, PKEXEC } from './paths';

export interface HelperLaunch {
  /** The Node binary, or the app's Electron binary (then runAsNode). */
  execPath: string;
  /** The bundled helper script (dist/helper.cjs or resources/helper.cjs). */
  script: string;
  /** Electron runs as plain Node with ELECTRON_RUN_AS_NODE=1, so users need no separate Node. */
  runAsNode: boolean;
}

const SAFE_PATH = /^\/[A-Za-z0-9_./+-]+$/;

export class ElevationError extends Error {}

/** The constant command sudo-prompt runs as root. Throws when a path could be read by a shell as anything but a path. */
export function helperCommand(launch: HelperLaunch): string {
  for (const file of [launch.execPath, launch.script]) {
    if (!SAFE_PATH.test(file) || file.includes('..')) {
      throw new ElevationError(
        `cannot start the privileged helper: its path ${JSON.stringify(file)} contains characters that are unsafe on a command line (install the app in a folder whose path has only letters, digits and / . _ - +)`,
      );
    }
  }
  return `${launch.runAsNode ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}${launch.execPath} ${launch.script}`;
}

/** A started elevation: `failed` settles with the reason if it ends before the helper is reachable. */
export interface Elevation {
  failed: Promise<Error>;
}

export interface ElevateDeps {
  sudoExec?: typeof sudo.exec;
  spawnPkexec?: (
    file: string,
    args: string[],
  ) => { on(event: 'exit', cb: (code: number | null) => void): void; on(event: 'error', cb: (e: Error) => void): void };
  exists?: (file: string) => boolean;
}

/**
 * Starts the helper as root. With the package's polkit action installed, pkexec runs
 * the installed launcher directly (the action's exec.path matches, so its message and
 * auth_admin_keep apply); otherwise sudo-prompt runs the constant helperCommand.
 */
export function elevate(launch: HelperLaunch, deps: ElevateDeps = {}): Elevation {
  const exists = deps.exists ?? fs.existsSync;
  if (exists(INSTALLED_POLICY) && exists(INSTALLED_HELPER) && exists(PKEXEC)) {
    const child = (deps.spawnPkexec ?? ((file, args) => spawn(file, args, { stdio: 'ignore' })))(PKEXEC, [INSTALLED_HELPER]);
    return {
      failed: new Promise<Error>((resolve) => {
        child.on('error', (error) => resolve(new ElevationError(`could not run pkexec: ${error.message}`)));
        child.on('exit', (code) =>
          resolve(
            new ElevationError(
              code === 126
                ? 'administrator authentication was cancelled; nothing was changed'
                : code === 127
                  ? 'not authorized to manage virtual networks (or no polkit agent is running); nothing was changed'
                  : `the privileged helper stopped (exit code ${String(code)})`,
            ),
          ),
        );
      }),
    };
  }
  const command = helperCommand(launch);
  const exec = deps.sudoExec ?? sudo.exec;
  return {
    failed: new Promise<Error>((resolve) => {
      exec(command, { name: 'Virtual Network Editor' }, (error, _stdout, stderr) => {
        if (error) {
          const detail = String(stderr ?? '')
            .trim()
            .split('\n')
            .pop();
          // Without a graphical polkit agent (a bare terminal, ssh) pkexec cannot ask: say what works instead.
          const hint = /agent/i.test(error.message) ? '; without a desktop session, run it as root instead (e.g. `sudo vnet serve`)' : '';
          resolve(new ElevationError(`${error.message}; nothing was changed${detail ? ` (${detail.slice(0, 200)})` : ''}${hint}`));
        } else resolve(new ElevationError('the privileged helper stopped'));
      });
    }),
  };
}
