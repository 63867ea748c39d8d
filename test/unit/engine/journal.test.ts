// The journal's two files (src-main/engine/journal.ts): the durable journal.json holds a
// plan's intent before its first step and its outcome after the last; the progress marks in
// between are read only while they belong to the plan journal.json names, and never when torn.
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { planSteps, runSteps, type Step } from '../../../src-main/engine/core';
import { beforeEachCommand, RecordingRunner } from '../../../src-main/engine/runner';
import { journalFile, journalProgressFile, JournalWriter, readJournal } from '../../../src-main/engine/journal';
import { emptyJournal, type Journal } from '../../../src-main/engine/types';
import { freshHost, tempDirs } from './host-state';

const dirs = tempDirs();

function config(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')] };
}

/** journal.json alone, as a reader would find it if a power cut lost the progress file. */
function durableOnly(): Journal & { plan?: string } {
  return JSON.parse(fs.readFileSync(journalFile(dirs), 'utf8')) as Journal & { plan?: string };
}

describe('the journal files', () => {
  it('reads the progress marks of the plan journal.json names, and journal.json when they are torn or stale', () => {
    const journal = emptyJournal();
    const writer = new JournalWriter(dirs, journal);
    journal.networks.vmnet1 = { type: 'hostonly', data: {} };
    writer.begin();
    journal.networks.vmnet1.data = { bridge: true };
    writer.record();
    // Not written until the plan's next command is about to run.
    expect(readJournal(dirs).networks.vmnet1).toEqual({ type: 'hostonly', data: {} });
    writer.flush();
    // A process killed here leaves both files: the progress mark is the newer truth.
    expect(readJournal(dirs).networks.vmnet1).toEqual({ type: 'hostonly', data: { bridge: true } });
    expect(readJournal(dirs)).not.toHaveProperty('plan');

    // A power cut can tear a file that was never fsync'd: the durable intent is read instead.
    const progress = fs.readFileSync(journalProgressFile(dirs), 'utf8');
    fs.writeFileSync(journalProgressFile(dirs), progress.slice(0, 20));
    expect(readJournal(dirs).networks.vmnet1).toEqual({ type: 'hostonly', data: {} });

    // Progress of another plan (a removal a power cut undid) is never read over a newer journal.json.
    fs.writeFileSync(journalProgressFile(dirs), progress);
    const later = new JournalWriter(dirs, { version: 1, networks: { vmnet8: { type: 'nat', data: { bridge: true } } } });
    later.begin();
    fs.writeFileSync(journalProgressFile(dirs), progress);
    expect(Object.keys(readJournal(dirs).networks)).toEqual(['vmnet8']);
  });

  it('a durable record replaces the progress marks, and commit leaves journal.json alone (none when empty)', () => {
    const journal = emptyJournal();
    const writer = new JournalWriter(dirs, journal);
    writer.begin();
    journal.networks.br0 = { type: 'bridged', data: { bridge: 'br0', created: true } };
    writer.record(true);
    expect(fs.existsSync(journalProgressFile(dirs))).toBe(false);
    expect(durableOnly().networks.br0?.data).toEqual({ bridge: 'br0', created: true });
    writer.commit();
    expect(fs.readdirSync(dirs.state)).toEqual(['journal.json']);
    delete journal.networks.br0;
    writer.commit();
    expect(fs.readdirSync(dirs.state)).toEqual([]);
  });
});

describe('a plan and its journal', () => {
  it('journal.json names every network of the plan before the first step, and holds the outcome after the last', async () => {
    const state = freshHost();
    const steps = planSteps(config(), state, dirs).steps;
    const seen: string[][] = [];
    const watched: Step[] = steps.map((step) => ({
      ...step,
      run: async (ctx) => {
        seen.push(Object.keys(durableOnly().networks));
        await step.run(ctx);
      },
    }));
    const outcome = await runSteps(watched, new RecordingRunner(), dirs, state.journal);
    expect(outcome.ok).toBe(true);
    // The intent: what a power cut at any step leaves for the next apply to look at.
    for (const names of seen) expect(names.sort()).toEqual(['vmnet1', 'vmnet8']);
    expect(fs.existsSync(journalProgressFile(dirs))).toBe(false);
    const outcomeOnDisk = durableOnly();
    expect(outcomeOnDisk.networks.vmnet8).toEqual({
      type: 'nat',
      data: { bridge: true, addresses: ['192.168.133.1/24', '192.168.133.2/24'], dhcp: true },
    });
    expect(outcomeOnDisk.table?.loaded).toBe(true);
  });

  it('before each command a reader finds every record made so far: one progress mark per command, not per record', async () => {
    const state = freshHost();
    const recording = new RecordingRunner();
    const seen: { disk: string; memory: string }[] = [];
    const look = (): void => void seen.push({ disk: JSON.stringify(readJournal(dirs)), memory: JSON.stringify(state.journal) });
    const watching = beforeEachCommand(recording, look);
    let marks = 0;
    const rename = fs.renameSync;
    const counting = vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to) === journalProgressFile(dirs)) marks += 1;
      rename(from, to);
    });
    try {
      await runSteps(planSteps(config(), state, dirs).steps, watching, dirs, state.journal);
    } finally {
      counting.mockRestore();
    }
    expect(seen).toHaveLength(recording.commands.length);
    for (const { disk, memory } of seen) expect(disk).toBe(memory);
    // The first command (both networks' bridges and addresses) finds all that the steps before it recorded.
    expect(JSON.parse(seen[0]!.disk).networks.vmnet1).toEqual({
      type: 'hostonly',
      data: { bridge: true, addresses: ['192.168.56.1/24'], dhcp: true },
    });
    // ip batch, DHCP servers, ruleset load, its listing, forwarding: a mark before each that follows new records.
    expect(marks).toBeLessThanOrEqual(recording.commands.length);
    expect(marks).toBeGreaterThan(0);
  });
});
