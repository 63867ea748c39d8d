#!/usr/bin/env node
// Bundles every Node-side entry point with esbuild and the renderer with Vite.
// `node scripts/build.mjs [cli|node|renderer]...` builds a part; no argument builds all.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const want = new Set(process.argv.slice(2));
const all = want.size === 0;

// Node-side bundles. Electron stays external; runtime dependencies are bundled so the
// helper and the CLI run from dist/ alone.
const entries = [
  { part: 'cli', in: 'src-main/cli/main.ts', out: 'dist/cli.cjs' },
  { part: 'node', in: 'src-main/helper/main.ts', out: 'dist/helper.cjs' },
  { part: 'node', in: 'src-main/electron/main.ts', out: 'dist/main.cjs' },
  { part: 'node', in: 'src-main/preload/preload.ts', out: 'dist/preload.cjs' },
  { part: 'node', in: 'bench/main.ts', out: 'dist/bench.cjs' },
];

for (const entry of entries) {
  if (!all && !want.has(entry.part)) continue;
  if (!existsSync(path.join(root, entry.in))) continue;
  await build({
    entryPoints: [path.join(root, entry.in)],
    outfile: path.join(root, entry.out),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    external: ['electron'],
    logLevel: 'warning',
    legalComments: 'none',
  });
  // ASCII throughout (esbuild leaves some comments and regular expressions as they are): bin/load-bundle.cjs then
  // reads the bundle as Latin-1 into a one-byte string, without decoding UTF-8. A \uXXXX escape means the same
  // character in a string, a regular expression or an identifier, and nothing in a comment.
  const output = path.join(root, entry.out);
  const text = readFileSync(output, 'utf8');
  if (/[\u0080-\uffff]/.test(text)) {
    writeFileSync(
      output,
      text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
  }
  // The code cache bin/load-bundle.cjs keeps next to a bundle was made from the old one (it would be refused anyway).
  rmSync(path.join(root, `${entry.out}.code-cache`), { force: true });
  rmSync(path.join(root, 'dist', '.compile-cache'), { recursive: true, force: true });
}

if ((all || want.has('renderer')) && existsSync(path.join(root, 'src-renderer/index.html'))) {
  // The editor for the browser and the desktop window, then its first screen's renderer for `vnet serve` (Node).
  for (const config of ['src-renderer/vite.config.ts', 'src-renderer/vite.server.config.ts']) {
    const vite = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', config, '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (vite.status !== 0) process.exit(vite.status ?? 1);
  }
}
