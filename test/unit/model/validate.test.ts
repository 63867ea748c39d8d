import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError, formatPath, parseConfigText, validateConfig } from '../../../src-shared/model';

const example = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/example.json'), 'utf8'));
const clone = () => JSON.parse(JSON.stringify(example));

type Mutation = (c: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

// [what, mutation, expected path, fragment of the message]
const invalid: [string, Mutation, string, RegExp][] = [
  ['version 2', (c) => (c.version = 2), 'version', /version 1/],
  ['missing networks', (c) => delete c.networks, 'networks', /missing/],
  ['unknown top-level key', (c) => (c.extra = true), 'extra', /unknown key/],
  ['unknown nested key', (c) => (c.networks[2].dhcp.foo = 1), 'networks[2].dhcp.foo', /unknown key/],
  ['nat on host-only', (c) => (c.networks[1].nat = c.networks[2].nat), 'networks[1].nat', /only NAT/],
  ['subnet on bridged', (c) => (c.networks[0].subnet = '10.0.0.0/24'), 'networks[0].subnet', /host-only and NAT/],
  ['bridge on nat', (c) => (c.networks[2].bridge = { uplink: 'auto' }), 'networks[2].bridge', /only bridged/],
  ['bad type', (c) => (c.networks[1].type = 'internal'), 'networks[1].type', /bridged.*hostonly.*nat/],
  ['name wrong type', (c) => (c.networks[1].name = 5), 'networks[1].name', /must be text/],
  ['name too long', (c) => (c.networks[1].name = 'abcdefghijklmnop'), 'networks[1].name', /16 characters.*15/],
  ['name starts with digit', (c) => (c.networks[1].name = '1vmnet'), 'networks[1].name', /start with a letter/],
  ['name bad char', (c) => (c.networks[1].name = 'vm net'), 'networks[1].name', /letters, digits/],
  ['name empty', (c) => (c.networks[1].name = ''), 'networks[1].name', /empty/],
  ['duplicate name', (c) => (c.networks[2].name = 'vmnet1'), 'networks[2].name', /already used by networks\[1\]/],
  ['label too long', (c) => (c.networks[1].label = 'x'.repeat(65)), 'networks[1].label', /at most 64/],
  ['label control char', (c) => (c.networks[1].label = 'a\nb'), 'networks[1].label', /control characters/],
  ['subnet not cidr', (c) => (c.networks[1].subnet = '192.168.56.0'), 'networks[1].subnet', /CIDR/],
  ['subnet prefix 31', (c) => (c.networks[1].subnet = '192.168.56.0/31'), 'networks[1].subnet', /\/8 to \/30/],
  ['subnet prefix 7', (c) => (c.networks[1].subnet = '192.0.0.0/7'), 'networks[1].subnet', /\/8 to \/30/],
  ['subnet host bits', (c) => (c.networks[1].subnet = '192.168.56.1/24'), 'networks[1].subnet', /host bits.*192\.168\.56\.0\/24/],
  [
    'subnets overlap',
    (c) => {
      c.networks[2].subnet = '192.168.0.0/16';
      c.networks[2].hostAdapter.address = '192.168.133.1';
    },
    'networks[2].subnet',
    /overlaps/,
  ],
  [
    'host address outside',
    (c) => (c.networks[1].hostAdapter.address = '192.168.57.1'),
    'networks[1].hostAdapter.address',
    /outside.*192\.168\.56\.0\/24/,
  ],
  [
    'host address network',
    (c) => (c.networks[1].hostAdapter.address = '192.168.56.0'),
    'networks[1].hostAdapter.address',
    /network address/,
  ],
  ['host address broadcast', (c) => (c.networks[1].hostAdapter.address = '192.168.56.255'), 'networks[1].hostAdapter.address', /broadcast/],
  [
    'host address not ip',
    (c) => (c.networks[1].hostAdapter.address = '192.168.56.300'),
    'networks[1].hostAdapter.address',
    /not an IPv4 address/,
  ],
  ['host enabled not bool', (c) => (c.networks[1].hostAdapter.enabled = 'yes'), 'networks[1].hostAdapter.enabled', /true or false/],
  ['gateway outside', (c) => (c.networks[2].nat.gateway = '10.0.0.2'), 'networks[2].nat.gateway', /outside/],
  ['gateway equals host', (c) => (c.networks[2].nat.gateway = '192.168.133.1'), 'networks[2].nat.gateway', /must differ/],
  ['range end before start', (c) => (c.networks[2].dhcp.rangeEnd = '192.168.133.100'), 'networks[2].dhcp.rangeEnd', /before its start/],
  ['range end outside', (c) => (c.networks[2].dhcp.rangeEnd = '192.168.134.10'), 'networks[2].dhcp.rangeEnd', /outside/],
  ['range start bad', (c) => (c.networks[2].dhcp.rangeStart = 'x'), 'networks[2].dhcp.rangeStart', /not an IPv4/],
  ['range contains host', (c) => (c.networks[1].dhcp.rangeStart = '192.168.56.1'), 'networks[1].dhcp.rangeStart', /host adapter address/],
  ['range contains gateway', (c) => (c.networks[2].dhcp.rangeStart = '192.168.133.2'), 'networks[2].dhcp.rangeStart', /gateway/],
  ['lease too short', (c) => (c.networks[2].dhcp.leaseSeconds = 119), 'networks[2].dhcp.leaseSeconds', /120/],
  ['lease too long', (c) => (c.networks[2].dhcp.leaseSeconds = 31536001), 'networks[2].dhcp.leaseSeconds', /31536000/],
  ['lease fraction', (c) => (c.networks[2].dhcp.leaseSeconds = 1800.5), 'networks[2].dhcp.leaseSeconds', /whole number/],
  [
    'reservation bad mac',
    (c) => (c.networks[2].dhcp.reservations[0].mac = '52:54:00:12:34'),
    'networks[2].dhcp.reservations[0].mac',
    /MAC/,
  ],
  [
    'reservation multicast mac',
    (c) => (c.networks[2].dhcp.reservations[0].mac = '01:54:00:12:34:56'),
    'networks[2].dhcp.reservations[0].mac',
    /unicast/,
  ],
  [
    'reservation duplicate mac',
    (c) => c.networks[2].dhcp.reservations.push({ mac: '52:54:00:12:34:56', address: '192.168.133.51' }),
    'networks[2].dhcp.reservations[1].mac',
    /already reserved/,
  ],
  [
    'reservation duplicate address',
    (c) => c.networks[2].dhcp.reservations.push({ mac: '52:54:00:12:34:57', address: '192.168.133.50' }),
    'networks[2].dhcp.reservations[1].address',
    /already reserved/,
  ],
  [
    'reservation outside',
    (c) => (c.networks[2].dhcp.reservations[0].address = '192.168.56.50'),
    'networks[2].dhcp.reservations[0].address',
    /outside/,
  ],
  [
    'reservation bad hostname',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = 'web_1'),
    'networks[2].dhcp.reservations[0].hostname',
    /host name/,
  ],
  [
    'reservation hostname leading dash',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = '-web'),
    'networks[2].dhcp.reservations[0].hostname',
    /host name/,
  ],
  [
    'reservation hostname "ignore", a dnsmasq keyword (security item 5)',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = 'ignore'),
    'networks[2].dhcp.reservations[0].hostname',
    /"ignore" cannot be a host name: the DHCP server reads it as a setting/,
  ],
  [
    'reservation hostname "infinite", a dnsmasq keyword (security item 5)',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = 'infinite'),
    'networks[2].dhcp.reservations[0].hostname',
    /"infinite" cannot be a host name: the DHCP server reads it as a setting/,
  ],
  [
    'reservation hostname "2m", a dnsmasq keyword (security item 5)',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = '2m'),
    'networks[2].dhcp.reservations[0].hostname',
    /"2m" cannot be a host name: the DHCP server reads it as a setting/,
  ],
  [
    'reservation hostname "3600", a dnsmasq keyword (security item 5)',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = '3600'),
    'networks[2].dhcp.reservations[0].hostname',
    /"3600" cannot be a host name: the DHCP server reads it as a setting/,
  ],
  [
    'reservation hostname "IGNORE", a dnsmasq keyword (security item 5)',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = 'IGNORE'),
    'networks[2].dhcp.reservations[0].hostname',
    /"IGNORE" cannot be a host name: the DHCP server reads it as a setting/,
  ],
  [
    'reservation hostname "1w", a dnsmasq keyword (security item 5)',
    (c) => (c.networks[2].dhcp.reservations[0].hostname = '1w'),
    'networks[2].dhcp.reservations[0].hostname',
    /"1w" cannot be a host name: the DHCP server reads it as a setting/,
  ],
  [
    'forward bad protocol',
    (c) => (c.networks[2].nat.portForwards[0].protocol = 'icmp'),
    'networks[2].nat.portForwards[0].protocol',
    /"tcp", "udp"/,
  ],
  ['forward host port 0', (c) => (c.networks[2].nat.portForwards[0].hostPort = 0), 'networks[2].nat.portForwards[0].hostPort', /1-65535/],
  [
    'forward guest port 65536',
    (c) => (c.networks[2].nat.portForwards[0].guestPort = 65536),
    'networks[2].nat.portForwards[0].guestPort',
    /1-65535/,
  ],
  [
    'forward guest outside',
    (c) => (c.networks[2].nat.portForwards[0].guestAddress = '192.168.56.50'),
    'networks[2].nat.portForwards[0].guestAddress',
    /outside 192\.168\.133\.0\/24|outside the network/,
  ],
  [
    'forward duplicate',
    (c) => c.networks[2].nat.portForwards.push({ ...c.networks[2].nat.portForwards[0] }),
    'networks[2].nat.portForwards[1].hostPort',
    /already forwarded/,
  ],
  [
    'forward description long',
    (c) => (c.networks[2].nat.portForwards[0].description = 'd'.repeat(129)),
    'networks[2].nat.portForwards[0].description',
    /at most 128/,
  ],
  [
    'forward description control',
    (c) => (c.networks[2].nat.portForwards[0].description = 'a\u0007'),
    'networks[2].nat.portForwards[0].description',
    /control/,
  ],
  ['bridged uplink bad name', (c) => (c.networks[0].bridge.uplink = 'eth0;rm'), 'networks[0].bridge.uplink', /interface name/],
  ['bridged uplink is ours', (c) => (c.networks[0].bridge.uplink = 'vmnet1'), 'networks[0].bridge.uplink', /virtual networks/],
  [
    'two bridged on one uplink',
    (c) => c.networks.push({ name: 'vmnet2', type: 'bridged', bridge: { uplink: 'auto' } }),
    'networks[3].bridge.uplink',
    /already bridged by networks\[0\]/,
  ],
  ['exclude bad name', (c) => (c.networks[0].bridge.exclude = ['ok0', 'no way']), 'networks[0].bridge.exclude[1]', /letters, digits/],
  ['nat uplink bad', (c) => (c.networks[2].nat.uplink = '../etc'), 'networks[2].nat.uplink', /interface name/],
  // Optional fields added in version 1.
  ['range start without end', (c) => delete c.networks[1].dhcp.rangeEnd, 'networks[1].dhcp.rangeEnd', /missing.*both/],
  ['range end without start', (c) => delete c.networks[2].dhcp.rangeStart, 'networks[2].dhcp.rangeStart', /missing.*both/],
  ['mtu too small', (c) => (c.networks[1].mtu = 575), 'networks[1].mtu', /576 to 9000/],
  ['mtu too large', (c) => (c.networks[0].mtu = 9001), 'networks[0].mtu', /576 to 9000/],
  ['mtu fraction', (c) => (c.networks[2].mtu = 1400.5), 'networks[2].mtu', /whole number/],
  ['mtu as text', (c) => (c.networks[2].mtu = '1400'), 'networks[2].mtu', /must be a number/],
  ['domain on bridged', (c) => (c.networks[0].domain = 'lan'), 'networks[0].domain', /host-only and NAT/],
  ['domain empty label', (c) => (c.networks[2].domain = 'lab..example'), 'networks[2].domain', /empty label/],
  ['domain trailing dot', (c) => (c.networks[2].domain = 'localdomain.'), 'networks[2].domain', /empty label/],
  ['domain bad label', (c) => (c.networks[2].domain = 'lab.-x'), 'networks[2].domain', /label "-x"/],
  ['domain with space', (c) => (c.networks[1].domain = 'my lab'), 'networks[1].domain', /label "my lab"/],
  ['domain too long', (c) => (c.networks[1].domain = `${'a'.repeat(60)}.`.repeat(5) + 'x'), 'networks[1].domain', /at most 253/],
  ['boot without file', (c) => (c.networks[2].dhcp.boot = { server: '192.168.133.10' }), 'networks[2].dhcp.boot.file', /missing/],
  ['boot file empty', (c) => (c.networks[2].dhcp.boot = { file: '' }), 'networks[2].dhcp.boot.file', /empty/],
  ['boot file with comma', (c) => (c.networks[2].dhcp.boot = { file: 'a,b' }), 'networks[2].dhcp.boot.file', /no spaces, commas/],
  ['boot file with newline', (c) => (c.networks[2].dhcp.boot = { file: 'a\ndhcp-range=x' }), 'networks[2].dhcp.boot.file', /no spaces/],
  ['boot file too long', (c) => (c.networks[2].dhcp.boot = { file: 'f'.repeat(128) }), 'networks[2].dhcp.boot.file', /at most 127/],
  [
    'boot server outside',
    (c) => (c.networks[2].dhcp.boot = { file: 'pxelinux.0', server: '10.0.0.5' }),
    'networks[2].dhcp.boot.server',
    /boot server 10\.0\.0\.5 is outside/,
  ],
  ['boot unknown key', (c) => (c.networks[2].dhcp.boot = { file: 'x', next: 'y' }), 'networks[2].dhcp.boot.next', /unknown key/],
];

// Configs that use the optional version-1 fields and are valid.
const validOptional: [string, Mutation][] = [
  [
    'reservations only (no range)',
    (c) => {
      delete c.networks[2].dhcp.rangeStart;
      delete c.networks[2].dhcp.rangeEnd;
    },
  ],
  ['mtu on every type', (c) => c.networks.forEach((n: { mtu?: number }, i: number) => (n.mtu = [1500, 576, 9000][i]))],
  ['domain', (c) => (c.networks[2].domain = 'localdomain')],
  ['multi-label domain', (c) => (c.networks[1].domain = 'lab.example.org')],
  ['boot file alone', (c) => (c.networks[1].dhcp.boot = { file: 'pxelinux.0' })],
  ['boot file and server', (c) => (c.networks[2].dhcp.boot = { file: 'boot\\x64\\wdsnbp.com', server: '192.168.133.10' })],
  ['iPXE URL as boot file', (c) => (c.networks[2].dhcp.boot = { file: 'http://192.168.133.10/boot.ipxe' })],
];

describe('validateConfig', () => {
  it('accepts the example from DESIGN.md', () => {
    const result = validateConfig(clone());
    expect(result.ok).toBe(true);
  });

  it('fills optional lists with their defaults', () => {
    const c = clone();
    delete c.networks[2].nat.portForwards;
    delete c.networks[2].dhcp.reservations;
    const result = validateConfig(c);
    expect(result.ok && result.config.networks[2]).toMatchObject({ nat: { portForwards: [] }, dhcp: { reservations: [] } });
  });

  it.each(['m2', 'web2m', '2m-host', 'h', 'ignored', 'infinity', '2mm'])(
    'keeps host names dnsmasq reads as names (%s) (security item 5)',
    (hostname) => {
      const c = clone();
      c.networks[2].dhcp.reservations[0].hostname = hostname;
      expect(validateConfig(c).ok).toBe(true);
    },
  );

  it.each(validOptional)('accepts %s', (_what, mutate) => {
    const c = clone();
    mutate(c);
    const result = validateConfig(c);
    expect(result.ok ? [] : result.errors.map(formatError)).toEqual([]);
    // Every field survives validation as written (nothing is defaulted in or dropped).
    expect(result.ok && result.config).toMatchObject(c);
  });

  it('a config without the optional fields gains none of them', () => {
    const result = validateConfig(clone());
    if (!result.ok) throw new Error('example invalid');
    for (const n of result.config.networks) {
      expect('mtu' in n || 'domain' in n).toBe(false);
      if (n.type !== 'bridged') expect('boot' in n.dhcp).toBe(false);
    }
  });

  it.each(invalid)('%s', (_what, mutate, expectedPath, fragment) => {
    const c = clone();
    mutate(c);
    const result = validateConfig(c);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const match = result.errors.find((e) => formatPath(e.path) === expectedPath);
    expect(match, `errors were: ${result.errors.map(formatError).join(' | ')}`).toBeDefined();
    expect(match!.message).toMatch(fragment);
  });

  it.each([null, [], 'text', 42])('rejects a non-object top level (%j)', (value) => {
    const result = validateConfig(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatError(result.errors[0]!)).toMatch(/^config: must be an object/);
  });
});

describe('parseConfigText', () => {
  it('reports truncated JSON with line and column', () => {
    const result = parseConfigText('{"version": 1,\n  "networks": [');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toMatch(/not valid JSON at line 2, column \d+.*truncated/);
  });
  it('reports an empty file', () => {
    const result = parseConfigText('');
    expect(!result.ok && result.errors[0]!.message).toMatch(/empty/);
  });
  it('reports a syntax error', () => {
    const result = parseConfigText('{"version": 1, networks: []}');
    expect(!result.ok && result.errors[0]!.message).toMatch(/not valid JSON/);
  });
});
