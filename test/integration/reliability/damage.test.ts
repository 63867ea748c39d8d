// Outside damage, a lost state folder, a corrupt stored config and a DHCP server that
// keeps dying: each case ends with ONE `vnet apply` that converges (empty plan, clean
// doctor, one DHCP server per DHCP network by pid file and /proc, guests get leases).
// test/integration/engine/drift.test.ts checks that doctor names each kind of damage;
// this file checks the end state after the repair, and damage combined.
// Config writes that fail half-way (disk full, read-only folder) are covered by
// test/integration/store/write-failures.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, processesIn, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from '../engine/fixtures';
import { applyConverges, dnsmasqByProc, hostWithUplink, makeGuest, snapshot, writeConfig, type Guest } from './lib';

const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;
let file: string;
let guests: Guest[];
let survived = 0;

const DHCP = ['vmnet1', 'vmnet8'];

async function converges(why: string, configFile?: string): Promise<void> {
  await applyConverges(host, dirs, { ...(configFile ? { file: configFile } : {}), dhcpNetworks: DHCP, guests, why });
  survived += 1;
}

async function doctorSays(pattern: RegExp): Promise<void> {
  const d = await vnet(host, dirs, ['doctor']);
  expect(d.code, d.stdout).toBe(1);
  expect(d.stdout).toMatch(pattern);
}

async function killDnsmasq(network: string): Promise<void> {
  for (const pid of (await dnsmasqByProc(host, dirs)).get(network) ?? []) process.kill(pid, 'SIGKILL');
}

beforeAll(async () => {
  await ensureCliBuilt();
  ({ host } = await hostWithUplink(sandbox, 'damage', 92));
  dirs = vnetDirs(sandbox);
  file = writeConfig(sandbox, 'two.json', twoNetworks());
  const r = await vnet(host, dirs, ['apply', '--config', file]);
  expect(r.code, r.stderr).toBe(0);
  guests = [await makeGuest(sandbox, host, 'vmnet1', 'dg1'), await makeGuest(sandbox, host, 'vmnet8', 'dg8')];
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
  console.log(`[reliability] damage cases survived: ${survived}`);
});

describe('outside damage, then one apply', () => {
  it('bridge deleted', async () => {
    await host.ip('link', 'del', 'vmnet8');
    await doctorSays(/PROBLEM +vmnet8: bridge/);
    await converges('bridge deleted');
  });

  it('addresses flushed', async () => {
    await host.ip('addr', 'flush', 'dev', 'vmnet1');
    await host.ip('addr', 'flush', 'dev', 'vmnet8');
    await doctorSays(/PROBLEM +vmnet8: host adapter/);
    await converges('addresses flushed');
  });

  it('ruleset flushed', async () => {
    await host.must(['nft', 'flush', 'ruleset']);
    await doctorSays(/PROBLEM +vmnet8: NAT rules/);
    await converges('ruleset flushed');
  });

  it('DHCP servers killed', async () => {
    await killDnsmasq('vmnet1');
    await killDnsmasq('vmnet8');
    await doctorSays(/PROBLEM +vmnet1: DHCP server/);
    await converges('DHCP servers killed');
  });

  it('forwarding switched off', async () => {
    await host.must(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    await doctorSays(/PROBLEM +vmnet8: forwarding/);
    await converges('forwarding switched off');
  });

  it('all of it at once', async () => {
    await host.ip('link', 'del', 'vmnet1');
    await host.ip('addr', 'flush', 'dev', 'vmnet8');
    await host.must(['nft', 'flush', 'ruleset']);
    await killDnsmasq('vmnet8');
    await host.must(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    await converges('every kind of damage at once');
  });

  it('a foreign table with a DROP forward policy: apply leaves it byte-identical, doctor names it', async () => {
    await host.must(['nft', 'add', 'table', 'ip', 'vne_foreign']);
    await host.must(['nft', 'add chain ip vne_foreign vne_fwd { type filter hook forward priority 0; policy drop; }']);
    await host.must(['nft', 'add rule ip vne_foreign vne_fwd ip saddr 10.0.0.0/8 counter accept']);
    const before = await host.must(['nft', 'list', 'table', 'ip', 'vne_foreign']);
    try {
      await host.must(['nft', 'flush', 'table', 'inet', 'vnet_editor']);
      const r = await vnet(host, dirs, ['apply']);
      expect(r.code, r.stderr).toBe(0);
      expect(await host.must(['nft', 'list', 'table', 'ip', 'vne_foreign'])).toBe(before);
      await doctorSays(/PROBLEM +vmnet8: foreign firewall: chain vne_fwd of table ip vne_foreign \(not ours\) has policy drop/);
    } finally {
      await host.must(['nft', 'delete', 'table', 'ip', 'vne_foreign']);
    }
    await converges('after the foreign table was removed by its owner');
  });
});

describe('lost and damaged files', () => {
  it('the state folder lost while networks run: one apply adopts them, no duplicate DHCP server', async () => {
    fs.rmSync(dirs.state, { recursive: true, force: true });
    await converges('state folder lost');
  });

  it('a truncated stored config: exit 2 with a clear message and no stack trace, host untouched, backup recoverable', async () => {
    // Store a second version so networks.json.bak holds the first.
    const second = twoNetworks();
    (second.networks[1] as { dhcp: { leaseSeconds: number } }).dhcp.leaseSeconds = 3600;
    const secondFile = writeConfig(sandbox, 'second.json', second);
    expect((await vnet(host, dirs, ['apply', '--config', secondFile])).code).toBe(0);
    const stored = path.join(dirs.config, 'networks.json');
    const backup = `${stored}.bak`;
    expect(JSON.parse(fs.readFileSync(backup, 'utf8'))).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
    const text = fs.readFileSync(stored, 'utf8');
    const before = await snapshot(host, dirs);
    for (const damaged of [
      text.slice(0, Math.floor(text.length / 2)),
      '\0\0\0\0',
      '{"version": 1, "networks": [{"name": "$(touch x)"}]}',
    ]) {
      fs.writeFileSync(stored, damaged);
      for (const command of [['apply'], ['plan'], ['status'], ['doctor']]) {
        const r = await vnet(host, dirs, command);
        const what = `vnet ${command.join(' ')} with a damaged stored config`;
        expect(r.stderr, what).toMatch(
          /networks\.json is unusable; it was left as it is \(the previous version is in .*networks\.json\.bak\)/,
        );
        expect(r.stderr, what).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
        if (command[0] === 'apply' || command[0] === 'plan') expect(r.code, what).toBe(2);
        else expect(r.code, what).not.toBe(0);
      }
      expect(fs.readFileSync(stored, 'utf8'), 'the damaged file is left for the user').toBe(damaged);
      expect(await snapshot(host, dirs)).toEqual(before);
    }
    // The user recovers the previous config from the backup: one apply converges on it.
    await converges('recovered from networks.json.bak', backup);
    expect(JSON.parse(fs.readFileSync(stored, 'utf8'))).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });
});

describe('a DHCP server that keeps dying', () => {
  it('is reported each time, never respawned in a loop, and one apply starts exactly one', async () => {
    for (let round = 1; round <= 3; round++) {
      await killDnsmasq('vmnet8');
      await doctorSays(/PROBLEM +vmnet8: DHCP server: no DHCP server is running/);
      const status = JSON.parse((await vnet(host, dirs, ['status', '--json'])).stdout) as { name: string; problems: string[] }[];
      expect(status.find((s) => s.name === 'vmnet8')!.problems.join(' ')).toMatch(/DHCP/);
      // Nothing respawns it behind the user's back (no restart storm): once the CLI has
      // exited, the only programs left in the host namespace are DHCP servers (vmnet1's),
      // so no supervisor exists that could; and it is still down after doctor and status ran.
      const left = await processesIn(host);
      expect(
        left.filter((p) => p.name !== 'dnsmasq'),
        'programs in the host namespace besides DHCP servers',
      ).toEqual([]);
      expect([...(await dnsmasqByProc(host, dirs)).keys()], 'networks with a DHCP server').toEqual(['vmnet1']);
      await converges(`DHCP server killed, round ${round}`);
    }
  });

  // There is no supervisor: a dead dnsmasq stays dead until the next apply (or the services
  // view's Restart). Apply restarts it with a growing delay and, after 3 restarts within 10
  // minutes, gives up and says so. The test above (3 kills with applies between) still
  // converges every round: the "state folder lost" case before it wiped the history of
  // the earlier kills, so its rounds are restarts 1-3; this test starts from a reset history.
  it('restarts a crashing DHCP server with back-off on apply, gives up after 3 in 10 minutes with a report, and services restart brings it back', async () => {
    // Start from a clean history, as a user's explicit restart does.
    const reset = await vnet(host, dirs, ['services', 'restart', 'vmnet8', 'dhcp']);
    expect(reset.code, reset.stderr).toBe(0);
    for (const [round, delay] of [
      [1, ''],
      [2, ', after 1 s'],
      [3, ', after 2 s'],
    ] as const) {
      await killDnsmasq('vmnet8');
      const started = Date.now();
      const r = await vnet(host, dirs, ['apply']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Restart the DHCP server for vmnet8, which had stopped (restart ${round} in 10 minutes${delay})`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(round === 1 ? 0 : 1000 * 2 ** (round - 2));
      expect((await dnsmasqByProc(host, dirs)).get('vmnet8') ?? []).toHaveLength(1);
      const d = await vnet(host, dirs, ['doctor', 'vmnet8']);
      expect(d.stdout).toMatch(
        new RegExp(`DHCP server running \\(pid \\d+\\), listening on port 67; restarted ${round} times? after crashing`),
      );
    }
    await killDnsmasq('vmnet8');
    const gaveUp =
      'The DHCP server for vmnet8 keeps crashing (3 restarts in 10 minutes); not restarting it again. See `vnet doctor vmnet8`; after fixing the cause run `vnet services restart vmnet8 dhcp`';
    const r = await vnet(host, dirs, ['apply']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${gaveUp}`);
    expect((await dnsmasqByProc(host, dirs)).get('vmnet8') ?? []).toEqual([]);
    // Nothing left to do but the warning: the plan is empty, a second apply does not restart it either.
    const plan = await vnet(host, dirs, ['plan', '--json']);
    expect(JSON.parse(plan.stdout)).toEqual([]);
    expect(plan.stderr).toContain(gaveUp);
    expect((await vnet(host, dirs, ['apply'])).code).toBe(0);
    expect((await dnsmasqByProc(host, dirs)).get('vmnet8') ?? []).toEqual([]);
    await doctorSays(/PROBLEM +vmnet8: DHCP server: the DHCP server for vmnet8 keeps crashing \(3 restarts in 10 minutes\)/);
    await doctorSays(/fix: .*vnet services restart vmnet8 dhcp/);
    const status = JSON.parse((await vnet(host, dirs, ['status', '--json'])).stdout) as { name: string; dhcp?: { detail?: string } }[];
    expect(status.find((s) => s.name === 'vmnet8')!.dhcp?.detail).toBe(gaveUp);
    // The user fixed the cause: an explicit restart starts it and resets the history.
    const restart = await vnet(host, dirs, ['services', 'restart', 'vmnet8', 'dhcp']);
    expect(restart.code, restart.stderr).toBe(0);
    expect((await dnsmasqByProc(host, dirs)).get('vmnet8') ?? []).toHaveLength(1);
    const after = await vnet(host, dirs, ['doctor', 'vmnet8']);
    expect(after.stdout).not.toMatch(/restarted \d+ times? after crashing|keeps crashing/);
    await converges('DHCP server restarted by the user after giving up');
  });
});
