// bin/load-bundle.cjs: the CLI bundle run through V8's code cache behaves exactly like a
// plain require, including after a rebuild that keeps the bundle's length (which V8's own
// check of a cache would not notice).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const loader = path.join(__dirname, '../../../bin/load-bundle.cjs');
const hasNodeCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
let dir: string;
let bundle: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-load-bundle-'));
  bundle = path.join(dir, 'cli.cjs');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A bundle that prints what a CommonJS module sees, and a word that differs between builds of equal length. */
function writeBundle(word: string): void {
  fs.writeFileSync(
    bundle,
    `const path = require('node:path');
function shout(x) { return x.toUpperCase(); }
process.stdout.write([shout(${JSON.stringify(word)}), path.basename(__filename), path.basename(__dirname) === path.basename(${JSON.stringify(dir)}), module.exports === exports, typeof require.resolve].join(' ') + '\\n');
process.exitCode = 3;
`,
  );
}

function load(): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(bundle)})`], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loadBundle', () => {
  it('runs the bundle as a CommonJS module, writes a cache, and runs the same from the cache', () => {
    writeBundle('first');
    const plain = load();
    expect(plain).toEqual({ code: 3, stdout: 'FIRST cli.cjs true true function\n', stderr: '' });
    if (hasNodeCache) expect(fs.existsSync(path.join(dir, '.compile-cache'))).toBe(true);
    else {
      const cache = fs.statSync(`${bundle}.code-cache`);
      expect(cache.size).toBeGreaterThan(0);
      expect(cache.mode & 0o022).toBe(0);
    }
    expect(load()).toEqual(plain);
  });

  it('never runs a stale cache: a rebuilt bundle of the same length runs its new code', () => {
    writeBundle('first');
    load();
    const before = fs.statSync(bundle).size;
    writeBundle('other');
    expect(fs.statSync(bundle).size).toBe(before);
    expect(load().stdout).toBe('OTHER cli.cjs true true function\n');
    expect(load().stdout).toBe('OTHER cli.cjs true true function\n');
  });

  // Node 20's path only: Node's own compile cache checks its files itself.
  it.skipIf(hasNodeCache)('ignores a cache file others can write, and replaces it with its own', () => {
    writeBundle('first');
    load();
    const cache = `${bundle}.code-cache`;
    fs.chmodSync(cache, 0o666);
    expect(load().stdout).toBe('FIRST cli.cjs true true function\n');
    expect(fs.statSync(cache).mode & 0o022).toBe(0);
  });
});
