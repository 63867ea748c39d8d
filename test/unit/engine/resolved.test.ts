// Guests by name from the host through systemd-resolved: what is read from resolvectl,
// the ops planned for it, the exact argv they run, and what doctor and status say
// when resolved is absent (as on this machine).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { natNetwork, type Config, type NatNetwork } from '../../../src-shared/model';
import { planSteps, runSteps } from '../../../src-main/engine/core';
import { RecordingRunner } from '../../../src-main/engine/runner';
import { inspectResolved, parseResolvectlLinks } from '../../../src-main/engine/resolved';
import { doctorRouted, statusRouted } from '../../../src-main/engine/drivers/routed/health';
import type { HostState } from '../../../src-main/engine/types';
import type { Dirs } from '../../../src-main/paths';
import { appliedHost, freshHost } from './host-state';

let dirs: Dirs;
beforeEach(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-resolved-'));
  dirs = { config: path.join(root, 'config'), state: path.join(root, 'state') };
  fs.mkdirSync(dirs.state, { recursive: true });
});
afterEach(() => fs.rmSync(path.dirname(dirs.state), { recursive: true, force: true }));

function config(domain: string | null = 'localdomain'): Config {
  const n: NatNetwork = natNetwork('vmnet8', '192.168.133.0/24');
  if (domain) n.domain = domain;
  return { version: 1, networks: [n] };
}

function withResolved(state: HostState, links: Record<string, { dns: string[]; domains: string[] }> = {}): HostState {
  state.resolved = { running: true, links: new Map(Object.entries(links)) };
  return state;
}

const REGISTERED = { vmnet8: { dns: ['192.168.133.2'], domains: ['~localdomain'] } };
const opsOf = (c: Config, state: HostState) => planSteps(c, state, dirs).steps.map((s) => s.operation.op);

describe('reading resolvectl', () => {
  it('parses per-link DNS servers and domains, skipping the global line', () => {
    const text = 'Global: 10.0.0.1\nLink 2 (eth0): 10.0.0.1 10.0.0.2\nLink 7 (vmnet8): 192.168.133.2\nLink 9 (vmnet1):\n';
    expect([...parseResolvectlLinks(text)]).toEqual([
      ['eth0', ['10.0.0.1', '10.0.0.2']],
      ['vmnet8', ['192.168.133.2']],
      ['vmnet1', []],
    ]);
  });

  it('is absent without resolved, and in another network namespace, without running resolvectl', async () => {
    const runner = new RecordingRunner();
    expect(await inspectResolved(runner, { socketDir: '/nonexistent/resolve' })).toMatchObject({
      running: false,
      reason: 'systemd-resolved is not running on this host',
    });
    const elsewhere = await inspectResolved(runner, { socketDir: os.tmpdir(), sameNamespace: () => false });
    expect(elsewhere.running).toBe(false);
    expect(elsewhere.reason).toMatch(/another network namespace/);
    expect(runner.lines()).toEqual([]);
  });

  it('reads links from resolvectl dns and domain when resolved runs here', async () => {
    const runner = new RecordingRunner()
      .respond(['resolvectl', '--no-pager', 'dns'], { stdout: 'Global:\nLink 7 (vmnet8): 192.168.133.2\n' })
      .respond(['resolvectl', '--no-pager', 'domain'], { stdout: 'Global:\nLink 7 (vmnet8): ~localdomain\n' });
    const state = await inspectResolved(runner, { socketDir: os.tmpdir(), sameNamespace: () => true });
    expect(state).toEqual({ running: true, links: new Map([['vmnet8', REGISTERED.vmnet8]]) });
  });
});

describe('registering with resolved', () => {
  it('a fresh host registers the bridge after it has its addresses, with exactly these argv', async () => {
    const state = withResolved(freshHost());
    const steps = planSteps(config(), state, dirs).steps;
    const names = steps.map((s) => s.operation.op);
    expect(names.indexOf('register-names')).toBeGreaterThan(names.lastIndexOf('add-address'));
    const runner = new RecordingRunner();
    expect((await runSteps(steps, runner, dirs, state.journal)).ok).toBe(true);
    const lines = runner.lines();
    expect(lines).toContain('resolvectl dns vmnet8 192.168.133.2');
    expect(lines.indexOf('resolvectl domain vmnet8 ~localdomain')).toBe(lines.indexOf('resolvectl dns vmnet8 192.168.133.2') + 1);
    expect(state.journal.networks.vmnet8?.data).toMatchObject({ names: true });
  });

  it('plans nothing when registered, and repairs a registration changed or lost (drift)', () => {
    const c = config();
    const applied = () => {
      const s = appliedHost(c, dirs);
      s.journal.networks.vmnet8!.data.names = true;
      return s;
    };
    expect(opsOf(c, withResolved(applied(), REGISTERED))).toEqual([]);
    expect(opsOf(c, withResolved(applied()))).toEqual(['register-names']);
    expect(opsOf(c, withResolved(applied(), { vmnet8: { dns: ['192.168.133.2'], domains: [] } }))).toEqual(['register-names']);
  });

  it('takes the registration back when the domain goes, and on down before deleting the bridge', async () => {
    const c = config();
    const state = withResolved(appliedHost(c, dirs), REGISTERED);
    state.journal.networks.vmnet8!.data.names = true;
    expect(opsOf(config(null), state)).toContain('unregister-names');
    const down = planSteps({ version: 1, networks: [] }, state, dirs).steps;
    const downOps = down.map((s) => s.operation.op);
    expect(downOps.indexOf('unregister-names')).toBe(downOps.indexOf('delete-bridge') - 1);
    const runner = new RecordingRunner();
    expect((await runSteps(down, runner, dirs, state.journal)).ok).toBe(true);
    expect(runner.lines().indexOf('resolvectl revert vmnet8')).toBeGreaterThanOrEqual(0);
    expect(runner.lines().indexOf('resolvectl revert vmnet8')).toBeLessThan(runner.lines().indexOf('ip link del dev vmnet8'));
  });

  it('without resolved: no resolvectl step, and doctor and status say how to get the same result', () => {
    const c = config();
    const state = appliedHost(c, dirs);
    state.resolved = { running: false, reason: 'systemd-resolved is not running on this host', links: new Map() };
    expect(opsOf(c, state)).toEqual([]);
    const ctx = { dirs, config: c };
    const check = doctorRouted(c.networks[0] as NatNetwork, state, ctx).find((x) => x.check === 'names from the host');
    expect(check).toMatchObject({ status: 'warning' });
    expect(check?.fix).toMatch(/systemctl enable --now systemd-resolved/);
    expect(check?.fix).toMatch(/server=\/localdomain\/192\.168\.133\.2/);
    const status = statusRouted(c.networks[0] as NatNetwork, state, ctx);
    expect(status.names).toMatchObject({ domain: 'localdomain', server: '192.168.133.2', registered: false });
    expect(status.names?.detail).toMatch(/not running.*server=\/localdomain\/192\.168\.133\.2/);
    // A warning, not a problem: the network itself is fine.
    expect(status.problems.filter((p) => /names|resolved/.test(p))).toEqual([]);
  });

  it('a network without a domain or without DNS has no names check', () => {
    const c = config(null);
    const state = withResolved(appliedHost(c, dirs));
    expect(doctorRouted(c.networks[0] as NatNetwork, state, { dirs, config: c }).map((x) => x.check)).not.toContain('names from the host');
  });
});
