#!/usr/bin/env node
// `npm start`: builds what is missing, then launches the desktop app. Where the
// Electron binary is not installed (it is downloaded from github.com, which offline
// machines cannot reach) or there is no display, it says so and serves the same
// editor to a browser with `vnet serve`, whose first line is the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The installed Electron binary, without triggering the electron package's download. */
function electronBinary() {
  const pathFile = at('node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = at('node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

function serveInstead(reason) {
  console.log(`${reason}\nServing the same editor to a browser instead (vnet serve); open the URL below on this machine:\n`);
  const child = spawn(process.execPath, [at('dist/cli.cjs'), 'serve', ...passThrough], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const binary = electronBinary();
if (!binary) {
  serveInstead(
    'The Electron binary is not installed (node_modules/electron/dist is missing: npm was run with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or github.com is unreachable).\n' +
      'To get the desktop app, run `node node_modules/electron/install.js` on a machine with internet access.',
  );
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
