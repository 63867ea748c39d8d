import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src-shared/model';
import { describeHostError, expiryWords, formatDuration, formatRate } from '../../../src-renderer/src/state/words';
import { addRates } from '../../../src-renderer/src/state/rates';
import { topologyLayout } from '../../../src-renderer/src/state/topology';
import { sparkPoints } from '../../../src-renderer/src/components/Sparkline';
import { importKind } from '../../../src-renderer/src/editor/importExport';
import { progressByStep } from '../../../src-renderer/src/editor/ApplyDialog';
import { uplinkCandidates } from '../../../src-renderer/src/state/uplinks';
import { sampleAdapters, sampleLeases } from './fake-host';

describe('words', () => {
  it('formats durations, rates and expiries', () => {
    expect(formatDuration(1800)).toBe('30 minutes');
    expect(formatDuration(90061)).toBe('1 day 1 hour');
    expect(formatRate(999)).toBe('999 B/s');
    expect(formatRate(1_500_000)).toBe('1.5 MB/s');
    expect(expiryWords(null, 0)).toBe('never');
    expect(expiryWords('1970-01-01T00:10:00Z', 0)).toBe('in 10 minutes');
    expect(expiryWords('1970-01-01T00:00:00Z', 5000)).toBe('expired');
  });

  it('says what to do about host errors', () => {
    expect(describeHostError(new Error('elevation was cancelled')).advice).toMatch(/administrator rights/);
    expect(describeHostError(new Error('the web console cannot be reached (Failed to fetch)')).advice).toMatch(/lost its connection/);
    expect(describeHostError(new Error('Step 2 failed; rolled back')).advice).toMatch(/put back as it was/);
    expect(describeHostError('something odd').message).toBe('something odd');
    const gone = Object.assign(new Error('the web console cannot be reached (Failed to fetch)'), { code: 'unavailable' });
    expect(describeHostError(gone).advice).toMatch(/lost its connection/);
    const helper = Object.assign(new Error('the privileged helper is not running yet'), { code: 'unavailable' });
    expect(describeHostError(helper).advice).toMatch(/privileged helper that changes networks is not running/);
    const elevation = Object.assign(new Error('Elevation failed: User did not grant permission.'), { code: 'unavailable' });
    expect(describeHostError(elevation).advice).toMatch(/administrator rights/);
    const invalid = Object.assign(new Error('invalid plan request'), { code: 'invalid' });
    expect(describeHostError(invalid).advice).toMatch(/nothing was changed/);
  });
});

describe('small pure helpers', () => {
  it('keeps the last samples per adapter', () => {
    let history = {};
    for (let i = 0; i < 5; i++) history = addRates(history, [{ name: 'eth0', rxBytesPerSecond: i, txBytesPerSecond: 10 * i }], 3);
    expect(history).toEqual({ eth0: { rx: [2, 3, 4], tx: [20, 30, 40] } });
  });

  it('scales sparkline points to the box', () => {
    expect(sparkPoints([0, 10], 100, 22, 10)).toBe('0.0,21.0 100.0,1.0');
    expect(sparkPoints([], 100, 22, 10)).toBe('');
  });

  it('offers wired, wireless and veth adapters as uplinks, not bridges or their ports', () => {
    const adapters = [
      ...sampleAdapters,
      { ...sampleAdapters[1]!, name: 'veth0', kind: 'veth' as const },
      { ...sampleAdapters[1]!, name: 'eth2', master: 'br-other' },
      { ...sampleAdapters[1]!, name: 'eth3', master: 'vmnet0' },
      { ...sampleAdapters[1]!, name: 'lo', kind: 'loopback' as const },
    ];
    expect(uplinkCandidates(adapters).map((a) => a.name)).toEqual(['eth0', 'eth1', 'wlan0', 'veth0']);
    expect(uplinkCandidates(adapters, 'vmnet0').map((a) => a.name)).toContain('eth3');
  });

  it('tells import formats apart', () => {
    expect(importKind('networks.json', '{}')).toBe('json');
    expect(importKind('default.xml', '<network/>')).toBe('libvirt');
    expect(importKind('networking', 'VERSION=1,0\nanswer VNET_1_DHCP yes')).toBe('vmware');
  });

  it('shows each apply step in its latest phase', () => {
    const steps = progressByStep([
      { step: 1, total: 2, description: 'a', phase: 'running' },
      { step: 1, total: 2, description: 'a', phase: 'done' },
      { step: 2, total: 2, description: 'b', phase: 'failed' },
      { step: 1, total: 2, description: 'a', phase: 'rolled-back' },
    ]);
    expect(steps.map((s) => `${s.step}:${s.phase}`)).toEqual(['1:rolled-back', '2:failed']);
  });

  it('lays out the topology with uplinks, bridges and guests', () => {
    const layout = topologyLayout(defaultConfig(), undefined, sampleLeases, sampleAdapters);
    const ids = layout.nodes.map((n) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining(['outside', 'uplink:eth0', 'host', 'bridge:vmnet0', 'bridge:vmnet8', 'guest:vmnet8:52:54:00:12:34:56']),
    );
    expect(layout.edges).toContainEqual({ from: 'host', to: 'bridge:vmnet1', label: '192.168.56.1' });
    for (const node of layout.nodes) expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
    expect(layout.nodes.filter((n) => !n.up).map((n) => n.id)).toEqual([]);
  });

  it('draws a bridged uplink under its bridge and missing bridges as down', () => {
    const adapters = [
      { ...sampleAdapters[0]!, master: 'vmnet0', defaultRoute: false },
      { ...sampleAdapters[3]!, name: 'vmnet0', defaultRoute: true, managed: true },
    ];
    const status = [
      {
        name: 'vmnet0',
        type: 'bridged' as const,
        up: true,
        uplink: 'eth0',
        bridge: { exists: true, up: true, ports: ['eth0'] },
        addresses: [],
        leases: 0,
        problems: [],
      },
    ];
    const layout = topologyLayout(defaultConfig(), status, [], adapters);
    expect(layout.nodes.filter((n) => n.kind === 'uplink').map((n) => n.id)).toEqual(['uplink:eth0']);
    expect(layout.edges).toContainEqual({ from: 'uplink:eth0', to: 'bridge:vmnet0', label: 'bridged' });
    expect(layout.nodes.filter((n) => !n.up).map((n) => n.id)).toEqual(['bridge:vmnet1', 'bridge:vmnet8']);
  });
});
