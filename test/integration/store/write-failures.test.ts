// A config write that fails half-way (disk full, read-only folder) leaves the old
// file intact. Runs the real store in a private mount namespace on a tiny tmpfs.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let work: string;
let bundle: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-writefail-'));
  bundle = path.join(work, 'store.cjs');
  buildSync({
    entryPoints: [path.join(__dirname, '../../../src-main/store/config-store.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs `script` (JS using `store`) in a new mount namespace where `dir` is a 24 KiB tmpfs. */
function inTinyFs(dir: string, setup: string, script: string): { status: number | null; stdout: string; stderr: string } {
  const program = `
    const { ConfigStore } = require(${JSON.stringify(bundle)});
    const store = new ConfigStore({ config: ${JSON.stringify(dir)}, state: ${JSON.stringify(dir)} });
    ${script}`;
  const shell = `mount -t tmpfs -o size=24k tmpfs "$1" && ${setup} && exec "$2" -e "$3"`;
  const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', shell, 'sh', dir, process.execPath, program], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const small = {
  version: 1,
  networks: [
    {
      name: 'vmnet1',
      type: 'hostonly',
      subnet: '192.168.56.0/24',
      hostAdapter: { enabled: true, address: '192.168.56.1' },
      dhcp: { enabled: true, rangeStart: '192.168.56.128', rangeEnd: '192.168.56.254', leaseSeconds: 1800, reservations: [] },
    },
  ],
};

describe('config writes that fail half-way', () => {
  it('disk full: the write throws ENOSPC and the stored file is unchanged', () => {
    const dir = fs.mkdtempSync(path.join(work, 'full-'));
    const result = inTinyFs(
      dir,
      'true',
      `
      store.write(${JSON.stringify(small)});
      const before = require('fs').readFileSync(store.file, 'utf8');
      const huge = { version: 1, networks: [{ ...${JSON.stringify(small)}.networks[0], label: 'x'.repeat(60) }] };
      huge.networks = Array.from({ length: 400 }, (_, i) => ({ ...huge.networks[0], name: 'n' + i }));
      let code = 'none';
      try { store.write(huge); } catch (e) { code = e.code; }
      const after = require('fs').readFileSync(store.file, 'utf8');
      const leftovers = require('fs').readdirSync(${JSON.stringify(dir)}).filter((f) => f.endsWith('.tmp'));
      console.log(JSON.stringify({ code, same: before === after, leftovers }));`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ code: 'ENOSPC', same: true, leftovers: [] });
  });

  it('read-only folder: the write throws EROFS and the stored file is unchanged', () => {
    const dir = fs.mkdtempSync(path.join(work, 'ro-'));
    const stored = JSON.stringify(small, null, 2);
    const result = inTinyFs(
      dir,
      `printf '%s' '${stored.replace(/'/g, '')}' > "$1/networks.json" && mount -o remount,ro "$1"`,
      `
      const before = require('fs').readFileSync(store.file, 'utf8');
      let code = 'none';
      try { store.write({ version: 1, networks: [] }); } catch (e) { code = e.code; }
      console.log(JSON.stringify({ code, same: before === require('fs').readFileSync(store.file, 'utf8') }));`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ code: 'EROFS', same: true });
  });

  it('leaves no mount behind in this namespace', () => {
    expect(execFileSync('sh', ['-c', 'grep -c vne-writefail /proc/self/mounts || true'], { encoding: 'utf8' }).trim()).toBe('0');
  });
});
