// Imported configs applied for real: `vnet import` turns VMware's settings folder and
// libvirt's default network into version-1 configs, and `vnet apply` builds them inside
// network namespaces. Guests get their leases (reservations included) and their
// gateway from the imported settings, reach the outside through NAT, and port forwards
// from both VMware files answer. The outside has no route back to the private
// subnets, so every answer it gets went through the host's NAT. Topology, one per import:
//
//   outside (10.250.N.2) ── up0/o0 ── host (10.250.N.1, runs vnet; default route via outside)
//                                     └─ imported networks ─ guests
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type Config, type NatNetwork, type RoutedNetwork } from '../../../src-shared/model';
import {
  cliBundle,
  echoServer,
  ensureCliBuilt,
  probe,
  repoRoot,
  run,
  Sandbox,
  vnet,
  vnetDirs,
  type Netns,
  type VnetDirs,
} from '../lib/netns';

const sandbox = new Sandbox();
const WEB_MAC = '52:54:00:12:34:56';

interface Site {
  host: Netns;
  outside: Netns;
  dirs: VnetDirs;
  config: Config;
  notes: string;
  uplinkAddress: string;
}

/** Runs `vnet import` (it changes nothing, so it needs no namespace) and stores the config it prints. */
async function importConfig(
  from: 'vmware' | 'libvirt',
  fixture: string,
  dirs: VnetDirs,
): Promise<{ file: string; config: Config; notes: string }> {
  const r = await run([process.execPath, cliBundle, 'import', '--from', from, path.join(repoRoot, 'test/fixtures', fixture)]);
  expect(r.code, r.stderr).toBe(0);
  const parsed = parseConfigText(r.stdout);
  if (!parsed.ok) throw new Error(`vnet import printed an invalid config: ${JSON.stringify(parsed.errors)}`);
  const file = path.join(dirs.config, 'imported.json');
  fs.writeFileSync(file, r.stdout);
  return { file, config: parsed.config, notes: r.stderr };
}

async function site(tag: string, n: number, from: 'vmware' | 'libvirt', fixture: string): Promise<Site> {
  const [host, outside] = await Promise.all([sandbox.netns(`${tag}h`), sandbox.netns(`${tag}o`)]);
  const uplinkAddress = `10.250.${n}.1`;
  await sandbox.veth(host, 'up0', outside, 'o0', `${uplinkAddress}/24`, `10.250.${n}.2/24`);
  await host.ip('route', 'add', 'default', 'via', `10.250.${n}.2`);
  const dirs = vnetDirs(sandbox);
  const { file, config, notes } = await importConfig(from, fixture, dirs);
  const applied = await vnet(host, dirs, ['apply', '--config', file], { timeoutMs: 90_000 });
  expect(applied.code, `vnet apply of the imported ${fixture}: ${applied.stderr}${applied.stdout}`).toBe(0);
  return { host, outside, dirs, config, notes, uplinkAddress };
}

const routed = (config: Config, name: string): RoutedNetwork => config.networks.find((n) => n.name === name) as RoutedNetwork;

let vmware: Site;
let libvirt: Site;

beforeAll(async () => {
  await ensureCliBuilt();
  [vmware, libvirt] = await Promise.all([
    site('imvm', 1, 'vmware', 'vmware/apply'),
    site('imlv', 2, 'libvirt', 'libvirt/networks/default.xml'),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([vmware, libvirt].filter(Boolean).map((s) => vnet(s.host, s.dirs, ['down']).catch(() => undefined)));
  await sandbox.cleanup();
});

describe('a VMware settings folder, imported and applied', () => {
  let web: Netns;
  let guest1: Netns;

  beforeAll(async () => {
    [web, guest1] = await Promise.all([
      sandbox.guest('imweb', vmware.host, 'vmnet8', WEB_MAC),
      sandbox.guest('imho', vmware.host, 'vmnet1'),
    ]);
    await Promise.all([
      echoServer(web, 'tcp', 80, 'web-80'),
      echoServer(web, 'tcp', 443, 'web-443'),
      echoServer(web, 'udp', 5353, 'web-udp'),
      echoServer(vmware.outside, 'tcp', 7000, 'outside'),
    ]);
  }, 60_000);

  it('applies cleanly and idempotently (plan is empty afterwards)', async () => {
    const plan = await vnet(vmware.host, vmware.dirs, ['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual([]);
  });

  it("hands the reserved address from add_dhcp_mac_to_ip/dhcpd.conf to the VM, with nat.conf's gateway as router", async () => {
    const lease = await sandbox.dhcp(web);
    expect(lease.ip).toBe('172.16.160.50');
    expect(lease.router).toBe('172.16.160.2');
  });

  it("leases from dhcpd.conf's range on the host-only network", async () => {
    const lease = await sandbox.dhcp(guest1);
    const last = Number(lease.ip.split('.')[3]);
    expect(lease.ip.startsWith('172.16.77.')).toBe(true);
    expect(last).toBeGreaterThanOrEqual(10);
    expect(last).toBeLessThanOrEqual(20);
    expect(routed(vmware.config, 'vmnet1').label).toBe('Build farm');
  });

  it('lets the NAT guest reach the outside, masqueraded behind the uplink address', async () => {
    expect(await probe(web, 'tcp', `10.250.1.2`, 7000)).toBe(`outside ${vmware.uplinkAddress}`);
  });

  it('answers the port forwards from the networking file and from nat.conf (tcp and udp)', async () => {
    expect((await probe(vmware.outside, 'tcp', vmware.uplinkAddress, 8080)).startsWith('web-80 ')).toBe(true);
    expect((await probe(vmware.outside, 'tcp', vmware.uplinkAddress, 8443)).startsWith('web-443 ')).toBe(true);
    expect((await probe(vmware.outside, 'udp', vmware.uplinkAddress, 5353)).startsWith('web-udp ')).toBe(true);
  });
});

describe("libvirt's default network, imported and applied", () => {
  let guest: Netns;

  beforeAll(async () => {
    guest = await sandbox.guest('imlvg', libvirt.host, 'net-default');
    await echoServer(libvirt.outside, 'tcp', 7000, 'outside');
  }, 60_000);

  it('reports the gateway/host-adapter change on stderr', () => {
    expect(libvirt.notes).toContain("note: net-default: libvirt's address 192.168.122.1 stays the guests' gateway");
  });

  it("puts the host adapter on the address the import chose, and the gateway on libvirt's", async () => {
    const net = libvirt.config.networks[0] as NatNetwork;
    expect(net.hostAdapter.address).toBe('192.168.122.2');
    const addresses = await libvirt.host.ipJson<{ addr_info: { local: string }[] }[]>('addr', 'show', 'dev', 'net-default');
    expect(addresses[0]!.addr_info.map((a) => a.local)).toContain('192.168.122.2');
  });

  it("leases an address from the shrunk range with libvirt's address as router, and reaches the outside", async () => {
    const lease = await sandbox.dhcp(guest);
    const last = Number(lease.ip.split('.')[3]);
    expect(lease.ip.startsWith('192.168.122.')).toBe(true);
    expect(last).toBeGreaterThanOrEqual(3);
    expect(lease.router).toBe('192.168.122.1');
    expect(await probe(guest, 'tcp', '10.250.2.2', 7000)).toBe(`outside ${libvirt.uplinkAddress}`);
  });
});
