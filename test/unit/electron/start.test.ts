// `npm start` where the Electron binary is missing (this kind of offline machine): it
// says so plainly and serves the same editor with `vnet serve`, printing the URL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/framework';
import { commands } from '../../../src-main/cli/commands';

const root = path.resolve(__dirname, '../../..');
const electronInstalled = fs.existsSync(path.join(root, 'node_modules/electron/path.txt'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-start-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs start.mjs with ENV until it prints the web console's URL; returns its output and checks the page answers. */
async function startUntilServed(env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VNET_CONFIG_DIR: path.join(work, 'config'), VNET_STATE_DIR: path.join(work, 'state'), ...env },
  });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`no URL after 60 s: ${text}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n/.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      child.on('exit', (code) => reject(new Error(`start.mjs exited (${code}): ${text}`)));
    });
    expect(out).toMatch(/The Electron binary is not installed/);
    expect(out).toMatch(/Serving the same editor to a browser instead/);
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(out)!;
    const page = await fetch(`http://127.0.0.1:${url[1]}/`, { headers: { authorization: `Bearer ${url[2]}` } });
    expect(page.status).toBe(200);
    return out;
  } finally {
    child.kill('SIGTERM');
  }
}

describe('npm start', () => {
  it.skipIf(electronInstalled)(
    'tries to download a missing Electron binary, and when that fails serves the web console with the reason',
    async () => {
      // A mirror on a closed port: the download fails at once, and cannot install anything.
      const out = await startUntilServed({ ELECTRON_SKIP_BINARY_DOWNLOAD: '', ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
      expect(out).toMatch(/downloading it \(at most 120 seconds\)/);
      expect(out).toMatch(/downloading it failed: .*fetch failed/i);
      expect(fs.existsSync(path.join(root, 'node_modules/electron/path.txt'))).toBe(false);
    },
    90_000,
  );

  it.skipIf(electronInstalled)(
    'with ELECTRON_SKIP_BINARY_DOWNLOAD=1 it tries no download and says so',
    async () => {
      const out = await startUntilServed({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
      expect(out).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set, so no download was tried/);
      expect(out).not.toMatch(/downloading it \(/);
    },
    90_000,
  );
});

describe('vnet serve options', () => {
  it('refuses a bad port with a usage error', async () => {
    const err: string[] = [];
    const code = await runCli(commands, ['serve', '--port', '70000'], { io: { out: () => undefined, err: (t) => err.push(t) } });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/--port must be a whole number from 0 to 65535/);
  });

  it('documents the URL, the token and the helper in its help', async () => {
    const out: string[] = [];
    await runCli(commands, ['serve', '--help'], { io: { out: (t) => out.push(t), err: () => undefined } });
    expect(out.join('')).toMatch(/http:\/\/127\.0\.0\.1:PORT\/\?token=TOKEN/);
    expect(out.join('')).toMatch(/privileged helper/);
  });
});
