// Starting and stopping the watchdog: a detached Node process running `vnet __watchdog`,
// in its own session, so it outlives the CLI or GUI that started it (and a closed SSH
// terminal). It inherits the network namespace of its parent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Dirs } from '../paths';

/** The bundled CLI that carries the `__watchdog` command. */
export function cliPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VNET_CLI_PATH) return env.VNET_CLI_PATH;
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  // Packaged (electron-builder): the CLI is unpacked beside the asar, resources/app.asar.unpacked/dist/cli.cjs,
  // whether this code runs from resources/helper.cjs (the helper pkexec starts, whose environment it
  // clears, VNET_CLI_PATH included) or from resources/app.asar/dist/main.cjs. A path inside the asar
  // would not do: the watchdog runs as plain Node.
  const packaged = [
    path.join(here, 'app.asar.unpacked', 'dist', 'cli.cjs'),
    path.join(here.replace(/([\\/])app\.asar(?=$|[\\/])/, '$1app.asar.unpacked'), 'cli.cjs'),
  ];
  for (const candidate of packaged) if (fs.existsSync(candidate)) return candidate;
  // Bundled: this code is inside dist/cli.cjs or dist/main.cjs, next to cli.cjs.
  const besides = path.join(here, 'cli.cjs');
  if (fs.existsSync(besides)) return besides;
  // From source (tests): walk up to the checkout's dist/cli.cjs.
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'cli.cjs');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error('cannot find the vnet CLI (dist/cli.cjs) to run the revert watchdog; run `npm run build` or set VNET_CLI_PATH');
}

export function spawnWatchdog(dirs: Dirs, id: string, env: NodeJS.ProcessEnv = process.env): number {
  const child = spawn(process.execPath, [cliPath(env), '__watchdog', id], {
    detached: true,
    stdio: 'ignore',
    // ELECTRON_RUN_AS_NODE lets the GUI's Electron binary run the CLI as plain Node.
    env: { ...env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state, ELECTRON_RUN_AS_NODE: '1' },
  });
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the revert watchdog');
  return child.pid;
}

/** True when PID is a live watchdog for trial ID (not a recycled pid running something else). */
export function isWatchdog(pid: number, id: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('__watchdog') && argv.includes(id);
  } catch {
    return false;
  }
}

export function stopWatchdog(pid: number | undefined, id: string): void {
  if (pid === undefined || pid === process.pid || !isWatchdog(pid, id)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
