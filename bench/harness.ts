// Runs measurements several times with variants alternated, and reports each
// variant's samples. Every measurement returns one number; failures stop the run.
import { alternationOrder } from './stats';

export interface Variant {
  /** Shown in progress lines, e.g. "vnet apply" or "libvirt net-start". */
  label: string;
  measure: () => Promise<number>;
}

export type Log = (line: string) => void;

/** Runs `rounds` rounds of all variants, alternating their order; returns samples per variant (same order as given). */
export async function alternate(variants: readonly Variant[], rounds: number, log: Log): Promise<number[][]> {
  const samples: number[][] = variants.map(() => []);
  for (const [round, order] of alternationOrder(variants.length, rounds).entries()) {
    for (const index of order) {
      const variant = variants[index]!;
      const value = await variant.measure();
      samples[index]!.push(value);
      log(`  round ${round + 1}/${rounds}  ${variant.label}: ${formatSample(value)}`);
    }
  }
  return samples;
}

function formatSample(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** Wall time of an async action in milliseconds. */
export async function timeMs(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
