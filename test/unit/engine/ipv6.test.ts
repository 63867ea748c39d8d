// IPv6 through the recording runner: bridge addresses, the bridge's own RA settings,
// accept_ra=2 before forwarding (so the host keeps its RA-learned route), idempotence,
// and removal restoring every sysctl it changed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { planSteps, runSteps } from '../../../src-main/engine/core';
import { RecordingRunner } from '../../../src-main/engine/runner';
import { readJournal } from '../../../src-main/engine/journal';
import { appliedHost, freshHost, tempDirs } from './host-state';

const dirs = tempDirs();

function config(): Config {
  const hostOnly = hostOnlyNetwork('vmnet1', '192.168.56.0/24');
  const nat = natNetwork('vmnet8', '192.168.133.0/24');
  return {
    version: 1,
    networks: [
      { ...hostOnly, ipv6: { prefix: 'fd15:4ba5:5a2b:1001::/64', hostAddress: 'fd15:4ba5:5a2b:1001::1' } },
      { ...nat, ipv6: { prefix: 'fd15:4ba5:5a2b:1008::/64', hostAddress: 'fd15:4ba5:5a2b:1008::1', gateway: 'FD15:4BA5:5A2B:1008::2' } },
    ],
  };
}

describe('IPv6 apply', () => {
  it('adds the addresses, silences RAs from guests and sets accept_ra=2 before switching forwarding on', async () => {
    const runner = new RecordingRunner();
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    // The bridge exists before its sysctls are written: those writes end the batch holding its creation.
    // vmnet1's DHCP server waits for the batch holding its addresses (and vmnet8's bridge), then starts.
    const lines = runner.expandedLines().filter((l) => !l.startsWith('nft'));
    expect(lines).toEqual([
      'ip -batch -',
      '  ip link add name vmnet1 type bridge',
      '  ip link set dev vmnet1 alias vnet-editor up',
      'sysctl net/ipv6/conf/vmnet1/accept_ra=0',
      'sysctl net/ipv6/conf/vmnet1/autoconf=0',
      'ip -batch -',
      '  ip addr add 192.168.56.1/24 dev vmnet1',
      '  ip addr add fd15:4ba5:5a2b:1001::1/64 dev vmnet1 nodad',
      '  ip link add name vmnet8 type bridge',
      '  ip link set dev vmnet8 alias vnet-editor up',
      `dnsmasq --conf-file=${path.join(dirs.state, 'dhcp', 'vmnet1.conf')}`,
      'sysctl net/ipv6/conf/vmnet8/accept_ra=0',
      'sysctl net/ipv6/conf/vmnet8/autoconf=0',
      'ip -batch -',
      '  ip addr add 192.168.133.1/24 dev vmnet8',
      '  ip addr add 192.168.133.2/24 dev vmnet8',
      '  ip addr add fd15:4ba5:5a2b:1008::1/64 dev vmnet8 nodad',
      '  ip addr add fd15:4ba5:5a2b:1008::2/64 dev vmnet8 nodad',
      `dnsmasq --conf-file=${path.join(dirs.state, 'dhcp', 'vmnet8.conf')}`,
      'sysctl net/ipv4/ip_forward=1',
      'sysctl net/ipv6/conf/default/accept_ra=2',
      'sysctl net/ipv6/conf/eth0/accept_ra=2',
      'sysctl net/ipv6/conf/all/forwarding=1',
    ]);
    expect(readJournal(dirs).forwarding6).toEqual({ previous: '0', acceptRa: { default: '1', eth0: '1' } });
  });

  it('a second run against the applied host plans nothing', () => {
    const plan = planSteps(config(), appliedHost(config(), dirs), dirs);
    expect(plan.errors).toEqual([]);
    expect(plan.steps.map((s) => s.operation.description)).toEqual([]);
  });

  it('rolls the sysctls back when switching forwarding on fails', async () => {
    const runner = new RecordingRunner().respond(['sysctl', 'net/ipv6/conf/all/forwarding=1'], { code: 1, stderr: 'denied' });
    const state = freshHost();
    const outcome = await runSteps(planSteps(config(), state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    const after = runner.lines().slice(runner.lines().indexOf('sysctl net/ipv6/conf/all/forwarding=1') + 1);
    expect(after.slice(0, 4)).toEqual([
      // the undo was registered before the failing write, so it puts the value back regardless
      'sysctl net/ipv6/conf/all/forwarding=0',
      'sysctl net/ipv6/conf/default/accept_ra=1',
      'sysctl net/ipv6/conf/eth0/accept_ra=1',
      'sysctl net/ipv4/ip_forward=0',
    ]);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
  });

  it('removal restores forwarding and every accept_ra it changed, and forgets them', async () => {
    const runner = new RecordingRunner();
    const state = appliedHost(config(), dirs);
    const outcome = await runSteps(planSteps({ version: 1, networks: [] }, state, dirs).steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(true);
    expect(runner.lines().filter((l) => l.startsWith('sysctl'))).toEqual([
      'sysctl net/ipv4/ip_forward=0',
      'sysctl net/ipv6/conf/all/forwarding=0',
      'sysctl net/ipv6/conf/default/accept_ra=1',
      'sysctl net/ipv6/conf/eth0/accept_ra=1',
    ]);
    expect(state.journal).toEqual({ version: 1, networks: {} });
  });

  it('switches IPv6 back on, first, on a bridge made without it when its network gains a subnet, and off again on rollback', async () => {
    const ipv4Only: Config = { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] };
    const withIpv6: Config = { version: 1, networks: [config().networks[0]!] };
    const failing = ['ip', 'addr', 'add', 'fd15:4ba5:5a2b:1001::1/64', 'dev', 'vmnet1', 'nodad'];
    const runner = new RecordingRunner()
      .respond(failing, { code: 2, stderr: 'Error: ipv6: IPv6 is disabled on this device.' })
      .respond(['ip', 'addr', 'del', 'fd15:4ba5:5a2b:1001::1/64'], { code: 2, stderr: 'Error: ipv6: address not found.' });
    const state = appliedHost(ipv4Only, dirs);
    const steps = planSteps(withIpv6, state, dirs).steps;
    expect(steps[0]!.operation.description).toBe(
      'Switch IPv6 on for vmnet1 and make it ignore router advertisements from guests (accept_ra=0, autoconf=0)',
    );
    const outcome = await runSteps(steps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    // The address never went on, so its undo finding none there is no failure of the rollback.
    expect(outcome.error).toMatch(/IPv6 is disabled on this device\.; the changes made so far were rolled back$/);
    expect(runner.lines().slice(0, 4)).toEqual([
      'sysctl net/ipv6/conf/vmnet1/disable_ipv6=0',
      'sysctl net/ipv6/conf/vmnet1/accept_ra=0',
      'sysctl net/ipv6/conf/vmnet1/autoconf=0',
      failing.join(' '),
    ]);
    expect(runner.lines().slice(4)).toEqual([
      'ip addr del fd15:4ba5:5a2b:1001::1/64 dev vmnet1',
      'sysctl net/ipv6/conf/vmnet1/accept_ra=1',
      'sysctl net/ipv6/conf/vmnet1/disable_ipv6=1',
    ]);
  });

  it('host-only IPv6 alone needs no forwarding', () => {
    const hostOnlyOnly: Config = { version: 1, networks: [config().networks[0]!] };
    const ops = planSteps(hostOnlyOnly, freshHost(), dirs).steps.map((s) => s.operation.op);
    expect(ops).not.toContain('set-forwarding6');
    expect(ops).toContain('set-bridge-ipv6');
  });
});
