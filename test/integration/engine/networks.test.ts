// Host-only and NAT networks on a real kernel: dnsmasq, nftables, busybox udhcpc and
// real packets, all inside namespaces. Topology (shared by the tests of this file):
//
//   outside (10.99.0.2) ── up0/o0 ── host (10.99.0.1, runs vnet; default route via outside)
//                                     ├─ vmnet8 (NAT 192.168.133.0/24) ─ web (reserved .50), guest8
//                                     └─ vmnet1 (host-only 192.168.56.0/24) ─ guest1
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureCliBuilt,
  echoServer,
  waitFor,
  probe,
  Sandbox,
  vnet,
  vnetDirs,
  type DhcpLease,
  type Netns,
  type VnetDirs,
} from '../lib/netns';
import { inRange, twoNetworks, WEB_ADDRESS, WEB_MAC } from './fixtures';

const sandbox = new Sandbox();
let host: Netns;
let outside: Netns;
let web: Netns;
let guest8: Netns;
let guest1: Netns;
/** A second host-only guest, for traffic between guests of one network. */
let guest1b: Netns;
let dirs: VnetDirs;
let configFile: string;
const leases: Record<string, DhcpLease> = {};

async function json<T>(args: string[]): Promise<T> {
  const r = await vnet(host, dirs, args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  await ensureCliBuilt();
  [host, outside] = await Promise.all([sandbox.netns('host'), sandbox.netns('outside')]);
  await sandbox.veth(host, 'up0', outside, 'o0', '10.99.0.1/24', '10.99.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.99.0.2');
  // The outside knows the way back to both subnets, so only the host's rules can stop traffic.
  await outside.ip('route', 'add', '192.168.56.0/24', 'via', '10.99.0.1');
  await outside.ip('route', 'add', '192.168.133.0/24', 'via', '10.99.0.1');
  dirs = vnetDirs(sandbox);
  configFile = path.join(dirs.config, 'input.json');
  fs.writeFileSync(configFile, JSON.stringify(twoNetworks()));
  const applied = await vnet(host, dirs, ['apply', '--config', configFile]);
  expect(applied.code, applied.stderr).toBe(0);
  [web, guest8, guest1, guest1b] = await Promise.all([
    sandbox.guest('web', host, 'vmnet8', WEB_MAC),
    sandbox.guest('guest8', host, 'vmnet8'),
    sandbox.guest('guest1', host, 'vmnet1'),
    sandbox.guest('guest1b', host, 'vmnet1'),
  ]);
  const [a, b, c, d] = await Promise.all([sandbox.dhcp(web), sandbox.dhcp(guest8), sandbox.dhcp(guest1), sandbox.dhcp(guest1b)]);
  Object.assign(leases, { web: a, guest8: b, guest1: c, guest1b: d });
  await Promise.all([
    echoServer(web, 'tcp', 80, 'web'),
    echoServer(web, 'udp', 5353, 'web-udp'),
    echoServer(outside, 'tcp', 7000, 'outside'),
    echoServer(host, 'tcp', 9000, 'host'),
    echoServer(guest8, 'tcp', 22, 'guest8'),
    echoServer(web, 'tcp', 81, 'web-hold', true),
  ]);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('apply', () => {
  it('is idempotent: the plan after an apply is empty', async () => {
    expect(await json<unknown[]>(['plan', '--json'])).toEqual([]);
    const again = await vnet(host, dirs, ['apply']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to do/);
  });

  it('stores the applied config', () => {
    const stored = JSON.parse(fs.readFileSync(path.join(dirs.config, 'networks.json'), 'utf8'));
    expect(stored).toEqual(twoNetworks());
  });

  it('switches IPv4 forwarding on for NAT', async () => {
    expect(await host.sysctl('net.ipv4.ip_forward')).toBe('1');
  });
});

describe('DHCP', () => {
  it('hands out a dynamic lease inside the range, with the gateway as router and DNS on NAT', () => {
    expect(inRange(leases.guest8!.ip, '192.168.133.128', '192.168.133.254')).toBe(true);
    expect(leases.guest8!.router).toBe('192.168.133.2');
    expect(leases.guest8!.dns).toBe('192.168.133.2');
    expect(leases.guest8!.subnet).toBe('255.255.255.0');
  });

  it('gives a reserved MAC its address', () => {
    expect(leases.web!.ip).toBe(WEB_ADDRESS);
  });

  it('hands out no router on host-only networks', () => {
    expect(inRange(leases.guest1!.ip, '192.168.56.128', '192.168.56.254')).toBe(true);
    expect(leases.guest1!.router).toBe('');
  });

  it('lists the leases as JSON', async () => {
    const list = await json<{ network: string; mac: string; address: string; hostname: string; expires: string | null }[]>([
      'leases',
      '--json',
    ]);
    expect(list.map((l) => l.address).sort()).toEqual([leases.guest1!.ip, leases.guest1b!.ip, leases.guest8!.ip, WEB_ADDRESS].sort());
    const webLease = list.find((l) => l.mac === WEB_MAC)!;
    expect(webLease).toMatchObject({ network: 'vmnet8', address: WEB_ADDRESS });
    expect(Date.parse(webLease.expires!)).toBeGreaterThan(Date.now());
    const only1 = await json<{ network: string }[]>(['leases', 'vmnet1', '--json']);
    expect(only1.map((l) => l.network)).toEqual(['vmnet1', 'vmnet1']);
  });

  it('serves DNS on the gateway address only', async () => {
    const sockets = await host.must(['ss', '-H', '-lnu', 'sport = :53']);
    expect(sockets).toMatch(/192\.168\.133\.2:53/);
    expect(sockets).not.toMatch(/192\.168\.133\.1:53|0\.0\.0\.0:53|127\.0\.0\.\d+:53/);
  });
});

describe('guests', () => {
  it('reach their gateway and the host', async () => {
    const ping = async (ns: Netns, address: string): Promise<string> => {
      const r = await ns.exec(['busybox', 'ping', '-c1', '-W2', address]);
      return r.code === 0 ? 'answers' : `no answer: ${r.stdout}${r.stderr}`;
    };
    expect(await ping(guest8, '192.168.133.2')).toBe('answers');
    expect(await ping(guest8, '192.168.133.1')).toBe('answers');
    expect(await ping(guest1, '192.168.56.1')).toBe('answers');
    expect(await probe(guest1, 'tcp', '192.168.56.1', 9000)).toBe('host 192.168.56.' + leases.guest1!.ip.split('.')[3]);
  });

  it('of one network reach each other, also when br_netfilter passes their frames through the firewall', async () => {
    // With br_netfilter loaded (Docker loads it), frames bridged between two guests go through the
    // host's forward hook as well; it is on in this namespace whenever the module is there.
    const brnf = await host.exec(['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables']);
    if (brnf.code === 0)
      await host.must(['sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1', 'net.bridge.bridge-nf-call-ip6tables=1']);
    else console.log("br_netfilter is not loaded here: the guests' frames are bridged without passing the firewall");
    expect(await probe(guest8, 'tcp', WEB_ADDRESS, 80)).toMatch(/^web /);
    expect((await guest1.exec(['busybox', 'ping', '-c1', '-W2', leases.guest1b!.ip])).code).toBe(0);
    // IPv6 too, link-local on a network without IPv6 (its bridge has none itself), between two
    // guests that ran no DHCP client (whose script flushes the interface's addresses).
    const [a, b] = await Promise.all([sandbox.guest('ll1', host, 'vmnet1'), sandbox.guest('ll2', host, 'vmnet1')]);
    // Both ends need theirs out of DAD: a tentative address cannot be the ping's source either.
    const linkLocal = async (guest: Netns): Promise<string> => {
      let found = '';
      await waitFor(`${guest.name} to have its link-local address (DAD done)`, async () => {
        const [link] = await guest.ipJson<{ addr_info?: { local: string; tentative?: boolean }[] }[]>('-6', 'addr', 'show', 'dev', 'eth0');
        found = link?.addr_info?.find((x) => x.local.startsWith('fe80:') && !x.tentative)?.local ?? '';
        return found !== '';
      });
      return found;
    };
    const [, target] = await Promise.all([linkLocal(a), linkLocal(b)]);
    expect((await a.exec(['busybox', 'ping', '-6', '-c1', '-W2', `${target}%eth0`])).code).toBe(0);
  });

  it("of a host-only network are cut off from each other by a foreign chain's forward drop under br_netfilter: plan and doctor say so, and their fix lets them through", async () => {
    const brnf = await host.exec(['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables']);
    await host.must(['nft', 'add table inet vne_foreign']);
    await host.must(['nft', 'add chain inet vne_foreign forward_drop { type filter hook forward priority 0; policy drop; }']);
    try {
      const plan = await vnet(host, dirs, ['plan', '--config', configFile]);
      expect(plan.code, plan.stderr).toBe(0);
      if (brnf.code !== 0) {
        // Without br_netfilter the guests' frames never meet the chain: nothing to say, nothing cut off.
        console.log('br_netfilter is not loaded here: the chain cannot cut off the guests of one network');
        expect(plan.stderr).not.toMatch(/cut off/);
        expect((await guest1.exec(['busybox', 'ping', '-c1', '-W2', leases.guest1b!.ip])).code).toBe(0);
        return;
      }
      await host.must(['sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']);
      expect((await guest1.exec(['busybox', 'ping', '-c1', '-W1', leases.guest1b!.ip])).code).not.toBe(0);
      const fix = /cut off the guests of vmnet1 from each other; to fix: .*`(nft insert rule inet vne_foreign forward_drop [^`]*)`/.exec(
        plan.stderr,
      );
      expect(fix, plan.stderr).not.toBeNull();
      const doctor = await vnet(host, dirs, ['doctor']);
      expect(doctor.stdout).toMatch(/vmnet1: bridge filtering: chain forward_drop of table inet vne_foreign \(not ours\)/);
      expect(doctor.stdout).toContain(fix![1]);
      // The suggested rule, exactly as printed (nft parses its words as one command line).
      await host.must(['nft', fix![1]!.replace(/^nft /, '')]);
      expect((await guest1.exec(['busybox', 'ping', '-c1', '-W2', leases.guest1b!.ip])).code).toBe(0);
    } finally {
      await host.must(['nft', 'delete table inet vne_foreign']);
    }
  });

  it('on NAT reach the outside, which sees the host address', async () => {
    expect(await probe(guest8, 'tcp', '10.99.0.2', 7000)).toBe('outside 10.99.0.1');
  });

  it('on host-only reach neither the outside (even with a default route) nor other networks', async () => {
    await guest1.ip('route', 'replace', 'default', 'via', '192.168.56.1');
    expect(await probe(guest1, 'tcp', '10.99.0.2', 7000, 1)).toBe('');
    expect(await probe(guest1, 'tcp', leases.guest8!.ip, 22, 1)).toBe('');
    expect((await guest1.exec(['busybox', 'ping', '-c1', '-W1', '10.99.0.2'])).code).not.toBe(0);
  });

  it('on NAT do not reach host-only guests', async () => {
    expect((await guest8.exec(['busybox', 'ping', '-c1', '-W1', leases.guest1!.ip])).code).not.toBe(0);
  });

  it('cannot be reached from outside except through port forwards', async () => {
    expect(await probe(outside, 'tcp', leases.guest8!.ip, 22, 1)).toBe('');
    expect(await probe(outside, 'tcp', WEB_ADDRESS, 80, 1)).toBe('');
  });
});

describe('port forwards', () => {
  it('TCP: from outside on the host address', async () => {
    expect(await probe(outside, 'tcp', '10.99.0.1', 8080)).toBe('web 10.99.0.2');
  });

  it('UDP: from outside on the host address', async () => {
    expect(await probe(outside, 'udp', '10.99.0.1', 5353)).toBe('web-udp 10.99.0.2');
  });

  it('from the host itself on its non-loopback addresses', async () => {
    expect(await probe(host, 'tcp', '10.99.0.1', 8080)).toMatch(/^web /);
    expect(await probe(host, 'tcp', '192.168.133.1', 8080)).toMatch(/^web /);
    expect(await probe(host, 'udp', '10.99.0.1', 5353)).toMatch(/^web-udp /);
  });

  it('hairpin: from another guest through the host address', async () => {
    expect(await probe(guest8, 'tcp', '10.99.0.1', 8080)).toMatch(/^web 192\.168\.133\./);
    expect(await probe(guest8, 'udp', '10.99.0.1', 5353)).toMatch(/^web-udp /);
  });

  it('change without restarting DHCP or dropping connections', async () => {
    const config = twoNetworks();
    const vmnet8 = config.networks[1]!;
    if (vmnet8.type !== 'nat') throw new Error('fixture');
    vmnet8.nat.portForwards.push({ protocol: 'tcp', hostPort: 8081, guestAddress: WEB_ADDRESS, guestPort: 81 });
    fs.writeFileSync(configFile, JSON.stringify(config));
    expect((await vnet(host, dirs, ['apply', '--config', configFile])).code).toBe(0);
    const before = await json<{ name: string; dhcp: { pid: number } }[]>(['status', '--json']);
    // A connection opened through a forward before a change must survive the change.
    const conn = outside.spawn(['socat', '-T', '600', '-', 'TCP:10.99.0.1:8081'], 'pipe');
    let received = '';
    conn.stdout?.on('data', (d: Buffer) => (received += d.toString()));
    await waitFor('the held connection', () => received.includes('web-hold'), 30_000);

    vmnet8.nat.portForwards.push({ protocol: 'tcp', hostPort: 2222, guestAddress: leases.guest8!.ip, guestPort: 22 });
    fs.writeFileSync(configFile, JSON.stringify(config));
    const plan = await json<{ op: string }[]>(['plan', '--json', '--config', configFile]);
    expect(plan.map((o) => o.op)).toEqual(['load-ruleset']);
    expect((await vnet(host, dirs, ['apply', '--config', configFile])).code).toBe(0);
    expect(await probe(outside, 'tcp', '10.99.0.1', 2222)).toBe('guest8 10.99.0.2');
    const after = await json<{ name: string; dhcp: { pid: number } }[]>(['status', '--json']);
    expect(after.map((s) => s.dhcp.pid)).toEqual(before.map((s) => s.dhcp.pid));
    conn.stdin?.write('still here\n');
    await waitFor('the echo over the old connection', () => received.includes('still here'), 30_000);
    expect(conn.exitCode).toBeNull();
    conn.kill();
  });
});

describe('reservations', () => {
  it('added later reload DHCP (no restart) and the new guest gets its address', async () => {
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    config.networks[1].dhcp.reservations.push({ mac: '52:54:00:aa:bb:cc', address: '192.168.133.60', hostname: 'db' });
    fs.writeFileSync(configFile, JSON.stringify(config));
    const before = await json<{ dhcp: { pid: number } }[]>(['status', '--json']);
    const plan = await json<{ op: string; network: string }[]>(['plan', '--json', '--config', configFile]);
    expect(plan.map((o) => `${o.op} ${o.network}`)).toEqual(['reload-dhcp vmnet8']);
    expect((await vnet(host, dirs, ['apply', '--config', configFile])).code).toBe(0);
    const after = await json<{ dhcp: { pid: number } }[]>(['status', '--json']);
    expect(after.map((s) => s.dhcp.pid)).toEqual(before.map((s) => s.dhcp.pid));
    const db = await sandbox.guest('db', host, 'vmnet8', '52:54:00:aa:bb:cc');
    expect((await sandbox.dhcp(db)).ip).toBe('192.168.133.60');
    // Leases handed out before the reload are still known.
    const list = await json<{ address: string }[]>(['leases', 'vmnet8', '--json']);
    expect(list.map((l) => l.address)).toEqual(expect.arrayContaining([WEB_ADDRESS, leases.guest8!.ip, '192.168.133.60']));
  });
});

describe('status and doctor', () => {
  it('status reports both networks up with DHCP and NAT running', async () => {
    const status = await json<{ name: string; up: boolean; problems: string[]; dhcp: { running: boolean }; nat?: { running: boolean } }[]>([
      'status',
      '--json',
    ]);
    expect(status.map((s) => [s.name, s.up, s.dhcp.running, s.nat?.running ?? null, s.problems])).toEqual([
      ['vmnet1', true, true, null, []],
      ['vmnet8', true, true, true, []],
    ]);
  });

  it('doctor finds nothing wrong', async () => {
    const r = await vnet(host, dirs, ['doctor']);
    expect(r.stdout).not.toMatch(/PROBLEM/);
    expect(r.code).toBe(0);
  });
});

describe('guests with static addresses', () => {
  it('doctor warns and says to use the gateway', async () => {
    const fixed = await sandbox.guest('static', host, 'vmnet8');
    await fixed.ip('addr', 'add', '192.168.133.77/24', 'dev', 'eth0');
    expect((await fixed.exec(['busybox', 'ping', '-c1', '-W2', '192.168.133.1'])).code).toBe(0);
    const r = await vnet(host, dirs, ['doctor', 'vmnet8']);
    expect(r.stdout).toMatch(/warning +vmnet8: static guest: guest 192\.168\.133\.77 .*uses a static address/);
    expect(r.stdout).toMatch(/fix: give it 192\.168\.133\.2 as its default gateway and DNS server/);
    expect(r.code).toBe(0);
  });
});

describe('services', () => {
  it('lists DHCP and NAT per network', async () => {
    const services = await json<
      { network: string; dhcp: { running: boolean; leases: number }; nat?: { running: boolean; portForwards: number } }[]
    >(['services', '--json']);
    const vmnet8 = services.find((s) => s.network === 'vmnet8')!;
    expect(vmnet8.dhcp.running).toBe(true);
    expect(vmnet8.dhcp.leases).toBeGreaterThanOrEqual(3);
    expect(vmnet8.nat).toMatchObject({ running: true, portForwards: 4 });
    expect(services.find((s) => s.network === 'vmnet1')!.nat).toBeUndefined();
  });

  it('restarting DHCP gives a new server that keeps the leases', async () => {
    const before = await json<{ network: string; dhcp: { pid: number } }[]>(['services', '--json']);
    const r = await vnet(host, dirs, ['services', 'restart', 'vmnet8', 'dhcp']);
    expect(r.code, r.stderr).toBe(0);
    const after = await json<{ network: string; dhcp: { pid: number; running: boolean } }[]>(['services', '--json']);
    const pid = (list: { network: string; dhcp: { pid: number } }[], n: string): number => list.find((s) => s.network === n)!.dhcp.pid;
    expect(pid(after, 'vmnet8')).not.toBe(pid(before, 'vmnet8'));
    expect(pid(after, 'vmnet1')).toBe(pid(before, 'vmnet1'));
    expect((await sandbox.dhcp(guest8)).ip).toBe(leases.guest8!.ip);
  });
});

describe('down', () => {
  it('leaves no link, table, process or file, and restores forwarding', async () => {
    const r = await vnet(host, dirs, ['down']);
    expect(r.code, r.stderr).toBe(0);
    const links = await host.ipJson<{ ifname: string }[]>('link', 'show', 'type', 'bridge');
    expect(links.map((l) => l.ifname)).toEqual([]);
    expect((await host.exec(['nft', 'list', 'table', 'inet', 'vnet_editor'])).code).not.toBe(0);
    expect(await host.sysctl('net.ipv4.ip_forward')).toBe('0');
    const pids = (await host.must(['ip', 'netns', 'pids', host.name])).split(/\s+/).filter(Boolean);
    const dnsmasqs = pids.filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dnsmasq';
      } catch {
        return false;
      }
    });
    expect(dnsmasqs).toEqual([]);
    expect(fs.readdirSync(dirs.state)).toEqual([]);
    // The stored config stays; a second down has nothing to do.
    expect(fs.existsSync(path.join(dirs.config, 'networks.json'))).toBe(true);
    expect((await vnet(host, dirs, ['down'])).stdout).toMatch(/Nothing to remove/);
  });
});
