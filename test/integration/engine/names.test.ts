// The optional version-1 fields on a real kernel: a guest reads the domain, MTU, boot
// file and next server that real dnsmasq hands out to busybox udhcpc; the gateway's DNS
// answers HOST.DOMAIN for reservations and for a guest that sent its hostname; a
// network without a DHCP range serves its reservations and nobody else. Topology:
//
//   outside (10.98.0.2) ── up0/o0 ── host (10.98.0.1, runs vnet; default route via outside)
//                                     ├─ vmnet8 (NAT 192.168.133.0/24, localdomain, MTU 1400) ─ web (reserved .50), dyn
//                                     └─ pxe (host-only 10.30.0.0/24, reservations only) ─ node1 (reserved .10), stranger
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src-shared/model';
import { ensureCliBuilt, run, Sandbox, vnet, vnetDirs, waitFor, type DhcpLease, type Netns, type VnetDirs } from '../lib/netns';
import { inRange, WEB_ADDRESS, WEB_MAC } from './fixtures';

const NODE_MAC = '52:54:00:00:30:10';

function config(): Config {
  return {
    version: 1,
    networks: [
      {
        name: 'vmnet8',
        type: 'nat',
        mtu: 1400,
        domain: 'localdomain',
        subnet: '192.168.133.0/24',
        hostAdapter: { enabled: true, address: '192.168.133.1' },
        dhcp: {
          enabled: true,
          rangeStart: '192.168.133.128',
          rangeEnd: '192.168.133.254',
          leaseSeconds: 1800,
          reservations: [
            { mac: WEB_MAC, address: WEB_ADDRESS, hostname: 'web' },
            // No guest ever takes this one: its name must resolve all the same.
            { mac: '52:54:00:00:00:51', address: '192.168.133.51', hostname: 'db' },
          ],
          boot: { file: 'pxelinux.0' },
        },
        nat: { gateway: '192.168.133.2', uplink: 'auto', dns: true, portForwards: [] },
      },
      {
        name: 'pxe',
        type: 'hostonly',
        domain: 'lab.example',
        subnet: '10.30.0.0/24',
        hostAdapter: { enabled: true, address: '10.30.0.1' },
        dhcp: {
          enabled: true,
          leaseSeconds: 600,
          reservations: [{ mac: NODE_MAC, address: '10.30.0.10', hostname: 'node1' }],
          boot: { file: 'boot/x64/grubnetx64.efi', server: '10.30.0.5' },
        },
      },
    ],
  };
}

const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;
const leases: Record<string, DhcpLease> = {};
let dyn: Netns;
let stranger: Netns;

/** Asks the NAT gateway's DNS for NAME's IPv4 address from `from`, with busybox nslookup. */
async function lookup(from: Netns, name: string): Promise<string[]> {
  const r = await from.exec(['busybox', 'nslookup', '-type=a', name, '192.168.133.2'], { timeoutMs: 15_000 });
  // The answers follow the "Name:" line; the server's own address comes before it.
  const answer = r.stdout
    .split(/^Name:/m)
    .slice(1)
    .join('\n');
  return [...answer.matchAll(/Address:?\s+(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  await ensureCliBuilt();
  const outside = await sandbox.netns('outside');
  host = await sandbox.netns('host');
  await sandbox.veth(host, 'up0', outside, 'o0', '10.98.0.1/24', '10.98.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.98.0.2');
  dirs = vnetDirs(sandbox);
  const file = path.join(dirs.config, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config()));
  const applied = await vnet(host, dirs, ['apply', '--config', file]);
  expect(applied.code, applied.stderr).toBe(0);
  const [web, node1] = await Promise.all([sandbox.guest('web', host, 'vmnet8', WEB_MAC), sandbox.guest('node1', host, 'pxe', NODE_MAC)]);
  [dyn, stranger] = await Promise.all([sandbox.guest('dyn', host, 'vmnet8'), sandbox.guest('stranger', host, 'pxe')]);
  const ask = ['mtu', 'bootfile'] as ('mtu' | 'bootfile')[];
  const [a, b, c] = await Promise.all([
    sandbox.dhcp(web, 'eth0', { ask }),
    sandbox.dhcp(node1, 'eth0', { ask }),
    sandbox.dhcp(dyn, 'eth0', { ask, hostname: 'dyn1' }),
  ]);
  Object.assign(leases, { web: a, node1: b, dyn: c });
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('what a guest receives', () => {
  it('on NAT: its reserved address, the domain, the MTU, the boot file and the gateway as next server', () => {
    expect(leases.web).toMatchObject({
      ip: WEB_ADDRESS,
      router: '192.168.133.2',
      dns: '192.168.133.2',
      domain: 'localdomain',
      mtu: '1400',
      bootFile: 'pxelinux.0',
      nextServer: '192.168.133.2',
    });
  });

  it('on reservations-only host-only: the reserved address, its domain, the boot file and the named next server', () => {
    expect(leases.node1).toMatchObject({
      ip: '10.30.0.10',
      router: '',
      domain: 'lab.example',
      mtu: '',
      bootFile: 'boot/x64/grubnetx64.efi',
      nextServer: '10.30.0.5',
    });
  });

  it('a dynamic guest gets an address from the range', () => {
    expect(inRange(leases.dyn!.ip, '192.168.133.128', '192.168.133.254')).toBe(true);
  });

  it('an unknown MAC gets no address where there is no range', async () => {
    await expect(sandbox.dhcp(stranger, 'eth0', { tries: 3 })).rejects.toThrow(/no DHCP lease/);
    const listed = await vnet(host, dirs, ['leases', 'pxe', '--json']);
    expect((JSON.parse(listed.stdout) as { mac: string }[]).map((l) => l.mac)).toEqual([NODE_MAC]);
  });
});

describe('names through the gateway DNS', () => {
  it('answers HOST.DOMAIN for every reservation, with or without a guest', async () => {
    expect(await lookup(dyn, 'web.localdomain')).toEqual([WEB_ADDRESS]);
    expect(await lookup(host, 'db.localdomain')).toEqual(['192.168.133.51']);
  });

  it('answers HOST.DOMAIN for a dynamic guest that sent its hostname', async () => {
    expect(await lookup(host, 'dyn1.localdomain')).toEqual([leases.dyn!.ip]);
  });

  it('a new reservation is answered after a reload, without restarting the server', async () => {
    const c = config();
    const vmnet8 = c.networks[0]!;
    if (vmnet8.type !== 'nat') throw new Error('vmnet8 is NAT');
    vmnet8.dhcp.reservations.push({ mac: '52:54:00:00:00:52', address: '192.168.133.52', hostname: 'cache' });
    const file = path.join(dirs.config, 'more.json');
    fs.writeFileSync(file, JSON.stringify(c));
    const plan = JSON.parse((await vnet(host, dirs, ['plan', '--json', '--config', file])).stdout) as { op: string }[];
    expect(plan.map((o) => o.op)).toEqual(['reload-dhcp']);
    expect((await vnet(host, dirs, ['apply', '--config', file])).code).toBe(0);
    await waitFor('cache.localdomain to resolve', async () => (await lookup(host, 'cache.localdomain')).includes('192.168.133.52'));
    expect(await lookup(host, 'dyn1.localdomain')).toEqual([leases.dyn!.ip]);
  });

  it('status and doctor say how the host can resolve the names without systemd-resolved (absent here)', async () => {
    const status = await vnet(host, dirs, ['status']);
    expect(status.stdout).toMatch(
      /names: .*does not ask 192\.168\.133\.2 for names in localdomain.*server=\/localdomain\/192\.168\.133\.2/,
    );
    const doctor = await vnet(host, dirs, ['doctor', 'vmnet8']);
    expect(doctor.stdout).toMatch(/names from the host/);
    expect(doctor.stdout).toMatch(/systemctl enable --now systemd-resolved/);
  });

  it('answers nothing for a name in the domain it does not know', async () => {
    expect(await lookup(host, 'nobody.localdomain')).toEqual([]);
  });
});

describe('the bridge and the plan', () => {
  it('keeps the MTU with 1500-byte guests attached', async () => {
    const [link] = await host.ipJson<{ mtu: number }[]>('link', 'show', 'dev', 'vmnet8');
    expect(link!.mtu).toBe(1400);
  });

  it('is idempotent, and repairs an MTU changed outside the app', async () => {
    const plan = await vnet(host, dirs, ['plan', '--json']);
    expect(JSON.parse(plan.stdout)).toEqual([]);
    await host.ip('link', 'set', 'dev', 'vmnet8', 'mtu', '1500');
    const drift = JSON.parse((await vnet(host, dirs, ['plan', '--json'])).stdout) as { op: string }[];
    expect(drift.map((o) => o.op)).toEqual(['set-mtu']);
    expect((await vnet(host, dirs, ['apply'])).code).toBe(0);
    const [link] = await host.ipJson<{ mtu: number }[]>('link', 'show', 'dev', 'vmnet8');
    expect(link!.mtu).toBe(1400);
  });

  it('down leaves nothing behind', async () => {
    expect((await vnet(host, dirs, ['down'])).code).toBe(0);
    const links = await host.ipJson<{ ifname: string }[]>('link', 'show');
    expect(links.map((l) => l.ifname).filter((n) => n === 'vmnet8' || n === 'pxe')).toEqual([]);
    const dhcpDir = path.join(dirs.state, 'dhcp');
    expect(fs.existsSync(dhcpDir) ? fs.readdirSync(dhcpDir) : []).toEqual([]);
    const pids = (await run(['ip', 'netns', 'pids', host.name])).stdout.split(/\s+/).filter(Boolean);
    const programs = pids.map((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return 'gone';
      }
    });
    expect(programs).not.toContain('dnsmasq');
  });
});
