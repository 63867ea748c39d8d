#!/usr/bin/env node
// `npm start`: builds what is missing, then launches the desktop app. Where the
// Electron binary is missing it tries the download once (bounded to about two
// minutes); where that fails (it comes from github.com, which offline machines cannot
// reach) or there is no display, it says so and serves the same editor to a browser
// with `vnet serve`, whose first line is the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadElectron, electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);
const passThrough = process.argv.slice(2);

function build(parts) {
  const result = spawnSync(process.execPath, [at('scripts/build.mjs'), ...parts], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`Building ${parts.join(' ')} failed.`);
    process.exit(result.status ?? 1);
  }
}

const missingNode = ['dist/cli.cjs', 'dist/helper.cjs', 'dist/main.cjs', 'dist/preload.cjs'].filter((f) => !existsSync(at(f)));
if (missingNode.length > 0) {
  console.log(`Building ${missingNode.join(', ')}…`);
  build(['cli', 'node']);
}
if (!existsSync(at('dist/renderer/index.html')) && existsSync(at('src-renderer/index.html'))) {
  console.log('Building the editor (dist/renderer)…');
  build(['renderer']);
}

/** Seconds the download may take (VNET_ELECTRON_DOWNLOAD_SECONDS, default 120). */
const downloadSeconds = Number(process.env.VNET_ELECTRON_DOWNLOAD_SECONDS) > 0 ? Number(process.env.VNET_ELECTRON_DOWNLOAD_SECONDS) : 120;

/** The binary, downloaded now if needed; or why there is none. */
async function findOrFetchElectron() {
  const found = electronBinary(root);
  if (found) return { binary: found };
  const missing = 'The Electron binary is not installed (node_modules/electron/dist is missing)';
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
    return {
      reason: `${missing}, and ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set, so no download was tried.\nUnset it to let \`npm start\` download it.`,
    };
  }
  console.log(`The Electron binary is not installed; downloading it (at most ${downloadSeconds} seconds)…`);
  const outcome = await downloadElectron(root, downloadSeconds * 1000);
  if (outcome.ok) return { binary: electronBinary(root) };
  return {
    reason:
      `${missing}, and downloading it failed: ${outcome.reason}.\n` +
      'To get the desktop app, run `node node_modules/electron/install.js` on a machine that can reach github.com (or set ELECTRON_MIRROR).',
  };
}

function serveInstead(reason) {
  console.log(`${reason}\nServing the same editor to a browser instead (vnet serve); open the URL below on this machine:\n`);
  const child = spawn(process.execPath, [at('dist/cli.cjs'), 'serve', ...passThrough], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const { binary, reason } = await findOrFetchElectron();
if (!binary) {
  serveInstead(reason);
} else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  serveInstead('There is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open a window.');
} else {
  // The app is meant to run as a normal user (it elevates only its helper). Chromium
  // refuses to start as root unless its OS sandbox is turned off, so say so when it is.
  const asRoot = process.getuid?.() === 0;
  if (asRoot)
    console.warn(
      "Running the desktop app as root turns off Chromium's OS sandbox (--no-sandbox); run `npm start` as your normal user instead.",
    );
  const args = ['.', ...(asRoot ? ['--no-sandbox'] : []), ...passThrough];
  const child = spawn(binary, args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
