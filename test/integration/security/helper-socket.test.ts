// Item 1 of the security review: the root helper must never act on a path the user it
// serves can change. The served user here is a real other uid (nobody), and its attempts
// run as that uid in a child process, so the kernel's own permission checks decide.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHelperServer } from '../../../src-main/helper/server';
import { fakeHost } from '../../unit/helper/fakes';

const NOBODY = 65534;
const OTHER = 65533;

/** Runs a small script as `uid` (asynchronously: the helper answers from this process); returns what it printed. */
function runAs(uid: number, script: string, ...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, ...args], { uid, gid: uid, encoding: 'utf8', timeout: 20_000 }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`.trim()),
    );
  });
}

const SWAP_FOR_LINK = `
const fs = require('fs');
const [sock, target] = process.argv.slice(1);
try { fs.symlinkSync(target, sock + '.link'); fs.renameSync(sock + '.link', sock); console.log('swapped'); }
catch (e) { console.log(e.code); }`;

const CONNECT = `
const net = require('net');
const s = net.createConnection(process.argv[1]);
s.on('connect', () => { s.write(JSON.stringify({ id: 1, channel: 'status', request: {} }) + '\\n'); });
s.on('data', (d) => { console.log(JSON.parse(String(d)).ok ? 'answered' : 'refused'); s.destroy(); });
s.on('error', (e) => console.log(e.code));`;

describe('helper socket folder (security item 1)', () => {
  const roots: string[] = [];
  beforeAll(() => {
    expect(process.getuid?.(), 'these checks switch to other uids, so they run as root').toBe(0);
  });
  afterEach(() => {
    for (const d of roots.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const newRoot = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-sock-'));
    fs.chmodSync(root, 0o755);
    roots.push(root);
    return path.join(root, 'run');
  };

  it('helper socket: the served user cannot swap the socket for a link (root would chmod/chown the target)', async () => {
    const runtime = newRoot();
    const socketPath = path.join(runtime, String(NOBODY), 'helper.sock');
    const target = path.join(path.dirname(runtime), 'root-file');
    fs.writeFileSync(target, 'root only\n', { mode: 0o644 });
    const helper = await startHelperServer({ handlers: fakeHost().handlers, socketPath, ownerUid: NOBODY, ownerGid: NOBODY });
    try {
      expect(await runAs(NOBODY, SWAP_FOR_LINK, socketPath, target)).toBe('EACCES');
      const folder = fs.lstatSync(path.dirname(socketPath));
      expect({ uid: folder.uid, writableByOthers: (folder.mode & 0o022) !== 0 }).toEqual({ uid: 0, writableByOthers: false });
      expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
      // The socket is still theirs to use, and no one else's.
      const sock = fs.lstatSync(socketPath);
      expect({ uid: sock.uid, mode: sock.mode & 0o777 }).toEqual({ uid: NOBODY, mode: 0o600 });
      expect(await runAs(NOBODY, CONNECT, socketPath)).toBe('answered');
      expect(await runAs(OTHER, CONNECT, socketPath)).toBe('EACCES');
    } finally {
      await helper.close();
    }
    const after = fs.statSync(target);
    expect({ uid: after.uid, mode: after.mode & 0o777 }).toEqual({ uid: 0, mode: 0o644 });
  });

  it('helper socket: a folder the user planted is set aside without following links inside it', async () => {
    const runtime = newRoot();
    const dir = path.join(runtime, String(NOBODY));
    fs.mkdirSync(dir, { recursive: true });
    const victim = path.join(path.dirname(runtime), 'victim');
    fs.mkdirSync(victim);
    fs.writeFileSync(path.join(victim, 'keep'), 'x');
    fs.symlinkSync(victim, path.join(dir, 'sub'));
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'nested', 'file'), 'x');
    fs.chownSync(dir, NOBODY, NOBODY);
    fs.chmodSync(dir, 0o700);
    const helper = await startHelperServer({ handlers: fakeHost().handlers, socketPath: path.join(dir, 'helper.sock'), ownerUid: NOBODY });
    try {
      expect(fs.lstatSync(dir).uid).toBe(0);
      expect(fs.existsSync(path.join(victim, 'keep'))).toBe(true);
    } finally {
      await helper.close();
    }
  });

  it('helper socket: refuses a runtime folder someone else can write', async () => {
    const runtime = newRoot();
    fs.mkdirSync(runtime, { mode: 0o777 });
    fs.chmodSync(runtime, 0o777);
    await expect(
      startHelperServer({ handlers: fakeHost().handlers, socketPath: path.join(runtime, String(NOBODY), 'helper.sock'), ownerUid: NOBODY }),
    ).rejects.toThrow(/refusing the helper's runtime folder .*run: it must be a folder owned by uid 0/);
  });
});
