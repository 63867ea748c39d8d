// Atomicity and rollback latency, with the host compared as a whole (links, addresses,
// routes, the full nft ruleset, forwarding, DHCP servers) before and after:
// - a ruleset the kernel refuses leaves the previous one byte-identical;
// - an apply that fails at ANY host-changing command leaves the host exactly as before;
// - rollback latency from a failed step, and from a trial's deadline, until the host
//   equals the snapshot taken before the change (printed; figures in the README (Reliability and security)).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, type Config } from '../../../src-shared/model';
import { ensureCliBuilt, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from '../engine/fixtures';
import { applyConverges, buildHarness, harness, hostWithUplink, makeGuest, snapshot, writeConfig, type HostSnapshot } from './lib';

const sandbox = new Sandbox();
let script: string;
let host: Netns;
let dirs: VnetDirs;
let fileA: string;
let fileB: string;

/** B: vmnet1 moves subnet, vmnet8 gets another port forward (a new ruleset), vmnet2 is added. */
function changedConfig(): Config {
  const config = twoNetworks();
  config.networks[0] = hostOnlyNetwork('vmnet1', '192.168.57.0/24');
  const vmnet8 = config.networks[1] as Extract<Config['networks'][number], { type: 'nat' }>;
  vmnet8.nat.portForwards.push({ protocol: 'tcp', hostPort: 2222, guestAddress: '192.168.133.60', guestPort: 22 });
  config.networks.push(hostOnlyNetwork('vmnet2', '192.168.58.0/24'));
  return config;
}

function stats(values: number[]): { median: number; worst: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, worst: sorted[sorted.length - 1]!, n: sorted.length };
}

async function storedConfigText(): Promise<string> {
  return fs.readFileSync(path.join(dirs.config, 'networks.json'), 'utf8');
}

beforeAll(async () => {
  await ensureCliBuilt();
  script = await buildHarness(sandbox);
  ({ host } = await hostWithUplink(sandbox, 'rollb', 94));
  dirs = vnetDirs(sandbox);
  fileA = writeConfig(sandbox, 'a.json', twoNetworks());
  fileB = writeConfig(sandbox, 'b.json', changedConfig());
  const r = await vnet(host, dirs, ['apply', '--config', fileA]);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('atomicity', () => {
  it('a ruleset the kernel refuses leaves the previous table byte-identical and the host as before', async () => {
    const table = await host.must(['nft', 'list', 'table', 'inet', 'vnet_editor']);
    const before = await snapshot(host, dirs);
    const stored = await storedConfigText();
    const r = await harness(script, host, dirs, ['apply', fileB], { VNE_NFT_REJECT: '1' });
    expect(r.json?.result?.ok, r.stdout).toBe(false);
    expect(r.json?.result?.error).toMatch(/Load|Update/);
    expect(r.json?.result?.error).toMatch(/no_such_chain|No such file or directory/);
    expect(r.json?.result?.error).toMatch(/rolled back/);
    expect(await host.must(['nft', 'list', 'table', 'inet', 'vnet_editor'])).toBe(table);
    expect(await snapshot(host, dirs)).toEqual(before);
    expect(await storedConfigText()).toBe(stored);
  });

  it('an apply failing at any host-changing command leaves the host exactly as before (never a mix)', async () => {
    const before = await snapshot(host, dirs);
    const stored = await storedConfigText();
    const reference = await harness(script, host, dirs, ['apply', fileB]);
    expect(reference.json?.result?.ok, reference.stderr).toBe(true);
    const after = await snapshot(host, dirs);
    expect(after).not.toEqual(before);
    expect((await vnet(host, dirs, ['apply', '--config', fileA])).code).toBe(0);
    expect(await snapshot(host, dirs)).toEqual(before);

    const latencies: number[] = [];
    const total = reference.commands.length;
    for (let n = 1; n <= total; n++) {
      const why = `failure at command ${n}/${total} (${reference.commands[n - 1]})`;
      const r = await harness(script, host, dirs, ['apply', fileB], { VNE_FAIL_AT: String(n) });
      expect(r.json?.result?.ok, `${why}: ${r.stdout}${r.stderr}`).toBe(false);
      expect(r.json?.result?.error, why).toMatch(/injected failure; the changes made so far were rolled back/);
      const now = await snapshot(host, dirs);
      expect(now, why).toEqual(before);
      expect(await storedConfigText(), why).toBe(stored);
      latencies.push(r.json!.finishedAt - r.json!.failedAt!);
    }
    const s = stats(latencies);
    console.log(
      `[reliability] rollback after a failed step: ${s.n} runs, median ${s.median} ms, worst ${s.worst} ms (${latencies.join(', ')})`,
    );
    const guest = await makeGuest(sandbox, host, 'vmnet8', 'rg8');
    await applyConverges(host, dirs, { dhcpNetworks: ['vmnet1', 'vmnet8'], guests: [guest], why: 'after the failed applies' });
  }, 900_000);
});

describe('rollback latency of a trial', () => {
  it('from the deadline until the host equals the snapshot before the change', async () => {
    const reps = 3;
    const byLog: number[] = [];
    const observed: number[] = [];
    const wakeUps: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const before: HostSnapshot = await snapshot(host, dirs);
      // Long enough that the CLI's exit and the snapshot after it always come before the deadline.
      const r = await vnet(host, dirs, ['apply', '--config', fileB, '--try', '15']);
      expect(r.code, r.stderr).toBe(0);
      const trial = JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.json'), 'utf8')) as { id: string; deadline: number };
      expect(await snapshot(host, dirs)).not.toEqual(before);
      // Poll until the host is back where it was; the first equal snapshot bounds the latency from above.
      let backAt = 0;
      for (const limit = trial.deadline + 60_000; Date.now() < limit;) {
        if (Date.now() >= trial.deadline) {
          const now = await snapshot(host, dirs);
          if (JSON.stringify(now) === JSON.stringify(before)) {
            backAt = Date.now();
            break;
          }
        }
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(backAt, 'the trial reverted within a minute of its deadline').toBeGreaterThan(0);
      // The watchdog logs "reverted" once its last step (journal bookkeeping included) is done.
      const logFile = path.join(dirs.state, 'trial.log');
      const pattern = new RegExp(`^(\\S+) trial ${trial.id} reverted$`, 'm');
      let reverted: RegExpExecArray | null = null;
      for (let i = 0; i < 300 && !reverted; i++) {
        reverted = pattern.exec(fs.readFileSync(logFile, 'utf8'));
        if (!reverted) await new Promise((res) => setTimeout(res, 100));
      }
      expect(reverted, fs.readFileSync(logFile, 'utf8')).not.toBeNull();
      byLog.push(Date.parse(reverted![1]!) - trial.deadline);
      const reverting = new RegExp(`^(\\S+) trial ${trial.id} reverting`, 'm').exec(fs.readFileSync(logFile, 'utf8'));
      wakeUps.push(Date.parse(reverting![1]!) - trial.deadline);
      observed.push(backAt - trial.deadline);
      expect(await snapshot(host, dirs)).toEqual(before);
    }
    const l = stats(byLog);
    const o = stats(observed);
    console.log(
      `[reliability] trial rollback from deadline: ${reps} runs; revert done (trial.log) median ${l.median} ms, worst ${l.worst} ms; ` +
        `host seen equal to the snapshot median ${o.median} ms, worst ${o.worst} ms; watchdog started reverting after ${wakeUps.join(', ')} ms ` +
        `(Cockpit 7 s, nmstate 60 s, netplan 120 s are their deadlines)`,
    );
  }, 600_000);
});
