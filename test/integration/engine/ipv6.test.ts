// IPv6 on host-only and NAT networks on a real kernel: dnsmasq's router advertisements,
// the kernel's own SLAAC in guest namespaces, NAT66 and isolation in nftables. The host's
// uplink learns its own IPv6 address and default route by RA from the outside (another
// dnsmasq), which has documentation addresses and no route back to the guests' prefixes.
//
//   outside (wan0: 2001:db8:ffff::1/64, lo: 2001:db8:eeee::1, RA sender)
//      │
//   host (up0: SLAAC in 2001:db8:ffff::/64, default route by RA; runs vnet)
//      ├─ vmnet8 NAT       fd15:4ba5:5a2b:1008::/64 ─ guest8
//      └─ vmnet1 host-only fd15:4ba5:5a2b:1001::/64 ─ guest1
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { echoServer, ensureCliBuilt, probe, Sandbox, vnet, vnetDirs, waitFor, type Netns, type VnetDirs } from '../lib/netns';

const NAT_PREFIX = 'fd15:4ba5:5a2b:1008:';
const HOSTONLY_PREFIX = 'fd15:4ba5:5a2b:1001:';
const OUTSIDE_LAN = '2001:db8:ffff::1';
/** Not on the uplink's link: reached only through the host's default route. */
const OUTSIDE_FAR = '2001:db8:eeee::1';

const sandbox = new Sandbox();
let host: Netns;
let outside: Netns;
let guest8: Netns;
let guest1: Netns;
let dirs: VnetDirs;
let configFile: string;
const addr: Record<string, string> = {};

function config(natHostAdapter = true): Config {
  const nat = natNetwork('vmnet8', '192.168.133.0/24');
  nat.hostAdapter.enabled = natHostAdapter;
  return {
    version: 1,
    networks: [
      {
        ...hostOnlyNetwork('vmnet1', '192.168.56.0/24'),
        ipv6: { prefix: 'fd15:4ba5:5a2b:1001::/64', hostAddress: 'fd15:4ba5:5a2b:1001::1' },
      },
      { ...nat, ipv6: { prefix: 'fd15:4ba5:5a2b:1008::/64', hostAddress: 'fd15:4ba5:5a2b:1008::1', gateway: 'fd15:4ba5:5a2b:1008::2' } },
    ],
  };
}

interface Route6 {
  dst: string;
  dev?: string;
  gateway?: string;
  protocol?: string;
  expires?: number;
}

async function defaultRoutes(ns: Netns): Promise<Route6[]> {
  return ns.ipJson<Route6[]>('-6', 'route', 'show', 'default');
}

/** The guest's SLAAC address in `prefix`, once it has left `tentative` (DAD done). */
async function slaacAddress(ns: Netns, prefix: string): Promise<string> {
  let found = '';
  await waitFor(
    `a SLAAC address in ${prefix}:/64 in ${ns.name}`,
    async () => {
      const [link] = await ns.ipJson<{ addr_info: { local: string; tentative?: boolean }[] }[]>('-6', 'addr', 'show', 'dev', 'eth0');
      found = link?.addr_info.find((a) => a.local.startsWith(prefix) && !a.tentative)?.local ?? '';
      return found !== '';
    },
    20_000,
  );
  return found;
}

async function ping(ns: Netns, address: string): Promise<boolean> {
  return (await ns.exec(['busybox', 'ping', '-6', '-c1', '-W2', address], { timeoutMs: 10_000 })).code === 0;
}

async function apply(cfg: Config): Promise<void> {
  fs.writeFileSync(configFile, JSON.stringify(cfg));
  const r = await vnet(host, dirs, ['apply', '--config', configFile]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
}

beforeAll(async () => {
  await ensureCliBuilt();
  [host, outside] = await Promise.all([sandbox.netns('h6host'), sandbox.netns('h6out')]);
  dirs = vnetDirs(sandbox);
  configFile = path.join(dirs.config, 'input.json');
  await sandbox.veth(host, 'up0', outside, 'wan0', '10.99.0.1/24', '10.99.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.99.0.2');
  await outside.ip('-6', 'addr', 'add', `${OUTSIDE_LAN}/64`, 'dev', 'wan0', 'nodad');
  await outside.ip('-6', 'addr', 'add', `${OUTSIDE_FAR}/128`, 'dev', 'lo');
  await outside.must(['sysctl', '-q', '-w', 'net.ipv6.conf.all.forwarding=1']);
  // The outside's router: advertisements every few seconds, so "its next advertisement" comes soon.
  const raDir = sandbox.tempDir('ra');
  fs.chmodSync(raDir, 0o755);
  const raConf = path.join(raDir, 'ra.conf');
  fs.writeFileSync(
    raConf,
    ['interface=wan0', 'port=0', 'bind-interfaces', 'enable-ra', 'dhcp-range=2001:db8:ffff::,ra-only,64', 'ra-param=wan0,4,120', ''].join(
      '\n',
    ),
  );
  outside.spawn(['dnsmasq', '--keep-in-foreground', `--conf-file=${raConf}`, `--pid-file=${path.join(raDir, 'pid')}`]);
  await waitFor(
    'the host to learn its default route by RA',
    async () => (await defaultRoutes(host)).some((r) => r.protocol === 'ra'),
    20_000,
  );
  await echoServer(outside, 'tcp', 7000, 'outside');

  await apply(config());
  [guest8, guest1] = await Promise.all([sandbox.guest('g6nat', host, 'vmnet8'), sandbox.guest('g6ho', host, 'vmnet1')]);
  [addr.guest8, addr.guest1] = await Promise.all([slaacAddress(guest8, NAT_PREFIX), slaacAddress(guest1, HOSTONLY_PREFIX)]);
}, 120_000);

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('the host keeps its own IPv6 route', () => {
  it('after apply: the RA-learned default route is still there, accept_ra is 2 and forwarding is on', async () => {
    expect((await defaultRoutes(host)).filter((r) => r.protocol === 'ra').map((r) => r.dev)).toEqual(['up0']);
    expect(await host.sysctl('net.ipv6.conf.up0.accept_ra')).toBe('2');
    expect(await host.sysctl('net.ipv6.conf.all.forwarding')).toBe('1');
    expect(await host.sysctl('net.ipv6.conf.vmnet8.accept_ra')).toBe('0');
    expect(await ping(host, OUTSIDE_FAR)).toBe(true);
  });

  it("after the outside's next advertisement it still has it and still reaches the outside", { timeout: 90_000 }, async () => {
    // The route's lifetime counts down in whole seconds and each advertisement sets it back to
    // 120 s. Compared with the previous reading, not the first: read within a second of an
    // advertisement, the first is already the highest value the next one can bring back.
    const expires = async () => (await defaultRoutes(host)).find((r) => r.protocol === 'ra')?.expires ?? 0;
    let last = await expires();
    await waitFor(
      'a new router advertisement on up0',
      async () => {
        const now = await expires();
        const renewed = now > last;
        last = now;
        return renewed;
      },
      // dnsmasq spreads its unsolicited advertisements out (about every 10-20 s here).
      60_000,
    );
    expect((await defaultRoutes(host)).some((r) => r.protocol === 'ra' && r.dev === 'up0')).toBe(true);
    expect(await ping(host, OUTSIDE_FAR)).toBe(true);
  });
});

describe('doctor', () => {
  it('passes the IPv6 checks, and names the fix when the uplink would lose its route; apply repairs it', async () => {
    const ok = await vnet(host, dirs, ['doctor', 'vmnet8']);
    expect(ok.code, ok.stdout).toBe(0);
    for (const check of ['IPv6 addresses', 'router advertisements', 'IPv6 forwarding', 'NAT66 rules', 'uplink accept_ra'])
      expect(ok.stdout).toContain(check);
    await host.must(['sysctl', '-q', '-w', 'net.ipv6.conf.up0.accept_ra=1']);
    const bad = await vnet(host, dirs, ['doctor', 'vmnet8']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/up0 has accept_ra=1 while IPv6 forwarding is on/);
    expect(bad.stdout).toContain('accept_ra=2');
    await apply(config());
    expect(await host.sysctl('net.ipv6.conf.up0.accept_ra')).toBe('2');
  });
});

describe('a NAT guest', () => {
  it('gets an address in the prefix and a default route via the bridge', async () => {
    expect(addr.guest8).toMatch(new RegExp(`^${NAT_PREFIX}`));
    await waitFor('the NAT guest default route', async () => (await defaultRoutes(guest8)).length > 0);
    const [route] = await defaultRoutes(guest8);
    expect(route).toMatchObject({ dev: 'eth0', protocol: 'ra' });
    expect(route!.gateway).toMatch(/^fe80::/);
  });

  it('is offered the gateway as DNS server', async () => {
    const ra = await guest8.must(['rdisc6', '-1', '-w', '2000', 'eth0']);
    expect(ra).toMatch(/Recursive DNS server\s*:\s*fd15:4ba5:5a2b:1008::2\b/);
    expect(ra).not.toMatch(/Router lifetime\s*:\s*0 /);
  });

  it('pings the gateway and the host, and reaches the outside, which sees the host uplink address', async () => {
    expect(await ping(guest8, 'fd15:4ba5:5a2b:1008::2')).toBe(true);
    expect(await ping(guest8, 'fd15:4ba5:5a2b:1008::1')).toBe(true);
    const [uplink] = await host.ipJson<{ addr_info: { local: string }[] }[]>('-6', 'addr', 'show', 'dev', 'up0', 'scope', 'global');
    const hostAddress = uplink!.addr_info.find((a) => a.local)!.local;
    expect(await probe(guest8, 'tcp', `[${OUTSIDE_FAR}]`, 7000)).toBe(`outside ${hostAddress}`);
  });
});

describe('a NAT guest with a DHCPv4 lease', () => {
  it('is listed by `vnet leases --json` with its SLAAC address once it has pinged the gateway', { timeout: 60_000 }, async () => {
    // guest8 has no DHCPv4 lease (SLAAC only), so a guest of its own gets one first.
    const guest = await sandbox.guest('g6lease', host, 'vmnet8');
    const lease = await sandbox.dhcp(guest, 'eth0', { applyRoute: false });
    // The lease script flushes every address of eth0, the link-local one too; a link down/up brings
    // IPv6 back (link-local, then SLAAC) and keeps the IPv4 address.
    await guest.ip('link', 'set', 'eth0', 'down');
    await guest.ip('link', 'set', 'eth0', 'up');
    const slaac = await slaacAddress(guest, NAT_PREFIX);
    expect(await ping(guest, 'fd15:4ba5:5a2b:1008::2')).toBe(true);
    const r = await vnet(host, dirs, ['leases', 'vmnet8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const leases = JSON.parse(r.stdout) as { address: string; ipv6?: string[] }[];
    expect(leases.find((l) => l.address === lease.ip)?.ipv6).toEqual([slaac]);
  });
});

describe('a host-only guest', () => {
  it('gets an address but no default route (router lifetime 0)', async () => {
    expect(addr.guest1).toMatch(new RegExp(`^${HOSTONLY_PREFIX}`));
    expect(await defaultRoutes(guest1)).toEqual([]);
    expect(await guest1.must(['rdisc6', '-1', '-w', '2000', 'eth0'])).toMatch(/Router lifetime\s*:\s*0 /);
    expect(await ping(guest1, 'fd15:4ba5:5a2b:1001::1')).toBe(true);
  });

  it('cannot reach the outside even with a manual route, nor the NAT network; nor can the NAT guest reach it', async () => {
    await guest1.ip('-6', 'route', 'add', 'default', 'via', 'fd15:4ba5:5a2b:1001::1');
    expect(await ping(guest1, OUTSIDE_FAR)).toBe(false);
    expect(await ping(guest1, OUTSIDE_LAN)).toBe(false);
    expect(await ping(guest1, addr.guest8!)).toBe(false);
    expect(await ping(guest8, addr.guest1!)).toBe(false);
  });
});

describe('apply again', () => {
  it('plans nothing', async () => {
    const r = await vnet(host, dirs, ['plan', '--config', configFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('with the NAT host adapter off: the host cannot reach the guest, which still has its gateway and the outside', async () => {
    expect(await ping(host, addr.guest8!)).toBe(true);
    await apply(config(false));
    const [link] = await host.ipJson<{ addr_info: { local: string }[] }[]>('-6', 'addr', 'show', 'dev', 'vmnet8', 'scope', 'global');
    expect(link!.addr_info.map((a) => a.local).filter(Boolean)).toEqual(['fd15:4ba5:5a2b:1008::2']);
    expect(await ping(host, addr.guest8!)).toBe(false);
    expect(await ping(guest8, 'fd15:4ba5:5a2b:1008::2')).toBe(true);
    expect(await probe(guest8, 'tcp', `[${OUTSIDE_FAR}]`, 7000)).toMatch(/^outside 2001:db8:ffff:/);
    // Router advertisements still reach the guest through the ruleset.
    expect(await guest8.must(['rdisc6', '-1', '-w', '2000', 'eth0'])).toMatch(/Prefix\s*:\s*fd15:4ba5:5a2b:1008::\/64/);
  });
});

describe('a network without IPv6', () => {
  const TWO_PREFIX = 'fd15:4ba5:5a2b:1002:';
  const withTwo = (ipv6: boolean): Config => {
    const two = hostOnlyNetwork('vmnet2', '192.168.57.0/24');
    const cfg = config(false);
    cfg.networks.push(ipv6 ? { ...two, ipv6: { prefix: `${TWO_PREFIX}:/64`, hostAddress: `${TWO_PREFIX}:1` } } : two);
    return cfg;
  };
  const addresses6 = async (dev: string): Promise<string[]> =>
    ((await host.ipJson<{ addr_info: { local: string }[] }[]>('-6', 'addr', 'show', 'dev', dev))[0]?.addr_info ?? []).map((a) => a.local);

  it('has IPv6 switched off on its bridge (no link-local address), as libvirt does; the others keep theirs', async () => {
    await apply(withTwo(false));
    expect(await host.sysctl('net.ipv6.conf.vmnet2.disable_ipv6')).toBe('1');
    expect(await addresses6('vmnet2')).toEqual([]);
    expect(await host.sysctl('net.ipv6.conf.vmnet1.disable_ipv6')).toBe('0');
    expect((await addresses6('vmnet1')).some((a) => a.startsWith('fe80:'))).toBe(true);
  });

  it('gets it switched on when it gains a subnet: its guest gets an address and pings the host', { timeout: 60_000 }, async () => {
    await apply(withTwo(true));
    expect(await host.sysctl('net.ipv6.conf.vmnet2.disable_ipv6')).toBe('0');
    expect(await host.sysctl('net.ipv6.conf.vmnet2.accept_ra')).toBe('0');
    expect(await addresses6('vmnet2')).toContain(`${TWO_PREFIX}:1`);
    const guest2 = await sandbox.guest('g6two', host, 'vmnet2');
    await slaacAddress(guest2, TWO_PREFIX);
    expect(await ping(guest2, `${TWO_PREFIX}:1`)).toBe(true);
    const r = await vnet(host, dirs, ['plan', '--config', configFile, '--json']);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe('down', () => {
  it('leaves nothing and restores every sysctl, and the host keeps its route', async () => {
    const r = await vnet(host, dirs, ['down']);
    expect(r.code, r.stderr).toBe(0);
    const links = await host.ipJson<{ ifname: string }[]>('link', 'show');
    expect(links.map((l) => l.ifname).filter((n) => n.startsWith('vmnet'))).toEqual([]);
    expect((await host.exec(['nft', 'list', 'table', 'inet', 'vnet_editor'])).code).not.toBe(0);
    expect(await host.sysctl('net.ipv6.conf.all.forwarding')).toBe('0');
    expect(await host.sysctl('net.ipv6.conf.up0.accept_ra')).toBe('1');
    expect(await host.sysctl('net.ipv6.conf.default.accept_ra')).toBe('1');
    expect(await host.sysctl('net.ipv4.ip_forward')).toBe('0');
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
    expect((await defaultRoutes(host)).some((r) => r.protocol === 'ra' && r.dev === 'up0')).toBe(true);
  });
});
