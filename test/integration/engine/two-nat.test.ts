// Two NAT networks with DNS side by side: each DHCP server answers only on its own
// bridge, guests of each get their own subnet, and the networks cannot reach each other.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { natNetwork, type Config } from '../../../src-shared/model';
import { ensureCliBuilt, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';

const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;

beforeAll(async () => {
  await ensureCliBuilt();
  host = await sandbox.netns('thost');
  dirs = vnetDirs(sandbox);
  const config: Config = { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24'), natNetwork('vmnet9', '192.168.134.0/24')] };
  const file = path.join(dirs.config, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const r = await vnet(host, dirs, ['apply', '--config', file]);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

it('each network’s guests get leases from their own DHCP server and cannot reach the other network', async () => {
  const [a, b] = await Promise.all([sandbox.guest('tg8', host, 'vmnet8'), sandbox.guest('tg9', host, 'vmnet9')]);
  const [la, lb] = await Promise.all([sandbox.dhcp(a), sandbox.dhcp(b)]);
  expect(la).toMatchObject({ router: '192.168.133.2', serverid: '192.168.133.2' });
  expect(la.ip).toMatch(/^192\.168\.133\./);
  expect(lb).toMatchObject({ router: '192.168.134.2', serverid: '192.168.134.2' });
  expect(lb.ip).toMatch(/^192\.168\.134\./);
  expect((await a.exec(['busybox', 'ping', '-c1', '-W1', lb.ip])).code).not.toBe(0);
  expect((await b.exec(['busybox', 'ping', '-c1', '-W1', la.ip])).code).not.toBe(0);
  const leases = JSON.parse((await vnet(host, dirs, ['leases', '--json'])).stdout) as { network: string; address: string }[];
  expect(leases.map((l) => `${l.network} ${l.address}`).sort()).toEqual([`vmnet8 ${la.ip}`, `vmnet9 ${lb.ip}`]);
});

it('switching a NAT host adapter off keeps the gateway, and guests keep their router', async () => {
  const config: Config = { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24'), natNetwork('vmnet9', '192.168.134.0/24')] };
  const vmnet9 = config.networks[1]!;
  if (vmnet9.type !== 'nat') throw new Error('fixture');
  vmnet9.hostAdapter.enabled = false;
  const file = path.join(dirs.config, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const r = await vnet(host, dirs, ['apply', '--config', file]);
  expect(r.code, r.stderr).toBe(0);
  const [link] = await host.ipJson<{ addr_info: { local: string }[] }[]>('-4', 'addr', 'show', 'dev', 'vmnet9');
  expect(link!.addr_info.map((a) => a.local)).toEqual(['192.168.134.2']);
  const plan = JSON.parse((await vnet(host, dirs, ['plan', '--json'])).stdout);
  expect(plan).toEqual([]);
  const guest = await sandbox.guest('tg9b', host, 'vmnet9');
  const lease = await sandbox.dhcp(guest);
  expect(lease.router).toBe('192.168.134.2');
  expect((await guest.exec(['busybox', 'ping', '-c1', '-W2', '192.168.134.2'])).code).toBe(0);
});
