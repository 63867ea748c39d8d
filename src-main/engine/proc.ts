// Reading /proc: tells a live daemon of ours from a zombie, a dead pid or a stranger.
import fs from 'node:fs';
import path from 'node:path';

/** Process start time in clock ticks since boot, or undefined when there is no live (non-zombie) process. */
export function processStartTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return undefined;
  const start = Number(fields[19]);
  return Number.isFinite(start) ? start : undefined;
}

export function processCmdline(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((part) => part !== '');
  } catch {
    return undefined;
  }
}

/** The network namespace a process lives in (`net:[inode]`). */
export function processNetns(pid: number | 'self'): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

let bootMs: number | undefined;

/** Converts start ticks to epoch milliseconds. */
export function ticksToEpochMs(ticks: number): number {
  if (bootMs === undefined) {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    bootMs = btime ? Number(btime[1]) * 1000 : 0;
  }
  // USER_HZ is 100 on every Linux architecture Node supports.
  return bootMs + ticks * 10;
}

export function listPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** True when a process named like one of NAMES runs in this network namespace. */
export function daemonRunsHere(names: string[]): boolean {
  const ownNetns = processNetns('self');
  return listPids().some((pid) => {
    const argv0 = processCmdline(pid)?.[0];
    return argv0 !== undefined && names.includes(path.basename(argv0)) && processNetns(pid) === ownNetns;
  });
}
