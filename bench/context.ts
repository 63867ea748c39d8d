// What every benchmark case gets, and what it gives back.
import type { Cleanup } from './cleanup';
import type { Log } from './harness';
import type { BenchResult, SkippedEntry } from './results';

export interface Settings {
  quick: boolean;
  /** Rounds of bring-up + teardown, ours and libvirt's alternated (libvirt takes ~20 s a round here). */
  bringupRounds: number;
  /** Rounds of `vnet apply` with 1 and with 1,000 forwards. */
  applyRounds: number;
  /** Rounds of the six throughput paths. */
  throughputRounds: number;
  /** iperf3 duration per run, seconds. */
  iperfSeconds: number;
  /** DHCP leases per side (each ~3 s: dnsmasq pings a new address before offering it). */
  dhcpReps: number;
  /** Editor and blank page loads. */
  editorReps: number;
  /** Rounds of a no-op `vnet apply`, `vnet status --json` and `node -e 0` (about a tenth of a second each). */
  cliRounds: number;
}

/**
 * Quick: the whole run stays under 3 minutes on an idle 2-core machine (one bring-up round: libvirt alone takes ~20 s
 * a round), without the time-stamped breakdowns. Full: more and longer runs for the published table. Applies get 15
 * rounds (under a second each): one apply's time spreads ±20% here from one moment to the next (Node's start-up), and
 * with 7 rounds the ratio of the two medians moved from 1.17 to 1.40 between two runs of the same code.
 */
export function settingsFor(quick: boolean): Settings {
  return quick
    ? { quick, bringupRounds: 1, applyRounds: 2, throughputRounds: 2, iperfSeconds: 2, dhcpReps: 3, editorReps: 3, cliRounds: 10 }
    : { quick, bringupRounds: 5, applyRounds: 15, throughputRounds: 5, iperfSeconds: 8, dhcpReps: 9, editorReps: 15, cliRounds: 31 };
}

export interface BenchContext {
  settings: Settings;
  /** The repository root: bin/vnet.cjs, dist/. */
  repoRoot: string;
  log: Log;
  cleanup: Cleanup;
}

export interface Outcome {
  results: BenchResult[];
  skipped: SkippedEntry[];
}

export interface BenchCase {
  /** Short id for `--only`. */
  id: string;
  /** The entries this case measures, so a failure can name them as not measured. */
  entries: readonly string[];
  run(ctx: BenchContext): Promise<Outcome>;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
