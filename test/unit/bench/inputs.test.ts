// What the bench feeds the app and libvirt, and how it reads the tools' output.
import { describe, expect, it } from 'vitest';
import {
  BRINGUP_COUNT,
  FORWARD_PORT,
  GUEST,
  IPERF_PORT,
  checkedConfig,
  libvirtNetworkXml,
  natWithForwards,
  portForwards,
  tenNatNetworks,
} from '../../../bench/configs';
import { libvirtUsers } from '../../../bench/libvirt';
import { parseIperfJson } from '../../../bench/iperf';
import { leasedAddress, randomMac } from '../../../bench/dhcp';
import { consoleUrl } from '../../../bench/cases/editor';
import { checkDefaultStatus } from '../../../bench/cases/cli';
import { reasonLine } from '../../../bench/proc';
import { validateConfig } from '../../../src-shared/model';

describe('bench configs', () => {
  it('ten NAT networks with DHCP that the app accepts, on the named uplink', () => {
    const config = checkedConfig(tenNatNetworks('up0'));
    expect(config.networks).toHaveLength(BRINGUP_COUNT);
    const first = config.networks[0]!;
    expect(first).toMatchObject({
      name: 'vnbench0',
      type: 'nat',
      subnet: '192.168.100.0/24',
      hostAdapter: { enabled: true, address: '192.168.100.1' },
      dhcp: { enabled: true, rangeStart: '192.168.100.128', rangeEnd: '192.168.100.254' },
      nat: { gateway: '192.168.100.2', uplink: 'up0', dns: true, portForwards: [] },
    });
    expect(config.networks[9]).toMatchObject({ name: 'vnbench9', subnet: '192.168.109.0/24' });
  });

  it('libvirt networks equivalent to ours: same subnet, host address, DHCP range, NAT', () => {
    const ours = tenNatNetworks('up0').networks;
    for (let i = 0; i < BRINGUP_COUNT; i++) {
      const xml = libvirtNetworkXml(i);
      const n = ours[i]!;
      if (n.type !== 'nat') throw new Error('expected NAT');
      expect(xml).toContain("<forward mode='nat'/>");
      expect(xml).toContain(`<ip address='${n.hostAdapter.address}' netmask='255.255.255.0'>`);
      expect(xml).toContain(`<range start='${n.dhcp.rangeStart}' end='${n.dhcp.rangeEnd}'/>`);
      expect(xml).toContain(`<name>lvbench${i}</name>`);
    }
  });

  it('1,000 port forwards the app accepts, with the forward under test first and no duplicate host port', () => {
    const forwards = portForwards(1000);
    expect(forwards).toHaveLength(1000);
    expect(forwards[0]).toMatchObject({ protocol: 'tcp', hostPort: FORWARD_PORT, guestAddress: GUEST.address, guestPort: IPERF_PORT });
    expect(new Set(forwards.map((f) => `${f.protocol}/${f.hostPort}`)).size).toBe(1000);
    expect(forwards.filter((f) => f.protocol === 'udp').length).toBeGreaterThan(400);
    const result = validateConfig(natWithForwards(1000, 'up0'));
    expect(result.ok).toBe(true);
  });

  it('a config the app refuses stops the bench with the app’s own error', () => {
    const config = natWithForwards(2, 'up0');
    const n = config.networks[0]!;
    if (n.type !== 'nat') throw new Error('expected NAT');
    n.nat.portForwards[1]!.hostPort = FORWARD_PORT;
    n.nat.portForwards[1]!.protocol = 'tcp';
    expect(() => checkedConfig(config)).toThrow(/bench config is invalid: networks\[0\]\.nat\.portForwards\[1\]/);
  });
});

describe('libvirt users for the sandbox', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
  const group = 'root:x:0:\nkvm:x:107:\nnogroup:x:65534:\n';

  it('adds a libvirt-qemu user and the libvirt and libvirt-qemu groups, keeping every existing line', () => {
    const out = libvirtUsers(passwd, group);
    expect(out.passwd.startsWith(passwd)).toBe(true);
    expect(out.group.startsWith(group)).toBe(true);
    expect(out.passwd).toMatch(/^libvirt-qemu:x:64055:64055:Libvirt Qemu,,,:\/var\/lib\/libvirt:\/usr\/sbin\/nologin$/m);
    expect(out.group).toMatch(/^libvirt:x:64051:libvirt-qemu$/m);
    expect(out.group).toMatch(/^libvirt-qemu:x:64055:$/m);
    // kvm exists already: kept as is, not added twice.
    expect(out.group.match(/^kvm:/gm)).toHaveLength(1);
  });

  it('picks ids nobody uses and adds nothing that already exists', () => {
    const taken = libvirtUsers('a:x:64055:1::/:/bin/sh', 'b:x:64051:\nc:x:64055:');
    expect(taken.passwd).toMatch(/^libvirt-qemu:x:64056:/m);
    expect(taken.group).toMatch(/^libvirt:x:64052:/m);
    expect(taken.group).toMatch(/^libvirt-qemu:x:64056:/m);
    const again = libvirtUsers(taken.passwd, taken.group);
    expect(again).toEqual(taken);
  });
});

describe('tool output', () => {
  it('reads received throughput from iperf3 -J', () => {
    expect(parseIperfJson(JSON.stringify({ end: { sum_received: { bits_per_second: 4.5e9 } } }))).toBeCloseTo(4.5);
  });

  it('turns an iperf3 failure into its own message, never a number', () => {
    expect(() => parseIperfJson(JSON.stringify({ error: 'unable to connect to server: Connection refused' }))).toThrow(
      'iperf3: unable to connect to server: Connection refused',
    );
    expect(() => parseIperfJson(JSON.stringify({ end: {} }))).toThrow(/no received throughput/);
    expect(() => parseIperfJson('iperf3: error')).toThrow(/no JSON report/);
  });

  it('finds the leased address in udhcpc’s output', () => {
    const out =
      'udhcpc: started, v1.35.0\nudhcpc: broadcasting discover\nudhcpc: broadcasting select for 192.168.100.201, server 192.168.100.2\nudhcpc: lease of 192.168.100.201 obtained from 192.168.100.2, lease time 1800\n';
    expect(leasedAddress(out)).toBe('192.168.100.201');
    expect(leasedAddress('udhcpc: no lease, failing')).toBeNull();
  });

  it('makes locally plausible unicast MACs', () => {
    for (let i = 0; i < 20; i++) expect(randomMac()).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });

  it('reads the console URL from vnet serve’s first line', () => {
    expect(consoleUrl('http://127.0.0.1:40123/?token=abc_DEF-9\n')).toBe('http://127.0.0.1:40123/?token=abc_DEF-9');
    expect(consoleUrl('vnet serve: starting\n')).toBeNull();
  });

  it('counts a status timing only when it shows the three default networks up', () => {
    const up = (name: string) => ({ name, up: true });
    expect(() => checkDefaultStatus(JSON.stringify([up('vmnet8'), up('vmnet0'), up('vmnet1')]))).not.toThrow();
    expect(() => checkDefaultStatus(JSON.stringify([up('vmnet0'), up('vmnet1')]))).toThrow(/shows vmnet0, vmnet1, expected/);
    expect(() => checkDefaultStatus(JSON.stringify([up('vmnet0'), up('vmnet1'), { name: 'vmnet8', up: false }]))).toThrow(/vmnet8 down/);
  });

  it('takes the line that names the error as a command’s reason', () => {
    expect(reasonLine('/dev/stdin:4:8-10: Error: syntax error, unexpected fwd\n chain fwd {\n       ^^^\n')).toBe(
      '/dev/stdin:4:8-10: Error: syntax error, unexpected fwd',
    );
    expect(reasonLine('[1/2] Create bridge\nvnet apply: step 2/2 failed: address in use\n')).toBe(
      'vnet apply: step 2/2 failed: address in use',
    );
  });
});
