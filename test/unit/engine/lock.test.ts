import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lockFile, withLock } from '../../../src-main/engine/lock';
import type { Dirs } from '../../../src-main/paths';

let dirs: Dirs;

beforeEach(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-lock-'));
  dirs = { config: root, state: path.join(root, 'state') };
});

afterEach(() => {
  fs.rmSync(dirs.config, { recursive: true, force: true });
});

it('serialises work: the second waits until the first has finished', async () => {
  const events: string[] = [];
  const work = (name: string) => async () => {
    events.push(`${name} start`);
    await new Promise((r) => setTimeout(r, 150));
    events.push(`${name} end`);
  };
  await Promise.all([withLock(dirs, work('a')), withLock(dirs, work('b'))]);
  expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  expect(fs.existsSync(lockFile(dirs))).toBe(false);
});

it('takes over a lock left by a process that no longer exists', async () => {
  fs.mkdirSync(dirs.state, { recursive: true });
  // pid 2^22+1 is above the kernel's pid_max, so no process can have it.
  fs.writeFileSync(lockFile(dirs), '4194305 12345\n');
  await expect(withLock(dirs, async () => 'done', 2_000)).resolves.toBe('done');
});

it('gives up with a clear message while a live process holds the lock', async () => {
  fs.mkdirSync(dirs.state, { recursive: true });
  const stat = fs.readFileSync('/proc/1/stat', 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  fs.writeFileSync(lockFile(dirs), `1 ${start}\n`);
  await expect(withLock(dirs, async () => 'never', 300)).rejects.toThrow(/another vnet apply is still running .* held by pid 1/);
});

it('releases the lock when the work fails', async () => {
  await expect(withLock(dirs, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(fs.existsSync(lockFile(dirs))).toBe(false);
});
