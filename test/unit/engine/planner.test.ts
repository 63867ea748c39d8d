// The planner is a pure function (desired config, actual host) → ordered operations:
// nothing to do after an apply, and the smallest plan for each kind of change.
import { describe, expect, it } from 'vitest';
import { bridgedNetwork, hostOnlyNetwork, natNetwork, type Config, type NatNetwork } from '../../../src-shared/model';
import { planSteps } from '../../../src-main/engine/core';
import type { HostState } from '../../../src-main/engine/types';
import { appliedHost, DIRS, freshHost } from './host-state';

function config(): Config {
  const vmnet8 = natNetwork('vmnet8', '192.168.133.0/24');
  vmnet8.dhcp.reservations = [{ mac: '52:54:00:12:34:56', address: '192.168.133.50', hostname: 'web' }];
  vmnet8.nat.portForwards = [{ protocol: 'tcp', hostPort: 8080, guestAddress: '192.168.133.50', guestPort: 80 }];
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), vmnet8] };
}

function nat(c: Config): NatNetwork {
  const n = c.networks.find((x) => x.type === 'nat');
  if (!n || n.type !== 'nat') throw new Error('no NAT network');
  return n;
}

function ops(c: Config, state: HostState): string[] {
  const plan = planSteps(c, state, DIRS);
  expect(plan.errors).toEqual([]);
  return plan.steps.map(
    (s) =>
      `${s.operation.op}${s.operation.network ? ` ${s.operation.network}` : ''}${s.operation.target && s.operation.op.includes('address') ? ` ${s.operation.target}` : ''}`,
  );
}

describe('planner', () => {
  it('plans every part of a fresh host, in order', () => {
    expect(ops(config(), freshHost())).toEqual([
      'create-bridge vmnet1',
      'add-address vmnet1 192.168.56.1/24',
      'start-dhcp vmnet1',
      'create-bridge vmnet8',
      'add-address vmnet8 192.168.133.1/24',
      'add-address vmnet8 192.168.133.2/24',
      'start-dhcp vmnet8',
      'load-ruleset',
      'set-forwarding',
    ]);
  });

  it('plans nothing when the host already matches (second apply is empty)', () => {
    expect(ops(config(), appliedHost(config()))).toEqual([]);
  });

  it('a new port forward only reloads the ruleset', () => {
    const c = config();
    const state = appliedHost(c);
    nat(c).nat.portForwards.push({ protocol: 'udp', hostPort: 5353, guestAddress: '192.168.133.50', guestPort: 53 });
    expect(ops(c, state)).toEqual(['load-ruleset']);
  });

  it('a new reservation reloads DHCP without a restart', () => {
    const c = config();
    const state = appliedHost(c);
    nat(c).dhcp.reservations.push({ mac: '52:54:00:00:00:01', address: '192.168.133.60' });
    const plan = planSteps(c, state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['reload-dhcp']);
    expect(plan.steps[0]!.operation.details).toMatchObject({ hosts: expect.stringContaining('52:54:00:00:00:01,192.168.133.60') });
  });

  it('plan text for a DHCP server started with an old configuration reads "that ran" (security item 11)', () => {
    const c = config();
    const state = appliedHost(c);
    nat(c).dhcp.rangeStart = '192.168.133.100';
    const stop = planSteps(c, state, DIRS).steps.find((s) => s.operation.op === 'stop-dhcp');
    expect(stop?.operation.description).toBe('Stop a DHCP server for vmnet8 that ran with an old or lost configuration');
  });

  it('a changed DHCP range restarts only that network’s DHCP server', () => {
    const c = config();
    const state = appliedHost(c);
    nat(c).dhcp.rangeStart = '192.168.133.100';
    expect(ops(c, state)).toEqual(['stop-dhcp vmnet8', 'start-dhcp vmnet8']);
  });

  it('switching the NAT host adapter off removes its address and reloads the rules', () => {
    const c = config();
    const state = appliedHost(c);
    nat(c).hostAdapter.enabled = false;
    expect(ops(c, state)).toEqual(['remove-address vmnet8 192.168.133.1/24', 'load-ruleset']);
  });

  it('switching the host-only adapter off keeps the DHCP address and isolates with rules', () => {
    const c = config();
    const state = appliedHost(c);
    const vmnet1 = c.networks[0]!;
    if (vmnet1.type !== 'hostonly') throw new Error('fixture');
    vmnet1.hostAdapter.enabled = false;
    const plan = planSteps(c, state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['load-ruleset']);
    expect(String(plan.steps[0]!.operation.details?.ruleset)).toMatch(/host_to_vmnet1/);
  });

  it('switching DHCP off stops the server and removes its files', () => {
    const c = config();
    const state = appliedHost(c);
    nat(c).dhcp.enabled = false;
    expect(ops(c, state)).toEqual(['stop-dhcp vmnet8', 'remove-dhcp-files vmnet8']);
  });

  it('removing a network removes exactly what was recorded for it', () => {
    const c = config();
    const state = appliedHost(c);
    c.networks.splice(0, 1);
    expect(ops(c, state)).toEqual([
      'stop-dhcp vmnet1',
      'remove-dhcp-files vmnet1',
      'delete-bridge vmnet1',
      'forget-network vmnet1',
      'load-ruleset',
    ]);
  });

  it('removing the last NAT network restores forwarding', () => {
    const c = config();
    const state = appliedHost(c);
    c.networks.splice(1, 1);
    const plan = planSteps(c, state, DIRS);
    expect(plan.steps.map((s) => s.operation.op).slice(-2)).toEqual(['load-ruleset', 'restore-forwarding']);
    expect(plan.steps.at(-1)!.operation.details).toEqual({ value: '0' });
  });

  it('removing every network deletes the table', () => {
    const c = config();
    const state = appliedHost(c);
    const plan = planSteps({ version: 1, networks: [] }, state, DIRS);
    expect(plan.steps.map((s) => s.operation.op).slice(-2)).toEqual(['delete-ruleset', 'restore-forwarding']);
  });

  it('changing a host-only subnet moves the addresses and restarts DHCP (its rules name no subnet)', () => {
    const c = config();
    const state = appliedHost(c);
    c.networks[0] = hostOnlyNetwork('vmnet1', '192.168.57.0/24');
    expect(ops(c, state)).toEqual([
      'remove-address vmnet1 192.168.56.1/24',
      'add-address vmnet1 192.168.57.1/24',
      'stop-dhcp vmnet1',
      'start-dhcp vmnet1',
    ]);
  });
});

describe('planner: MTU, domain, network boot, reservations only', () => {
  function withOptional(): Config {
    const c = config();
    const n = nat(c);
    n.mtu = 1400;
    n.domain = 'localdomain';
    n.dhcp.boot = { file: 'pxelinux.0' };
    return c;
  }

  it('a fresh host gets the MTU set after the bridge is created, before its addresses', () => {
    expect(ops(withOptional(), freshHost()).slice(3, 6)).toEqual([
      'create-bridge vmnet8',
      'set-mtu vmnet8',
      'add-address vmnet8 192.168.133.1/24',
    ]);
  });

  it('plans nothing once applied (idempotent with every optional field)', () => {
    const c = withOptional();
    delete nat(c).dhcp.rangeStart;
    delete nat(c).dhcp.rangeEnd;
    expect(ops(c, appliedHost(c))).toEqual([]);
  });

  it('an MTU changed outside the app is set again (drift)', () => {
    const c = withOptional();
    const state = appliedHost(c);
    state.links.get('vmnet8')!.mtu = 1500;
    expect(ops(c, state)).toEqual(['set-mtu vmnet8']);
  });

  it('leaving the MTU out again puts back 1500, once', () => {
    const c = withOptional();
    const state = appliedHost(c);
    delete nat(c).mtu;
    const plan = planSteps(c, state, DIRS).steps.map((s) => s.operation);
    const mtu = plan.find((o) => o.op === 'set-mtu');
    expect(mtu?.details).toEqual({ bridge: 'vmnet8', mtu: 1500, reset: true });
    // A network whose MTU the app never set is left at whatever the kernel chose.
    const untouched = config();
    const host = appliedHost(untouched);
    host.links.get('vmnet8')!.mtu = 9000;
    expect(ops(untouched, host)).toEqual([]);
  });

  it.each<[string, (n: NatNetwork) => void]>([
    ['a domain', (n) => (n.domain = 'lab.example')],
    ['a boot file', (n) => (n.dhcp.boot = { file: 'ipxe.efi', server: '192.168.133.10' })],
    [
      'switching the range off',
      (n) => {
        delete n.dhcp.rangeStart;
        delete n.dhcp.rangeEnd;
      },
    ],
  ])('%s restarts only that network’s DHCP server', (_what, change) => {
    const c = config();
    const state = appliedHost(c);
    change(nat(c));
    expect(ops(c, state)).toEqual(['stop-dhcp vmnet8', 'start-dhcp vmnet8']);
  });
});

describe('planner changes network types', () => {
  it('host-only to NAT keeps the bridge, adds the gateway and restarts DHCP', () => {
    const before: Config = { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] };
    const after: Config = { version: 1, networks: [natNetwork('vmnet1', '192.168.56.0/24')] };
    expect(ops(after, appliedHost(before))).toEqual([
      'adopt-bridge vmnet1',
      'add-address vmnet1 192.168.56.2/24',
      'stop-dhcp vmnet1',
      'start-dhcp vmnet1',
      'load-ruleset',
      'set-forwarding',
    ]);
  });
});

describe('planner repairs drift', () => {
  it('a dead DHCP server is started again', () => {
    const state = appliedHost(config());
    state.dhcp.delete('vmnet8');
    expect(ops(config(), state)).toEqual(['start-dhcp vmnet8']);
  });

  it('an orphaned DHCP server of ours (pid file lost) is replaced, never duplicated', () => {
    const state = appliedHost(config());
    state.dhcp.get('vmnet8')![0]!.fromPidFile = false;
    expect(ops(config(), state)).toEqual(['stop-dhcp vmnet8', 'start-dhcp vmnet8']);
  });

  it('a duplicate DHCP server is stopped and the current one kept', () => {
    const state = appliedHost(config());
    state.dhcp.get('vmnet8')!.push({ network: 'vmnet8', pid: 9999, startedAt: 0, confFile: '/old/dhcp/vmnet8.conf', fromPidFile: false });
    const plan = planSteps(config(), state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['stop-dhcp']);
    expect(plan.steps[0]!.operation.details).toEqual({ pids: [9999] });
  });

  it('a ruleset changed outside the app is reloaded', () => {
    const state = appliedHost(config());
    state.table.fingerprint = 'someone-edited-it';
    const plan = planSteps(config(), state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['load-ruleset']);
    expect(plan.steps[0]!.operation.description).toMatch(/^Repair/);
  });

  it('a missing bridge is created again with its addresses', () => {
    const state = appliedHost(config());
    state.links.delete('vmnet8');
    expect(ops(config(), state)).toEqual([
      'create-bridge vmnet8',
      'add-address vmnet8 192.168.133.1/24',
      'add-address vmnet8 192.168.133.2/24',
    ]);
  });

  it('a bridge switched off is switched on', () => {
    const state = appliedHost(config());
    state.links.get('vmnet1')!.adminUp = false;
    expect(ops(config(), state)).toEqual(['set-link-up vmnet1']);
  });

  it('forwarding switched off is switched on, remembering the original value', () => {
    const state = appliedHost(config());
    state.forwarding = '0';
    const plan = planSteps(config(), state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['set-forwarding']);
    expect(plan.steps[0]!.operation.details).toEqual({ value: '1', previous: '0' });
  });

  it('a bridge left by a lost state folder is taken over, not recreated', () => {
    const state = appliedHost(config());
    state.journal = { version: 1, networks: {} };
    const plan = planSteps(config(), state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['adopt-bridge', 'adopt-bridge', 'load-ruleset']);
    expect(plan.errors).toEqual([]);
  });

  it('foreign bridge adoption: a bridge the journal does not know and the app did not mark is refused, even with no address (security item 2)', () => {
    const state = appliedHost(config());
    state.journal = { version: 1, networks: {} };
    // Someone's own bridge of that name, with a VM's tap on it and nothing else.
    state.links.set('vmnet1', { name: 'vmnet1', ifindex: 9, kind: 'bridge', adminUp: true, operState: 'UP', carrier: true, addresses: [] });
    const plan = planSteps(config(), state, DIRS);
    expect(plan.errors).toEqual([
      {
        path: ['networks', 0, 'name'],
        message: expect.stringMatching(/^a bridge named "vmnet1" already exists on this host and nothing shows this app made it/),
      },
    ]);
  });

  it('with the state folder lost, forwarding is still restored from the value kept in the table', () => {
    const state = appliedHost(config());
    state.journal = { version: 1, networks: {} };
    expect(state.table.forwardingBefore).toBe('0');
    const plan = planSteps({ version: 1, networks: [] }, state, DIRS);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['delete-ruleset', 'restore-forwarding']);
    expect(plan.steps[1]!.operation.details).toEqual({ value: '0' });
  });

  it('forwarding that was already on before the app is left on', () => {
    const state = appliedHost(config());
    state.journal.forwarding = { previous: '1' };
    state.table.forwardingBefore = '1';
    const plan = planSteps({ version: 1, networks: [] }, state, DIRS);
    expect(plan.steps.at(-1)!.operation).toMatchObject({ op: 'restore-forwarding', details: { value: '1' } });
  });

  it('a foreign address on our bridge is left alone', () => {
    const state = appliedHost(config());
    state.links.get('vmnet1')!.addresses.push('10.1.1.1/24');
    expect(ops(config(), state)).toEqual([]);
  });
});

describe('live-host checks', () => {
  it('a subnet colliding with a route the app does not own', () => {
    const state = freshHost();
    state.routes.push({ dst: '192.168.56.0/22', dev: 'eth0' });
    const plan = planSteps(config(), state, DIRS);
    expect(plan.errors).toEqual([
      { path: ['networks', 0, 'subnet'], message: expect.stringMatching(/collides with the host's route to 192\.168\.56\.0\/22 on eth0/) },
    ]);
  });

  it('routes of our own bridges do not collide', () => {
    const state = appliedHost(config());
    expect(planSteps(config(), state, DIRS).errors).toEqual([]);
  });

  it('an interface with the network’s name that is not a bridge', () => {
    const state = freshHost();
    state.links.set('vmnet1', { name: 'vmnet1', ifindex: 9, kind: 'veth', adminUp: true, operState: 'UP', carrier: true, addresses: [] });
    expect(planSteps(config(), state, DIRS).errors.map((e) => e.path)).toEqual([['networks', 0, 'name']]);
  });

  it('a host port already in use by a local program', () => {
    const state = freshHost();
    state.listeners.push({ protocol: 'tcp', address: '0.0.0.0', port: 8080 }, { protocol: 'tcp', address: '127.0.0.1', port: 9999 });
    const errors = planSteps(config(), state, DIRS).errors;
    expect(errors).toEqual([
      { path: ['networks', 1, 'nat', 'portForwards', 0, 'hostPort'], message: expect.stringMatching(/tcp port 8080 is already in use/) },
    ]);
  });

  it('a host port held by a dual-stack listener on [::] is in use too; one on a single IPv6 address is not', () => {
    const dualStack = freshHost();
    dualStack.listeners.push({ protocol: 'tcp', address: '::', port: 8080 });
    expect(planSteps(config(), dualStack, DIRS).errors.map((e) => e.path)).toEqual([['networks', 1, 'nat', 'portForwards', 0, 'hostPort']]);
    const oneAddress = freshHost();
    oneAddress.listeners.push({ protocol: 'tcp', address: 'v6:00000000000000000000000001000000', port: 8080 });
    expect(planSteps(config(), oneAddress, DIRS).errors).toEqual([]);
  });

  it('a named NAT uplink that does not exist', () => {
    const c = config();
    nat(c).nat.uplink = 'enp9s0';
    expect(planSteps(c, freshHost(), DIRS).errors.map((e) => e.path)).toEqual([['networks', 1, 'nat', 'uplink']]);
  });
});

describe('network types', () => {
  it('plans bridged networks through their own driver, never through the routed one', () => {
    const c = config();
    c.networks.unshift(bridgedNetwork('vmnet0'));
    const plan = planSteps(c, freshHost(), DIRS);
    const routedOps = plan.steps.filter((s) => s.operation.network === 'vmnet0' && ['start-dhcp', 'add-address'].includes(s.operation.op));
    expect(routedOps).toEqual([]);
    expect(String(plan.steps.find((s) => s.operation.op === 'load-ruleset')!.operation.details?.ruleset)).not.toMatch(/vmnet0/);
  });
});
