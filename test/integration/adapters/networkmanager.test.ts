// Adapter trials on a host whose uplink a real NetworkManager manages (confined to
// namespaces, with its own system bus): switching eth0 off as a trial is also a
// NetworkManager checkpoint, so NetworkManager brings eth0 back with its lease even when
// every process of ours is killed; confirm destroys it; and the app's own revert puts the
// host back as it was. One lab for the file (it is slow to start); each test leaves eth0
// connected with its own profile again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAN_ROUTER, startNmLab, type NmLab } from '../lib/nm-lab';
import { removeDirs, tempDirs, vnet, waitFor, type VnetDirs } from '../bridged/netns';

describe('adapter trials through NetworkManager (real NetworkManager in namespaces)', () => {
  let lab: NmLab;
  let dirs: VnetDirs;
  let lease: string;
  const busBefore = process.env.DBUS_SYSTEM_BUS_ADDRESS;

  beforeAll(async () => {
    lab = await startNmLab();
    // vnet (run inside the host namespace) finds the private bus through this, as nmcli does.
    process.env.DBUS_SYSTEM_BUS_ADDRESS = lab.bus;
    dirs = tempDirs();
    await lab.uplinkProfile('ipv4.method', 'auto');
    lease = lab.ipv4('eth0')[0]!;
  });

  afterAll(() => {
    if (busBefore === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
    else process.env.DBUS_SYSTEM_BUS_ADDRESS = busBefore;
    lab?.destroy();
    if (dirs) removeDirs(dirs);
  });

  const ok = (...args: string[]) => {
    const r = vnet(lab.host, dirs, ...args);
    expect(r.code, `vnet ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r;
  };
  const trialRecord = () =>
    JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.json'), 'utf8')) as {
      watchdogPid: number;
      deadline: number;
      checkpoint?: string;
    };
  const outcome = () => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.outcome.json'), 'utf8')) as { outcome: string }).outcome;
    } catch {
      return undefined;
    }
  };
  const adminUp = () => lab.host.ipJson<{ flags: string[] }[]>('link', 'show', 'dev', 'eth0')[0]!.flags.includes('UP');
  const device = () => /^eth0:(.*)$/m.exec(lab.nmcli('-t', '-f', 'DEVICE,STATE,CONNECTION', 'device', 'status'))?.[1];
  const defaultDev = () => /dev (\S+)/.exec(lab.host.ip('route', 'show', 'default'))?.[1];
  /** eth0 as before every test: up, its profile active, its lease and the default route on it. */
  const connected = () =>
    adminUp() && device() === 'connected:Wired connection 1' && lab.ipv4('eth0').includes(lease) && defaultDev() === 'eth0';
  const off = () => !adminUp() && lab.ipv4('eth0').length === 0 && defaultDev() === undefined;
  const since = (deadline: number) => ((Date.now() - deadline) / 1000).toFixed(2);

  /** Switches eth0 off as a trial of SECONDS and checks it is off through NetworkManager, with a checkpoint. */
  function switchOffAsTrial(seconds: number) {
    expect(connected()).toBe(true);
    ok('adapter', 'down', 'eth0', '--try', String(seconds));
    const record = trialRecord();
    expect(record.checkpoint).toMatch(/^\/org\/freedesktop\/NetworkManager\/Checkpoint\/\d+$/);
    expect(lab.checkpoints()).toBe(`ao 1 "${record.checkpoint}"`);
    expect(off()).toBe(true);
    // Off in NetworkManager's own words too, so it does not bring the profile back by itself.
    expect(device()).toMatch(/^(disconnected|unavailable):$/);
    return record;
  }

  it('after kill -9 of every process of ours, NetworkManager switches the adapter back on with its lease', async () => {
    const record = switchOffAsTrial(8);
    // The CLI has exited; the watchdog is the only process of ours left.
    process.kill(record.watchdogPid, 'SIGKILL');
    expect(await waitFor(connected, 40_000, 50), `NetworkManager did not bring eth0 back: ${device()}`).toBe(true);
    console.log(
      `NetworkManager checkpoint rollback of an adapter trial: eth0 back with ${lease} ${since(record.deadline)} s after the deadline`,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(record.deadline);
    expect(lab.checkpoints()).toBe('ao 0');
    expect(lab.host.ping(LAN_ROUTER, 1)).toBe(true);
    // The record of the dead trial is cleared the documented way.
    ok('confirm');
  });

  it('without a kill, the app reverts it: the host as before the trial, and the outcome recorded', async () => {
    const record = switchOffAsTrial(5);
    expect(await waitFor(() => outcome() === 'reverted', 40_000, 50), `outcome: ${outcome()}`).toBe(true);
    expect(await waitFor(connected, 30_000, 50), `eth0 is not back: ${device()}`).toBe(true);
    console.log(`adapter trial reverted by the watchdog: eth0 back with ${lease} ${since(record.deadline)} s after the deadline`);
    expect(lab.checkpoints()).toBe('ao 0');
    expect(fs.readFileSync(path.join(dirs.state, 'trial.log'), 'utf8')).toMatch(
      /NetworkManager checkpoint (rolled back|was already rolled back)/,
    );
    // Nothing saved by the switch-off is left to be put back later.
    expect(fs.existsSync(path.join(dirs.state, 'adapters', 'eth0.json'))).toBe(false);
    expect(vnet(lab.host, dirs, 'confirm').code).toBe(1);
  });

  it('confirm keeps it off (no checkpoint remains); switching it on activates its profile again', async () => {
    const { deadline } = switchOffAsTrial(5);
    ok('confirm');
    expect(lab.checkpoints()).toBe('ao 0');
    // Past the deadline (and NetworkManager's), eth0 stays off.
    expect(await waitFor(() => Date.now() > deadline + 2000, 30_000, 200)).toBe(true);
    expect(off()).toBe(true);
    expect(device()).toMatch(/^(disconnected|unavailable):$/);
    ok('adapter', 'up', 'eth0');
    expect(await waitFor(connected, 30_000, 50), `eth0 is not back: ${device()}`).toBe(true);
  });
});
