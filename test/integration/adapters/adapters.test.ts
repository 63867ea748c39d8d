// Host adapters in a namespace: listing, switching on and off, refusing to switch off
// the default-route adapter without --try/--force, and a trial that comes back by itself.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../src-shared/api/types';
import { makeLan, must, netState, removeDirs, tempDirs, vnet, waitFor, type Lan, type VnetDirs } from '../bridged/netns';

describe('vnet adapter (in a namespace)', () => {
  let lan: Lan;
  let dirs: VnetDirs;

  beforeAll(() => {
    lan = makeLan();
    dirs = tempDirs();
    lan.host.ip('link', 'add', 'spare0', 'type', 'veth', 'peer', 'name', 'spare1');
    lan.host.ip('link', 'set', 'spare0', 'up');
  });

  afterAll(() => {
    lan?.destroy();
    if (dirs) removeDirs(dirs);
  });

  const adminUp = (name: string): boolean => lan.host.ipJson<{ flags: string[] }[]>('link', 'show', 'dev', name)[0]!.flags.includes('UP');

  const list = (): Map<string, Adapter> => {
    const r = vnet(lan.host, dirs, 'adapter', 'list', '--json');
    expect(r.code, r.stderr).toBe(0);
    return new Map((JSON.parse(r.stdout) as Adapter[]).map((a) => [a.name, a]));
  };

  it('lists every adapter with kind, state, addresses and the default route', () => {
    const adapters = list();
    expect([...adapters.keys()].sort()).toEqual(['eth0', 'lo', 'spare0', 'spare1']);
    expect(adapters.get('eth0')).toMatchObject({
      kind: 'veth',
      adminUp: true,
      operState: 'up',
      defaultRoute: true,
      risky: true,
      managed: false,
      mtu: 1500,
      addresses: expect.arrayContaining([`${lan.hostAddress}/24`, 'fd42::10/64']),
    });
    expect(adapters.get('lo')).toMatchObject({ kind: 'loopback', risky: false });
    expect(adapters.get('spare0')).toMatchObject({ kind: 'veth', risky: false, defaultRoute: false, adminUp: true });
    expect(adapters.get('spare1')).toMatchObject({ kind: 'veth', adminUp: false, operState: 'down' });
    const text = vnet(lan.host, dirs, 'adapter', 'list');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^eth0\s+veth\s+on\s+up\s+/m);
  });

  it('switches an adapter off and on', () => {
    expect(vnet(lan.host, dirs, 'adapter', 'down', 'spare0').code).toBe(0);
    expect(list().get('spare0')!.adminUp).toBe(false);
    const up = vnet(lan.host, dirs, 'adapter', 'up', 'spare0');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('Host adapter spare0 switched on');
    expect(list().get('spare0')!.adminUp).toBe(true);
  });

  it('names an unknown adapter', () => {
    const r = vnet(lan.host, dirs, 'adapter', 'down', 'nosuch0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('there is no host adapter named "nosuch0"');
  });

  it('refuses to switch off the default-route adapter without --try or --force, and says why', () => {
    const r = vnet(lan.host, dirs, 'adapter', 'down', 'eth0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('eth0 carries the default route');
    expect(r.stderr).toContain('--try');
    expect(list().get('eth0')!.adminUp).toBe(true);
    expect(lan.host.ping(lan.router)).toBe(true);
  });

  it('--force switches it off; switching it on puts its routes back exactly', () => {
    const before = netState(lan.host, 'eth0');
    expect(vnet(lan.host, dirs, 'adapter', 'down', 'eth0', '--force').code).toBe(0);
    expect(lan.host.ip('route', 'show', 'default')).toBe('');
    expect(lan.host.ping(lan.router)).toBe(false);
    const up = vnet(lan.host, dirs, 'adapter', 'up', 'eth0');
    expect(up.code, up.stderr).toBe(0);
    expect(netState(lan.host, 'eth0')).toEqual(before);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
  });

  it('a trial that switches off the default-route adapter comes back by itself after the CLI has exited', async () => {
    const before = netState(lan.host, 'eth0');
    // A window long enough that the CLI's exit and the check after it always come before the deadline.
    const r = vnet(lan.host, dirs, 'adapter', 'down', 'eth0', '--try', '15');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('vnet confirm');
    const { deadline } = JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.json'), 'utf8')) as { deadline: number };
    // The CLI has exited; the adapter is off until the watchdog puts it back.
    expect(adminUp('eth0')).toBe(false);
    const same = () => JSON.stringify(netState(lan.host, 'eth0')) === JSON.stringify(before);
    expect(await waitFor(() => list().get('eth0')!.adminUp && same(), 90_000, 300)).toBe(true);
    // Back by the watchdog at the deadline, not before it.
    const outcome = JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.outcome.json'), 'utf8')) as { outcome: string; at: number };
    expect(outcome.outcome).toBe('reverted');
    expect(outcome.at).toBeGreaterThanOrEqual(deadline);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
    const log = fs.readFileSync(path.join(dirs.state, 'trial.log'), 'utf8');
    expect(log).toMatch(/reverted/);
    expect(log).not.toMatch(/could not|failed/);
    expect(vnet(lan.host, dirs, 'confirm').code).toBe(1);
  });

  it('a confirmed adapter trial stays', async () => {
    // A window the confirm below always beats.
    expect(vnet(lan.host, dirs, 'adapter', 'down', 'spare0', '--try', '120').code).toBe(0);
    const nothingRuns = () => must(['ip', 'netns', 'pids', lan.host.name]).trim() === '';
    expect(nothingRuns(), 'the watchdog runs while the trial waits').toBe(false);
    const confirm = vnet(lan.host, dirs, 'confirm');
    expect(confirm.code, confirm.stderr).toBe(0);
    expect(confirm.stdout).toContain('switch host adapter spare0 off');
    // The watchdog is the only thing that reverts: once nothing runs in the host namespace, the change stays.
    expect(await waitFor(nothingRuns, 30_000, 100), 'the watchdog exits on confirm').toBe(true);
    expect(adminUp('spare0')).toBe(false);
  });
});
