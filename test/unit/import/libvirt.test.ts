import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { importLibvirt } from '../../../src-main/import';
import { expectValid, importError, libvirtFixture, nat, network, routed, tempTree } from './helpers';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function xml(text: string, name = 'net.xml'): string {
  const dir = tempTree({ [name]: text });
  temps.push(dir);
  return `${dir}/${name}`;
}

describe("libvirt's default network (NAT, range .2-.254, host at .1)", () => {
  const { config, notes } = importLibvirt(libvirtFixture('networks/default.xml'));
  const net = nat(config, 'net-default');

  it('validates and is a NAT network on the same subnet', () => {
    expectValid(config);
    expect(net.subnet).toBe('192.168.122.0/24');
  });

  it("keeps libvirt's host address as the gateway; the range gives up its first address to the host adapter", () => {
    expect(net.nat.gateway).toBe('192.168.122.1');
    expect(net.hostAdapter).toEqual({ enabled: true, address: '192.168.122.2' });
    expect(net.dhcp).toMatchObject({ enabled: true, rangeStart: '192.168.122.3', rangeEnd: '192.168.122.254', leaseSeconds: 3600 });
    expect(notes).toContain(
      "net-default: libvirt's address 192.168.122.1 stays the guests' gateway; no address outside the DHCP range was free, so the range shrinks from 192.168.122.2-192.168.122.254 to 192.168.122.3-192.168.122.254 and the host adapter takes 192.168.122.2",
    );
  });

  it('renames "default" (an iproute2 keyword) and keeps the original as the label, saying so', () => {
    expect(net.label).toBe('default');
    expect(notes.some((n) => n.startsWith('default: renamed to "net-default"'))).toBe(true);
    expect(notes.some((n) => n.includes('libvirt\'s bridge virbr0 becomes the bridge "net-default"'))).toBe(true);
  });
});

describe('a custom libvirt NAT network', () => {
  const { config, notes } = importLibvirt(libvirtFixture('lab.xml'));
  const net = nat(config, 'lab-net-test');

  it('validates; the name becomes a valid interface name', () => {
    expectValid(config);
    expect(net.label).toBe('lab net & test');
    expect(notes.some((n) => n.startsWith('lab net & test: renamed to "lab-net-test"'))).toBe(true);
    expect(notes.some((n) => n.includes("virsh net-destroy 'lab net & test'"))).toBe(true);
  });

  it('gives the host adapter the first free address outside the DHCP range', () => {
    expect(net.nat.gateway).toBe('192.168.150.1');
    expect(net.hostAdapter.address).toBe('192.168.150.2');
    expect(net.dhcp).toMatchObject({ rangeStart: '192.168.150.100', rangeEnd: '192.168.150.200' });
    expect(notes.some((n) => n.includes('the host adapter takes 192.168.150.2, the first free address outside the DHCP range'))).toBe(true);
  });

  it('reads <lease expiry unit="hours">, <forward dev> as the uplink and <dns enable="no">', () => {
    expect(net.dhcp.leaseSeconds).toBe(7200);
    expect(net.nat.uplink).toBe('eth1');
    expect(net.nat.dns).toBe(false);
  });

  it('turns <host mac name ip> into reservations (MAC lower-cased, FQDN shortened) and notes what it left out', () => {
    expect(net.dhcp.reservations).toEqual([
      { mac: '52:54:00:aa:00:01', address: '192.168.150.10', hostname: 'web' },
      { mac: '52:54:00:aa:00:02', address: '192.168.150.11', hostname: 'db' },
    ]);
    const file = libvirtFixture('lab.xml');
    expect(notes).toEqual(
      expect.arrayContaining([
        `${file}:16: a second DHCP range (192.168.150.220-192.168.150.230) is not supported; left out`,
        `${file}:21: a DHCP host needs both mac and ip to become a reservation; left out`,
      ]),
    );
  });

  it("takes the first <ip family='ipv6'>: libvirt's address stays the gateway, and NAT66 is named", () => {
    expect(net.ipv6).toEqual({ prefix: 'fd00:150::/64', hostAddress: 'fd00:150::2', gateway: 'fd00:150::1' });
    expect(notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/:24: libvirt routes IPv6 without NAT; lab-net-test masquerades/)]),
    );
  });

  it('skips a reserved address when looking for a free host address', () => {
    const file = xml(`<network><name>n1</name><forward mode='nat'/>
      <ip address='10.1.1.1' prefix='24'><dhcp><range start='10.1.1.10' end='10.1.1.254'/>
        <host mac='52:54:00:00:00:02' ip='10.1.1.2'/></dhcp></ip></network>`);
    const { config } = importLibvirt(file);
    expect(nat(config, 'n1').hostAdapter.address).toBe('10.1.1.3');
    expectValid(config);
  });
});

describe('libvirt IPv6', () => {
  it('names what does not fit: stateful DHCPv6, a second prefix, a prefix longer than /64', () => {
    const file = xml(`<network><name>v6</name>
      <ip address='10.6.0.1' prefix='24'/>
      <ip family='ipv6' address='2001:db8:6::1' prefix='48'><dhcp><range start='2001:db8:6::100' end='2001:db8:6::1ff'/></dhcp></ip>
      <ip family='ipv6' address='fd00:6::1' prefix='64'/></network>`);
    const { config, notes } = importLibvirt(file);
    expectValid(config);
    expect(routed(config, 'v6').ipv6).toEqual({ prefix: '2001:db8:6::/64', hostAddress: '2001:db8:6::1' });
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/stateful DHCPv6 .* not supported; guests configure themselves by SLAAC/),
        expect.stringMatching(/a second IPv6 prefix on v6 is not supported; left out/),
        expect.stringMatching(/2001:db8:6::1\/48 is shorter than \/64; using its first \/64, 2001:db8:6::\/64/),
      ]),
    );
    const longer = importLibvirt(
      xml(`<network><name>v7</name><ip address='10.7.0.1' prefix='24'/><ip family='ipv6' address='fd00:7::1' prefix='96'/></network>`),
    );
    expect(routed(longer.config, 'v7').ipv6).toBeUndefined();
    expect(longer.notes).toEqual(expect.arrayContaining([expect.stringMatching(/not a prefix of \/64 or shorter; IPv6 left out/)]));
  });
});

describe('other libvirt forward modes', () => {
  it('no <forward>: host-only, the host keeps its address; <lease unit="seconds"> below the minimum is raised', () => {
    const { config, notes } = importLibvirt(libvirtFixture('networks/isolated.xml'));
    expectValid(config);
    expect(routed(config, 'isolated')).toMatchObject({
      type: 'hostonly',
      subnet: '10.99.0.0/24',
      hostAdapter: { enabled: true, address: '10.99.0.1' },
      dhcp: { rangeStart: '10.99.0.100', rangeEnd: '10.99.0.199', leaseSeconds: 120 },
    });
    expect(notes.some((n) => n.includes('lease time 90 s is shorter than the minimum'))).toBe(true);
  });

  it('<forward mode="bridge"> with an <interface dev>: bridged to that adapter', () => {
    const { config } = importLibvirt(libvirtFixture('host-bridge.xml'));
    expect(network(config, 'host-bridge')).toEqual({ name: 'host-bridge', type: 'bridged', bridge: { uplink: 'enp5s0' } });
  });

  it('<forward mode="bridge"> onto an existing host bridge is refused with file and line', () => {
    const error = importError(() => importLibvirt(libvirtFixture('br0.xml')));
    expect(error.message).toMatch(/br0\.xml:4: this network attaches guests to the existing host bridge br0/);
  });

  it('<forward mode="route">: host-only with a note; expiry 0 (never) becomes one year', () => {
    const { config, notes } = importLibvirt(libvirtFixture('routed.xml'));
    expectValid(config);
    expect(routed(config, 'routed')).toMatchObject({ type: 'hostonly', subnet: '10.55.0.0/16', dhcp: { leaseSeconds: 31536000 } });
    expect(notes.some((n) => n.includes('imported as host-only'))).toBe(true);
    expect(notes.some((n) => n.includes('leases that never expire'))).toBe(true);
  });

  it('<forward/> without a mode is NAT; no <dhcp> means DHCP off with a range that avoids host and gateway', () => {
    const { config } = importLibvirt(libvirtFixture('no-dhcp.xml'));
    expectValid(config);
    const net = nat(config, 'nat-static');
    expect(net.dhcp.enabled).toBe(false);
    expect(net.nat.gateway).toBe('192.168.160.1');
    expect(net.hostAdapter.address).toBe('192.168.160.2');
  });

  it('reads <ip prefix> and <ip netmask> alike, and minutes as the default lease unit', () => {
    const a = importLibvirt(
      xml(
        `<network><name>a</name><ip address='10.2.0.1' prefix='16'><dhcp><range start='10.2.0.10' end='10.2.0.20'><lease expiry='30'/></range></dhcp></ip></network>`,
      ),
    );
    const b = importLibvirt(
      xml(
        `<network><name>a</name><ip address='10.2.0.1' netmask='255.255.0.0'><dhcp><range start='10.2.0.10' end='10.2.0.20'><lease expiry='30'/></range></dhcp></ip></network>`,
      ),
    );
    expect(a.config).toEqual(b.config);
    expect(routed(a.config, 'a').subnet).toBe('10.2.0.0/16');
    expect(routed(a.config, 'a').dhcp.leaseSeconds).toBe(1800);
  });

  it("moves a DHCP range that holds libvirt's address off it, with a note", () => {
    const { config, notes } = importLibvirt(
      xml(
        `<network><name>n2</name><forward/><ip address='10.3.0.100' prefix='24'><dhcp><range start='10.3.0.50' end='10.3.0.120'/></dhcp></ip></network>`,
      ),
    );
    expectValid(config);
    const net = nat(config, 'n2');
    expect(net.nat.gateway).toBe('10.3.0.100');
    expect(net.dhcp).toMatchObject({ rangeStart: '10.3.0.50', rangeEnd: '10.3.0.99' });
    expect(net.hostAdapter.address).toBe('10.3.0.1');
    expect(notes).toContain('n2: DHCP range 10.3.0.50-10.3.0.120 held 10.3.0.100; now 10.3.0.50-10.3.0.99');
  });

  it('keeps names unique when two networks sanitize to the same interface name', () => {
    const dir = tempTree({
      'a.xml': "<network><name>lab net</name><ip address='10.4.0.1' prefix='24'/></network>",
      'b.xml': "<network><name>lab/net</name><ip address='10.5.0.1' prefix='24'/></network>",
    });
    temps.push(dir);
    const { config } = importLibvirt(dir);
    expect(config.networks.map((n) => n.name)).toEqual(['lab-net', 'lab-net-2']);
    expectValid(config);
  });

  it('imports every *.xml of a folder, keeping names unique', () => {
    const { config } = importLibvirt(libvirtFixture('networks'));
    expectValid(config);
    expect(config.networks.map((n) => n.name)).toEqual(['net-default', 'isolated']);
  });
});

describe('unreadable libvirt input names the file and line', () => {
  it.each([
    ['broken/doctype.xml', 2, '<!DOCTYPE> declarations are not allowed'],
    ['broken/mismatched.xml', 7, 'closing tag </ip> does not match <dhcp> opened on line 5'],
    ['broken/domain.xml', 1, 'expected a libvirt network (<network>), found <domain>'],
    ['broken/hostdev.xml', 3, 'forward mode "hostdev"'],
    ['broken/unknown-entity.xml', 2, 'unknown entity &nbsp;'],
  ])('%s', (fixture, line, message) => {
    const file = libvirtFixture(fixture);
    const error = importError(() => importLibvirt(file));
    expect(error.message.startsWith(`${file}:${line}: `)).toBe(true);
    expect(error.message).toContain(message);
  });

  it('refuses a network without an IPv4 address, and bad attribute values, naming the line', () => {
    const noIp = xml('<network>\n  <name>x</name>\n</network>\n');
    expect(importError(() => importLibvirt(noIp)).message).toBe(
      `${noIp}:1: network x has no IPv4 <ip address=…>; a host-only or NAT network needs a subnet`,
    );
    const badMask = xml("<network>\n<name>x</name>\n<ip address='10.0.0.1' netmask='255.0.255.0'/>\n</network>");
    expect(importError(() => importLibvirt(badMask)).message).toBe(
      `${badMask}:3: netmask "255.0.255.0" is not a netmask like 255.255.255.0`,
    );
    const badUnit = xml(
      "<network><name>x</name><ip address='10.0.0.1' prefix='24'><dhcp>\n<range start='10.0.0.10' end='10.0.0.20'>\n<lease expiry='1' unit='days'/></range></dhcp></ip></network>",
    );
    expect(importError(() => importLibvirt(badUnit)).message).toBe(`${badUnit}:3: lease unit "days" must be seconds, minutes or hours`);
  });

  it('names an empty folder and a missing file', () => {
    const dir = tempTree({ 'notes.txt': 'x' });
    temps.push(dir);
    expect(importError(() => importLibvirt(dir)).message).toBe(`${dir}: holds no libvirt network files (*.xml)`);
    expect(importError(() => importLibvirt('/nonexistent.xml')).message).toBe('/nonexistent.xml: cannot read: no such file or folder');
  });
});

// Our own corpus: one libvirt-style sample per rule. Each either keeps its meaning (the
// fields it maps) and names on the notes every setting it cannot hold, or is refused
// with the file and line.
type Row = [
  file: string,
  expected: { refused: RegExp } | { network: Record<string, unknown>; absent?: string[]; notes: RegExp[]; notesCount?: number },
];
const corpus: Row[] = [
  [
    'reservations-only.xml',
    {
      network: {
        type: 'nat',
        dhcp: {
          enabled: true,
          reservations: [
            { mac: '52:54:00:17:00:10', address: '192.168.170.10', hostname: 'web' },
            { mac: '52:54:00:17:00:11', address: '192.168.170.11', hostname: 'db' },
          ],
        },
      },
      // No dynamic pool is opened: libvirt served only these hosts.
      absent: ['dhcp.rangeStart', 'dhcp.rangeEnd'],
      notes: [],
    },
  ],
  [
    'domain-mtu-boot.xml',
    {
      network: {
        mtu: 1400,
        domain: 'lab.example',
        dhcp: { rangeStart: '192.168.171.100', rangeEnd: '192.168.171.200', boot: { file: 'pxelinux.0', server: '192.168.171.5' } },
      },
      notes: [
        /domain-mtu-boot\.xml:7: libvirt ran a TFTP server for pxe; this app does not: serve the boot files with a TFTP server on 192\.168\.171\.5/,
      ],
      notesCount: 1,
    },
  ],
  [
    'everything-else.xml',
    {
      network: { type: 'nat', domain: 'busy.lan' },
      notes: [
        /:1: ipv6="yes" on <network>/,
        /:5: NAT address and port ranges of busy cannot be held/,
        /:10: stp="on" on <bridge>|:11: the bridge's MAC address/,
        /:12: bandwidth limits/,
        /:15: port isolation/,
        /:16: names in busy\.lan that busy does not know are answered "not found"/,
        /:17: forwardPlainNames="no" on <dns>/,
        /:18: a DNS forwarder/,
        /:19: a DNS TXT record/,
        /:20: a DNS SRV record/,
        /:21: a DNS host record/,
        /:23: localPtr="yes" on <ip>/,
        /:28: a static route/,
      ],
    },
  ],
  ['openvswitch.xml', { refused: /openvswitch\.xml:5: an Open vSwitch network/ }],
  ['existing-bridge.xml', { refused: /existing-bridge\.xml:4: this network attaches guests to the existing host bridge br0/ }],
  [
    'bad-mtu-domain.xml',
    {
      network: { type: 'hostonly' },
      absent: ['mtu', 'domain', 'dhcp.boot'],
      notes: [
        /:3: MTU 100000 is out of range; allowed is 576 to 9000 bytes; odd keeps the default MTU/,
        /:4: domain "bad\.\.name" has an empty label/,
        /:8: boot file "a file with spaces" may contain only/,
      ],
    },
  ],
];

function at(value: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

describe('libvirt corpus: every rule keeps the meaning or says what it lost', () => {
  it.each(corpus)('%s', (name, expected) => {
    const file = libvirtFixture(`corpus/${name}`);
    if ('refused' in expected) {
      expect(importError(() => importLibvirt(file)).message).toMatch(expected.refused);
      return;
    }
    const { config, notes } = importLibvirt(file);
    expectValid(config);
    expect(config.networks).toHaveLength(1);
    const n = config.networks[0]!;
    expect(n).toMatchObject(expected.network);
    for (const key of expected.absent ?? []) expect(at(n, key), key).toBeUndefined();
    for (const pattern of expected.notes) expect(notes, String(pattern)).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
    // Every note names the file and line it is about.
    const own = notes.filter((note) => note.startsWith(file));
    if (expected.notesCount !== undefined) expect(own).toHaveLength(expected.notesCount);
    if (expected.notes.length === 0) expect(own).toEqual([]);
  });
});
