// The fingerprint of the app's table: what it covers, and what an older version's recorded
// fingerprint means after an upgrade (nothing known either way, never "changed outside the app").
import { describe, expect, it } from 'vitest';
import { natNetwork, type Config } from '../../../src-shared/model';
import type { NftItem } from '../../../src-main/engine/inspect';
import { planSteps } from '../../../src-main/engine/core';
import { doctorRouted, natState } from '../../../src-main/engine/drivers/routed/health';
import { networkChains } from '../../../src-main/engine/nft';
import { recordedFingerprint, tableFingerprint } from '../../../src-main/engine/table-fingerprint';
import type { HostState } from '../../../src-main/engine/types';
import { appliedHost, DIRS } from './host-state';

// A table as `nft -j -p list table` prints it (protocols as numbers), with the handles of one load.
function listing(handles: number[], guestPort = 5201, version = '1.0.6'): NftItem[] {
  return [
    { metainfo: { version, release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { table: { family: 'inet', name: 'vnet_editor', handle: handles[0] } },
    {
      map: {
        family: 'inet',
        name: 'port_forwards',
        table: 'vnet_editor',
        type: ['inet_proto', 'inet_service'],
        handle: handles[1],
        map: 'ipv4_addr . inet_service',
        elem: [[{ concat: [6, 8080] }, { concat: ['192.168.133.50', guestPort] }]],
      },
    },
    { chain: { family: 'inet', table: 'vnet_editor', name: 'forward', handle: handles[2], type: 'filter', hook: 'forward', prio: 0 } },
  ];
}

// An older version's fingerprint: a bare sha256 in hex.
const OLDER = 'c0ffee'.padEnd(64, '0');

describe('the table fingerprint', () => {
  it('is the same for the same table loaded again (other handles) or listed by another nft release, and differs when an element does', () => {
    const fingerprint = tableFingerprint(listing([1, 2, 3]));
    expect(fingerprint).toMatch(/^v2:[0-9a-f]{64}$/);
    expect(tableFingerprint(listing([7, 11, 12]))).toBe(fingerprint);
    expect(tableFingerprint(listing([1, 2, 3], 5201, '1.1.1'))).toBe(fingerprint);
    expect(tableFingerprint(listing([1, 2, 3], 5202))).not.toBe(fingerprint);
  });

  it('an older version recorded is no fingerprint at all; this version’s, and none, are as recorded', () => {
    const journal = (fingerprint?: string): HostState['journal'] => ({
      version: 1,
      networks: {},
      table: { loaded: true, textDigest: 'd', ...(fingerprint ? { fingerprint } : {}) },
    });
    expect(recordedFingerprint(journal(OLDER))).toBeUndefined();
    const current = tableFingerprint(listing([1, 2, 3]));
    expect(recordedFingerprint(journal(current))).toBe(current);
    expect(recordedFingerprint(journal())).toBeUndefined();
  });
});

describe('after an upgrade, the fingerprint an older version recorded', () => {
  const network = natNetwork('vmnet8', '192.168.133.0/24');
  const config: Config = { version: 1, networks: [network] };
  // The host as the older version left it: its table intact, listed now in this version's format.
  const upgradedHost = (): HostState => {
    const state = appliedHost(config);
    const c = networkChains('vmnet8');
    state.table.rules = { [c.from]: 3, [c.to]: 2, [c.hostFrom]: 1, [c.hostTo]: 1 };
    state.table.fingerprint = tableFingerprint(listing([1, 2, 3]));
    state.journal.table!.fingerprint = OLDER;
    return state;
  };
  const ctx = { dirs: DIRS, config };

  it('makes the next apply reload the table, saying why, not "changed outside the app"', () => {
    const plan = planSteps(config, upgradedHost(), DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['load-ruleset']);
    expect(plan.steps[0]!.operation.description).toMatch(/^Reload \(last recorded by an older version of the app\) the firewall table/);
  });

  it('is not reported by status or doctor as a table changed outside the app', () => {
    const state = upgradedHost();
    expect(natState(network, state)).toMatchObject({ running: true });
    expect(doctorRouted(network, state, ctx).find((c) => c.check === 'NAT rules')).toMatchObject({ status: 'ok' });
    // A fingerprint of this version's that differs is still a change.
    state.journal.table!.fingerprint = tableFingerprint(listing([1, 2, 3], 5202));
    expect(natState(network, state)).toMatchObject({ running: false, detail: 'firewall rules missing or changed outside the app' });
    expect(doctorRouted(network, state, ctx).find((c) => c.check === 'NAT rules')).toMatchObject({
      status: expect.not.stringMatching(/^ok$/) as string,
      detail: 'table inet vnet_editor was changed outside the app',
    });
  });
});
