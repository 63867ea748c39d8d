// The unprivileged path end to end: the privileged helper (dist/helper.cjs) runs as
// root inside a namespace, as pkexec would start it for user 65534 (nobody); `vnet
// serve` runs as that user and reaches the engine only through the helper's socket.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork } from '../../../src-shared/model';
import { cliBundle, ensureCliBuilt, must, repoRoot, Sandbox, vnetDirs, waitFor, type Netns, type VnetDirs } from '../lib/netns';

const NOBODY = 65534;
const helperBundle = path.join(repoRoot, 'dist', 'helper.cjs');
const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;
let runtime: string;
let helper: ChildProcess;
let serve: ChildProcess;
let port: number;
let token: string;

/** Waits for the first stdout line of a child. */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing: ${err}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}): ${err}`)));
  });
}

function api(
  channel: string,
  body: unknown,
): Promise<{ status: number; body: { ok: boolean; result?: unknown; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    // The console listens on 127.0.0.1 inside the namespace: reach it with a client there.
    const script = `
      const http = require('node:http');
      const req = http.request({ host: '127.0.0.1', port: ${port}, method: 'POST', path: '/api/${channel}',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ${token}', host: '127.0.0.1:${port}' } }, (res) => {
        let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, body: JSON.parse(b) })));
      });
      req.end(${JSON.stringify(JSON.stringify(body))});`;
    host
      .exec([process.execPath, '-e', script], { timeoutMs: 120_000 })
      .then((r) => (r.code === 0 ? resolve(JSON.parse(r.stdout)) : reject(new Error(r.stderr))))
      .catch(reject);
  });
}

beforeAll(async () => {
  await ensureCliBuilt();
  if (!fs.existsSync(helperBundle) || fs.statSync(helperBundle).mtimeMs < fs.statSync(cliBundle).mtimeMs) {
    await must([process.execPath, path.join(repoRoot, 'scripts/build.mjs'), 'node'], { timeoutMs: 120_000 });
  }
  const outside = await sandbox.netns('hout');
  host = await sandbox.netns('helper');
  await sandbox.veth(host, 'up0', outside, 'o0', '10.97.0.1/24', '10.97.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.97.0.2');
  dirs = vnetDirs(sandbox);
  runtime = sandbox.tempDir('run');
  fs.chmodSync(runtime, 0o755); // like /run/vnet-editor: root's, enterable by users

  // As pkexec starts it: root, told only who elevated it (PKEXEC_UID).
  helper = spawn('ip', ['netns', 'exec', host.name, process.execPath, helperBundle], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      PATH: process.env.PATH,
      PKEXEC_UID: String(NOBODY),
      VNET_RUNTIME_DIR: runtime,
      VNET_CONFIG_DIR: dirs.config,
      VNET_STATE_DIR: dirs.state,
      VNET_HELPER_IDLE_MS: '3000',
    },
  });
  sandbox.track(helper);
  expect(await firstLine(helper, 'the helper')).toBe(`vnet-helper: listening on ${runtime}/${NOBODY}/helper.sock`);

  // The web console as an ordinary user: no root, so everything privileged goes to the helper.
  serve = spawn(
    'ip',
    [
      'netns',
      'exec',
      host.name,
      'setpriv',
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      '--',
      process.execPath,
      cliBundle,
      'serve',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { PATH: process.env.PATH, HOME: '/nonexistent', VNET_RUNTIME_DIR: runtime } },
  );
  sandbox.track(serve);
  const url = new URL(await firstLine(serve, 'vnet serve'));
  port = Number(url.port);
  token = url.searchParams.get('token')!;
}, 180_000);

afterAll(async () => {
  if (host && dirs) {
    await host.exec([process.execPath, cliBundle, 'down'], {
      env: { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state },
    });
  }
  await sandbox.cleanup();
});

describe('privileged helper with an unprivileged web console', () => {
  it('keeps its socket private to the user who elevated it, in a folder only root can change', () => {
    const dir = fs.statSync(path.join(runtime, String(NOBODY)));
    const socket = fs.statSync(path.join(runtime, String(NOBODY), 'helper.sock'));
    expect([dir.uid, dir.mode & 0o777]).toEqual([0, 0o711]);
    expect([socket.uid, socket.mode & 0o777, socket.isSocket()]).toEqual([NOBODY, 0o600, true]);
  });

  it('plans and applies through the helper: the bridge appears in the namespace', async () => {
    const config = { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] };
    const plan = await api('plan', { config });
    expect(plan.body.ok, JSON.stringify(plan.body.error)).toBe(true);
    const info = await api('appInfo', {});
    expect(info.body.result).toMatchObject({ frontDoor: 'web', privilege: 'helper' });
    const applied = await api('apply', { config });
    expect(applied.body, JSON.stringify(applied.body)).toMatchObject({ ok: true, result: { ok: true } });
    const bridges = JSON.parse(await host.ip('-j', 'link', 'show', 'type', 'bridge')) as { ifname: string }[];
    expect(bridges.map((b) => b.ifname)).toEqual(['vmnet1']);
    // The helper stored the config as root, in the folder it was given.
    expect(JSON.parse(fs.readFileSync(path.join(dirs.config, 'networks.json'), 'utf8')).networks[0].name).toBe('vmnet1');
    const status = await api('status', {});
    expect(status.body.result).toEqual([expect.objectContaining({ name: 'vmnet1', up: true })]);
  });

  it('refuses what the app does not own, and keeps import out of root', async () => {
    expect((await api('restartService', { network: 'docker0', service: 'dhcp' })).body.error).toMatchObject({
      code: 'denied',
      message: expect.stringMatching(/"docker0" is not a network this app manages/),
    });
    // A console session reads no host path at all (it imports only what it uploads); root-only files stay unreadable.
    const shadow = await api('importConfig', { from: 'vmware', path: '/etc/shadow' });
    expect(shadow.body.ok).toBe(false);
    expect(shadow.body.error).toMatchObject({
      code: 'denied',
      message: expect.stringMatching(/^importConfig\.path: the web console does not read files/),
    });
  });

  it('exits once its last client has gone', async () => {
    expect(helper.exitCode).toBeNull();
    process.kill(-serve.pid!, 'SIGTERM');
    await waitFor('the helper to exit', () => helper.exitCode !== null, 30_000);
    expect(helper.exitCode).toBe(0);
    expect(fs.existsSync(path.join(runtime, String(NOBODY), 'helper.sock'))).toBe(false);
  });
});
