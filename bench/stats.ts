// Statistics for repeated measurements: medians with min and max, ratios, and the
// order in which alternated variants run.

export interface Summary {
  median: number;
  min: number;
  max: number;
  reps: number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summary of no samples');
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), reps: samples.length };
}

/** value / baseline, or null when the baseline is not a positive number (no ratio can be claimed). */
export function ratio(value: number, baseline: number): number | null {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0) return null;
  return value / baseline;
}

/**
 * The order of variant indexes for each round: forwards on even rounds, backwards on odd
 * ones (A B, B A, A B, ...), so slow drift in the machine's load and warm caches favour no variant.
 */
export function alternationOrder(variants: number, rounds: number): number[][] {
  const forward = Array.from({ length: variants }, (_, i) => i);
  return Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? [...forward] : [...forward].reverse()));
}
