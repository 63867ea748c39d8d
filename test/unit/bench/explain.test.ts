// The time-stamped breakdown the bench logs for one apply.
import { describe, expect, it } from 'vitest';
import { explainRun, stampedRun } from '../../../bench/explain';

describe('explainRun', () => {
  it('splits a run into start-up plus first step, the slowest other steps, and the tail', () => {
    const out = explainRun('apply', {
      totalMs: 1000,
      code: 0,
      lines: [
        { ms: 400, text: '[1/3] Create bridge vmnet8 and switch it on' },
        { ms: 450, text: '[2/3] Start the DHCP server for vmnet8' },
        { ms: 900, text: '[3/3] Load the firewall table inet vnet_editor' },
        { ms: 950, text: 'Applied config.json: 3 steps in 0.9s.' },
      ],
    });
    expect(out[0]).toBe('apply: 1000 ms in all, 3 steps');
    expect(out[1]).toMatch(/^\s+400 ms {2}start-up, config, inspection, plan and \[1\/3\] Create bridge/);
    expect(out[2]).toMatch(/^\s+500 ms {2}the other 2 steps; slowest:/);
    expect(out[3]).toMatch(/^\s+450 ms {2}\[3\/3\] Load the firewall table/);
    expect(out[4]).toMatch(/^\s+50 ms {2}\[2\/3\] Start the DHCP server/);
    expect(out.at(-1)).toMatch(/^\s+100 ms {2}after the last step/);
  });

  it('says so when a command prints no steps', () => {
    expect(explainRun('down', { totalMs: 812.4, code: 0, lines: [{ ms: 800, text: 'Removed: 3 steps in 0.7s.' }] })).toEqual([
      'down: 812 ms, no step lines (exit 0)',
    ]);
  });

  it('stamps the lines a real process prints, in order', async () => {
    const run = await stampedRun(process.execPath, ['-e', 'console.log("one"); setTimeout(() => console.error("two"), 50)'], process.env);
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.text)).toEqual(['one', 'two']);
    // Stamps count from before the spawn, and the child prints "two" 50 ms after its own start,
    // so by cause and effect (not by the machine's speed) "two" is stamped at 49 ms or later
    // (1 ms for libuv's millisecond clock). The gap between the two lines is not bounded: under
    // load "one" can be read late.
    expect(run.lines[1]!.ms).toBeGreaterThanOrEqual(49);
    expect(run.lines[1]!.ms).toBeGreaterThanOrEqual(run.lines[0]!.ms);
    expect(run.totalMs).toBeGreaterThanOrEqual(run.lines[1]!.ms);
  });
});
