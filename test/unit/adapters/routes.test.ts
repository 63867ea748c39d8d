// Routes and addresses read with `ip -j` turn back into the `ip` argv that recreates them exactly.
import { describe, expect, it } from 'vitest';
import { addressArgv, isMovableAddress, routeArgv, sameRoute } from '../../../src-main/adapters/routes';
import { batchLine } from '../../../src-main/engine/drivers/bridged/exec';

describe('route and address argv', () => {
  it('keeps metric, source, protocol, scope and onlink', () => {
    expect(
      routeArgv(
        'replace',
        { dst: '10.9.0.0/16', gateway: '192.0.2.254', prefsrc: '192.0.2.10', metric: 50, protocol: 'dhcp', flags: ['onlink'] },
        'br0',
        4,
      ),
    ).toEqual([
      '-4',
      'route',
      'replace',
      '10.9.0.0/16',
      'via',
      '192.0.2.254',
      'dev',
      'br0',
      'proto',
      'dhcp',
      'src',
      '192.0.2.10',
      'metric',
      '50',
      'onlink',
    ]);
    expect(routeArgv('add', { dst: '10.5.0.0/16', scope: 'link' }, 'eth0', 4)).toEqual([
      '-4',
      'route',
      'add',
      '10.5.0.0/16',
      'dev',
      'eth0',
      'scope',
      'link',
    ]);
    expect(routeArgv('add', { dst: 'default', type: 'blackhole' }, 'eth0', 4).slice(0, 5)).toEqual([
      '-4',
      'route',
      'add',
      'blackhole',
      'default',
    ]);
  });

  it('an IPv6 default route stays IPv6 in a batch line', () => {
    const argv = routeArgv('replace', { dst: 'default', gateway: 'fe80::1', metric: 1024 }, 'br0', 6);
    expect(batchLine(argv)).toBe('route replace ::/0 via fe80::1 dev br0 metric 1024');
    expect(batchLine(routeArgv('replace', { dst: 'default', gateway: '192.0.2.1' }, 'br0', 4))).toBe(
      'route replace 0.0.0.0/0 via 192.0.2.1 dev br0',
    );
    expect(batchLine(['link', 'set', 'dev', 'eth0', 'nomaster'])).toBe('link set dev eth0 nomaster');
  });

  it('addresses keep broadcast, scope, noprefixroute and a finite lifetime (a DHCP lease)', () => {
    expect(
      addressArgv(
        'add',
        {
          family: 'inet',
          local: '192.0.2.10',
          prefixlen: 24,
          broadcast: '192.0.2.255',
          scope: 'global',
          valid_life_time: 3000,
          preferred_life_time: 3000,
        },
        'br0',
      ),
    ).toEqual([
      '-4',
      'addr',
      'add',
      '192.0.2.10/24',
      'broadcast',
      '192.0.2.255',
      'valid_lft',
      '3000',
      'preferred_lft',
      '3000',
      'dev',
      'br0',
    ]);
    expect(
      addressArgv('add', { family: 'inet6', local: 'fd42::10', prefixlen: 64, noprefixroute: true, valid_life_time: 4294967295 }, 'br0'),
    ).toEqual(['-6', 'addr', 'add', 'fd42::10/64', 'noprefixroute', 'dev', 'br0']);
    expect(addressArgv('del', { family: 'inet', local: '192.0.2.10', prefixlen: 24, broadcast: '192.0.2.255' }, 'eth0')).toEqual([
      '-4',
      'addr',
      'del',
      '192.0.2.10/24',
      'dev',
      'eth0',
    ]);
  });

  it('moves IPv4 and global IPv6 addresses, never link-local ones', () => {
    expect(isMovableAddress({ family: 'inet', local: '192.0.2.10', prefixlen: 24, scope: 'global' })).toBe(true);
    expect(isMovableAddress({ family: 'inet6', local: 'fd42::10', prefixlen: 64, scope: 'global' })).toBe(true);
    expect(isMovableAddress({ family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' })).toBe(false);
  });

  it('routes are the same when destination, gateway, metric and type match', () => {
    expect(
      sameRoute({ dst: 'default', gateway: '192.0.2.1', metric: 100 }, { dst: 'default', gateway: '192.0.2.1', metric: 100, dev: 'x' }),
    ).toBe(true);
    expect(sameRoute({ dst: 'default', gateway: '192.0.2.1' }, { dst: 'default', gateway: '192.0.2.1', metric: 100 })).toBe(false);
  });
});
