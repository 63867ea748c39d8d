// The journal: what the app created on this host, written before each creating step
// and after each removal, so `down` and crash recovery remove exactly that.
import fs from 'node:fs';
import path from 'node:path';
import { removeStaleTempFiles, writeFileAtomic } from '../store/atomic-write';
import type { Dirs } from '../paths';
import { emptyJournal, type Journal } from './types';

export function journalFile(dirs: Dirs): string {
  return path.join(dirs.state, 'journal.json');
}

export function readJournal(dirs: Dirs): Journal {
  // An apply killed mid-write leaves its temp file; the journal itself is intact.
  removeStaleTempFiles(journalFile(dirs));
  let text: string;
  try {
    text = fs.readFileSync(journalFile(dirs), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyJournal();
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Journal;
    if (parsed && parsed.version === 1 && typeof parsed.networks === 'object') return parsed;
  } catch {
    // fall through: a torn journal cannot happen with atomic writes, but a hand-edited one can.
  }
  throw new Error(`the journal ${journalFile(dirs)} is unreadable; move it away and run \`vnet apply\` to rebuild it`);
}

export function writeJournal(dirs: Dirs, journal: Journal): void {
  writeFileAtomic(journalFile(dirs), `${JSON.stringify(journal, null, 2)}\n`);
}

/** True when the journal records nothing, so the file can go. */
export function journalIsEmpty(journal: Journal): boolean {
  return Object.keys(journal.networks).length === 0 && !journal.table?.loaded && !journal.forwarding && !journal.forwarding6;
}
