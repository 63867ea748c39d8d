// One apply (or down) at a time per state folder. The lock file holds the owner's pid
// and start time; a lock left by a process that died (kill -9) is taken over.
import fs from 'node:fs';
import path from 'node:path';
import type { Dirs } from '../paths';
import { processStartTicks } from './proc';

export function lockFile(dirs: Dirs): string {
  return path.join(dirs.state, 'apply.lock');
}

function ownerAlive(text: string): boolean {
  const [pidText, startText] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const start = processStartTicks(pid);
  return start !== undefined && String(start) === startText;
}

function tryTake(file: string, me: string): boolean {
  try {
    fs.writeFileSync(file, me, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

/** Waits for the lock (up to `timeoutMs`), runs `work`, and always releases it. */
export async function withLock<T>(dirs: Dirs, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  fs.mkdirSync(dirs.state, { recursive: true });
  const file = lockFile(dirs);
  const me = `${process.pid} ${processStartTicks(process.pid) ?? 0}\n`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (tryTake(file, me)) break;
    let holder = '';
    try {
      holder = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // released between our attempts
    }
    if (holder !== '' && !ownerAlive(holder)) {
      // Stale: move it aside under a unique name, then check we moved the stale one and not a fresh lock.
      const aside = `${file}.stale.${process.pid}`;
      try {
        fs.renameSync(file, aside);
        const moved = fs.readFileSync(aside, 'utf8');
        fs.rmSync(aside, { force: true });
        if (moved !== holder && ownerAlive(moved)) fs.writeFileSync(file, moved, { flag: 'wx' });
      } catch {
        // someone else got there first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another vnet apply is still running (lock ${file} held by pid ${holder.split(' ')[0]})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await work();
  } finally {
    try {
      if (fs.readFileSync(file, 'utf8') === me) fs.rmSync(file, { force: true });
    } catch {
      // already gone (e.g. the state folder was deleted under us)
    }
  }
}
