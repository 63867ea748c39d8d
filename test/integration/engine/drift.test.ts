// Outside interference: each kind of damage done behind the app's back is reported by
// `doctor` (exit 1, with a fix) and `status`, and repaired by `apply`; foreign firewall
// DROP policies are reported with instructions and left alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, echoServer, probe, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from './fixtures';

const sandbox = new Sandbox();
let host: Netns;
let outside: Netns;
let guest: Netns;
let dirs: VnetDirs;

async function doctor(): Promise<{ code: number; out: string }> {
  const r = await vnet(host, dirs, ['doctor']);
  return { code: r.code, out: r.stdout };
}

async function repairedByApply(): Promise<void> {
  const r = await vnet(host, dirs, ['apply']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).not.toMatch(/Nothing to do/);
  const after = await doctor();
  expect(after.out).not.toMatch(/PROBLEM/);
  expect(after.code).toBe(0);
  const plan = await vnet(host, dirs, ['plan', '--json']);
  expect(JSON.parse(plan.stdout)).toEqual([]);
}

beforeAll(async () => {
  await ensureCliBuilt();
  [host, outside] = await Promise.all([sandbox.netns('dhost'), sandbox.netns('doutside')]);
  await sandbox.veth(host, 'up0', outside, 'o0', '10.98.0.1/24', '10.98.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.98.0.2');
  dirs = vnetDirs(sandbox);
  const file = path.join(dirs.config, 'input.json');
  fs.writeFileSync(file, JSON.stringify(twoNetworks()));
  const r = await vnet(host, dirs, ['apply', '--config', file]);
  expect(r.code, r.stderr).toBe(0);
  guest = await sandbox.guest('dguest', host, 'vmnet8');
  await sandbox.dhcp(guest);
  await echoServer(outside, 'tcp', 7000, 'outside');
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('doctor and apply', () => {
  it('start from a healthy host', async () => {
    const d = await doctor();
    expect(d.out).toMatch(/ok +vmnet8: forwarding/);
    expect(d.code).toBe(0);
  });

  it('flushed ruleset: reported, reloaded, guests reach the outside again', async () => {
    await host.must(['nft', 'flush', 'ruleset']);
    const d = await doctor();
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/PROBLEM +vmnet8: NAT rules: .*table inet vnet_editor is missing/);
    expect(d.out).toMatch(/fix: run `vnet apply`/);
    const status = JSON.parse((await vnet(host, dirs, ['status', '--json'])).stdout) as { name: string; problems: string[] }[];
    expect(status.find((s) => s.name === 'vmnet8')!.problems.join()).toMatch(/missing/);
    await repairedByApply();
    expect(await probe(guest, 'tcp', '10.98.0.2', 7000)).toBe('outside 10.98.0.1');
  });

  it('a rule deleted from the app table: reported as changed outside the app, repaired', async () => {
    await host.must(['nft', 'flush', 'chain', 'inet', 'vnet_editor', 'nat_out']);
    const d = await doctor();
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/changed outside the app/);
    await repairedByApply();
  });

  it('bridge deleted: reported, recreated', async () => {
    await host.ip('link', 'del', 'vmnet1');
    const d = await doctor();
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/PROBLEM +vmnet1: bridge: bridge vmnet1 is missing/);
    await repairedByApply();
  });

  it('bridge switched off: reported, switched on', async () => {
    await host.ip('link', 'set', 'vmnet8', 'down');
    expect((await doctor()).out).toMatch(/PROBLEM +vmnet8: bridge: bridge vmnet8 is switched off/);
    await repairedByApply();
  });

  it('host adapter and gateway addresses removed: reported, put back', async () => {
    // The gateway is a secondary address: removing the primary first would take it along.
    await host.ip('addr', 'del', '192.168.133.2/24', 'dev', 'vmnet8');
    await host.ip('addr', 'del', '192.168.133.1/24', 'dev', 'vmnet8');
    const d = await doctor();
    expect(d.out).toMatch(/PROBLEM +vmnet8: host adapter: .*missing/);
    expect(d.out).toMatch(/PROBLEM +vmnet8: gateway: .*missing/);
    await repairedByApply();
  });

  it('DHCP server killed: reported, restarted, leases still served', async () => {
    const pid = fs.readFileSync(path.join(dirs.state, 'dhcp', 'vmnet8.pid'), 'utf8').trim();
    process.kill(Number(pid), 'SIGKILL');
    const d = await doctor();
    expect(d.out).toMatch(/PROBLEM +vmnet8: DHCP server: no DHCP server is running/);
    await repairedByApply();
    expect((await sandbox.dhcp(guest)).router).toBe('192.168.133.2');
  });

  it('forwarding switched off: reported, switched on', async () => {
    await host.must(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    expect((await doctor()).out).toMatch(/PROBLEM +vmnet8: forwarding: .*off/);
    await repairedByApply();
    expect(await host.sysctl('net.ipv4.ip_forward')).toBe('1');
  });

  it("a foreign FORWARD DROP policy (Docker's): reported with a fix, left alone by apply", async () => {
    await host.must(['nft', 'add', 'table', 'ip', 'filter']);
    await host.must(['nft', 'add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }']);
    try {
      const d = await doctor();
      expect(d.code).toBe(1);
      expect(d.out).toMatch(/PROBLEM +vmnet8: foreign firewall: chain FORWARD of table ip filter \(not ours\) has policy drop/);
      expect(d.out).toMatch(/fix: .*iptables -I DOCKER-USER -i vmnet8 -j ACCEPT/);
      expect(await probe(guest, 'tcp', '10.98.0.2', 7000, 1)).toBe('');
      const r = await vnet(host, dirs, ['apply']);
      expect(r.code).toBe(0);
      const chains = await host.must(['nft', 'list', 'chain', 'ip', 'filter', 'FORWARD']);
      expect(chains).toMatch(/policy drop/);
    } finally {
      await host.must(['nft', 'delete', 'table', 'ip', 'filter']);
    }
    expect((await doctor()).code).toBe(0);
    expect(await probe(guest, 'tcp', '10.98.0.2', 7000)).toBe('outside 10.98.0.1');
  });

  it('doctor NAME checks one network', async () => {
    const r = await vnet(host, dirs, ['doctor', 'vmnet1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vmnet1/);
    expect(r.stdout).not.toMatch(/vmnet8/);
  });
});
