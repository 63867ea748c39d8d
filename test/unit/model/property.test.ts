// Generated configs and mutations never crash the validator, and a config the
// validator accepts always satisfies the contract's invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig, formatError, parseConfigText, validateConfig, type Config } from '../../../src-shared/model';
import * as ip from '../../../src-shared/model/ip';

const RUNS = 3000;

const octet = fc.integer({ min: 0, max: 255 });
const ipText = fc.oneof(
  fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')),
  fc.constantFrom('192.168.56.1', '192.168.133.2', '192.168.133.50', '10.0.0.1', '256.0.0.1', '', 'x'),
);
const hostile = fc.constantFrom(
  'a\nb',
  '"; rm -rf /',
  "' || true",
  'x;y',
  'table inet x { }',
  'dhcp-range=1',
  '\u0000',
  'é'.repeat(200),
  '$(reboot)',
  '`id`',
  '../../etc/passwd',
);
const anyText = fc.oneof(fc.string({ maxLength: 80 }), hostile);

function arbitraryConfig(): fc.Arbitrary<unknown> {
  const reservation = fc.record(
    {
      mac: fc.oneof(fc.constantFrom('52:54:00:12:34:56', '52:54:00:ab:cd:ef', '01:00:00:00:00:00'), anyText),
      address: ipText,
      hostname: fc.option(anyText, { nil: undefined }),
    },
    { requiredKeys: ['mac', 'address'] },
  );
  const forward = fc.record(
    {
      protocol: fc.constantFrom('tcp', 'udp', 'icmp'),
      hostPort: fc.integer({ min: -5, max: 70000 }),
      guestAddress: ipText,
      guestPort: fc.integer({ min: -5, max: 70000 }),
      description: fc.option(anyText, { nil: undefined }),
    },
    { requiredKeys: ['protocol', 'hostPort', 'guestAddress', 'guestPort'] },
  );
  const subnet = fc.oneof(
    fc.constantFrom('192.168.56.0/24', '192.168.133.0/24', '10.0.0.0/8', '192.168.0.0/16', '10.1.2.0/30'),
    fc.tuple(ipText, fc.integer({ min: 0, max: 33 })).map(([a, p]) => `${a}/${p}`),
  );
  const name = fc.oneof(fc.constantFrom('vmnet0', 'vmnet1', 'vmnet8', 'br-lan'), anyText);
  const boot = fc.record(
    { file: fc.oneof(fc.constantFrom('pxelinux.0', 'boot\\x64\\wdsnbp.com', 'a,b', ''), anyText), server: ipText },
    { requiredKeys: ['file'] },
  );
  const dhcp = fc.record(
    {
      enabled: fc.boolean(),
      rangeStart: ipText,
      rangeEnd: ipText,
      leaseSeconds: fc.integer({ min: 0, max: 40_000_000 }),
      reservations: fc.array(reservation, { maxLength: 3 }),
      boot,
    },
    { requiredKeys: ['enabled', 'leaseSeconds', 'reservations'] },
  );
  const mtu = fc.integer({ min: 0, max: 10000 });
  const domain = fc.oneof(fc.constantFrom('localdomain', 'lab.example', 'a..b', '-x', 'x-'), anyText);
  const host = fc.record({ enabled: fc.boolean(), address: ipText });
  const network = fc.oneof(
    fc.record(
      { name, mtu, type: fc.constant('bridged'), bridge: fc.record({ uplink: fc.oneof(fc.constant('auto'), anyText) }) },
      { requiredKeys: ['name', 'type', 'bridge'] },
    ),
    fc.record(
      { name, mtu, domain, type: fc.constant('hostonly'), subnet, hostAdapter: host, dhcp },
      { requiredKeys: ['name', 'type', 'subnet', 'hostAdapter', 'dhcp'] },
    ),
    fc.record(
      {
        name,
        mtu,
        domain,
        type: fc.constant('nat'),
        subnet,
        hostAdapter: host,
        dhcp,
        nat: fc.record({
          gateway: ipText,
          uplink: fc.constant('auto'),
          dns: fc.boolean(),
          portForwards: fc.array(forward, { maxLength: 3 }),
        }),
      },
      { requiredKeys: ['name', 'type', 'subnet', 'hostAdapter', 'dhcp', 'nat'] },
    ),
  );
  return fc.record({ version: fc.constantFrom(1, 1, 1, 2), networks: fc.array(network, { maxLength: 4 }) });
}

/** Independent re-statement of DESIGN's invariants, checked on every accepted config. */
function assertContract(config: Config): void {
  const names = new Set<string>();
  const keys = new Set<string>();
  const subnets: ip.Cidr[] = [];
  for (const network of config.networks) {
    expect(network.name).toMatch(/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/);
    expect(names.has(network.name)).toBe(false);
    names.add(network.name);
    if (network.mtu !== undefined) expect(network.mtu >= 576 && network.mtu <= 9000).toBe(true);
    if (network.type === 'bridged') continue;
    if (network.domain !== undefined) {
      expect(network.domain.length).toBeLessThanOrEqual(253);
      for (const label of network.domain.split('.')) expect(label).toMatch(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/);
    }
    const parsed = ip.parseCidr(network.subnet, 8, 30);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    for (const other of subnets) expect(ip.overlaps(other, parsed.cidr)).toBe(false);
    subnets.push(parsed.cidr);
    const inside = (a: string) => {
      const v = ip.parseIpv4(a);
      expect(v !== undefined && ip.isUsableHost(parsed.cidr, v)).toBe(true);
      return v!;
    };
    const hostAddress = inside(network.hostAdapter.address);
    // Both range ends, or neither (reservations only): then nothing is inside the range.
    expect(network.dhcp.rangeStart === undefined).toBe(network.dhcp.rangeEnd === undefined);
    const start = network.dhcp.rangeStart === undefined ? Infinity : inside(network.dhcp.rangeStart);
    const end = network.dhcp.rangeEnd === undefined ? -Infinity : inside(network.dhcp.rangeEnd);
    if (network.dhcp.rangeStart !== undefined) expect(start <= end).toBe(true);
    expect(hostAddress < start || hostAddress > end).toBe(true);
    if (network.dhcp.boot) {
      expect(network.dhcp.boot.file).toMatch(/^[^\s,"#]{1,127}$/);
      if (network.dhcp.boot.server !== undefined) inside(network.dhcp.boot.server);
    }
    expect(network.dhcp.leaseSeconds).toBeGreaterThanOrEqual(120);
    expect(network.dhcp.leaseSeconds).toBeLessThanOrEqual(31536000);
    for (const r of network.dhcp.reservations) {
      expect(ip.isUnicastMac(r.mac)).toBe(true);
      inside(r.address);
      if (r.hostname !== undefined) expect(r.hostname).toMatch(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/);
    }
    if (network.type === 'nat') {
      const gateway = inside(network.nat.gateway);
      expect(gateway).not.toBe(hostAddress);
      expect(gateway < start || gateway > end).toBe(true);
      for (const f of network.nat.portForwards) {
        inside(f.guestAddress);
        for (const port of [f.hostPort, f.guestPort]) expect(port >= 1 && port <= 65535).toBe(true);
        const key = `${f.protocol}/${f.hostPort}`;
        expect(keys.has(key)).toBe(false);
        keys.add(key);
        // eslint-disable-next-line no-control-regex
        if (f.description !== undefined) expect(/[\u0000-\u001f\u007f]/.test(f.description)).toBe(false);
      }
    }
  }
}

describe('validator properties', () => {
  it('never throws and never accepts a config that breaks the contract', () => {
    fc.assert(
      fc.property(arbitraryConfig(), (value) => {
        const result = validateConfig(value);
        if (result.ok) assertContract(result.config);
        else for (const e of result.errors) expect(formatError(e)).toMatch(/^[A-Za-z[\]0-9.]+: \S/);
      }),
      { numRuns: RUNS },
    );
  });

  it('mutations of a valid config are either still valid by contract or rejected with a path', () => {
    const base = defaultConfig();
    const mutation = fc.tuple(
      fc.constantFrom(1, 2),
      fc.constantFrom(
        'subnet',
        'hostAdapter.address',
        'dhcp.rangeStart',
        'dhcp.rangeEnd',
        'dhcp.leaseSeconds',
        'dhcp.boot.file',
        'dhcp.boot.server',
        'mtu',
        'domain',
        'nat.gateway',
        'name',
        'label',
        'extra',
      ),
      fc.oneof(anyText, ipText, fc.integer(), fc.boolean(), fc.constant(null)),
    );
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(mutation, ([index, field, value]) => {
        const config = JSON.parse(JSON.stringify(base));
        const parts = field.split('.');
        let target = config.networks[index];
        for (const part of parts.slice(0, -1)) target = target[part] ?? (target[part] = {});
        target[parts.at(-1)!] = value;
        const result = validateConfig(config);
        if (result.ok) {
          seen.accepted++;
          assertContract(result.config);
        } else {
          seen.rejected++;
          expect(result.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
    // Both outcomes must really occur, or the property above proves nothing.
    expect(seen.accepted).toBeGreaterThan(RUNS / 100);
    expect(seen.rejected).toBeGreaterThan(RUNS / 100);
  });

  it('arbitrary text never crashes the file parser', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const result = parseConfigText(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });
});
