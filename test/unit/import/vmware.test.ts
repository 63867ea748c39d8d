import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { importVmware } from '../../../src-main/import';
import { expectValid, importError, nat, network, routed, tempTree, vmwareFixture } from './helpers';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tree(files: Record<string, string>): string {
  const dir = tempTree(files);
  temps.push(dir);
  return dir;
}

describe('VMware networking file alone', () => {
  const { config, notes } = importVmware(vmwareFixture('networking-only/networking'));

  it('produces a config that validates', () => {
    expectValid(config);
    expect(config.networks.map((n) => `${n.name}:${n.type}`)).toEqual([
      'vmnet0:bridged',
      'vmnet1:hostonly',
      'vmnet2:bridged',
      'vmnet3:hostonly',
      'vmnet8:nat',
    ]);
  });

  it('reads HOSTONLY_SUBNET and HOSTONLY_NETMASK into the subnet, with the host adapter at .1', () => {
    expect(routed(config, 'vmnet1').subnet).toBe('192.168.56.0/24');
    expect(routed(config, 'vmnet3').subnet).toBe('10.77.0.0/16');
    expect(routed(config, 'vmnet1').hostAdapter).toEqual({ enabled: true, address: '192.168.56.1' });
  });

  it('reads VIRTUAL_ADAPTER no as a switched-off host adapter and DHCP no as DHCP off', () => {
    expect(routed(config, 'vmnet3').hostAdapter.enabled).toBe(false);
    expect(routed(config, 'vmnet3').dhcp.enabled).toBe(false);
    expect(routed(config, 'vmnet1').dhcp.enabled).toBe(true);
  });

  it('uses DISPLAY_NAME as the label when it is not empty', () => {
    expect(network(config, 'vmnet3').label).toBe('Storage lab');
    expect(network(config, 'vmnet1').label).toBeUndefined();
  });

  it("reads NAT yes as a NAT network with VMware's gateway .2 and DHCP range .128-.254", () => {
    const vmnet8 = nat(config, 'vmnet8');
    expect(vmnet8.nat.gateway).toBe('192.168.133.2');
    expect(vmnet8.dhcp).toMatchObject({ rangeStart: '192.168.133.128', rangeEnd: '192.168.133.254', leaseSeconds: 1800 });
  });

  it('reads add_nat_portfwd as port forwards', () => {
    expect(nat(config, 'vmnet8').nat.portForwards).toEqual([
      { protocol: 'tcp', hostPort: 8080, guestAddress: '192.168.133.50', guestPort: 80 },
      { protocol: 'udp', hostPort: 5353, guestAddress: '192.168.133.50', guestPort: 53 },
      { protocol: 'tcp', hostPort: 2222, guestAddress: '192.168.133.60', guestPort: 22 },
    ]);
  });

  it('reads add_dhcp_mac_to_ip as reservations, with MACs in lower case', () => {
    expect(nat(config, 'vmnet8').dhcp.reservations).toEqual([
      { mac: '00:50:56:3a:bc:de', address: '192.168.133.60' },
      { mac: '52:54:00:12:34:56', address: '192.168.133.50' },
    ]);
    expect(routed(config, 'vmnet1').dhcp.reservations).toEqual([{ mac: '00:0c:29:aa:bb:01', address: '192.168.56.20' }]);
  });

  it('reads add_bridge_mapping IFACE N as a bridged vmnetN with that uplink', () => {
    expect(network(config, 'vmnet0')).toEqual({ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'enp3s0' } });
    expect(network(config, 'vmnet2')).toEqual({ name: 'vmnet2', type: 'bridged', bridge: { uplink: 'wlp4s0f1' } });
  });

  it("ignores VMware's bookkeeping (hashes, UUIDs, NAT timeouts) without notes", () => {
    expect(notes).toEqual([]);
  });
});

describe('VMware settings folder (/etc/vmware)', () => {
  const folder = vmwareFixture('etc-vmware');
  const { config, notes } = importVmware(folder);

  it('produces a config that validates', () => {
    expectValid(config);
    expect(config.networks.map((n) => n.name)).toEqual(['vmnet0', 'vmnet1', 'vmnet2', 'vmnet8']);
  });

  it("takes the NAT gateway from nat.conf's [host] ip", () => {
    // The fixture uses VMware's own .2; the Fusion fixture below moves it.
    expect(nat(config, 'vmnet8').nat.gateway).toBe('172.16.160.2');
    const fusion = importVmware(vmwareFixture('fusion'));
    expect(nat(fusion.config, 'vmnet8').nat.gateway).toBe('172.16.24.254');
    expectValid(fusion.config);
  });

  it("merges nat.conf's [incomingtcp]/[incomingudp] with add_nat_portfwd without duplicates; the networking file wins a conflict", () => {
    expect(nat(config, 'vmnet8').nat.portForwards).toEqual([
      { protocol: 'tcp', hostPort: 8080, guestAddress: '172.16.160.50', guestPort: 80 },
      { protocol: 'tcp', hostPort: 2222, guestAddress: '172.16.160.60', guestPort: 22 },
      { protocol: 'tcp', hostPort: 8443, guestAddress: '172.16.160.50', guestPort: 443 },
      { protocol: 'udp', hostPort: 5353, guestAddress: '172.16.160.50', guestPort: 53 },
    ]);
    expect(notes.some((n) => n.includes('tcp/2222 → 172.16.160.61:22') && n.includes('nat.conf:62') && n.includes('left out'))).toBe(true);
  });

  it("reads dhcpd.conf's range and the subnet's default-lease-time (over the global one)", () => {
    expect(nat(config, 'vmnet8').dhcp).toMatchObject({ rangeStart: '172.16.160.100', rangeEnd: '172.16.160.200', leaseSeconds: 3600 });
  });

  it("turns host blocks into reservations, merged by MAC with add_dhcp_mac_to_ip, taking the block's name as hostname", () => {
    expect(nat(config, 'vmnet8').dhcp.reservations).toEqual([
      { mac: '52:54:00:12:34:56', address: '172.16.160.50', hostname: 'web' },
      { mac: '00:0c:29:4f:8e:21', address: '172.16.160.70', hostname: 'db' },
    ]);
  });

  it("skips the host adapter's own entry (host vmnetN, MAC 00:50:56:C0:00:NN)", () => {
    const all = config.networks.flatMap((n) => (n.type === 'bridged' ? [] : n.dhcp.reservations));
    expect(all.map((r) => r.mac)).not.toContain('00:50:56:c0:00:08');
    expect(all.map((r) => r.mac)).not.toContain('00:50:56:c0:00:01');
    expect(routed(config, 'vmnet1').dhcp.reservations).toEqual([
      { mac: '00:0c:29:10:20:30', address: '172.16.77.40', hostname: 'builder' },
    ]);
  });

  it('shortens a fully qualified host block name to its first label, with a note', () => {
    expect(notes.some((n) => n.includes('"builder.lab.example" shortened to "builder"'))).toBe(true);
  });

  it('moves a hand-edited range off the host adapter address and raises a too-short lease, noting both', () => {
    expect(routed(config, 'vmnet2').dhcp).toMatchObject({ rangeStart: '10.20.30.2', rangeEnd: '10.20.30.50', leaseSeconds: 120 });
    expect(notes.some((n) => n.startsWith('vmnet2: DHCP range 10.20.30.1-10.20.30.50'))).toBe(true);
    expect(notes.some((n) => n.includes('lease time 60 s') && n.includes('dhcpd.conf:2'))).toBe(true);
  });

  it('adds vmnet0 bridged to the automatic adapter when the networking file leaves it out, and says so', () => {
    expect(network(config, 'vmnet0')).toEqual({ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } });
    expect(notes.some((n) => n.startsWith('vmnet0: not mentioned'))).toBe(true);
  });

  it('keeps vmnet0 out when VNL_DEFAULT_BRIDGE_VNET is -1, and bridges the named vmnet when it is a number', () => {
    const none = tree({ networking: 'VERSION=1,0\nanswer VNL_DEFAULT_BRIDGE_VNET -1\n' });
    expect(importVmware(none).config.networks).toEqual([]);
    const two = tree({ networking: 'VERSION=1,0\nanswer VNL_DEFAULT_BRIDGE_VNET 2\n' });
    expect(importVmware(two).config.networks).toEqual([{ name: 'vmnet2', type: 'bridged', bridge: { uplink: 'auto' } }]);
  });
});

describe('VMware edge cases', () => {
  it('drops reservations and forwards outside the subnet, and forwards on a host-only network, with notes', () => {
    const dir = tree({
      networking: [
        'VERSION=1,0',
        'answer VNL_DEFAULT_BRIDGE_VNET -1',
        'answer VNET_1_HOSTONLY_SUBNET 192.168.56.0',
        'answer VNET_1_HOSTONLY_NETMASK 255.255.255.0',
        'add_nat_portfwd 1 tcp 80 192.168.56.10 80',
        'answer VNET_8_HOSTONLY_SUBNET 192.168.133.0',
        'answer VNET_8_HOSTONLY_NETMASK 255.255.255.0',
        'answer VNET_8_NAT yes',
        'add_nat_portfwd 8 tcp 8080 10.0.0.5 80',
        'add_dhcp_mac_to_ip 8 52:54:00:00:00:01 10.0.0.5',
        'add_dhcp_mac_to_ip 8 52:54:00:00:00:02 192.168.133.1',
        '',
      ].join('\n'),
    });
    const { config, notes } = importVmware(dir);
    expectValid(config);
    expect(nat(config, 'vmnet8').nat.portForwards).toEqual([]);
    expect(nat(config, 'vmnet8').dhcp.reservations).toEqual([]);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining('vmnet1: is host-only, so its 1 port forward(s)'),
        expect.stringContaining('tcp/8080 → 10.0.0.5:80 left out'),
        expect.stringContaining('52:54:00:00:00:01 → 10.0.0.5 left out'),
        expect.stringContaining("52:54:00:00:00:02 → 192.168.133.1 left out: it is the host adapter's own address"),
      ]),
    );
  });

  it('ignores a dhcpd.conf written for another subnet (VMware regenerates it from the networking file), with a note', () => {
    const dir = tree({
      networking:
        'VERSION=1,0\nanswer VNL_DEFAULT_BRIDGE_VNET -1\nanswer VNET_1_HOSTONLY_SUBNET 10.1.1.0\nanswer VNET_1_HOSTONLY_NETMASK 255.255.255.0\nanswer VNET_1_DHCP yes\n',
      'vmnet1/dhcpd/dhcpd.conf': 'subnet 10.9.9.0 netmask 255.255.255.0 {\n  range dynamic-bootp 10.9.9.10 10.9.9.20;\n}\n',
    });
    const { config, notes } = importVmware(dir);
    expect(routed(config, 'vmnet1').dhcp).toMatchObject({ enabled: true, rangeStart: '10.1.1.128', rangeEnd: '10.1.1.254' });
    expect(
      notes.some((n) =>
        n.endsWith('dhcpd.conf:1: describes subnet 10.9.9.0, not 10.1.1.0/24 from the networking file; its range is not used'),
      ),
    ).toBe(true);
  });

  it('reads "range dynamic-bootp A B", host blocks nested in a group, and Fusion\'s vmnetN/dhcpd.conf place', () => {
    const dir = tree({
      networking:
        'VERSION=1,0\nanswer VNL_DEFAULT_BRIDGE_VNET -1\nanswer VNET_1_HOSTONLY_SUBNET 10.1.1.0\nanswer VNET_1_HOSTONLY_NETMASK 255.255.255.0\n',
      'vmnet1/dhcpd.conf': [
        'subnet 10.1.1.0 netmask 255.255.255.0 {',
        '  range dynamic-bootp 10.1.1.10 10.1.1.20;',
        '  group {',
        '    host "lab-1" { hardware ethernet 00:0C:29:00:00:01; fixed-address 10.1.1.5, 10.1.1.6; }',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const { config } = importVmware(dir);
    expect(routed(config, 'vmnet1').dhcp).toMatchObject({
      rangeStart: '10.1.1.10',
      rangeEnd: '10.1.1.20',
      reservations: [{ mac: '00:0c:29:00:00:01', address: '10.1.1.5', hostname: 'lab-1' }],
    });
  });

  it('reads the older "answer VNET_N_INTERFACE IFACE" as a bridge mapping', () => {
    const dir = tree({ networking: 'VERSION=1,0\nanswer VNET_0_INTERFACE eth0\n' });
    expect(importVmware(dir).config.networks).toEqual([{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'eth0' } }]);
  });

  it('assumes a /24 when the netmask is missing, with a note', () => {
    const dir = tree({ networking: 'VERSION=1,0\nanswer VNL_DEFAULT_BRIDGE_VNET -1\nanswer VNET_4_HOSTONLY_SUBNET 10.4.4.0\n' });
    const { config, notes } = importVmware(dir);
    expect(routed(config, 'vmnet4').subnet).toBe('10.4.4.0/24');
    expect(notes).toContain('vmnet4: no VNET_4_HOSTONLY_NETMASK; assumed 255.255.255.0');
  });

  it('mentions settings and directives it does not know instead of failing', () => {
    const dir = tree({ networking: 'VERSION=1,0\nanswer VNL_DEFAULT_BRIDGE_VNET -1\nanswer VNET_5_MTU 9000\nadd_vnet_ipv6 5\n' });
    const { notes } = importVmware(dir);
    expect(notes.some((n) => n.endsWith('networking:3: setting VNET_5_MTU has no equivalent here; ignored'))).toBe(true);
    expect(notes.some((n) => n.endsWith('networking:4: "add_vnet_ipv6" has no equivalent here; ignored'))).toBe(true);
  });
});

describe('unreadable VMware input names the file and line', () => {
  it.each([
    ['broken/bad-portfwd', 5, 'host port "80800" is not a port number (1-65535)'],
    ['broken/bad-yes-no', 5, 'VNET_N_NAT must be yes or no, not "maybe"'],
    ['broken/not-networking', 1, "this does not look like VMware's networking file"],
  ])('%s', (fixture, line, message) => {
    const file = vmwareFixture(fixture);
    const error = importError(() => importVmware(file));
    expect(error.message.startsWith(`${file}:${line}: `)).toBe(true);
    expect(error.message).toContain(message);
  });

  it('names the dhcpd.conf line of an unclosed block', () => {
    const folder = vmwareFixture('broken/bad-dhcpd');
    const error = importError(() => importVmware(folder));
    expect(error.message).toBe(`${folder}/vmnet8/dhcpd/dhcpd.conf:2: "{" is never closed with "}"`);
  });

  it('names a malformed nat.conf forward', () => {
    const dir = tree({
      networking: 'VERSION=1,0\nanswer VNET_8_HOSTONLY_SUBNET 192.168.133.0\nanswer VNET_8_NAT yes\n',
      'vmnet8/nat/nat.conf': '[host]\nip = 192.168.133.2\n\n[incomingtcp]\n8080 = 192.168.133.50\n',
    });
    expect(importError(() => importVmware(dir)).message).toBe(
      `${dir}/vmnet8/nat/nat.conf:5: port forward "8080 = 192.168.133.50" must look like "8080 = 192.168.133.50:80"`,
    );
  });

  it('names a missing file, a folder without a networking file, and binary data', () => {
    expect(importError(() => importVmware('/nonexistent/networking')).message).toBe(
      '/nonexistent/networking: cannot read: no such file or folder',
    );
    const empty = tree({ 'README.txt': 'hello' });
    expect(importError(() => importVmware(empty)).message).toContain(`${empty}: has no "networking" file`);
    const binary = tree({ networking: 'VERSION=1,0\n\u0000\u0001' });
    expect(importError(() => importVmware(binary)).message).toBe(`${binary}/networking:2: is not a text file (binary data)`);
  });

  it('refuses overlapping subnets with every problem named', () => {
    const dir = tree({
      networking:
        'answer VNET_1_HOSTONLY_SUBNET 10.1.0.0\nanswer VNET_1_HOSTONLY_NETMASK 255.255.0.0\nanswer VNET_2_HOSTONLY_SUBNET 10.1.2.0\n',
    });
    const error = importError(() => importVmware(dir));
    expect(error.message).toContain('do not make a valid config');
    expect(error.message).toContain('networks[2].subnet: subnet 10.1.2.0/24 overlaps 10.1.0.0/16');
  });
});

// VMware-style dhcpd.conf samples: the domain and lease times map, what cannot be held is named.
describe('VMware dhcpd.conf: domain and lease times', () => {
  const networking = [
    'VERSION=1,0',
    'answer VNET_8_DHCP yes',
    'answer VNET_8_HOSTONLY_NETMASK 255.255.255.0',
    'answer VNET_8_HOSTONLY_SUBNET 192.168.140.0',
    'answer VNET_8_NAT yes',
    '',
  ].join('\n');
  const dhcpd = (body: string) =>
    `default-lease-time 1800;\n${body}\nsubnet 192.168.140.0 netmask 255.255.255.0 {\n\trange 192.168.140.128 192.168.140.254;\n}\n`;
  it.each<[string, string, Record<string, unknown>, RegExp[], string[]]>([
    ['domain-name', 'option domain-name localdomain;', { domain: 'localdomain', dhcp: { leaseSeconds: 1800 } }, [], []],
    ['quoted domain-name', 'option domain-name "lab.example";', { domain: 'lab.example' }, [], []],
    [
      'an invalid domain',
      'option domain-name "bad..name";',
      {},
      [/dhcpd\.conf:2: domain "bad\.\.name" has an empty label.*; left out/],
      ['domain'],
    ],
    [
      'max-lease-time',
      'max-lease-time 7200;',
      { dhcp: { leaseSeconds: 1800 } },
      [/dhcpd\.conf:2: max-lease-time 7200 s cannot be held .* every lease lasts 1800 s/],
      ['domain'],
    ],
    ['max-lease-time equal to the lease', 'max-lease-time 1800;', { dhcp: { leaseSeconds: 1800 } }, [], ['domain']],
  ])('%s', (_what, line, expected, notesExpected, absent) => {
    const folder = tree({ networking, 'vmnet8/dhcpd/dhcpd.conf': dhcpd(line) });
    const { config, notes } = importVmware(folder);
    expectValid(config);
    const n = network(config, 'vmnet8');
    expect(n).toMatchObject(expected);
    for (const key of absent) expect(key in n).toBe(false);
    for (const pattern of notesExpected) expect(notes).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
    if (notesExpected.length === 0) expect(notes.filter((x) => x.includes('dhcpd.conf'))).toEqual([]);
  });
});
