// A DHCP server that keeps crashing: the engine restarts a dead dnsmasq on apply, but
// with a growing delay, and after a few restarts in a short time it stops trying and
// says so, instead of restarting it forever. The history lives in the state folder.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic-write';
import type { Dirs } from '../paths';

/** Restarts within this window count as "recent". */
export const CRASH_WINDOW_MS = 10 * 60 * 1000;
/** After this many recent restarts the engine gives up and leaves the server stopped. */
export const MAX_RECENT_RESTARTS = 3;
/** The delay before a restart doubles per recent restart, up to this (apply must stay quick). */
export const MAX_RESTART_DELAY_MS = 4000;

export type RestartDecision = { giveUp: false; recent: number; delayMs: number } | { giveUp: true; recent: number };

/** Pure: what to do about a dead DHCP server, given when the engine restarted it before. */
export function dhcpRestartPolicy(history: readonly number[], now: number): RestartDecision {
  const recent = history.filter((t) => t <= now && now - t < CRASH_WINDOW_MS).length;
  if (recent >= MAX_RECENT_RESTARTS) return { giveUp: true, recent };
  const delayMs = recent === 0 ? 0 : Math.min(1000 * 2 ** (recent - 1), MAX_RESTART_DELAY_MS);
  return { giveUp: false, recent, delayMs };
}

/** Recent restarts only: what status and doctor report. */
export function recentRestarts(history: readonly number[] | undefined, now: number): number {
  return (history ?? []).filter((t) => t <= now && now - t < CRASH_WINDOW_MS).length;
}

/** The plain report when the engine gave up on a network's DHCP server. */
export function gaveUpMessage(network: string, recent: number): string {
  return `The DHCP server for ${network} keeps crashing (${recent} restarts in 10 minutes); not restarting it again. See \`vnet doctor ${network}\`; after fixing the cause run \`vnet services restart ${network} dhcp\``;
}

export function crashHistoryFile(dirs: Dirs): string {
  return path.join(dirs.state, 'dhcp-crashes.json');
}

export function readCrashHistory(dirs: Dirs): Map<string, number[]> {
  const out = new Map<string, number[]>();
  try {
    const parsed = JSON.parse(fs.readFileSync(crashHistoryFile(dirs), 'utf8')) as Record<string, unknown>;
    for (const [network, times] of Object.entries(parsed)) {
      if (Array.isArray(times))
        out.set(
          network,
          times.filter((t): t is number => typeof t === 'number'),
        );
    }
  } catch {
    // no history (or a damaged one, which only means no back-off): nothing crashed
  }
  return out;
}

function writeCrashHistory(dirs: Dirs, history: Map<string, number[]>): void {
  const entries = [...history.entries()].filter(([, times]) => times.length > 0);
  if (entries.length === 0) fs.rmSync(crashHistoryFile(dirs), { force: true });
  else writeFileAtomic(crashHistoryFile(dirs), `${JSON.stringify(Object.fromEntries(entries))}\n`);
}

/** Records a restart of a dead server; entries older than the window are dropped. */
export function recordCrashRestart(dirs: Dirs, network: string, now: number): void {
  const history = readCrashHistory(dirs);
  history.set(network, [...(history.get(network) ?? []).filter((t) => now - t < CRASH_WINDOW_MS), now]);
  writeCrashHistory(dirs, history);
}

/** Forgets a network's history: the user restarted it explicitly, or the network is gone. */
export function resetCrashHistory(dirs: Dirs, network: string): void {
  const history = readCrashHistory(dirs);
  if (!history.delete(network)) return;
  writeCrashHistory(dirs, history);
}
