import { describe, expect, it } from 'vitest';
import * as ip from '../../../src-shared/model/ip';

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['192.168.56.1', 0xc0a83801],
    ['255.255.255.255', 0xffffffff],
  ])('parses %s', (text, value) => expect(ip.parseIpv4(text)).toBe(value));
  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-1', '1.2.3.4 ', 'a.b.c.d', '1..2.3', '1.2.3.4\n'])(
    'rejects %j',
    (text) => expect(ip.parseIpv4(text)).toBeUndefined(),
  );
  it('formats back', () => expect(ip.formatIpv4(0xc0a88501)).toBe('192.168.133.1'));
});

describe('parseCidr', () => {
  it('accepts a network address', () => {
    expect(ip.parseCidr('10.0.0.0/8', 8, 30)).toEqual({ ok: true, cidr: { network: 0x0a000000, prefix: 8 } });
  });
  it.each([
    ['192.168.56.1/24', 'hostBits'],
    ['192.168.56.0/31', 'prefix'],
    ['10.0.0.0/7', 'prefix'],
    ['192.168.56.0', 'syntax'],
    ['192.168.56.0/33', 'syntax'],
    ['192.168.56.0/024', 'syntax'],
  ])('rejects %s as %s', (text, reason) => {
    const result = ip.parseCidr(text, 8, 30);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });
});

describe('subnet arithmetic', () => {
  const net = (text: string) => {
    const r = ip.parseCidr(text);
    if (!r.ok) throw new Error(text);
    return r.cidr;
  };
  it('broadcast and netmask', () => {
    expect(ip.formatIpv4(ip.broadcast(net('192.168.56.0/24')))).toBe('192.168.56.255');
    expect(ip.formatIpv4(ip.broadcast(net('10.1.0.0/16')))).toBe('10.1.255.255');
    expect(ip.netmask(net('10.1.0.0/16'))).toBe('255.255.0.0');
    expect(ip.maskToPrefix('255.255.255.0')).toBe(24);
    expect(ip.maskToPrefix('255.0.255.0')).toBeUndefined();
  });
  it('containment and usable hosts', () => {
    const c = net('192.168.56.0/24');
    expect(ip.contains(c, ip.parseIpv4('192.168.56.77')!)).toBe(true);
    expect(ip.contains(c, ip.parseIpv4('192.168.57.1')!)).toBe(false);
    expect(ip.isUsableHost(c, ip.parseIpv4('192.168.56.0')!)).toBe(false);
    expect(ip.isUsableHost(c, ip.parseIpv4('192.168.56.255')!)).toBe(false);
    expect(ip.isUsableHost(c, ip.parseIpv4('192.168.56.254')!)).toBe(true);
  });
  it('overlap in either order', () => {
    expect(ip.overlaps(net('192.168.0.0/16'), net('192.168.56.0/24'))).toBe(true);
    expect(ip.overlaps(net('192.168.56.0/24'), net('192.168.0.0/16'))).toBe(true);
    expect(ip.overlaps(net('192.168.56.0/24'), net('192.168.57.0/24'))).toBe(false);
    expect(ip.overlaps(net('0.0.0.0/0'), net('10.0.0.0/8'))).toBe(true);
  });
  it('next free /24 skips taken ones and wraps', () => {
    expect(ip.nextFree24('192.168.56.0/24', [])).toBe('192.168.56.0/24');
    expect(ip.nextFree24('192.168.56.0/24', [net('192.168.56.0/24'), net('192.168.57.0/24')])).toBe('192.168.58.0/24');
    expect(ip.nextFree24('192.168.255.0/24', [net('192.168.255.0/24')])).toBe('192.168.0.0/24');
    expect(ip.nextFree24('192.168.56.0/24', [net('192.168.0.0/16')])).toBeUndefined();
  });
  it('rebase keeps the offset', () => {
    expect(ip.rebase('192.168.56.128', net('192.168.56.0/24'), net('10.0.5.0/24'))).toBe('10.0.5.128');
    expect(ip.rebase('192.168.56.200', net('192.168.56.0/24'), net('10.0.5.0/25'))).toBeUndefined();
  });
  it('MAC addresses', () => {
    expect(ip.isUnicastMac('52:54:00:12:34:56')).toBe(true);
    expect(ip.isUnicastMac('01:00:5e:00:00:01')).toBe(false);
    expect(ip.isUnicastMac('00:00:00:00:00:00')).toBe(false);
    expect(ip.isUnicastMac('52-54-00-12-34-56')).toBe(false);
    expect(ip.isUnicastMac('52:54:00:12:34')).toBe(false);
  });
});
