import { describe, expect, it } from 'vitest';
import { classifyAdapters, riskReason, type AdapterFacts, type SysFacts } from '../../../src-main/adapters/classify';
import type { IpLink } from '../../../src-main/adapters/ip-json';

const link = (ifname: string, extra: Partial<IpLink> = {}): IpLink => ({
  ifindex: 1,
  ifname,
  flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
  mtu: 1500,
  operstate: 'UP',
  link_type: 'ether',
  address: '52:54:00:00:00:01',
  ...extra,
});

const hw: SysFacts = { wireless: false, hasDevice: true, speedMbps: 1000 };

function facts(over: Partial<AdapterFacts> = {}): AdapterFacts {
  return {
    links: [
      link('lo', { link_type: 'loopback', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', address: '00:00:00:00:00:00' }),
      link('enp3s0', { master: 'vmnet0' }),
      link('wlp2s0'),
      link('docker0', { linkinfo: { info_kind: 'bridge' } }),
      link('vmnet0', { linkinfo: { info_kind: 'bridge' } }),
      link('vmnet8', { linkinfo: { info_kind: 'bridge' } }),
      link('veth1a', { linkinfo: { info_kind: 'veth' }, master: 'docker0' }),
      link('tap0', { linkinfo: { info_kind: 'tun', info_data: { type: 'tap' } }, flags: ['BROADCAST'], operstate: 'DOWN' }),
      link('dummy0', { linkinfo: { info_kind: 'dummy' } }),
    ],
    addresses: [
      { ifname: 'vmnet0', addr_info: [{ family: 'inet', local: '192.168.1.20', prefixlen: 24 }] },
      { ifname: 'vmnet8', addr_info: [{ family: 'inet', local: '192.168.133.1', prefixlen: 24 }] },
    ],
    routes: [
      { dst: 'default', gateway: '192.168.1.1', dev: 'vmnet0' },
      { dst: '192.168.1.0/24', dev: 'vmnet0', protocol: 'kernel', scope: 'link' },
    ],
    sys: new Map<string, SysFacts>([
      ['enp3s0', hw],
      ['wlp2s0', { wireless: true, hasDevice: true }],
    ]),
    ownBridges: new Set(['vmnet0', 'vmnet8']),
    bridgedUplinks: new Set(['enp3s0']),
    ...over,
  };
}

describe('host adapter classifier', () => {
  const byName = (f = facts()) => new Map(classifyAdapters(f).map((a) => [a.name, a]));

  it('tells each kind apart', () => {
    const kinds = Object.fromEntries([...byName()].map(([n, a]) => [n, a.kind]));
    expect(kinds).toEqual({
      lo: 'loopback',
      enp3s0: 'physical',
      wlp2s0: 'wireless',
      docker0: 'bridge',
      vmnet0: 'vnet',
      vmnet8: 'vnet',
      veth1a: 'veth',
      tap0: 'tap',
      dummy0: 'other',
    });
  });

  it('marks the default-route adapter and bridged uplinks risky, nothing else', () => {
    const adapters = byName();
    expect([...adapters.values()].filter((a) => a.risky).map((a) => a.name)).toEqual(['enp3s0', 'vmnet0']);
    expect(adapters.get('vmnet0')!.defaultRoute).toBe(true);
    expect(adapters.get('enp3s0')!.defaultRoute).toBe(false);
    expect(riskReason(adapters.get('vmnet0')!)).toMatch(/carries the default route/);
    expect(riskReason(adapters.get('enp3s0')!)).toMatch(/uplink of a bridged network/);
    expect(riskReason(adapters.get('docker0')!)).toBeUndefined();
  });

  it('an uplink enslaved to one of our bridges is risky even without a journal entry', () => {
    const adapters = byName(facts({ bridgedUplinks: new Set() }));
    expect(adapters.get('enp3s0')!.risky).toBe(true);
    expect(adapters.get('veth1a')!.risky).toBe(false);
  });

  it('reports state, addresses, speed, master and managed', () => {
    const adapters = byName();
    expect(adapters.get('enp3s0')).toMatchObject({
      adminUp: true,
      operState: 'up',
      speedMbps: 1000,
      master: 'vmnet0',
      managed: false,
      mtu: 1500,
    });
    expect(adapters.get('vmnet8')).toMatchObject({ managed: true, addresses: ['192.168.133.1/24'] });
    expect(adapters.get('tap0')).toMatchObject({ adminUp: false, operState: 'down' });
    expect(adapters.get('lo')!.mac).toBeUndefined();
  });

  it('a bridge that is not ours is just a bridge, and not managed', () => {
    const adapters = byName(facts({ ownBridges: new Set() }));
    expect(adapters.get('vmnet0')).toMatchObject({ kind: 'bridge', managed: false, risky: true });
  });

  it('an IPv6-only default route also counts', () => {
    const adapters = byName(facts({ routes: [{ dst: 'default', gateway: 'fe80::1', dev: 'wlp2s0' }] }));
    expect(adapters.get('wlp2s0')).toMatchObject({ defaultRoute: true, risky: true });
  });
});
