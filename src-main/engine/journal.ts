// The journal: what the app created on this host, so `down` and crash recovery remove
// exactly that. Its rule: at every moment, what the journal on disk names covers what the
// app holds on the host — a step records what it is about to create before creating it,
// and what it removed only after removing it.
//
// Two files keep that rule without two fsyncs per record (see JournalWriter):
//   journal.json           durable (fsync'd): written before a plan's first step, with every
//                          network the plan touches already named (its intent), and after its last;
//   journal.progress.json  the records in between, by temp file and rename but without fsync,
//                          written before the plan's next command (see JournalWriter.flush).
// A process that dies (kill -9, a crash) leaves the page cache behind, so the next reader finds
// the progress file as it was when the last command was started: it covers everything the
// commands so far did, which is the same guarantee as writing each record at once. (What a step
// does without a command, writing the DHCP files, happens for networks the intent already names:
// see below.) Only a power cut or a kernel crash can lose (or tear) the progress file; the reader then
// falls back to journal.json, the plan's intent. That is still enough, because a power cut also
// wipes everything the records describe that lives in the kernel (bridges, addresses, the
// nftables table, sysctls, dnsmasq processes, resolved's link settings): what survives a reboot is
// files — the DHCP files in the state folder, which inspection finds by name for every network the
// intent names, and NetworkManager's profiles, whose records are written durably (record's
// `durable`). The progress file is used only when it belongs to the same plan as journal.json
// (same `plan` id), so a stale one is never read over a newer journal.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removeStaleTempFiles, syncFolder, writeFileAtomic } from '../store/atomic-write';
import type { Dirs } from '../paths';
import { emptyJournal, type Journal } from './types';

export function journalFile(dirs: Dirs): string {
  return path.join(dirs.state, 'journal.json');
}

export function journalProgressFile(dirs: Dirs): string {
  return path.join(dirs.state, 'journal.progress.json');
}

/** A journal as stored: the plan id ties a progress file to the journal.json it follows. */
type StoredJournal = Journal & { plan?: string };

function parse(text: string): StoredJournal | undefined {
  try {
    const parsed = JSON.parse(text) as StoredJournal;
    if (parsed && parsed.version === 1 && typeof parsed.networks === 'object' && parsed.networks !== null) return parsed;
  } catch {
    // not a journal
  }
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function withoutPlan(stored: StoredJournal): Journal {
  const { plan: _plan, ...journal } = stored;
  return journal;
}

export function readJournal(dirs: Dirs): Journal {
  // An apply killed mid-write leaves its temp file; the journal itself is intact.
  removeStaleTempFiles(journalFile(dirs));
  removeStaleTempFiles(journalProgressFile(dirs));
  const text = readText(journalFile(dirs));
  const durable = text === undefined ? undefined : parse(text);
  if (text !== undefined && !durable) {
    // A torn journal cannot happen with atomic writes, but a hand-edited one can.
    throw new Error(`the journal ${journalFile(dirs)} is unreadable; move it away and run \`vnet apply\` to rebuild it`);
  }
  if (durable?.plan) {
    // The progress of the plan that wrote journal.json last; torn or stale (another plan's) progress is ignored.
    const progressText = readText(journalProgressFile(dirs));
    const progress = progressText === undefined ? undefined : parse(progressText);
    if (progress && progress.plan === durable.plan) return withoutPlan(progress);
  }
  return durable ? withoutPlan(durable) : emptyJournal();
}

/** Writes a journal durably (outside a plan: tests, tools). */
export function writeJournal(dirs: Dirs, journal: Journal): void {
  writeFileAtomic(journalFile(dirs), `${JSON.stringify(journal, null, 2)}\n`);
}

/** True when the journal records nothing, so the file can go. */
export function journalIsEmpty(journal: Journal): boolean {
  return Object.keys(journal.networks).length === 0 && !journal.table?.loaded && !journal.forwarding && !journal.forwarding6;
}

/**
 * Writes one plan's journal: `begin` (durable, the intent), `record` after each change (durable
 * at once when the change is to something a reboot keeps), `flush` before each command the plan
 * runs (the progress mark of the records since the last one), `commit` (durable).
 */
export class JournalWriter {
  private plan = '';
  /** The text last written, so a record that changed nothing writes nothing. */
  private last = '';
  /** Records not written yet. */
  private pending = false;

  constructor(
    private readonly dirs: Dirs,
    private readonly journal: Journal,
  ) {}

  /**
   * journal.json, durable, under a fresh plan id; only then the progress file goes. Killed in
   * between, the progress file left carries the old id, so it is ignored: never read over newer.
   */
  private writeDurable(): void {
    this.plan = crypto.randomBytes(8).toString('hex');
    this.pending = false;
    this.last = this.text();
    writeFileAtomic(journalFile(this.dirs), this.last);
    fs.rmSync(journalProgressFile(this.dirs), { force: true });
  }

  /** Before the first step: the journal with the plan's intent. */
  begin(): void {
    this.writeDurable();
  }

  /**
   * After each change to the in-memory journal: durable at once for what a reboot keeps; else a
   * progress mark that `flush` writes. One per command instead of one per record: ten networks'
   * steps recorded 45 marks (a temp file and a rename each, 0.5–1 ms here) for 5 commands.
   */
  record(durable = false): void {
    if (durable) {
      if (this.text() !== this.last) this.writeDurable();
    } else this.pending = true;
  }

  /** Before a command changes the host: the records since the last mark, as a progress mark. */
  flush(): void {
    if (!this.pending) return;
    this.pending = false;
    const text = this.text();
    if (text === this.last) return;
    this.last = text;
    writeFileAtomic(journalProgressFile(this.dirs), text, { durable: false });
  }

  private text(): string {
    return `${JSON.stringify({ ...this.journal, plan: this.plan }, null, 2)}\n`;
  }

  /** After the last step (or the rollback): the outcome, durable; an empty journal leaves no file. */
  commit(): void {
    if (!journalIsEmpty(this.journal)) {
      this.writeDurable();
      return;
    }
    // Without journal.json the progress file is never read, so the order of the two removals does not matter.
    fs.rmSync(journalFile(this.dirs), { force: true });
    fs.rmSync(journalProgressFile(this.dirs), { force: true });
    syncFolder(this.dirs.state);
  }
}
