// Result entries, targets and the tables printed from them.
import { describe, expect, it } from 'vitest';
import { ENTRY_ORDER, makeResult, meetsTarget } from '../../../bench/results';
import { formatMarkdown, formatNumber, formatRatio, formatTable, formatTarget } from '../../../bench/table';
import { performanceDoc } from '../../../bench/docs';

describe('makeResult', () => {
  it('reports medians, the value’s min and max, and the ratio of the medians', () => {
    const r = makeResult({ name: 'bringup-10-nat-vs-libvirt', unit: 'ms', baseline: 'libvirt' }, [300, 100, 200], [1000, 3000]);
    expect(r).toEqual({
      name: 'bringup-10-nat-vs-libvirt',
      value: 200,
      unit: 'ms',
      baseline: 'libvirt',
      baselineValue: 2000,
      ratio: 0.1,
      min: 100,
      max: 300,
      reps: 3,
    });
  });

  it('leaves baseline value and ratio empty when there is no baseline', () => {
    const r = makeResult({ name: 'dhcp-lease-ms', unit: 'ms', baseline: null }, [3], null);
    expect(r.baselineValue).toBeNull();
    expect(r.ratio).toBeNull();
    expect(r.met).toBeUndefined();
  });

  it('checks a ratio target and a value target', () => {
    const bringup = makeResult({ name: 'b', unit: 'ms', baseline: 'l', targets: [{ of: 'ratio', op: '<=', limit: 0.25 }] }, [300], [1000]);
    expect(bringup.met).toBe(false);
    const apply = makeResult({ name: 'a', unit: 's', baseline: 'one', targets: [{ of: 'value', op: '<', limit: 0.5 }] }, [0.49], [0.3]);
    expect(apply.met).toBe(true);
  });

  it('counts an entry with two targets as met only when both are', () => {
    const targets = [
      { of: 'value' as const, op: '<=' as const, limit: 0.25 },
      { of: 'ratio' as const, op: '<=' as const, limit: 1.3 },
    ];
    expect(makeResult({ name: 'a', unit: 's', baseline: 'one', targets }, [0.2], [0.19]).met).toBe(true);
    expect(makeResult({ name: 'a', unit: 's', baseline: 'one', targets }, [0.2], [0.1]).met).toBe(false);
    expect(makeResult({ name: 'a', unit: 's', baseline: 'one', targets }, [0.3], [0.29]).met).toBe(false);
  });
});

describe('meetsTarget', () => {
  it('treats the limit as inclusive for ≤ and ≥ and exclusive for <', () => {
    expect(meetsTarget({ of: 'ratio', op: '>=', limit: 0.95 }, 1, 0.95)).toBe(true);
    expect(meetsTarget({ of: 'ratio', op: '<=', limit: 0.1 }, 1, 0.1)).toBe(true);
    expect(meetsTarget({ of: 'value', op: '<', limit: 0.5 }, 0.5, null)).toBe(false);
  });

  it('never counts a missing ratio as met', () => {
    expect(meetsTarget({ of: 'ratio', op: '>=', limit: 4 }, 10, null)).toBe(false);
  });
});

describe('tables', () => {
  const results = [
    makeResult(
      {
        name: 'apply-1000-forwards',
        unit: 's',
        baseline: 'same network with 1 forward',
        targets: [
          { of: 'value', op: '<', limit: 0.5 },
          { of: 'ratio', op: '<=', limit: 1.6 },
        ],
      },
      [0.31, 0.29, 0.3],
      [0.2],
    ),
    makeResult(
      { name: 'nat-throughput-vs-routed', unit: 'Gbit/s', baseline: 'routed | no NAT', targets: [{ of: 'ratio', op: '>=', limit: 0.95 }] },
      [4.5],
      [5],
    ),
  ];
  const skipped = [{ name: 'bringup-10-nat-vs-libvirt', reason: 'libvirt cannot run here: libvirtd exited' }];

  it('formats numbers with about three significant digits', () => {
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.012');
    expect(formatRatio(0.2345)).toBe('0.23×');
    expect(formatRatio(12.34)).toBe('12.3×');
    expect(formatRatio(null)).toBe('–');
    expect(formatTarget({ of: 'ratio', op: '<=', limit: 0.25 }, 'ms')).toBe('≤ 0.25×');
    expect(formatTarget({ of: 'value', op: '<', limit: 0.5 }, 's')).toBe('< 0.5 s');
  });

  it('prints aligned columns, whether each target was met, and why an entry is missing', () => {
    const text = formatTable(results, skipped);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^entry\s+value\s+min–max\s+baseline/);
    expect(lines[2]).toMatch(
      /^apply-1000-forwards\s+0\.300 s\s+0\.290–0\.310\s+same network with 1 forward\s+0\.200 s\s+1\.50×\s+< 0\.5 s and ≤ 1\.6×\s+yes\s+3$/,
    );
    expect(lines[3]).toMatch(/nat-throughput-vs-routed .* 0\.90× +≥ 0\.95× +NO +1$/);
    expect(lines[4]).toBe('bringup-10-nat-vs-libvirt: not measured: libvirt cannot run here: libvirtd exited');
    // Columns line up: every row's "value" column starts at the same offset.
    const offset = lines[0]!.indexOf('value');
    expect(lines[2]!.slice(offset)).toMatch(/^0\.300 s/);
    expect(lines[3]!.slice(offset)).toMatch(/^4\.50 Gbit\/s/);
  });

  it('writes a Markdown table with pipes in cells escaped and skipped entries as rows', () => {
    const md = formatMarkdown(results, skipped).split('\n');
    expect(md[0]).toBe('| entry | value | min–max | baseline | baseline value | ratio | target | met | reps |');
    expect(md[3]).toContain('routed \\| no NAT');
    expect(md[4]!.startsWith('| bringup-10-nat-vs-libvirt | not measured: libvirt cannot run here')).toBe(true);
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    expect(cells(md[4]!)).toBe(cells(md[0]!));
    expect(cells(md[3]!)).toBe(cells(md[0]!));
  });

  it('puts the machine, the date and the table into the performance section', () => {
    const doc = performanceDoc(
      {
        machine: { cpus: 2, model: 'Test CPU', memory: 23.5, kernel: 'Linux 6.1', node: 'v20.0.0' },
        date: '2026-11-27T21:00:00.000Z',
        mode: 'full',
        results,
        skipped,
      },
      '| table |',
    );
    expect(doc).toMatch(/^## Performance/);
    expect(doc).toContain('2 × Test CPU, 23.5 GiB');
    expect(doc).toContain('2026-11-27');
    expect(doc).toContain('| table |');
  });
});

describe('entry names', () => {
  it('are exactly the issues’ entries (issue 16’s eleven, NAT66 of issue 17), then the floors and the same-namespace rules entries measured beside them', () => {
    expect(ENTRY_ORDER).toEqual([
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
    ]);
  });
});
