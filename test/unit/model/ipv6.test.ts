import { describe, expect, it } from 'vitest';
import { formatError, validateConfig } from '../../../src-shared/model';
import { canonicalIpv6, formatIpv6, overlaps6, parseIpv6, parsePrefix6, proposeUlaPrefix } from '../../../src-shared/model/ip6';

describe('IPv6 arithmetic', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['FD15:4BA5:5A2B:1008:0:0:0:1', 'fd15:4ba5:5a2b:1008::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['fe80::', 'fe80::'],
  ])('%s is %s in RFC 5952 form', (text, canonical) => {
    expect(formatIpv6(parseIpv6(text)!)).toBe(canonical);
    expect(canonicalIpv6(text)).toBe(canonical);
  });

  it.each([
    '',
    ':',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    'fe80::1%eth0',
    '::ffff:1.2.3.4',
    'g::1',
    '1:2:3:4:5:6:7::8',
  ])('refuses %j', (text) => {
    expect(parseIpv6(text)).toBeUndefined();
  });

  it('parses /64 prefixes and says why others are refused', () => {
    expect(parsePrefix6('fd15:4ba5:5a2b:1008::/64')).toMatchObject({ ok: true });
    expect(parsePrefix6('2001:db8:1:2::/64')).toMatchObject({ ok: true });
    expect(parsePrefix6('fd15::/48')).toMatchObject({ ok: false, reason: 'length', length: 48 });
    expect(parsePrefix6('fd15::1/64')).toMatchObject({ ok: false, reason: 'hostBits', network: 'fd15::/64' });
    expect(parsePrefix6('fe80::/64')).toMatchObject({ ok: false, reason: 'scope' });
    expect(parsePrefix6('ff02::/64')).toMatchObject({ ok: false, reason: 'scope' });
    expect(parsePrefix6('fd15::')).toMatchObject({ ok: false, reason: 'syntax' });
  });

  it('overlap compares the shorter prefix', () => {
    const a = parsePrefix6('fd00:1::/64');
    const b = parsePrefix6('fd00:1:0:0::/64');
    const c = parsePrefix6('fd00:1:0:1::/64');
    if (!a.ok || !b.ok || !c.ok) throw new Error('fixture');
    expect(overlaps6(a.prefix, b.prefix)).toBe(true);
    expect(overlaps6(a.prefix, c.prefix)).toBe(false);
  });

  it("proposes VMware's prefix for vmnetNN and a random ULA otherwise", () => {
    expect(proposeUlaPrefix('vmnet8')).toBe('fd15:4ba5:5a2b:1008::/64');
    expect(proposeUlaPrefix('vmnet19')).toBe('fd15:4ba5:5a2b:1019::/64');
    const random = proposeUlaPrefix('lab', () => 0.5);
    expect(random).toBe('fd80:8080:8080::/64');
    expect(parsePrefix6(random)).toMatchObject({ ok: true });
  });
});

function config(networks: unknown[]): unknown {
  return { version: 1, networks };
}

const hostonly = (ipv6: unknown, extra: object = {}) => ({
  name: 'vmnet1',
  type: 'hostonly',
  subnet: '192.168.56.0/24',
  hostAdapter: { enabled: true, address: '192.168.56.1' },
  dhcp: { enabled: true, rangeStart: '192.168.56.128', rangeEnd: '192.168.56.254' },
  ipv6,
  ...extra,
});
const nat = (ipv6: unknown) => ({
  name: 'vmnet8',
  type: 'nat',
  subnet: '192.168.133.0/24',
  hostAdapter: { enabled: true, address: '192.168.133.1' },
  dhcp: { enabled: true, rangeStart: '192.168.133.128', rangeEnd: '192.168.133.254' },
  nat: { gateway: '192.168.133.2' },
  ipv6,
});
const good6 = { prefix: 'fd15:4ba5:5a2b:1008::/64', hostAddress: 'fd15:4ba5:5a2b:1008::1', gateway: 'fd15:4ba5:5a2b:1008::2' };

function errorsOf(input: unknown): string[] {
  const result = validateConfig(input);
  return result.ok ? [] : result.errors.map(formatError);
}

describe('the ipv6 block', () => {
  it('accepts the DESIGN example on NAT and a host-only prefix without gateway', () => {
    expect(errorsOf(config([nat(good6), hostonly({ prefix: 'fd15:4ba5:5a2b:1001::/64', hostAddress: 'fd15:4ba5:5a2b:1001::1' })]))).toEqual(
      [],
    );
  });

  it('is refused on a bridged network, naming the key', () => {
    const errors = errorsOf(config([{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' }, ipv6: good6 }]));
    expect(errors).toEqual([expect.stringMatching(/^networks\[0\]\.ipv6: .*host-only and NAT/)]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['prefix not /64', { ...good6, prefix: 'fd15:4ba5:5a2b::/48' }, 'networks[0].ipv6.prefix', /exactly \/64/],
    ['prefix host bits', { ...good6, prefix: 'fd15:4ba5:5a2b:1008::1/64' }, 'networks[0].ipv6.prefix', /fd15:4ba5:5a2b:1008::\/64/],
    ['prefix link-local', { ...good6, prefix: 'fe80::/64' }, 'networks[0].ipv6.prefix', /not a unicast prefix/],
    ['prefix garbage', { ...good6, prefix: '192.168.1.0/24' }, 'networks[0].ipv6.prefix', /not an IPv6 prefix/],
    ['host outside', { ...good6, hostAddress: 'fd15:4ba5:5a2b:1009::1' }, 'networks[0].ipv6.hostAddress', /outside.*1008::\/64/],
    ['host all-zero', { ...good6, hostAddress: 'fd15:4ba5:5a2b:1008::' }, 'networks[0].ipv6.hostAddress', /all-zero/],
    ['host not an address', { ...good6, hostAddress: 'nope' }, 'networks[0].ipv6.hostAddress', /not an IPv6 address/],
    ['gateway missing on NAT', { prefix: good6.prefix, hostAddress: good6.hostAddress }, 'networks[0].ipv6.gateway', /missing/],
    ['gateway equals host', { ...good6, gateway: 'fd15:4ba5:5a2b:1008:0::1' }, 'networks[0].ipv6.gateway', /must differ/],
    ['gateway outside', { ...good6, gateway: '2001:db8::2' }, 'networks[0].ipv6.gateway', /outside/],
    ['unknown key', { ...good6, dhcp6: true }, 'networks[0].ipv6.dhcp6', /unknown key/],
  ])('%s', (_what, ipv6, path, message) => {
    const errors = errorsOf(config([nat(ipv6)]));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: `));
    expect(errors[0]).toMatch(message);
  });

  it('refuses a gateway on host-only', () => {
    expect(errorsOf(config([hostonly(good6)]))).toEqual([expect.stringMatching(/^networks\[0\]\.ipv6\.gateway: .*host-only/)]);
  });

  it('refuses two networks with overlapping prefixes, naming the second', () => {
    const errors = errorsOf(config([nat(good6), hostonly({ prefix: 'fd15:4ba5:5a2b:1008::/64', hostAddress: 'fd15:4ba5:5a2b:1008::9' })]));
    expect(errors).toEqual([
      expect.stringMatching(/^networks\[1\]\.ipv6\.prefix: .*overlaps fd15:4ba5:5a2b:1008::\/64 of networks\[0\] \("vmnet8"\)/),
    ]);
  });
});
