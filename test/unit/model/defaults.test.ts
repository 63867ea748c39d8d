import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultAddresses, freeSubnetFor, nextNetworkName, validateConfig } from '../../../src-shared/model';
import { parseCidr, type Cidr } from '../../../src-shared/model/ip';

const cidr = (text: string): Cidr => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(text);
  return r.cidr;
};

describe('defaultConfig', () => {
  it('mirrors VMware: vmnet0 bridged, vmnet1 host-only, vmnet8 NAT', () => {
    const config = defaultConfig();
    expect(config.networks.map((n) => [n.name, n.type])).toEqual([
      ['vmnet0', 'bridged'],
      ['vmnet1', 'hostonly'],
      ['vmnet8', 'nat'],
    ]);
    expect(config.networks[0]).toEqual({ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } });
    expect(config.networks[1]).toMatchObject({
      subnet: '192.168.56.0/24',
      hostAdapter: { enabled: true, address: '192.168.56.1' },
      dhcp: { enabled: true, rangeStart: '192.168.56.128', rangeEnd: '192.168.56.254', leaseSeconds: 1800, reservations: [] },
    });
    expect(config.networks[2]).toMatchObject({
      subnet: '192.168.133.0/24',
      hostAdapter: { address: '192.168.133.1' },
      dhcp: { rangeStart: '192.168.133.128', rangeEnd: '192.168.133.254' },
      nat: { gateway: '192.168.133.2', uplink: 'auto', dns: true, portForwards: [] },
    });
    expect(validateConfig(config).ok).toBe(true);
  });

  it('moves a default subnet that collides with a host route to the next free /24', () => {
    const config = defaultConfig([cidr('192.168.56.0/24'), cidr('192.168.133.0/24'), cidr('192.168.134.0/24')]);
    expect(config.networks[1]).toMatchObject({ subnet: '192.168.57.0/24', hostAdapter: { address: '192.168.57.1' } });
    expect(config.networks[2]).toMatchObject({
      subnet: '192.168.135.0/24',
      nat: { gateway: '192.168.135.2' },
      dhcp: { rangeStart: '192.168.135.128', rangeEnd: '192.168.135.254' },
    });
    expect(validateConfig(config).ok).toBe(true);
  });

  it('avoids a wider route that contains the default subnet', () => {
    const config = defaultConfig([cidr('192.168.0.0/18')]);
    expect(config.networks[1]).toMatchObject({ subnet: '192.168.64.0/24' });
    expect(config.networks[2]).toMatchObject({ subnet: '192.168.133.0/24' });
  });

  it('never gives two networks the same subnet', () => {
    const config = defaultConfig([cidr('192.168.56.0/21')]);
    const subnets = config.networks.flatMap((n) => (n.type === 'bridged' ? [] : [n.subnet]));
    expect(new Set(subnets).size).toBe(subnets.length);
    expect(validateConfig(config).ok).toBe(true);
  });
});

describe('helpers for new networks', () => {
  it('default addresses in a small subnet stay inside it', () => {
    expect(defaultAddresses('10.0.0.0/28')).toEqual({
      host: '10.0.0.1',
      gateway: '10.0.0.2',
      rangeStart: '10.0.0.8',
      rangeEnd: '10.0.0.14',
    });
  });
  it('free subnet and next name skip what the config uses', () => {
    const config = defaultConfig();
    expect(freeSubnetFor(config)).toBe('192.168.57.0/24');
    expect(nextNetworkName(config)).toBe('vmnet1' === config.networks[1]!.name ? 'vmnet2' : 'vmnet1');
  });
});
