// The privileged helper trusts nothing: unknown operations, malformed frames,
// invalid payloads and targets the app does not own are refused before anything runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handleLine, startHelperServer } from '../../../src-main/helper/server';
import { helperBackend } from '../../../src-main/helper/client';
import { LineReader, type ResponseFrame } from '../../../src-main/helper/protocol';
import { elevate, helperCommand } from '../../../src-main/helper/elevate';
import { invokingUser } from '../../../src-main/helper/paths';
import { exampleConfig, fakeHost } from './fakes';

async function ask(line: string, stored: ReturnType<typeof exampleConfig> | null = exampleConfig()) {
  const fake = fakeHost(stored);
  const frames: ResponseFrame[] = [];
  await handleLine(fake.handlers, line, (f) => frames.push(f));
  return {
    frames,
    calls: fake.calls,
    last: frames[frames.length - 1] as ResponseFrame & { ok: boolean; error?: { code: string; message: string } },
  };
}

const frame = (channel: string, request: unknown, id = 7) => JSON.stringify({ id, channel, request });

describe('helper request handling', () => {
  it('refuses operations it does not know, including front-door-only ones', async () => {
    for (const channel of ['rm', 'exec', 'importConfig', 'exportConfig', 'saveExportFile', '__proto__', 'constructor']) {
      const { last, calls } = await ask(frame(channel, {}));
      expect(last).toMatchObject({ id: 7, ok: false, error: { code: 'denied' } });
      expect(last.error!.message).toMatch(/does not do/);
      expect(calls).toEqual([]);
    }
  });

  it('refuses lines that are not request frames', async () => {
    expect((await ask('not json')).last).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect((await ask(JSON.stringify({ id: 1, channel: 'status', request: {}, sudo: true }))).last).toMatchObject({ id: 1, ok: false });
    expect((await ask(JSON.stringify({ id: 'x', channel: 'status' }))).last).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('validates the payload again with the contract schema', async () => {
    const bad = exampleConfig() as unknown as { networks: { name: string }[] };
    bad.networks[1]!.name = 'bad name!';
    const { last, calls } = await ask(frame('apply', { config: bad }));
    expect(last).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(last.error!.message).toMatch(/config\.networks\[1\]\.name/);
    expect((await ask(frame('status', { extra: 1 }))).last).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(calls).toEqual([]);
  });

  it('acts only on networks the app owns', async () => {
    for (const [channel, request] of [
      ['leases', { network: 'docker0' }],
      ['doctor', { network: 'virbr0' }],
      ['restartService', { network: 'lxcbr0', service: 'dhcp' }],
    ] as const) {
      const { last, calls } = await ask(frame(channel, request));
      expect(last).toMatchObject({ ok: false, error: { code: 'denied' } });
      expect(last.error!.message).toMatch(/not a network this app manages/);
      expect(calls).toEqual([]);
    }
    expect((await ask(frame('leases', { network: 'vmnet8' }))).last).toMatchObject({ ok: true, result: [] });
    expect((await ask(frame('restartService', { network: 'vmnet1', service: 'nat' }))).last.error?.message).toMatch(/not a NAT network/);
    expect((await ask(frame('leases', { network: 'vmnet8' }), null)).last.error?.message).toMatch(/nothing is applied yet/);
  });

  it('switches only existing, non-loopback adapters, and risky ones off only as a trial', async () => {
    expect((await ask(frame('setAdapter', { name: 'nosuch0', up: false }))).last.error?.message).toMatch(/no host adapter named "nosuch0"/);
    expect((await ask(frame('setAdapter', { name: 'lo', up: false }))).last.error?.message).toMatch(/loopback/);
    const risky = await ask(frame('setAdapter', { name: 'eth0', up: false }));
    expect(risky.last.error?.message).toMatch(/can cut this host off.*trial/);
    expect(risky.calls).toEqual([]);
    const trial = await ask(frame('setAdapter', { name: 'eth0', up: false, trySeconds: 30 }));
    expect(trial.last).toMatchObject({ ok: true, result: { ok: true, trial: { seconds: 30 } } });
    expect(trial.calls).toEqual(['switch eth0 down try=30']);
  });

  it('streams apply progress tagged with the request id, then the result', async () => {
    const { frames } = await ask(frame('apply', { config: exampleConfig(), trySeconds: 20 }, 42));
    expect(frames.map((f) => ('event' in f ? f.event : f.ok))).toEqual(['applyProgress', 'applyProgress', true]);
    expect(frames.every((f) => f.id === 42)).toBe(true);
  });
});

describe('LineReader', () => {
  it('splits lines and refuses a line over the limit', () => {
    const lines: string[] = [];
    let overflows = 0;
    const reader = new LineReader(
      (l) => lines.push(l),
      () => overflows++,
      10,
    );
    reader.push('abc\nde');
    reader.push('f\n\n');
    expect(lines).toEqual(['abc', 'def']);
    reader.push('x'.repeat(11));
    expect(overflows).toBe(1);
  });
});

describe('helper socket', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('listens in a folder of its own and answers the client backend, with progress', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-helper-test-'));
    dirs.push(root);
    const socketPath = path.join(root, '1000', 'helper.sock');
    const fake = fakeHost();
    const uid = process.getuid!();
    const helper = await startHelperServer({ handlers: fake.handlers, socketPath, ownerUid: uid });
    try {
      expect(fs.statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o711);
      expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
      const backend = helperBackend({ socketPath });
      const progress: string[] = [];
      const result = await backend.call('apply', { config: exampleConfig() }, { onProgress: (p) => progress.push(p.phase) });
      expect(result).toEqual({ ok: true, applied: [] });
      expect(progress).toEqual(['running', 'done']);
      expect(backend.privilege()).toBe('helper');
      await expect(backend.call('leases', { network: 'docker0' })).rejects.toMatchObject({ code: 'denied' });
      // A raw client cannot slip an unknown operation past the socket either.
      const raw = net.createConnection(socketPath);
      const answer = await new Promise<string>((resolve) => {
        raw.on('data', (d) => resolve(d.toString()));
        raw.write(`${frame('shell', { cmd: 'id' })}\n`);
      });
      raw.destroy();
      expect(JSON.parse(answer)).toMatchObject({ ok: false, error: { code: 'denied' } });
      backend.close();
    } finally {
      await helper.close();
    }
  });

  it('sets aside a socket folder that others can write', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-helper-test-'));
    dirs.push(root);
    const dir = path.join(root, '1000');
    fs.mkdirSync(dir, { mode: 0o777 });
    fs.chmodSync(dir, 0o777);
    fs.writeFileSync(path.join(dir, 'planted'), 'x');
    const helper = await startHelperServer({
      handlers: fakeHost().handlers,
      socketPath: path.join(dir, 'helper.sock'),
      ownerUid: process.getuid!(),
    });
    try {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o711);
      expect(fs.existsSync(path.join(dir, 'planted'))).toBe(false);
      expect(fs.readdirSync(root)).toEqual(['1000']);
    } finally {
      await helper.close();
    }
  });

  it('helper idle: does not exit while a request is in flight, even after its client hung up (security item 9)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-helper-test-'));
    dirs.push(root);
    const socketPath = path.join(root, '1000', 'helper.sock');
    let release!: () => void;
    let started!: () => void;
    const applyStarted = new Promise<void>((resolve) => (started = resolve));
    const handlers = {
      ...fakeHost().handlers,
      apply: async () => {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        return { ok: true, applied: [] };
      },
    };
    const events: string[] = [];
    let idle!: () => void;
    const wentIdle = new Promise<void>((resolve) => (idle = resolve));
    const helper = await startHelperServer({
      handlers,
      socketPath,
      ownerUid: process.getuid!(),
      idleMs: 20,
      onIdle: () => {
        events.push('idle');
        idle();
      },
    });
    try {
      const raw = net.createConnection(socketPath);
      await new Promise((resolve) => raw.once('connect', resolve));
      raw.write(`${frame('apply', { config: exampleConfig() })}\n`);
      await applyStarted;
      raw.destroy();
      // Many idle periods pass with the apply still running: the helper must stay.
      await new Promise((resolve) => setTimeout(resolve, 300));
      events.push('apply done');
      release();
      await wentIdle;
      expect(events).toEqual(['apply done', 'idle']);
    } finally {
      await helper.close();
    }
  });

  it('says plainly when the helper is not running and elevation is not possible', async () => {
    const backend = helperBackend({ socketPath: '/nonexistent/vnet/helper.sock' });
    await expect(backend.call('status', {})).rejects.toMatchObject({ code: 'unavailable', message: /not running/ });
    expect(backend.privilege()).toBe('not-elevated');
  });

  it('never asks for the password from a background poll', async () => {
    let prompts = 0;
    const backend = helperBackend({
      socketPath: '/nonexistent/vnet/helper.sock',
      elevate: () => {
        prompts += 1;
        return { failed: Promise.resolve(new Error('cancelled')) };
      },
    });
    await expect(backend.call('status', {}, { background: true })).rejects.toMatchObject({
      code: 'unavailable',
      message: /not running yet/,
    });
    expect(prompts).toBe(0);
    await expect(backend.call('status', {})).rejects.toMatchObject({ message: /Elevation failed: cancelled/ });
    expect(prompts).toBe(1);
  });

  it('reports cancelled elevation clearly, and nothing runs', async () => {
    const backend = helperBackend({
      socketPath: '/nonexistent/vnet/helper.sock',
      elevate: () => ({ failed: Promise.resolve(new Error('User did not grant permission.; nothing was changed')) }),
      startTimeoutMs: 5000,
    });
    await expect(backend.call('apply', { config: exampleConfig() })).rejects.toMatchObject({
      code: 'unavailable',
      message: /Elevation failed: User did not grant permission.*nothing was changed/,
    });
  });
});

describe('elevation', () => {
  it('builds a constant command from fixed, shell-safe paths only', () => {
    expect(helperCommand({ execPath: '/usr/bin/node', script: '/opt/vnet/dist/helper.cjs', runAsNode: false })).toBe(
      '/usr/bin/node /opt/vnet/dist/helper.cjs',
    );
    expect(helperCommand({ execPath: '/opt/vnet/vnet-editor', script: '/opt/vnet/resources/helper.cjs', runAsNode: true })).toBe(
      'ELECTRON_RUN_AS_NODE=1 /opt/vnet/vnet-editor /opt/vnet/resources/helper.cjs',
    );
    for (const bad of [
      '/home/a b/helper.cjs',
      '/tmp/$(id)/h.cjs',
      '/tmp/`id`',
      '/tmp/x";id;"',
      'relative/helper.cjs',
      '/tmp/../etc/h.cjs',
      '/tmp/x\nid',
    ]) {
      expect(() => helperCommand({ execPath: '/usr/bin/node', script: bad, runAsNode: false })).toThrow(/unsafe on a command line/);
    }
  });

  it('runs sudo-prompt with that command when the polkit action is not installed', async () => {
    const seen: string[] = [];
    const elevation = elevate(
      { execPath: '/usr/bin/node', script: '/opt/vnet/dist/helper.cjs', runAsNode: false },
      {
        exists: () => false,
        sudoExec: ((command: string, options: { name?: string }, callback: (e?: Error, o?: string, s?: string) => void) => {
          seen.push(command, options.name ?? '');
          callback(new Error('User did not grant permission.'), '', '');
        }) as never,
      },
    );
    expect(seen).toEqual(['/usr/bin/node /opt/vnet/dist/helper.cjs', 'Virtual Network Editor']);
    expect((await elevation.failed).message).toMatch(/User did not grant permission.*nothing was changed/);
  });

  it('says what to do when no polkit agent can ask for the password', async () => {
    const elevation = elevate(
      { execPath: '/usr/bin/node', script: '/opt/vnet/dist/helper.cjs', runAsNode: false },
      {
        exists: () => false,
        sudoExec: ((_c: string, _o: unknown, callback: (e?: Error) => void) =>
          callback(new Error('No polkit authentication agent found.'))) as never,
      },
    );
    expect((await elevation.failed).message).toMatch(/agent found.*nothing was changed.*sudo vnet serve/);
  });

  it('runs pkexec on the installed launcher directly when the polkit action is installed', async () => {
    const spawned: string[][] = [];
    const elevation = elevate(
      { execPath: '/usr/bin/node', script: '/opt/vnet/dist/helper.cjs', runAsNode: false },
      {
        exists: () => true,
        spawnPkexec: (file, args) => {
          spawned.push([file, ...args]);
          return {
            on: (event: string, cb: (arg: never) => void) => {
              if (event === 'exit') setTimeout(() => cb(126 as never), 1);
            },
          } as never;
        },
      },
    );
    expect(spawned).toEqual([['/usr/bin/pkexec', '/usr/libexec/vnet-editor/vnet-helper']]);
    expect((await elevation.failed).message).toMatch(/cancelled; nothing was changed/);
  });

  it('serves the user who elevated it', () => {
    expect(invokingUser({ PKEXEC_UID: '1000' })).toEqual({ uid: 1000 });
    expect(invokingUser({ SUDO_UID: '1001', SUDO_GID: '1001' })).toEqual({ uid: 1001, gid: 1001 });
    expect(invokingUser({ PKEXEC_UID: '1000; rm -rf /' })).toEqual({ uid: 0 });
    expect(invokingUser({})).toEqual({ uid: 0 });
  });
});
