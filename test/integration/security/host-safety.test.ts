// Host-safety items of the security review, on a real kernel with real iproute2, dnsmasq
// and busybox udhcpc, all inside one namespace ("host") shared by the tests of this file.
// Each test names the review item it guards.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, type Config } from '../../../src-shared/model';
import { ensureCliBuilt, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';

const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;

interface Link {
  ifname: string;
  flags: string[];
  master?: string;
}

async function links(): Promise<Link[]> {
  return JSON.parse(await host.ip('-j', 'link', 'show')) as Link[];
}

async function applyConfig(config: Config): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(dirs.config, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return vnet(host, dirs, ['apply', '--config', file]);
}

beforeAll(async () => {
  await ensureCliBuilt();
  host = await sandbox.netns('safety');
  dirs = vnetDirs(sandbox);
});

afterEach(async () => {
  // Each test starts from a host the app has nothing on.
  const down = await vnet(host, dirs, ['down']);
  expect(down.code, down.stderr).toBe(0);
});

afterAll(async () => {
  await sandbox.cleanup();
});

describe('iproute2 keywords as network names (security item 3)', () => {
  it('keyword names: networks called `link` and `name` come up, and down removes them', async () => {
    const config: Config = { version: 1, networks: [hostOnlyNetwork('link', '10.77.1.0/24'), hostOnlyNetwork('name', '10.77.2.0/24')] };
    for (const n of config.networks) if ('dhcp' in n) n.dhcp.enabled = false;
    const applied = await applyConfig(config);
    expect(applied.code, `${applied.stdout}${applied.stderr}`).toBe(0);
    const up = (await links()).filter((l) => l.ifname === 'link' || l.ifname === 'name');
    expect(up.map((l) => [l.ifname, l.flags.includes('UP')]).sort()).toEqual([
      ['link', true],
      ['name', true],
    ]);
    const down = await vnet(host, dirs, ['down']);
    expect(down.code, down.stderr).toBe(0);
    expect((await links()).map((l) => l.ifname)).toEqual(['lo']);
  });
});

describe('reservation host names dnsmasq reads as settings (security item 5)', () => {
  it('dnsmasq keyword hostnames: apply refuses ignore, infinite and 2m naming the path, and changes nothing', async () => {
    const network = hostOnlyNetwork('vmnet5', '10.77.5.0/24');
    network.dhcp.reservations = ['ignore', 'infinite', '2m'].map((hostname, i) => ({
      mac: `52:54:00:00:05:0${i}`,
      address: `10.77.5.${50 + i}`,
      hostname,
    }));
    const applied = await applyConfig({ version: 1, networks: [network] });
    expect(applied.code, applied.stdout).toBe(2);
    for (const [i, word] of ['ignore', 'infinite', '2m'].entries()) {
      expect(applied.stderr).toContain(`networks[0].dhcp.reservations[${i}].hostname: "${word}" cannot be a host name`);
    }
    expect((await links()).map((l) => l.ifname)).toEqual(['lo']);
  });
});

describe('bridges the app did not create (security item 2)', () => {
  it('foreign bridge adoption: a bridge br-vms with a VM tap and no address is refused naming the path; the tap keeps its master', async () => {
    await host.ip('link', 'add', 'name', 'br-vms', 'type', 'bridge');
    await host.ip('link', 'add', 'vmtap0', 'type', 'veth', 'peer', 'name', 'vmtap0p');
    await host.ip('link', 'set', 'dev', 'vmtap0', 'master', 'br-vms');
    try {
      const config: Config = { version: 1, networks: [hostOnlyNetwork('br-vms', '10.77.9.0/24')] };
      const applied = await applyConfig(config);
      expect(applied.code, applied.stdout).toBe(2);
      expect(applied.stderr).toMatch(/^networks\[0\]\.name: a bridge named "br-vms" already exists on this host and nothing shows this app made it/m);
      const down = await vnet(host, dirs, ['down']);
      expect(down.code, down.stderr).toBe(0);
      const tap = (await links()).find((l) => l.ifname === 'vmtap0');
      expect(tap?.master).toBe('br-vms');
    } finally {
      await host.ip('link', 'del', 'dev', 'vmtap0');
      await host.ip('link', 'del', 'dev', 'br-vms');
    }
  });

  it('foreign bridge adoption: a bridge the app made is still taken over after its state folder is lost', async () => {
    const config: Config = { version: 1, networks: [hostOnlyNetwork('vmnet7', '10.77.7.0/24')] };
    expect((await applyConfig(config)).code).toBe(0);
    fs.rmSync(path.join(dirs.state, 'journal.json'));
    const plan = await vnet(host, dirs, ['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/Take over the existing bridge vmnet7/);
    expect((await vnet(host, dirs, ['apply'])).code).toBe(0);
  });
});

describe('leases after a subnet change (security item 10)', () => {
  it('subnet change leases: after moving a network to another subnet, leases and status drop the old lease', async () => {
    const before: Config = { version: 1, networks: [hostOnlyNetwork('vmnet1', '10.77.10.0/24')] };
    expect((await applyConfig(before)).code).toBe(0);
    const guest = await sandbox.guest('lguest', host, 'vmnet1');
    const lease = await sandbox.dhcp(guest);
    expect(lease.ip).toMatch(/^10\.77\.10\./);
    const listed = async () => JSON.parse((await vnet(host, dirs, ['leases', '--json'])).stdout) as { address: string }[];
    expect((await listed()).map((l) => l.address)).toEqual([lease.ip]);

    const after: Config = { version: 1, networks: [hostOnlyNetwork('vmnet1', '10.77.11.0/24')] };
    const moved = await applyConfig(after);
    expect(moved.code, moved.stderr).toBe(0);
    expect(await listed()).toEqual([]);
    const status = JSON.parse((await vnet(host, dirs, ['status', '--json'])).stdout) as { name: string; leases: number }[];
    expect(status.find((n) => n.name === 'vmnet1')?.leases).toBe(0);
  });
});

describe('state folder permissions (security item 8)', () => {
  it('state folder: apply keeps the installer mode 0750, keeps leases private, and dnsmasq still rereads reservations', async () => {
    fs.chmodSync(dirs.state, 0o750);
    const mac = '52:54:00:00:08:01';
    const network = hostOnlyNetwork('vmnet1', '10.77.8.0/24');
    expect((await applyConfig({ version: 1, networks: [network] })).code).toBe(0);
    const guest = await sandbox.guest('pguest', host, 'vmnet1', mac);
    expect((await sandbox.dhcp(guest)).ip).not.toBe('10.77.8.77');
    // A reservation added later is a SIGHUP: dnsmasq, now running as nobody, rereads it.
    network.dhcp.reservations = [{ mac, address: '10.77.8.77', hostname: 'pinned' }];
    const reloaded = await applyConfig({ version: 1, networks: [network] });
    expect(reloaded.code, reloaded.stderr).toBe(0);
    expect((await sandbox.dhcp(guest)).ip).toBe('10.77.8.77');
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(dirs.state)).toBe(0o750);
    expect(mode(path.join(dirs.state, 'dhcp'))).toBe(0o700);
    expect(fs.existsSync(path.join(dirs.state, 'dhcp', 'vmnet1.leases'))).toBe(true);
  });

  it('state folder: a link planted where a DHCP file is written is replaced, never written through', async () => {
    const network = hostOnlyNetwork('vmnet1', '10.77.8.0/24');
    network.dhcp.reservations = [{ mac: '52:54:00:00:08:02', address: '10.77.8.78' }];
    const target = path.join(sandbox.tempDir('victim'), 'passwd');
    fs.writeFileSync(target, 'root:x:0:0\n');
    const readable = `${dirs.state}-dnsmasq`;
    fs.mkdirSync(readable, { recursive: true, mode: 0o755 });
    fs.symlinkSync(target, path.join(readable, 'vmnet1.hosts'));
    // Where earlier versions kept it, too.
    fs.mkdirSync(path.join(dirs.state, 'dhcp'), { recursive: true });
    fs.symlinkSync(target, path.join(dirs.state, 'dhcp', 'vmnet1.hosts'));
    expect((await applyConfig({ version: 1, networks: [network] })).code).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toBe('root:x:0:0\n');
    expect(fs.lstatSync(path.join(readable, 'vmnet1.hosts')).isFile()).toBe(true);
  });

  it('state folder: a state or config folder that others can write is refused, and nothing changes', async () => {
    const open = vnetDirs(sandbox);
    fs.chmodSync(open.state, 0o777);
    const file = path.join(open.config, 'input.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, networks: [hostOnlyNetwork('vmnet3', '10.77.3.0/24')] }));
    const applied = await vnet(host, open, ['apply', '--config', file]);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain(`refusing the state folder ${open.state}: others can write it (mode 0777)`);
    expect((await links()).map((l) => l.ifname)).not.toContain('vmnet3');
  });
});
