// Finding the Electron binary, and fetching it once when it is missing. `npm ci` runs
// with ELECTRON_SKIP_BINARY_DOWNLOAD=1 (scripts/ensure.mjs) so that an offline machine
// can still install and test; `npm start` then tries the download itself, bounded in
// time, and falls back to the web console with the reason when it cannot.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The installed Electron binary, without triggering the electron package's download. */
export function electronBinary(root) {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** The first lines of an error output that are not stack frames, joined. */
function firstLines(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  return lines.slice(0, 2).join(' ') || 'no error message';
}

/**
 * Runs the electron package's own installer (checksums included) for at most
 * TIMEOUTMS. Resolves { ok: true } when the binary is there afterwards, else
 * { ok: false, reason } in plain words.
 */
export function downloadElectron(root, timeoutMs, env = process.env) {
  const installer = path.join(root, 'node_modules/electron/install.js');
  if (!existsSync(installer)) return Promise.resolve({ ok: false, reason: 'the electron npm package is not installed (run `npm ci`)' });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], {
      cwd: root,
      env: { ...env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) resolve({ ok: false, reason: `it did not finish within ${Math.round(timeoutMs / 1000)} seconds` });
      else if (code === 0 && electronBinary(root)) resolve({ ok: true });
      else resolve({ ok: false, reason: firstLines(stderr) });
    });
  });
}
