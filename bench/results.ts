// The shape of bench/results.json and the facts about the machine a run was made on.
import os from 'node:os';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { ratio, summarize } from './stats';

/** The entries in the order the issue lists them; the table follows it. */
export const ENTRY_ORDER = [
  'bringup-10-nat-vs-libvirt',
  'teardown-10-nat-vs-libvirt',
  'apply-1000-forwards',
  'throughput-1000-vs-1-forwards',
  'nat-throughput-vs-routed',
  'nat66-throughput-vs-routed',
  'forward-throughput-vs-routed',
  'forward-throughput-vs-userspace-proxy',
  'conntrack-floor-vs-routed',
  'conntrack-floor-in-vs-routed',
  'conntrack6-floor-vs-routed',
  'nat-floor-vs-routed',
  'forward-floor-vs-routed',
  'nat66-floor-vs-routed',
  'nat-rules-vs-floor',
  'forward-rules-vs-floor',
  'nat66-rules-vs-floor',
  'noop-apply-vs-node',
  'status-vs-node',
  'dhcp-lease-ms',
  'editor-load-ms',
];

export interface Target {
  /** What the target constrains: the ratio to the baseline, or the value itself. */
  of: 'ratio' | 'value';
  op: '<' | '<=' | '>=';
  limit: number;
}

export interface BenchResult {
  name: string;
  /** Median of the samples. */
  value: number;
  unit: string;
  /** What the value is compared with, in words; null when the entry has no baseline. */
  baseline: string | null;
  baselineValue: number | null;
  /** value / baselineValue (medians). */
  ratio: number | null;
  min: number;
  max: number;
  reps: number;
  /** Every one must be met (e.g. a time limit and a ratio limit). */
  targets?: Target[];
  /** Whether all targets were met; absent when the entry has none. */
  met?: boolean;
}

export interface SkippedEntry {
  name: string;
  reason: string;
}

export interface MachineInfo {
  cpus: number;
  model: string;
  /** Total memory in GiB. */
  memory: number;
  kernel: string;
  node: string;
}

export interface ResultsFile {
  machine: MachineInfo;
  date: string;
  mode: 'quick' | 'full';
  results: BenchResult[];
  skipped: SkippedEntry[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    memory: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

export function meetsTarget(target: Target, value: number, valueRatio: number | null): boolean {
  const x = target.of === 'ratio' ? valueRatio : value;
  if (x === null) return false;
  if (target.op === '<') return x < target.limit;
  if (target.op === '<=') return x <= target.limit;
  return x >= target.limit;
}

export interface EntrySpec {
  name: string;
  unit: string;
  baseline: string | null;
  targets?: Target[];
}

/** Builds an entry from raw samples: medians, min/max of the value, the ratio of medians and the targets' check. */
export function makeResult(spec: EntrySpec, samples: readonly number[], baselineSamples: readonly number[] | null): BenchResult {
  const s = summarize(samples);
  const baselineValue = baselineSamples ? summarize(baselineSamples).median : null;
  const r = baselineValue === null ? null : ratio(s.median, baselineValue);
  const result: BenchResult = {
    name: spec.name,
    value: s.median,
    unit: spec.unit,
    baseline: spec.baseline,
    baselineValue,
    ratio: r,
    min: s.min,
    max: s.max,
    reps: s.reps,
  };
  if (spec.targets && spec.targets.length > 0) {
    result.targets = spec.targets;
    result.met = spec.targets.every((target) => meetsTarget(target, s.median, r));
  }
  return result;
}

/** Writes the file atomically (temp file, then rename) so an interrupted run never leaves half a JSON file. */
export function writeResults(file: string, results: ResultsFile): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temp, file);
}

export function readResults(file: string): ResultsFile {
  return JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
}
