// The pending-trial record, VNET_STATE_DIR/trial.json: everything the watchdog needs to
// put the host back without the process that started the trial. While the watchdog is
// reverting, the record is renamed to trial.reverting.json; that rename is what decides
// a race between `vnet confirm` and the deadline (only one of them can win it).
// trial.outcome.json tells watchers (the editor's countdown) how the last trial ended.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src-shared/model';
import type { Dirs } from '../paths';
import { writeFileAtomic } from '../store/atomic-write';
import type { AdapterSnapshot } from '../adapters/switch';

export interface TrialRecord {
  id: string;
  kind: 'apply' | 'adapter';
  seconds: number;
  /** Epoch ms at which the watchdog reverts. */
  deadline: number;
  /** `applying` while the change is being made (the watchdog then waits for the applier), `waiting` after. */
  phase: 'applying' | 'waiting';
  /** Process making the change; if it dies while `applying`, the watchdog reverts at once. */
  applierPid: number;
  watchdogPid?: number;
  /** Apply trials: the stored config before the trial (null when there was none). */
  previousConfig?: Config | null;
  /** Apply trials: networks the trial added, which a revert takes down (records written before liveNetworks existed). */
  newNetworks?: string[];
  /**
   * Apply trials: the networks that existed on the host (in the journal) when the trial
   * started. A revert puts back exactly these, as the previous config describes them,
   * and removes everything else: the host as it was, whatever the stored config says.
   */
  liveNetworks?: string[];
  /** Apply trials through NetworkManager: the D-Bus path of its checkpoint, which rolls back by itself. */
  checkpoint?: string;
  /** Adapter trials: the adapter as it was, routes included. */
  adapter?: AdapterSnapshot & { targetUp: boolean };
  description: string;
}

export function trialFile(dirs: Dirs): string {
  return path.join(dirs.state, 'trial.json');
}

export function revertingFile(dirs: Dirs): string {
  return path.join(dirs.state, 'trial.reverting.json');
}

/** How the last trial ended (or that it is being reverted), for whoever watches the countdown. */
export function outcomeFile(dirs: Dirs): string {
  return path.join(dirs.state, 'trial.outcome.json');
}

/** The name `vnet confirm` renames the record to while it stops the watchdog. */
export function confirmingFile(dirs: Dirs): string {
  return `${trialFile(dirs)}.confirmed`;
}

export type TrialOutcomeKind = 'confirmed' | 'reverting' | 'reverted' | 'revert-failed';

export interface TrialOutcome {
  id: string;
  /** The trial's deadline, which is how a watcher that only saw the countdown tells its trial apart. */
  deadline: number;
  outcome: TrialOutcomeKind;
  /** Epoch ms at which this outcome was recorded. */
  at: number;
  /** revert-failed: why, in plain words. */
  error?: string;
}

export function writeOutcome(dirs: Dirs, record: TrialRecord, outcome: TrialOutcomeKind, error?: string): void {
  const entry: TrialOutcome = { id: record.id, deadline: record.deadline, outcome, at: Date.now(), ...(error ? { error } : {}) };
  writeFileAtomic(outcomeFile(dirs), `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
}

/**
 * How the last trial ended. A claimed record (being confirmed or reverted) wins over the
 * outcome file, so there is no moment between the claim and the outcome's write in which a
 * watcher sees neither a pending trial nor an outcome.
 */
export function readOutcome(dirs: Dirs): TrialOutcome | undefined {
  const reverting = readTrial(dirs, revertingFile(dirs));
  if (reverting) return { id: reverting.id, deadline: reverting.deadline, outcome: 'reverting', at: Date.now() };
  const confirming = readTrial(dirs, confirmingFile(dirs));
  if (confirming) return { id: confirming.id, deadline: confirming.deadline, outcome: 'confirmed', at: Date.now() };
  try {
    return JSON.parse(fs.readFileSync(outcomeFile(dirs), 'utf8')) as TrialOutcome;
  } catch {
    // Missing (no trial ended yet) or unreadable: no outcome to tell.
    return undefined;
  }
}

export function trialLog(dirs: Dirs): string {
  return path.join(dirs.state, 'trial.log');
}

export function readTrial(dirs: Dirs, file = trialFile(dirs)): TrialRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TrialRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function writeTrial(dirs: Dirs, record: TrialRecord): void {
  writeFileAtomic(trialFile(dirs), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/** Takes the pending record for whoever calls first (confirm, revert, the watchdog); undefined when none. */
export function claimTrial(dirs: Dirs, claimedFile: string): TrialRecord | undefined {
  try {
    fs.renameSync(trialFile(dirs), claimedFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return readTrial(dirs, claimedFile);
}

export function logTrial(dirs: Dirs, line: string): void {
  try {
    fs.appendFileSync(trialLog(dirs), `${new Date().toISOString()} ${line}\n`);
  } catch {
    // The log is for diagnosis only.
  }
}
