// The confirm-or-revert state machine without spawning a watchdog: records written by
// hand, a fake engine, and the watchdog loop run in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src-shared/model';
import { RecordingRunner } from '../../../src-main/engine/runner';
import {
  confirmTrial,
  hostBefore,
  lastTrialOutcome,
  pendingTrial,
  revertNow,
  runWatchdog,
  startTrial,
  tryAdvice,
  type TrialEngine,
} from '../../../src-main/trial';
import { readTrial, writeTrial, type TrialRecord } from '../../../src-main/trial/record';
import { applyAsTrial } from '../../../src-main/trial/apply-trial';
import { loadSnapshot, saveSnapshot } from '../../../src-main/adapters/switch';

const previous: Config = { version: 1, networks: [{ name: 'vmnet1', type: 'bridged', bridge: { uplink: 'eth1' } }] };

function fakeEngine() {
  const calls: string[] = [];
  const names = (config: Config | null) => (config ? config.networks.map((n) => n.name).join(',') || 'nothing' : 'none');
  const engine: TrialEngine = {
    restoreHost: async (live, stored) => {
      calls.push(`host ${names(live)}, stored ${names(stored)}`);
    },
  };
  return { engine, calls };
}

describe('trials', () => {
  let dir: string;
  let dirs: { config: string; state: string };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-trial-'));
    dirs = { config: dir, state: dir };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const record = (over: Partial<TrialRecord> = {}): TrialRecord => ({
    id: 'abc',
    kind: 'apply',
    seconds: 1,
    deadline: Date.now() + 150,
    phase: 'waiting',
    applierPid: process.pid,
    previousConfig: previous,
    newNetworks: ['vmnet0'],
    liveNetworks: ['vmnet1'],
    description: 'apply the new network config',
    ...over,
  });

  it('at the deadline the watchdog takes the new networks down and puts the previous config back', async () => {
    writeTrial(dirs, record());
    const { engine, calls } = fakeEngine();
    expect(pendingTrial(dirs)).toMatchObject({ seconds: 1, kind: 'apply' });
    expect(await runWatchdog(dirs, 'abc', engine, new RecordingRunner(), 20)).toBe('reverted');
    expect(calls).toEqual(['host vmnet1, stored vmnet1']);
    expect(pendingTrial(dirs)).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, 'trial.log'), 'utf8')).toMatch(/trial abc reverted/);
  });

  it('a confirmed trial is left alone, and confirming twice says nothing is pending', async () => {
    writeTrial(dirs, record({ deadline: Date.now() + 60_000 }));
    const { engine, calls } = fakeEngine();
    const watching = runWatchdog(dirs, 'abc', engine, new RecordingRunner(), 20);
    expect(confirmTrial(dirs)).toBe(true);
    expect(await watching).toBe('confirmed');
    expect(calls).toEqual([]);
    expect(confirmTrial(dirs)).toBe(false);
    expect(lastTrialOutcome(dirs)).toMatchObject({ id: 'abc', outcome: 'confirmed' });
  });

  it('a revert is recorded as reverting while it runs, then reverted — never as confirmed', async () => {
    const deadline = Date.now() + 60_000;
    // An earlier trial's outcome is still on disk.
    writeTrial(dirs, record({ id: 'old', deadline: deadline - 1 }));
    expect(confirmTrial(dirs)).toBe(true);
    writeTrial(dirs, record({ deadline }));
    let release!: () => void;
    const seen: unknown[] = [];
    const engine: TrialEngine = {
      restoreHost: () => {
        // The record is gone from trial.json as soon as the revert starts…
        seen.push(pendingTrial(dirs), lastTrialOutcome(dirs));
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const reverting = revertNow(dirs, engine, new RecordingRunner());
    await new Promise((r) => setTimeout(r, 20));
    // …and whoever asks meanwhile is told it is being reverted, for this trial's deadline.
    expect(seen).toEqual([undefined, expect.objectContaining({ id: 'abc', deadline, outcome: 'reverting' })]);
    expect(lastTrialOutcome(dirs)).toMatchObject({ id: 'abc', outcome: 'reverting' });
    release();
    expect(await reverting).toBe(true);
    expect(lastTrialOutcome(dirs)).toMatchObject({ id: 'abc', deadline, outcome: 'reverted' });
    expect(fs.existsSync(path.join(dir, 'trial.reverting.json'))).toBe(false);
  });

  it('a revert that fails is recorded with its reason', async () => {
    writeTrial(dirs, record());
    const engine: TrialEngine = {
      restoreHost: async () => {
        throw new Error('dnsmasq would not start');
      },
    };
    await expect(revertNow(dirs, engine, new RecordingRunner())).rejects.toThrow('dnsmasq would not start');
    expect(lastTrialOutcome(dirs)).toMatchObject({ outcome: 'revert-failed', error: 'dnsmasq would not start' });
  });

  it('while the change is being made, the watchdog waits; if the applier dies, it reverts at once', async () => {
    writeTrial(dirs, record({ phase: 'applying', deadline: Date.now() - 1000, applierPid: 2 ** 22 + 12345 }));
    const { engine, calls } = fakeEngine();
    expect(await runWatchdog(dirs, 'abc', engine, new RecordingRunner(), 20)).toBe('reverted');
    expect(calls).toEqual(['host vmnet1, stored vmnet1']);
  });

  it('no previous config: the revert removes the stored one', async () => {
    writeTrial(dirs, record({ previousConfig: null }));
    const { engine, calls } = fakeEngine();
    expect(await revertNow(dirs, engine, new RecordingRunner())).toBe(true);
    expect(calls).toEqual(['host nothing, stored none']);
    expect(await revertNow(dirs, engine, new RecordingRunner())).toBe(false);
  });

  it('after `vnet down` (stored config kept, nothing live), a revert leaves the host without networks and keeps the stored config', async () => {
    // The stored config names vmnet1, but `down` took it off the host: the trial started from nothing.
    writeTrial(dirs, record({ liveNetworks: [], newNetworks: [] }));
    const { engine, calls } = fakeEngine();
    expect(await revertNow(dirs, engine, new RecordingRunner())).toBe(true);
    expect(calls).toEqual(['host nothing, stored vmnet1']);
  });

  it('a trial records which networks were live when it started (from the journal)', async () => {
    fs.writeFileSync(
      path.join(dir, 'journal.json'),
      JSON.stringify({ version: 1, networks: { vmnet1: { type: 'bridged', data: { bridge: 'vmnet1', created: true } } } }),
    );
    const next: Config = { version: 1, networks: [...previous.networks, { name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } }] };
    await startTrial(
      dirs,
      { kind: 'apply', seconds: 30, previousConfig: previous, nextConfig: next },
      {
        ...process.env,
        VNET_CLI_PATH: '/bin/true',
      },
    );
    try {
      expect(readTrial(dirs)).toMatchObject({ liveNetworks: ['vmnet1'], newNetworks: ['vmnet0'] });
      expect(hostBefore(readTrial(dirs)!)).toEqual(previous);
    } finally {
      confirmTrial(dirs);
    }
  });

  it('an adapter trial switches the adapter back on and puts its routes back, and touches neither networks nor stored config', async () => {
    const adapter = {
      name: 'eth0',
      adminUp: true,
      ipv6Addresses: [],
      routes: [{ dst: 'default', gateway: '192.0.2.1', family: 4 as const, metric: 100 }],
    };
    writeTrial(dirs, record({ kind: 'adapter', adapter: { ...adapter, targetUp: false } }));
    // What the switch-off saved for a later `vnet adapter up`; after the revert the host is as before, with nothing left to put back.
    saveSnapshot(dirs, adapter);
    const stored = path.join(dirs.config, 'networks.json');
    fs.writeFileSync(stored, JSON.stringify(previous));
    const runner = new RecordingRunner().respond(['ip', '-j'], { stdout: '[]' });
    const { engine, calls } = fakeEngine();
    expect(await revertNow(dirs, engine, runner)).toBe(true);
    expect(calls).toEqual([]);
    expect(JSON.parse(fs.readFileSync(stored, 'utf8'))).toEqual(previous);
    expect(loadSnapshot(dirs, 'eth0')).toBeUndefined();
    expect(runner.lines().filter((l) => !l.startsWith('ip -j'))).toEqual([
      'ip link set dev eth0 up',
      'ip -4 route add default via 192.0.2.1 dev eth0 metric 100',
    ]);
  });

  it('an adapter trial on an adapter NetworkManager manages is reverted through its checkpoint, not with ip', async () => {
    const adapter = { name: 'eth0', adminUp: true, targetUp: false, ipv6Addresses: [], routes: [], networkManagerProfile: 'u-1' };
    const checkpoint = '/org/freedesktop/NetworkManager/Checkpoint/3';
    const cases = [
      // Rolled back now: NetworkManager activates the profile again itself.
      { rollback: 0, device: 'eth0:connecting (getting IP configuration):u-1', byHand: [] },
      // NetworkManager did it already, at its own deadline.
      { rollback: 1, device: 'eth0:connected:u-1', byHand: [] },
      // Neither (NetworkManager restarted and forgot the checkpoint): the profile is activated by hand.
      { rollback: 1, device: 'eth0:disconnected:', byHand: ['nmcli connection up uuid u-1'] },
    ];
    for (const c of cases) {
      writeTrial(dirs, record({ kind: 'adapter', adapter, checkpoint }));
      const runner = new RecordingRunner()
        .respond(['busctl'], { code: c.rollback })
        .respond(['nmcli', '-t', '-f', 'DEVICE,STATE,CON-UUID'], { stdout: `${c.device}\n` });
      expect(await revertNow(dirs, fakeEngine().engine, runner)).toBe(true);
      const lines = runner.lines();
      expect(lines[0]).toMatch(
        /^busctl \S+ call org.freedesktop.NetworkManager .* CheckpointRollback o \/org\/freedesktop\/NetworkManager\/Checkpoint\/3$/,
      );
      expect(lines.filter((l) => l.startsWith('ip ') || l.startsWith('nmcli connection up'))).toEqual(c.byHand);
      expect(lastTrialOutcome(dirs)!.outcome).toBe('reverted');
    }
  });

  it('a failed apply abandons its trial (nothing to revert)', async () => {
    process.env.VNET_CLI_PATH = '/bin/true';
    try {
      const result = await applyAsTrial(dirs, new RecordingRunner(), 30, previous, previous, async () => ({
        ok: false,
        applied: [],
        error: 'boom',
      }));
      expect(result).toEqual({ ok: false, applied: [], error: 'boom' });
      expect(readTrial(dirs)).toBeUndefined();
      const ok = await applyAsTrial(dirs, new RecordingRunner(), 30, previous, previous, async () => ({ ok: true, applied: [] }));
      expect(ok.trial!.seconds).toBe(30);
      expect(ok.trial!.deadline).toBeGreaterThan(Date.now() + 29_000);
      expect(readTrial(dirs)!.phase).toBe('waiting');
    } finally {
      delete process.env.VNET_CLI_PATH;
    }
  });

  it('a second trial is refused while one is pending; an orphaned one says how to get out', async () => {
    writeTrial(dirs, record({ watchdogPid: 2 ** 22 + 4321 }));
    await expect(startTrial(dirs, { kind: 'apply', seconds: 5, previousConfig: null, nextConfig: previous })).rejects.toThrow(
      /neither confirmed nor reverted, and its watchdog is gone.*vnet confirm/,
    );
    expect(confirmTrial(dirs)).toBe(true);
  });

  it('the advice names --try and confirm', () => {
    expect(tryAdvice('plan')).toMatch(/vnet apply --try 60.*vnet confirm/);
  });
});
