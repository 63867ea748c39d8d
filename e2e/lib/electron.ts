// Finds the Electron binary the way `require('electron')` does, without its side effect:
// in electron ≥ 35, requiring the package when the binary is missing starts a download,
// which must never happen from a test run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ElectronBinary {
  /** The executable, when it is installed and can show a window here. */
  path?: string;
  /** Run it under xvfb-run (no display, but Xvfb is installed). */
  xvfb: boolean;
  /** Why the Electron variant cannot run, in words (when path is undefined). */
  reason: string;
}

function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function electronBinary(): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { xvfb: false, reason: 'the electron npm package is not installed' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  const binary = override ? path.join(override, relative ?? 'electron') : relative ? path.join(packageDir, 'dist', relative) : undefined;
  if (!binary || !fs.existsSync(binary)) {
    return {
      xvfb: false,
      reason:
        `no Electron binary is installed (${binary ?? path.join(packageDir, 'path.txt')} does not exist; ` +
        'the package was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1), so the desktop app cannot start on this machine',
    };
  }
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return { path: binary, xvfb: false, reason: '' };
  if (onPath('xvfb-run')) return { path: binary, xvfb: true, reason: '' };
  return { xvfb: false, reason: `Electron is installed (${binary}) but there is no display and no xvfb-run to give it one` };
}
