// Confirm-or-revert for changes that can cut the host off (like `netplan try`): the
// change is made as a trial; unless confirmed before the deadline, a watchdog that does
// not depend on the process that started it puts back the previous stored config and
// host state. Used by `vnet apply --try`, `vnet adapter down --try`, `vnet confirm` and
// the GUI's countdown dialog.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { TrialState } from '../../src-shared/api/types';
import type { Config } from '../../src-shared/model';
import type { Dirs } from '../paths';
import type { CommandRunner } from '../engine/runner';
import { forgetSnapshot, restoreSnapshot, takeSnapshot, type AdapterSnapshot } from '../adapters/switch';
import { connectThroughNetworkManager, networkManagerHasItBack } from '../adapters/network-manager';
import { readJournal } from '../engine/journal';
import { destroyCheckpoint, restartCheckpointClock, rollbackCheckpoint } from './checkpoint';
import {
  claimTrial,
  confirmingFile,
  logTrial,
  readOutcome,
  readTrial,
  revertingFile,
  trialFile,
  writeOutcome,
  writeTrial,
  type TrialOutcome,
  type TrialRecord,
} from './record';
import { isWatchdog, processAlive, spawnWatchdog, stopWatchdog } from './watchdog-process';

export { type TrialOutcome, type TrialOutcomeKind, type TrialRecord } from './record';

/** What a revert needs from the engine. */
export interface TrialEngine {
  /**
   * Makes the host match LIVE (the networks that were there before the trial) without
   * storing it, removing whatever else the app created; then stores STORED (null:
   * removes the stored config).
   */
  restoreHost(live: Config, stored: Config | null): Promise<void>;
}

/** The host before an apply trial: the previous config's networks that were live then. */
export function hostBefore(record: TrialRecord): Config {
  const previous = record.previousConfig ?? null;
  const networks = previous?.networks ?? [];
  if (record.liveNetworks === undefined) {
    // A record from before liveNetworks was kept: the previous config minus what the trial added.
    const added = new Set(record.newNetworks ?? []);
    return { version: 1, networks: networks.filter((n) => !added.has(n.name)) };
  }
  const live = new Set(record.liveNetworks);
  return { version: 1, networks: networks.filter((n) => live.has(n.name)) };
}

export const MIN_TRIAL_SECONDS = 1;
export const MAX_TRIAL_SECONDS = 86_400;

function toState(record: TrialRecord): TrialState {
  return { deadline: record.deadline, seconds: record.seconds };
}

export interface StartApplyTrial {
  kind: 'apply';
  seconds: number;
  previousConfig: Config | null;
  nextConfig: Config;
  description?: string;
}

export interface StartAdapterTrial {
  kind: 'adapter';
  seconds: number;
  adapter: string;
  up: boolean;
  runner: CommandRunner;
}

/**
 * Arms a trial before the change is made: writes the record and starts the watchdog.
 * Call `trialApplied` when the change is made (the countdown starts then), or
 * `abandonTrial` when it failed and was rolled back.
 */
export async function startTrial(
  dirs: Dirs,
  request: StartApplyTrial | StartAdapterTrial,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrialRecord> {
  const existing = readTrial(dirs);
  if (existing) {
    const watched = existing.watchdogPid !== undefined && isWatchdog(existing.watchdogPid, existing.id);
    throw new Error(
      watched
        ? `another change (${existing.description}) is waiting to be confirmed; run \`vnet confirm\` or wait for it to revert first`
        : `an earlier change (${existing.description}) was neither confirmed nor reverted, and its watchdog is gone (after a restart?); ` +
            'check the host, then run `vnet confirm` to keep it as it is',
    );
  }
  fs.mkdirSync(dirs.state, { recursive: true });
  const id = crypto.randomBytes(8).toString('hex');
  const base = {
    id,
    seconds: request.seconds,
    deadline: Date.now() + request.seconds * 1000,
    phase: 'applying' as const,
    applierPid: process.pid,
  };
  let record: TrialRecord;
  if (request.kind === 'apply') {
    const before = new Set((request.previousConfig?.networks ?? []).map((n) => n.name));
    record = {
      ...base,
      kind: 'apply',
      previousConfig: request.previousConfig,
      newNetworks: request.nextConfig.networks.map((n) => n.name).filter((name) => !before.has(name)),
      liveNetworks: Object.keys(readJournal(dirs).networks),
      description: request.description ?? 'apply the new network config',
    };
  } else {
    const snapshot = await takeSnapshot(request.runner, request.adapter);
    record = {
      ...base,
      kind: 'adapter',
      adapter: { ...snapshot, targetUp: request.up },
      description: `switch host adapter ${request.adapter} ${request.up ? 'on' : 'off'}`,
    };
  }
  writeTrial(dirs, record);
  try {
    record.watchdogPid = spawnWatchdog(dirs, id, env);
  } catch (error) {
    fs.rmSync(trialFile(dirs), { force: true });
    throw error;
  }
  writeTrial(dirs, record);
  logTrial(dirs, `trial ${id} armed (${record.description}; ${record.seconds}s; watchdog pid ${record.watchdogPid})`);
  return record;
}

/** The change was made: the countdown of SECONDS starts now, NetworkManager's (if it has a checkpoint) too. */
export async function trialApplied(dirs: Dirs, id: string, runner: CommandRunner): Promise<TrialState> {
  const record = readTrial(dirs);
  if (!record || record.id !== id) throw new Error('the trial record disappeared while the change was being made');
  if (record.checkpoint) await restartCheckpointClock(runner, record.checkpoint, record.seconds);
  record.phase = 'waiting';
  record.deadline = Date.now() + record.seconds * 1000;
  writeTrial(dirs, record);
  return toState(record);
}

/** The change failed and was rolled back: nothing to revert, stop the watchdog. */
export function abandonTrial(dirs: Dirs, id: string): void {
  const record = readTrial(dirs);
  if (!record || record.id !== id) return;
  // Recorded first: the host is already back as it was, and a watcher must not read the disappearance as "kept".
  writeOutcome(dirs, record, 'reverted');
  // The engine's own rollback undid the change; NetworkManager must not undo anything more later.
  if (record.checkpoint) destroyCheckpoint(record.checkpoint);
  fs.rmSync(trialFile(dirs), { force: true });
  stopWatchdog(record.watchdogPid, id);
  logTrial(dirs, `trial ${id} abandoned (the change failed and was rolled back)`);
}

/** The trial waiting for confirmation, if any. */
export function pendingTrial(dirs: Dirs): (TrialState & { description: string; kind: TrialRecord['kind'] }) | undefined {
  const record = readTrial(dirs);
  return record ? { ...toState(record), description: record.description, kind: record.kind } : undefined;
}

/** How the last trial ended, or 'reverting' while a revert runs; undefined when no trial ended yet. */
export function lastTrialOutcome(dirs: Dirs): TrialOutcome | undefined {
  return readOutcome(dirs);
}

/** Keeps the change: removes the record and stops the watchdog. False when nothing was pending. */
export function confirmTrial(dirs: Dirs): boolean {
  const claimed = confirmingFile(dirs);
  const record = claimTrial(dirs, claimed);
  if (!record) return false;
  writeOutcome(dirs, record, 'confirmed');
  if (record.checkpoint) destroyCheckpoint(record.checkpoint);
  fs.rmSync(claimed, { force: true });
  stopWatchdog(record.watchdogPid, record.id);
  logTrial(dirs, `trial ${record.id} confirmed`);
  return true;
}

/** NetworkManager's part of a revert, in one step of its own (it may have done it already, at its deadline). */
async function rollBackNetworkManager(dirs: Dirs, record: TrialRecord, runner: CommandRunner): Promise<void> {
  if (!record.checkpoint) return;
  const rolledBack = await rollbackCheckpoint(runner, record.checkpoint);
  logTrial(
    dirs,
    `trial ${record.id}: NetworkManager checkpoint ${rolledBack ? 'rolled back' : 'was already rolled back by NetworkManager'}`,
  );
}

/** Switches the adapter of an adapter trial back as it was: NetworkManager's profile, or the link and its routes. */
async function revertAdapter(dirs: Dirs, record: TrialRecord, adapter: AdapterSnapshot, runner: CommandRunner): Promise<void> {
  const { name, adminUp, networkManagerProfile } = adapter;
  if (networkManagerProfile) {
    await rollBackNetworkManager(dirs, record, runner);
    // The rollback brings the profile back (with its addresses and routes); activated by hand only when it did not.
    if (adminUp && !(await networkManagerHasItBack(runner, name, networkManagerProfile))) {
      await connectThroughNetworkManager(runner, networkManagerProfile);
    }
  } else {
    await runner.run(['ip', 'link', 'set', 'dev', name, adminUp ? 'up' : 'down']);
    if (adminUp) {
      const problems = await restoreSnapshot(runner, adapter);
      for (const p of problems) logTrial(dirs, `trial ${record.id}: ${p}`);
    }
  }
  // What `vnet adapter down` saved to put back later: the host is back as it was, so nothing is left to put back.
  forgetSnapshot(dirs, name);
}

async function revertRecord(dirs: Dirs, record: TrialRecord, engine: TrialEngine, runner: CommandRunner): Promise<void> {
  if (record.kind === 'adapter' && record.adapter) return revertAdapter(dirs, record, record.adapter, runner);
  await rollBackNetworkManager(dirs, record, runner);
  await engine.restoreHost(hostBefore(record), record.previousConfig ?? null);
}

/**
 * Reverts the pending trial now (the GUI's Revert button, or the watchdog at the deadline).
 * False when nothing was pending (already confirmed or reverted).
 */
export async function revertNow(dirs: Dirs, engine: TrialEngine, runner: CommandRunner): Promise<boolean> {
  const record = claimTrial(dirs, revertingFile(dirs));
  if (!record) return false;
  stopWatchdog(record.watchdogPid, record.id);
  logTrial(dirs, `trial ${record.id} reverting (${record.description})`);
  // While the revert runs, trial.reverting.json itself says "reverting" (see readOutcome).
  try {
    await revertRecord(dirs, record, engine, runner);
    writeOutcome(dirs, record, 'reverted');
    logTrial(dirs, `trial ${record.id} reverted`);
  } catch (error) {
    writeOutcome(dirs, record, 'revert-failed', (error as Error).message);
    logTrial(dirs, `trial ${record.id} revert failed: ${(error as Error).message}`);
    throw error;
  } finally {
    fs.rmSync(revertingFile(dirs), { force: true });
  }
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The watchdog's loop: waits for the deadline (or the applier's death), then reverts, unless confirmed first. */
export async function runWatchdog(
  dirs: Dirs,
  id: string,
  engine: TrialEngine,
  runner: CommandRunner,
  pollMs = 250,
): Promise<'confirmed' | 'reverted'> {
  for (;;) {
    const record = readTrial(dirs);
    if (!record || record.id !== id) return 'confirmed';
    const applierGone = record.phase === 'applying' && !processAlive(record.applierPid);
    const due = record.phase === 'waiting' && Date.now() >= record.deadline;
    if (applierGone || due) {
      if (applierGone) logTrial(dirs, `trial ${id}: the process making the change (pid ${record.applierPid}) died before finishing`);
      return (await revertNow(dirs, engine, runner)) ? 'reverted' : 'confirmed';
    }
    await sleep(record.phase === 'waiting' ? Math.min(pollMs, Math.max(10, record.deadline - Date.now())) : pollMs);
  }
}

/** What the CLI prints when a plan has a risky step and no --try was given. */
export function tryAdvice(command: 'plan' | 'apply'): string {
  const lead =
    command === 'plan'
      ? 'steps marked [risky] can cut this host off the network (bridging an uplink, moving the default route)'
      : 'risky steps were applied without --try (they could have cut this host off the network)';
  return `note: ${lead}; \`vnet apply --try 60\` applies them as a trial that reverts by itself unless \`vnet confirm\` runs within 60 seconds`;
}
