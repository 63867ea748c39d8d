// Carrying out a plan through a recording runner: the exact argv sent to the host, the
// journal written as steps run, and rollback of every step when one fails.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { planSteps, runSteps } from '../../../src-main/engine/core';
import { RecordingRunner, type RunOptions } from '../../../src-main/engine/runner';
import { readJournal } from '../../../src-main/engine/journal';
import { deleteTableText } from '../../../src-main/engine/nft';
import { appliedHost, freshHost, tempDirs } from './host-state';

const dirs = tempDirs();

function config(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')] };
}

describe('apply through the runner', () => {
  it('runs argv arrays (never a shell) in plan order and records what it created', async () => {
    const runner = new RecordingRunner();
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    const conf = (name: string): string => `  dnsmasq --conf-file=${path.join(dirs.state, 'dhcp', `${name}.conf`)}`;
    // Every network's bridge and addresses in one `ip -batch -` process, ended by the first command of another
    // kind (the ruleset load); the bridges of networks without IPv6 get it switched off right after it, and the
    // DHCP servers the steps between asked for start once it has run, before that command, all by one xargs.
    expect(runner.expandedLines()).toEqual([
      'ip -batch -',
      '  ip link add name vmnet1 type bridge',
      '  ip link set dev vmnet1 alias vnet-editor up',
      '  ip addr add 192.168.56.1/24 dev vmnet1',
      '  ip link add name vmnet8 type bridge',
      '  ip link set dev vmnet8 alias vnet-editor up',
      '  ip addr add 192.168.133.1/24 dev vmnet8',
      '  ip addr add 192.168.133.2/24 dev vmnet8',
      'sysctl net/ipv6/conf/vmnet1/disable_ipv6=1',
      'sysctl net/ipv6/conf/vmnet8/disable_ipv6=1',
      'xargs -0 -n 1 -P 0 dnsmasq',
      conf('vmnet1'),
      conf('vmnet8'),
      // No listing first: the inspection found no table, and the undo of a first load deletes it.
      'nft -f -',
      'nft -j -p list table inet vnet_editor',
      'sysctl net/ipv4/ip_forward=1',
    ]);
    expect(runner.commands.find((c) => c.argv[1] === '-f')!.input).toMatch(/^table inet vnet_editor\ndelete table inet vnet_editor\n/m);
    expect(fs.readFileSync(path.join(dirs.state, 'dhcp', 'vmnet8.conf'), 'utf8')).toMatch(/dhcp-option=option:router,192\.168\.133\.2/);
    const journal = readJournal(dirs);
    expect(journal.networks.vmnet8).toEqual({
      type: 'nat',
      data: { bridge: true, addresses: ['192.168.133.1/24', '192.168.133.2/24'], dhcp: true },
    });
    expect(journal.forwarding).toEqual({ previous: '0' });
    expect(journal.table?.loaded).toBe(true);
  });

  it('a failing step rolls back every earlier step, newest first, and names the step and cause', async () => {
    const runner = new RecordingRunner().respond(['nft', '-f', '-'], (argv, input) =>
      input?.includes('jump to_vmnet8') ? { code: 1, stderr: 'Error: Could not process rule: No such file or directory' } : {},
    );
    const state = freshHost();
    const progress: string[] = [];
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal, (p) => progress.push(p.phase));
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /^step 8\/9 "Load the firewall table inet vnet_editor .*" failed: `nft -f -` failed: Error: Could not process rule/,
    );
    expect(outcome.error).toMatch(/the changes made so far were rolled back$/);
    const afterFailure = runner.lines().slice(runner.lines().indexOf('nft -f -') + 1);
    expect(afterFailure).toEqual([
      // the ruleset step restores the table as it was (none): delete it
      'nft -f -',
      'ip addr del 192.168.133.2/24 dev vmnet8',
      'ip addr del 192.168.133.1/24 dev vmnet8',
      'ip link del dev vmnet8',
      'ip addr del 192.168.56.1/24 dev vmnet1',
      'ip link del dev vmnet1',
    ]);
    expect(progress).toContain('rolled-back');
    // Nothing is left recorded, and no file is left behind.
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
    expect(fs.readdirSync(dirs.state)).toEqual([]);
  });

  it("records the loaded table's fingerprint after the last step, while the config is being stored, before the journal's last write", async () => {
    const listing = fs.readFileSync(path.join(__dirname, '../../fixtures/inspect/nft-table.out'), 'utf8');
    // The listing answers only once the config is stored: a plan that waited for it first would never end.
    let stored!: () => void;
    const configStored = new Promise<void>((resolve) => (stored = resolve));
    class ListingAfterStore extends RecordingRunner {
      override async run(argv: string[], opts?: RunOptions) {
        if (argv.join(' ').startsWith('nft -j -p list table')) await configStored;
        return super.run(argv, opts);
      }
    }
    const runner = new ListingAfterStore().respond(['nft', '-j', '-p', 'list', 'table'], { stdout: listing });
    const state = freshHost();
    let recordedWhenStored: string | undefined = 'not stored';
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal, undefined, undefined, () => {
      recordedWhenStored = state.journal.table?.fingerprint;
      stored();
    });
    expect(outcome.ok).toBe(true);
    expect(recordedWhenStored).toBeUndefined();
    expect(readJournal(dirs).table).toEqual({
      loaded: true,
      textDigest: expect.any(String) as string,
      fingerprint: expect.stringMatching(/^v2:/) as string,
    });
  });

  it('a listing that fails after the load leaves the apply done and the table recorded without its digest: the next plan reloads it', async () => {
    const runner = new RecordingRunner().respond(['nft', '-j', '-p', 'list', 'table'], { stdout: 'not a listing' });
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    const journal = readJournal(dirs);
    expect(journal.table).toEqual({ loaded: true });
    const next = appliedHost(config(), dirs);
    next.journal.table = journal.table;
    expect(planSteps(config(), next, dirs).steps.map((s) => s.operation.description)).toEqual([
      expect.stringMatching(/^Update the firewall table inet vnet_editor/) as string,
    ]);
  });

  it('a step failing after the load is rolled back after the fingerprint was recorded, so no record of the deleted table is left', async () => {
    const runner = new RecordingRunner().respond(['sysctl', 'net/ipv4/ip_forward=1'], { code: 1, stderr: 'Permission denied' });
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/Switch on IPv4 forwarding/);
    expect(runner.lines().filter((l) => l.startsWith('nft'))).toEqual(['nft -f -', 'nft -j -p list table inet vnet_editor', 'nft -f -']);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
  });

  it('DHCP servers start together: a failed start is reported as its own step once all have been waited for', async () => {
    const vmnet1Conf = `--conf-file=${path.join(dirs.state, 'dhcp', 'vmnet1.conf')}`;
    const runner = new RecordingRunner().respond(['dnsmasq', vmnet1Conf], {
      code: 2,
      stderr: 'dnsmasq: failed to create listening socket for 192.168.56.1: Address already in use',
    });
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^step 3\/9 "Start the DHCP server for vmnet1 .*" failed: `dnsmasq .*` failed: .*Address already in use/);
    expect(outcome.error).toMatch(/the changes made so far were rolled back$/);
    const lines = runner.lines();
    // vmnet1's failure did not hold back the steps after it: vmnet8's server and the ruleset started, then all was undone.
    expect(runner.expandedLines().filter((l) => l.startsWith('  dnsmasq '))).toHaveLength(2);
    expect(lines.filter((l) => l === 'nft -f -')).toHaveLength(2);
    expect(lines.slice(-2)).toEqual(['ip addr del 192.168.56.1/24 dev vmnet1', 'ip link del dev vmnet1']);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
  });

  it('a batch that fails starts none of the DHCP servers and writes none of the settings waiting for it, and names the step whose line failed', async () => {
    const runner = new RecordingRunner().respond(['ip', 'link', 'add', 'name', 'vmnet8'], {
      code: 2,
      stderr: 'RTNETLINK answers: File exists',
    });
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /^step 4\/9 "Create bridge vmnet8 .*" failed: `ip link add name vmnet8 type bridge` failed: RTNETLINK answers: File exists; the changes made so far were rolled back$/,
    );
    // vmnet1's bridge was made by the batch's first lines, but no server started, nor the ruleset load whose
    // command ran the batch: the rollback begins with that step's undo (deleting a table that may not be there).
    expect(runner.expandedLines().filter((l) => l.includes('dnsmasq'))).toEqual([]);
    // Nor is IPv6 switched off on the bridges it made (no `sysctl …/disable_ipv6` below).
    expect(runner.commands[1]).toEqual({ argv: ['nft', '-f', '-'], input: deleteTableText() });
    expect(runner.lines().slice(2)).toEqual([
      'ip addr del 192.168.133.2/24 dev vmnet8',
      'ip addr del 192.168.133.1/24 dev vmnet8',
      'ip link del dev vmnet8',
      'ip addr del 192.168.56.1/24 dev vmnet1',
      'ip link del dev vmnet1',
    ]);
    expect(fs.readdirSync(dirs.state)).toEqual([]);
  });

  it('iproute2 keywords as names: every link command names the bridge with `dev` (security item 3)', async () => {
    const runner = new RecordingRunner();
    const state = freshHost();
    const keywords = ['link', 'name', 'master', 'type', 'mtu', 'dev', 'up', 'help', 'a', 'br'];
    const networks = keywords.map((name, i) => hostOnlyNetwork(name, `10.${i}.0.0/24`));
    const outcome = await runSteps(planSteps({ version: 1, networks }, state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    const linkCommands = runner
      .expandedLines()
      .map((l) => l.trim().split(' '))
      .filter((argv) => argv[1] === 'link');
    expect(linkCommands).toHaveLength(2 * keywords.length);
    for (const argv of linkCommands) {
      if (argv[2] === 'add') expect(argv.slice(3, 5)).toEqual(['name', expect.any(String)]);
      else expect(argv[3]).toBe('dev');
    }
  });

  it('a rollback that cannot undo a step says so, naming the step, instead of claiming it rolled back (security item 3)', async () => {
    const runner = new RecordingRunner()
      .respond(['ip', 'addr', 'add', '192.168.133.2/24'], { code: 2, stderr: 'RTNETLINK answers: Permission denied' })
      .respond(['ip', 'link', 'del', 'dev', 'vmnet1'], { code: 2, stderr: 'RTNETLINK answers: Operation not permitted' });
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^step 6\/9 "Add address 192\.168\.133\.2\/24 to vmnet8.*" failed: .*Permission denied/);
    expect(outcome.error).not.toMatch(/the changes made so far were rolled back/);
    expect(outcome.error).toMatch(
      /the rollback was incomplete, so the host may still hold part of this change \(could not undo step 1 "Create bridge vmnet1[^"]*": `ip link del dev vmnet1` failed: RTNETLINK answers: Operation not permitted\)$/,
    );
    // The address that was never added is no undo failure: "Cannot assign" is the expected answer there.
    expect(outcome.error).not.toMatch(/could not undo step 6/);
  });

  it('a second run against the applied host does nothing at all', async () => {
    const runner = new RecordingRunner();
    const state = appliedHost(config(), dirs);
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome).toEqual({ ok: true, applied: [] });
    expect(runner.lines()).toEqual([]);
  });

  it('removal deletes what the journal recorded and forgets the network', async () => {
    const runner = new RecordingRunner();
    const state = appliedHost(config(), dirs);
    const outcome = await runSteps(planSteps({ version: 1, networks: [] }, state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    // Both bridges go as one group (see link-group.test.ts), the ruleset meanwhile.
    expect(runner.expandedLines().filter((l) => !l.startsWith('signal'))).toEqual([
      'ip -batch -',
      '  ip link set dev vmnet1 group 1986946420',
      '  ip link set dev vmnet8 group 1986946420',
      '  ip link del group 1986946420',
      'nft -p list table inet vnet_editor',
      'nft -f -',
      'sysctl net/ipv4/ip_forward=0',
    ]);
    expect(state.journal).toEqual({ version: 1, networks: {} });
  });

  it('sets the MTU after creating the bridge, records it, and puts the old MTU back on rollback', async () => {
    const runner = new RecordingRunner()
      .respond(['ip', '-j', 'link', 'show', 'dev', 'vmnet8'], { stdout: '[{"ifname":"vmnet8","mtu":1500}]' })
      .respond(['nft', '-f', '-'], { code: 1, stderr: 'Error: boom' });
    const c: Config = { version: 1, networks: [{ ...natNetwork('vmnet8', '192.168.133.0/24'), mtu: 1400 }] };
    const state = freshHost();
    const outcome = await runSteps(planSteps(c, state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    const lines = runner.lines();
    expect(runner.expandedLines().slice(0, 6)).toEqual([
      'ip -batch -',
      '  ip link add name vmnet8 type bridge',
      '  ip link set dev vmnet8 alias vnet-editor up',
      'sysctl net/ipv6/conf/vmnet8/disable_ipv6=1',
      'ip -j link show dev vmnet8',
      'ip link set dev vmnet8 mtu 1400',
    ]);
    expect(lines).toContain('ip link set dev vmnet8 mtu 1500');
    expect(lines.indexOf('ip link set dev vmnet8 mtu 1500')).toBeLessThan(lines.indexOf('ip link del dev vmnet8'));
  });
});
