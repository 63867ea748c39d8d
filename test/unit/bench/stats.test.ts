// Medians, ratios and the alternation order behind every number the bench reports.
import { describe, expect, it } from 'vitest';
import { alternationOrder, median, ratio, summarize } from '../../../bench/stats';
import { alternate } from '../../../bench/harness';

describe('median and summary', () => {
  it('takes the middle sample of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('does not reorder the caller’s samples', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('reports min, max and the number of repetitions', () => {
    expect(summarize([0.4, 0.2, 0.9, 0.3])).toEqual({ median: 0.35, min: 0.2, max: 0.9, reps: 4 });
  });

  it('refuses an empty sample list instead of inventing a number', () => {
    expect(() => median([])).toThrow(/no samples/);
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('ratio', () => {
  it('divides value by baseline', () => {
    expect(ratio(250, 1000)).toBe(0.25);
  });

  it('gives no ratio against a zero, negative or non-finite baseline', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, -2)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
    expect(ratio(1, Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('alternation', () => {
  it('runs variants forwards on even rounds and backwards on odd ones', () => {
    expect(alternationOrder(2, 4)).toEqual([
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(alternationOrder(3, 2)).toEqual([
      [0, 1, 2],
      [2, 1, 0],
    ]);
  });

  it('collects each variant’s samples in its own list, in the order the variants ran', async () => {
    const ran: string[] = [];
    let clock = 0;
    const variant = (label: string) => ({
      label,
      measure: async () => {
        ran.push(label);
        return ++clock;
      },
    });
    const samples = await alternate([variant('A'), variant('B')], 3, () => undefined);
    expect(ran).toEqual(['A', 'B', 'B', 'A', 'A', 'B']);
    expect(samples).toEqual([
      [1, 4, 5],
      [2, 3, 6],
    ]);
  });

  it('stops at the first failing measurement', async () => {
    const failing = { label: 'F', measure: () => Promise.reject(new Error('iperf3: unable to connect')) };
    await expect(alternate([failing], 2, () => undefined)).rejects.toThrow('unable to connect');
  });
});
