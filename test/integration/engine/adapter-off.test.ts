// Host adapter switched off (VMware's semantics): guests still get DHCP leases, NAT
// guests still reach the outside, but the host cannot reach guests by their addresses.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, echoServer, probe, Sandbox, vnet, vnetDirs, type DhcpLease, type Netns, type VnetDirs } from '../lib/netns';
import { inRange, twoNetworks } from './fixtures';

const sandbox = new Sandbox();
let host: Netns;
let outside: Netns;
let guest8: Netns;
let guest1: Netns;
let dirs: VnetDirs;
let lease8: DhcpLease;
let lease1: DhcpLease;

beforeAll(async () => {
  await ensureCliBuilt();
  [host, outside] = await Promise.all([sandbox.netns('ahost'), sandbox.netns('aoutside')]);
  await sandbox.veth(host, 'up0', outside, 'o0', '10.96.0.1/24', '10.96.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.96.0.2');
  dirs = vnetDirs(sandbox);
  const config = twoNetworks();
  for (const n of config.networks) if (n.type !== 'bridged') n.hostAdapter.enabled = false;
  const file = path.join(dirs.config, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const r = await vnet(host, dirs, ['apply', '--config', file]);
  expect(r.code, r.stderr).toBe(0);
  [guest8, guest1] = await Promise.all([sandbox.guest('aguest8', host, 'vmnet8'), sandbox.guest('aguest1', host, 'vmnet1')]);
  [lease8, lease1] = await Promise.all([sandbox.dhcp(guest8), sandbox.dhcp(guest1)]);
  await Promise.all([
    echoServer(outside, 'tcp', 7000, 'outside'),
    echoServer(guest8, 'tcp', 22, 'guest8'),
    echoServer(guest1, 'tcp', 22, 'guest1'),
    echoServer(host, 'tcp', 9000, 'host'),
  ]);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('host adapter off', () => {
  it('guests still get DHCP leases', () => {
    expect(inRange(lease8.ip, '192.168.133.128', '192.168.133.254')).toBe(true);
    expect(lease8.router).toBe('192.168.133.2');
    expect(inRange(lease1.ip, '192.168.56.128', '192.168.56.254')).toBe(true);
  });

  it('the NAT host address is not on the bridge; the gateway is', async () => {
    const [link] = await host.ipJson<{ addr_info: { local: string }[] }[]>('-4', 'addr', 'show', 'dev', 'vmnet8');
    expect(link!.addr_info.map((a) => a.local)).toEqual(['192.168.133.2']);
  });

  it('NAT guests still reach the outside', async () => {
    expect(await probe(guest8, 'tcp', '10.96.0.2', 7000)).toBe('outside 10.96.0.1');
    expect((await guest8.exec(['busybox', 'ping', '-c1', '-W2', '192.168.133.2'])).code).toBe(0);
  });

  it('the host cannot reach guests by their addresses', async () => {
    expect(await probe(host, 'tcp', lease8.ip, 22, 1)).toBe('');
    expect(await probe(host, 'tcp', lease1.ip, 22, 1)).toBe('');
    expect((await host.exec(['busybox', 'ping', '-c1', '-W1', lease8.ip])).code).not.toBe(0);
    expect((await host.exec(['busybox', 'ping', '-c1', '-W1', lease1.ip])).code).not.toBe(0);
  });

  it('guests cannot reach host services through the bridge', async () => {
    expect(await probe(guest1, 'tcp', '192.168.56.1', 9000, 1)).toBe('');
  });

  it('status shows the adapter off and no problem', async () => {
    const status = JSON.parse((await vnet(host, dirs, ['status', '--json'])).stdout) as {
      name: string;
      hostAdapter: { enabled: boolean; present: boolean };
      problems: string[];
    }[];
    expect(status.map((s) => [s.name, s.hostAdapter.enabled, s.hostAdapter.present, s.problems])).toEqual([
      ['vmnet1', false, false, []],
      ['vmnet8', false, false, []],
    ]);
  });

  it('switching the adapter back on restores host access without restarting DHCP', async () => {
    const config = twoNetworks();
    const file = path.join(dirs.config, 'input.json');
    fs.writeFileSync(file, JSON.stringify(config));
    const plan = JSON.parse((await vnet(host, dirs, ['plan', '--json', '--config', file])).stdout) as { op: string; network?: string }[];
    expect(plan.map((o) => `${o.op}${o.network ? ` ${o.network}` : ''}`)).toEqual(['add-address vmnet8', 'load-ruleset']);
    expect((await vnet(host, dirs, ['apply', '--config', file])).code).toBe(0);
    // The host's source address on vmnet8 is its first address there (the gateway, added first).
    expect(await probe(host, 'tcp', lease8.ip, 22)).toMatch(/^guest8 192\.168\.133\.[12]$/);
    expect(await probe(host, 'tcp', lease1.ip, 22)).toBe('guest1 192.168.56.1');
  });

  it('down NAME removes only that network and keeps the others working', async () => {
    const r = await vnet(host, dirs, ['down', 'vmnet1']);
    expect(r.code, r.stderr).toBe(0);
    const bridges = await host.ipJson<{ ifname: string }[]>('link', 'show', 'type', 'bridge');
    expect(bridges.map((b) => b.ifname)).toEqual(['vmnet8']);
    expect(await host.sysctl('net.ipv4.ip_forward')).toBe('1');
    expect(await probe(guest8, 'tcp', '10.96.0.2', 7000)).toBe('outside 10.96.0.1');
    const table = await host.must(['nft', 'list', 'table', 'inet', 'vnet_editor']);
    expect(table).not.toMatch(/vmnet1/);
    expect(fs.readdirSync(path.join(dirs.state, 'dhcp')).filter((f) => f.startsWith('vmnet1'))).toEqual([]);
  });
});
