// Plan-time checks on what already runs on the host: DHCP/DNS ports held by another
// program, a foreign DROP forward policy, and the back-off for a DHCP server that keeps crashing.
import { describe, expect, it } from 'vitest';
import { bridgedNetwork, hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { planSteps } from '../../../src-main/engine/core';
import { procNetAddress } from '../../../src-main/engine/inspect';
import { CRASH_WINDOW_MS, dhcpRestartPolicy } from '../../../src-main/engine/dhcp-crashes';
import { doctorRouted, dhcpState } from '../../../src-main/engine/drivers/routed/health';
import type { NatNetwork } from '../../../src-shared/model';
import { appliedHost, DIRS, freshHost } from './host-state';

function config(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')] };
}

describe('DHCP and DNS ports held by another program', () => {
  it('a foreign program on 0.0.0.0:67 is named at networks[i].dhcp.enabled for every DHCP network', () => {
    const state = freshHost();
    state.listeners.push({ protocol: 'udp', address: '0.0.0.0', port: 67, owner: { pid: 321, program: 'socat' } });
    const errors = planSteps(config(), state, DIRS).errors;
    expect(errors.map((e) => e.path)).toEqual([
      ['networks', 0, 'dhcp', 'enabled'],
      ['networks', 1, 'dhcp', 'enabled'],
    ]);
    expect(errors[0]!.message).toMatch(/^UDP port 67 \(DHCP\) is already used by socat \(pid 321\) listening on 0\.0\.0\.0; stop it/);
  });

  it("the app's own dnsmasq on port 67, a listener on another address, or DHCP switched off: no error", () => {
    const state = appliedHost(config());
    const ours = [...state.dhcp.values()].flat()[0]!.pid;
    state.listeners.push(
      { protocol: 'udp', address: '0.0.0.0', port: 67, owner: { pid: ours, program: 'dnsmasq' } },
      { protocol: 'udp', address: '127.0.0.53', port: 53, owner: { pid: 77, program: 'systemd-resolve' } },
      { protocol: 'udp', address: '10.0.0.5', port: 67, owner: { pid: 78, program: 'dhcpd' } },
      // libvirt's dnsmasq (virbr0) shares the wildcard DHCP socket with ours.
      { protocol: 'udp', address: '0.0.0.0', port: 67, owner: { pid: 79, program: 'dnsmasq' } },
    );
    expect(planSteps(config(), state, DIRS).errors).toEqual([]);
    const noDhcp = hostOnlyNetwork('vmnet1', '192.168.56.0/24');
    noDhcp.dhcp.enabled = false;
    const off: Config = { version: 1, networks: [noDhcp, natNetwork('vmnet8', '192.168.133.0/24')] };
    const fresh = freshHost();
    fresh.listeners.push({ protocol: 'udp', address: '::', port: 67, owner: { pid: 5, program: 'dhcpd' } });
    expect(planSteps(off, fresh, DIRS).errors.map((e) => e.path)).toEqual([['networks', 1, 'dhcp', 'enabled']]);
  });

  it('port 53 on the wildcard or the NAT gateway is named at networks[i].nat.dns when DNS is on', () => {
    const state = freshHost();
    state.listeners.push({ protocol: 'udp', address: '192.168.133.2', port: 53, owner: { pid: 9, program: 'named' } });
    const errors = planSteps(config(), state, DIRS).errors;
    expect(errors).toEqual([
      { path: ['networks', 1, 'nat', 'dns'], message: expect.stringMatching(/^UDP port 53 \(DNS\) is already used by named \(pid 9\)/) },
    ]);
    const noDns = config();
    (noDns.networks[1] as NatNetwork).nat.dns = false;
    expect(planSteps(noDns, state, DIRS).errors).toEqual([]);
  });

  it('reads /proc/net addresses: IPv4, the IPv6 wildcard and IPv4-mapped IPv6', () => {
    expect(procNetAddress('0100007F')).toBe('127.0.0.1');
    expect(procNetAddress('00000000000000000000000000000000')).toBe('::');
    expect(procNetAddress('0000000000000000FFFF00000100007F')).toBe('127.0.0.1');
    expect(procNetAddress('B80D0120000000000000000001000000')).toMatch(/^v6:/);
  });
});

describe('a foreign DROP forward policy', () => {
  it('is a plan warning with the fix doctor gives, for NAT networks only', () => {
    const state = freshHost();
    state.foreignDrops.push({ family: 'ip', table: 'filter', chain: 'FORWARD', hook: 'forward', what: 'policy drop' });
    const plan = planSteps(config(), state, DIRS);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /chain FORWARD of table ip filter \(not ours\) has policy drop .*vmnet8.*iptables -I DOCKER-USER -i vmnet8 -j ACCEPT/,
      ),
    ]);
    // Without br_netfilter a host-only network's frames never meet the forward hook.
    const hostOnly: Config = { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] };
    expect(planSteps(hostOnly, state, DIRS).warnings).toEqual([]);
  });

  it('with br_netfilter, also warns that host-only and bridged guests can be cut off, with a fix for their bridged frames', () => {
    const state = freshHost();
    state.bridgeFiltering = true;
    state.foreignDrops.push(
      { family: 'ip', table: 'filter', chain: 'FORWARD', hook: 'forward', what: 'policy drop' },
      { family: 'inet', table: 'firewalld', chain: 'filter_FORWARD', hook: 'forward', what: 'policy drop' },
      // Not met by bridged IPv4 frames: another family, another hook.
      { family: 'ip6', table: 'filter', chain: 'FORWARD', hook: 'forward', what: 'policy drop' },
      { family: 'ip', table: 'filter', chain: 'INPUT', hook: 'input', what: 'policy drop' },
    );
    const withBridged: Config = { version: 1, networks: [...config().networks, bridgedNetwork('vmnet0')] };
    const warnings = planSteps(withBridged, state, DIRS).warnings.filter((w) => /cut off/.test(w));
    expect(warnings).toEqual([
      'chain FORWARD of table ip filter (not ours) has policy drop on forwarded traffic, and frames bridged between guests pass through it (bridge-nf-call-iptables = 1): it can cut off the guests of vmnet1 from each other; to fix: allow the bridge in iptables, e.g. `iptables -I DOCKER-USER -i vmnet1 -o vmnet1 -j ACCEPT` (or `iptables -I FORWARD …` without Docker)',
      'chain filter_FORWARD of table inet firewalld (not ours) has policy drop on forwarded traffic, and frames bridged between guests pass through it (bridge-nf-call-iptables = 1): it can cut off the guests of vmnet1 from each other; to fix: add an accept rule for the bridge to that chain, e.g. `nft insert rule inet firewalld filter_FORWARD iifname "vmnet1" oifname "vmnet1" accept`',
      expect.stringMatching(
        /^chain FORWARD of table ip filter .* cut off the guests of vmnet0 from each other and from the LAN; to fix: .*-i vmnet0 -o vmnet0 -j ACCEPT/,
      ),
      expect.stringMatching(
        /^chain filter_FORWARD of table inet firewalld .* cut off the guests of vmnet0 from each other and from the LAN;/,
      ),
    ]);
    // vmnet8's NAT warning already says to accept what comes from its bridge, bridged frames included.
    expect(planSteps(withBridged, state, DIRS).warnings.filter((w) => /vmnet8/.test(w))).toHaveLength(3);
  });

  it('with br_netfilter, doctor warns on a host-only network with the same fix; without it, no such check', () => {
    const network = hostOnlyNetwork('vmnet1', '192.168.56.0/24');
    const applied = appliedHost({ version: 1, networks: [network] });
    applied.foreignDrops.push({ family: 'inet', table: 'vne_foreign', chain: 'forward_drop', hook: 'forward', what: 'policy drop' });
    const ctx = { dirs: DIRS, config: { version: 1 as const, networks: [network] } };
    expect(doctorRouted(network, applied, ctx).filter((c) => c.check === 'bridge filtering')).toEqual([]);
    applied.bridgeFiltering = true;
    expect(doctorRouted(network, applied, ctx).filter((c) => c.check === 'bridge filtering')).toEqual([
      {
        network: 'vmnet1',
        check: 'bridge filtering',
        status: 'warning',
        detail: expect.stringMatching(
          /^chain forward_drop of table inet vne_foreign \(not ours\) .* cut off the guests of vmnet1 from each other$/,
        ),
        fix: 'add an accept rule for the bridge to that chain, e.g. `nft insert rule inet vne_foreign forward_drop iifname "vmnet1" oifname "vmnet1" accept`',
      },
    ]);
  });
});

describe('a DHCP server that keeps crashing', () => {
  const now = 1_800_000_000_000;

  it('back-off policy: 0 s, 1 s, 2 s, then gives up; old restarts fall out of the 10-minute window', () => {
    expect(dhcpRestartPolicy([], now)).toEqual({ giveUp: false, recent: 0, delayMs: 0 });
    expect(dhcpRestartPolicy([now - 1000], now)).toEqual({ giveUp: false, recent: 1, delayMs: 1000 });
    expect(dhcpRestartPolicy([now - 2000, now - 1000], now)).toEqual({ giveUp: false, recent: 2, delayMs: 2000 });
    expect(dhcpRestartPolicy([now - 3000, now - 2000, now - 1000], now)).toEqual({ giveUp: true, recent: 3 });
    expect(dhcpRestartPolicy([now - CRASH_WINDOW_MS - 1, now - 2000, now - 1000], now)).toEqual({
      giveUp: false,
      recent: 2,
      delayMs: 2000,
    });
  });

  function crashed(history: number[]): ReturnType<typeof appliedHost> {
    const state = appliedHost(config());
    state.dhcp.delete('vmnet8');
    state.dhcpCrashes = new Map([['vmnet8', history]]);
    state.now = now;
    return state;
  }

  it('a dead server is restarted with the back-off delay; after 3 recent restarts the plan leaves it stopped and warns', () => {
    const again = planSteps(config(), crashed([now - 5000]), DIRS);
    const start = again.steps.map((s) => s.operation).find((o) => o.op === 'start-dhcp')!;
    expect(start.description).toMatch(/^Restart the DHCP server for vmnet8, which had stopped \(restart 2 in 10 minutes, after 1 s\)/);
    expect(start.details?.crashRestart).toEqual({ delayMs: 1000 });

    const state = crashed([now - 3000, now - 2000, now - 1000]);
    const plan = planSteps(config(), state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual([]);
    expect(plan.warnings).toEqual([
      'The DHCP server for vmnet8 keeps crashing (3 restarts in 10 minutes); not restarting it again. See `vnet doctor vmnet8`; after fixing the cause run `vnet services restart vmnet8 dhcp`',
    ]);
    const nat = config().networks[1] as NatNetwork;
    expect(dhcpState(nat, state).detail).toMatch(/keeps crashing/);
    const check = doctorRouted(nat, state, { dirs: DIRS, config: config() }).find((c) => c.check === 'DHCP server')!;
    expect(check.status).toBe('problem');
    expect(check.fix).toMatch(/vnet services restart vmnet8 dhcp/);
  });
});
