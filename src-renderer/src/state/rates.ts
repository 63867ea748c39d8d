// Keeps the last few traffic samples per adapter for the sparklines.
import type { AdapterRates } from '../../../src-shared/api/types';

export const HISTORY = 60;

export type RateHistory = Record<string, { rx: number[]; tx: number[] }>;

export function addRates(history: RateHistory, samples: readonly AdapterRates[], keep = HISTORY): RateHistory {
  const next: RateHistory = { ...history };
  for (const sample of samples) {
    const old = history[sample.name] ?? { rx: [], tx: [] };
    next[sample.name] = {
      rx: [...old.rx, sample.rxBytesPerSecond].slice(-keep),
      tx: [...old.tx, sample.txBytesPerSecond].slice(-keep),
    };
  }
  return next;
}
