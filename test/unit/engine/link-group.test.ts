// Taking several networks down deletes their bridges together: each moved into the app's link
// group, then the group deleted, in one `ip -batch -` (the kernel shares its waits across the
// batch). Only when no other link is in that group; otherwise one by one, as before.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { planDown, planSteps, runSteps } from '../../../src-main/engine/core';
import { canDeleteTogether, DELETE_GROUP } from '../../../src-main/engine/link-group';
import { readJournal } from '../../../src-main/engine/journal';
import { processStartTicks } from '../../../src-main/engine/proc';
import { RecordingRunner } from '../../../src-main/engine/runner';
import type { HostState, LinkState } from '../../../src-main/engine/types';
import { appliedHost, tempDirs } from './host-state';

const dirs = tempDirs();
const GROUP = String(DELETE_GROUP);

function config(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')] };
}

/** The host with both networks up and a guest's tap attached to vmnet8 (a port: not the app's). */
function runningHost(): HostState {
  const state = appliedHost(config(), dirs);
  state.links.set('tap0', {
    name: 'tap0',
    ifindex: 9,
    kind: 'tun',
    adminUp: true,
    operState: 'UP',
    carrier: true,
    addresses: [],
    master: 'vmnet8',
    group: 'default',
  });
  return state;
}

async function downAll(state: HostState, runner: RecordingRunner) {
  const steps = planDown(['vmnet1', 'vmnet8'], [], state, dirs, (name) => state.journal.networks[name]);
  return runSteps(steps, runner, dirs, state.journal);
}

const links = (...list: [string, string | undefined][]): Map<string, LinkState> =>
  new Map(
    list.map(([name, group]) => [
      name,
      { name, ifindex: 1, adminUp: true, operState: 'UP', carrier: true, addresses: [], ...(group === undefined ? {} : { group }) },
    ]),
  );

describe('bridges deleted together', () => {
  it('only when no other link is in the group, or could be', () => {
    const ours = ['vmnet1', 'vmnet8'];
    expect(canDeleteTogether(ours, links(['lo', 'default'], ['eth0', '7'], ['vmnet1', 'default'], ['vmnet8', 'default']))).toBe(true);
    // Ours already in the group: a down killed after moving them and before deleting the group.
    expect(canDeleteTogether(ours, links(['lo', 'default'], ['vmnet1', GROUP], ['vmnet8', GROUP]))).toBe(true);
    // Another link in it, one whose group has a name (which could stand for the number), or none printed.
    expect(canDeleteTogether(ours, links(['eth0', GROUP], ['vmnet1', 'default'], ['vmnet8', 'default']))).toBe(false);
    expect(canDeleteTogether(ours, links(['eth0', 'lab'], ['vmnet1', 'default'], ['vmnet8', 'default']))).toBe(false);
    expect(canDeleteTogether(ours, links(['eth0', undefined], ['vmnet1', 'default'], ['vmnet8', 'default']))).toBe(false);
    // One bridge has nothing to share; a bridge that is not there is not deleted at all.
    expect(canDeleteTogether(['vmnet1'], links(['vmnet1', 'default']))).toBe(false);
    expect(canDeleteTogether(ours, links(['vmnet1', 'default']))).toBe(false);
  });

  it('down moves each bridge into the group and deletes the group in one batch, then records them gone', async () => {
    const state = runningHost();
    let recordedWhileDeleting: ReturnType<typeof readJournal> | undefined;
    const runner = new RecordingRunner().respond(['ip', 'link', 'del', 'group'], () => {
      recordedWhileDeleting = readJournal(dirs);
      return {};
    });
    const outcome = await downAll(state, runner);
    expect(outcome.ok, outcome.error).toBe(true);
    expect(runner.expandedLines().filter((l) => !l.startsWith('signal'))).toEqual([
      'ip -batch -',
      `  ip link set dev vmnet1 group ${GROUP}`,
      `  ip link set dev vmnet8 group ${GROUP}`,
      `  ip link del group ${GROUP}`,
      // The ruleset goes while the bridges do.
      'nft -p list table inet vnet_editor',
      'nft -f -',
      'sysctl net/ipv4/ip_forward=0',
    ]);
    // Until the bridges are gone, the journal still says they are the app's (a kill then leaves them to the next down).
    expect(recordedWhileDeleting?.networks.vmnet1?.data).toMatchObject({ bridge: true });
    expect(recordedWhileDeleting?.networks.vmnet8?.data).toMatchObject({ bridge: true });
    expect(state.journal.networks).toEqual({});
  });

  it('the bridges go first, so the kernel deletes them while the other steps run', () => {
    const state = runningHost();
    state.resolved = { running: true, links: new Map() };
    state.journal.networks.vmnet8!.data.names = true;
    const steps = planDown(['vmnet1', 'vmnet8'], [], state, dirs, (name) => state.journal.networks[name]);
    expect(steps.map((s) => `${s.operation.op} ${s.operation.network ?? ''}`.trim())).toEqual([
      // resolved's settings are taken off the bridge while it is still there.
      'unregister-names vmnet8',
      'delete-bridge vmnet1',
      'delete-bridge vmnet8',
      'stop-dhcp vmnet1',
      'remove-dhcp-files vmnet1',
      'forget-network vmnet1',
      'stop-dhcp vmnet8',
      'remove-dhcp-files vmnet8',
      'forget-network vmnet8',
      'delete-ruleset',
      'restore-forwarding',
    ]);
    // One by one, each network's steps stay in their order.
    state.links.get('eth0')!.group = GROUP;
    const oneByOne = planDown(['vmnet1', 'vmnet8'], [], state, dirs, (name) => state.journal.networks[name]);
    expect(oneByOne.map((s) => s.operation.op).slice(0, 4)).toEqual(['stop-dhcp', 'remove-dhcp-files', 'delete-bridge', 'forget-network']);
  });

  it('signals every server without waiting for the one before to exit', async () => {
    const state = runningHost();
    // Stand-ins for the two servers: real processes that look like dnsmasq and exit a moment after the signal.
    const servers = ['vmnet1', 'vmnet8'].map((network) => {
      const child = spawn('sleep', ['30'], { argv0: 'dnsmasq', stdio: 'ignore' });
      state.dhcp.set(network, [{ ...state.dhcp.get(network)![0]!, pid: child.pid! }]);
      return child;
    });
    try {
      const aliveAtSignal: number[] = [];
      const runner = new RecordingRunner().respond(['signal', 'TERM'], (argv) => {
        aliveAtSignal.push(servers.filter((c) => processStartTicks(c.pid!) !== undefined).length);
        const server = servers.find((c) => String(c.pid) === argv[2]);
        setTimeout(() => server?.kill('SIGKILL'), 50);
        return {};
      });
      const outcome = await downAll(state, runner);
      expect(outcome.ok, outcome.error).toBe(true);
      expect(runner.lines().filter((l) => l.startsWith('signal'))).toEqual(servers.map((c) => `signal TERM ${c.pid}`));
      // The second server is signalled while the first is still exiting; `down` still waits for both.
      expect(aliveAtSignal).toEqual([2, 2]);
      expect(servers.filter((c) => processStartTicks(c.pid!) !== undefined)).toEqual([]);
    } finally {
      for (const c of servers) c.kill('SIGKILL');
    }
  });

  it('deletes one by one when another link is in the group', async () => {
    const state = runningHost();
    state.links.get('eth0')!.group = GROUP;
    const runner = new RecordingRunner();
    expect((await downAll(state, runner)).ok).toBe(true);
    const lines = runner.expandedLines();
    expect(lines.filter((l) => l.includes(' link '))).toEqual(['ip link del dev vmnet1', 'ip link del dev vmnet8']);
    expect(lines.join('\n')).not.toContain('group');
  });

  it('apply removing networks deletes their bridges together too', async () => {
    const state = runningHost();
    const runner = new RecordingRunner();
    const outcome = await runSteps(planSteps({ version: 1, networks: [] }, state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    expect(runner.expandedLines()).toContain(`  ip link del group ${GROUP}`);
    expect(state.journal).toEqual({ version: 1, networks: {} });
  });

  it('a group delete that fails is its first bridge step’s failure, and the rollback puts each bridge back in its group', async () => {
    const state = runningHost();
    const runner = new RecordingRunner().respond(['ip', 'link', 'del', 'group'], {
      code: 2,
      stderr: 'RTNETLINK answers: Operation not permitted',
    });
    const outcome = await downAll(state, runner);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /^step \d+\/\d+ "Delete bridge vmnet1" failed: `ip link del group 1986946420` failed: RTNETLINK answers: Operation not permitted;/,
    );
    expect(outcome.error).toMatch(/the changes made so far were rolled back$/);
    const lines = runner.lines();
    expect(lines.slice(lines.indexOf('ip -batch -') + 1)).toEqual([
      // The steps that ran while the bridges were being deleted…
      'nft -p list table inet vnet_editor',
      'nft -f -',
      'sysctl net/ipv4/ip_forward=0',
      // …are undone, newest first; then each bridge, still there, is put back as it was (IPv6 off, as made).
      'sysctl net/ipv4/ip_forward=1',
      'nft -f -',
      'ip link add name vmnet8 type bridge',
      'ip link set dev vmnet8 alias vnet-editor up',
      'sysctl net/ipv6/conf/vmnet8/disable_ipv6=1',
      'ip addr add 192.168.133.1/24 dev vmnet8',
      'ip addr add 192.168.133.2/24 dev vmnet8',
      'ip link set dev vmnet8 group default',
      'ip link add name vmnet1 type bridge',
      'ip link set dev vmnet1 alias vnet-editor up',
      'sysctl net/ipv6/conf/vmnet1/disable_ipv6=1',
      'ip addr add 192.168.56.1/24 dev vmnet1',
      'ip link set dev vmnet1 group default',
    ]);
    // No network was forgotten.
    expect(state.journal.networks.vmnet1?.data).toMatchObject({ bridge: true });
    expect(state.journal.networks.vmnet8?.data).toMatchObject({ bridge: true });
  });
});
