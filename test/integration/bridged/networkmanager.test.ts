// Bridged networks on a desktop: a real NetworkManager (confined to namespaces, with its
// own system bus) manages the uplink eth0, and the app bridges it through NetworkManager.
// One lab for the whole file; each test leaves eth0 with its own profile active again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inLanPool, LAN_ROUTER, startNmLab, type NmLab } from '../lib/nm-lab';
import { makeGuest, removeDirs, tempDirs, udhcpcScript, vnet, waitFor, type Netns, type VnetDirs } from './netns';

const bridged = [{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } }];

describe('bridged networks through NetworkManager (real NetworkManager in namespaces)', () => {
  let lab: NmLab;
  let dirs: VnetDirs;
  let config: string;
  const busBefore = process.env.DBUS_SYSTEM_BUS_ADDRESS;

  beforeAll(async () => {
    lab = await startNmLab();
    // vnet (run inside the host namespace) finds the private bus through this, as nmcli does.
    process.env.DBUS_SYSTEM_BUS_ADDRESS = lab.bus;
    dirs = tempDirs();
    config = path.join(dirs.root, 'bridged.json');
    fs.writeFileSync(config, JSON.stringify({ version: 1, networks: bridged }));
  });

  afterAll(() => {
    if (busBefore === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
    else process.env.DBUS_SYSTEM_BUS_ADDRESS = busBefore;
    lab?.destroy();
    if (dirs) removeDirs(dirs);
  });

  const run = (...args: string[]) => {
    const r = vnet(lab.host, dirs, ...args);
    return { ...r, all: r.stdout + r.stderr };
  };
  const ok = (...args: string[]) => {
    const r = run(...args);
    expect(r.code, `vnet ${args.join(' ')}: ${r.all}`).toBe(0);
    return r;
  };
  const master = () => lab.host.ipJson<{ master?: string }[]>('link', 'show', 'dev', 'eth0')[0]!.master;
  const bridgeGone = () => lab.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code !== 0;
  const defaultDev = () => /dev (\S+)/.exec(lab.host.ip('route', 'show', 'default'))?.[1];
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(2);

  /** Gives eth0 a profile of its own, waits for its address, and returns the profiles then. */
  async function uplinkProfile(...settings: string[]): Promise<string[]> {
    await lab.uplinkProfile(...settings);
    return lab.profiles();
  }

  /** Applies the bridged config and checks NetworkManager's bridge; returns the seconds until vmnet0 had its address. */
  function bridgeIt(expectedAddress: string): string {
    const started = Date.now();
    const apply = ok('apply', '--config', config);
    const took = seconds(started);
    expect(apply.all).toMatch(/Bridge eth0 through NetworkManager: profile vmnet0 takes over the addressing of "Wired connection 1"/);
    expect(lab.ipv4('vmnet0')).toEqual([expectedAddress]);
    expect(lab.ipv4('eth0')).toEqual([]);
    expect(master()).toBe('vmnet0');
    expect(defaultDev()).toBe('vmnet0');
    expect(lab.profiles()).toEqual(['Wired connection 1:', 'vmnet0-port:eth0', 'vmnet0:vmnet0']);
    expect(lab.host.ping(LAN_ROUTER, 1)).toBe(true);
    expect(JSON.parse(ok('plan', '--json').stdout)).toEqual([]);
    return took;
  }

  async function unbridgeIt(profilesBefore: string[], address: string): Promise<void> {
    ok('down');
    expect(lab.profiles()).toEqual(profilesBefore);
    expect(await waitFor(() => lab.ipv4('eth0').includes(address), 30_000, 100), `eth0 did not get ${address} back`).toBe(true);
    expect(bridgeGone()).toBe(true);
    expect(master()).toBeUndefined();
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
  }

  it('bridges a DHCP uplink: the lease moves to the bridge, a guest gets a lease from the LAN, drift is repaired, and down puts the profiles back', async () => {
    const before = await uplinkProfile('ipv4.method', 'auto');
    const lease = lab.ipv4('eth0')[0]!;
    const took = bridgeIt(lease);
    console.log(`NetworkManager bridge: apply until vmnet0 had its lease ${lease}: ${took} s`);

    const status = ok('status').stdout;
    expect(status).toMatch(/vmnet0 \(bridged\) · up · addresses .* · through NetworkManager \(profile vmnet0, activated\)/);
    const doctor = ok('doctor', 'vmnet0').stdout;
    expect(doctor).toMatch(/ok +vmnet0: lease: NetworkManager keeps .* on vmnet0/);
    expect(doctor).toMatch(/ok +vmnet0: profile vmnet0-port: NetworkManager profile vmnet0-port is activated on eth0/);

    // A guest on the bridge is a peer on the LAN: the LAN's DHCP server answers it.
    let guest: Netns | undefined;
    try {
      guest = makeGuest(lab.host, 'gst0');
      lab.host.ip('link', 'set', 'gst0', 'master', 'vmnet0', 'up');
      const got = guest.exec('busybox', 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '10', '-T', '1', '-s', udhcpcScript(dirs.root));
      expect(got.code, got.stderr).toBe(0);
      // Any address of the LAN's pool, .150 included (a regex of .100–.149 failed a run that got .150).
      const address = guest.ipJson<{ addr_info: { local: string }[] }[]>('-4', 'addr', 'show', 'dev', 'eth0')[0]!.addr_info[0]!.local;
      expect(inLanPool(address), `${address} is in the LAN's pool`).toBe(true);
      expect(guest.ping(LAN_ROUTER, 1)).toBe(true);
    } finally {
      guest?.destroy();
    }

    // Drift: the profile deactivated from outside is activated again …
    lab.nmcli('connection', 'down', 'vmnet0');
    expect(run('doctor', 'vmnet0').code).toBe(1);
    expect(ok('plan').all).toMatch(/Activate the NetworkManager profiles vmnet0 and vmnet0-port again/);
    ok('apply');
    expect(lab.ipv4('vmnet0')).toEqual([lease]);
    // … and the port profile deleted from outside is made again.
    lab.nmcli('connection', 'delete', 'vmnet0-port');
    expect(run('doctor', 'vmnet0').stdout).toMatch(/profile vmnet0-port was deleted outside the app/);
    ok('apply');
    expect(lab.profiles()).toEqual(['Wired connection 1:', 'vmnet0-port:eth0', 'vmnet0:vmnet0']);
    expect(JSON.parse(ok('plan', '--json').stdout)).toEqual([]);

    await unbridgeIt(before, lease);
  });

  it('bridges a static NetworkManager profile the same way', async () => {
    lab.nmcli('connection', 'delete', 'Wired connection 1');
    const before = await uplinkProfile('ipv4.method', 'manual', 'ipv4.addresses', '198.51.100.20/24', 'ipv4.gateway', LAN_ROUTER);
    bridgeIt('198.51.100.20/24');
    await unbridgeIt(before, '198.51.100.20/24');
    expect(defaultDev()).toBe('eth0');
    lab.nmcli('connection', 'delete', 'Wired connection 1');
    await uplinkProfile('ipv4.method', 'auto');
  });

  it('a trial is a NetworkManager checkpoint: after kill -9 of every process of ours, NetworkManager rolls it back by itself', async () => {
    const before = lab.profiles();
    const lease = lab.ipv4('eth0')[0]!;
    ok('apply', '--config', config, '--try', '8');
    const record = JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.json'), 'utf8')) as {
      watchdogPid: number;
      deadline: number;
      checkpoint?: string;
    };
    expect(record.checkpoint).toMatch(/^\/org\/freedesktop\/NetworkManager\/Checkpoint\/\d+$/);
    expect(master()).toBe('vmnet0');
    // The CLI has exited; the watchdog is the only process of ours left.
    process.kill(record.watchdogPid, 'SIGKILL');
    expect(await waitFor(() => bridgeGone() && lab.ipv4('eth0').includes(lease), 40_000, 50), 'NetworkManager did not roll back').toBe(
      true,
    );
    console.log(`NetworkManager checkpoint rollback: host back ${((Date.now() - record.deadline) / 1000).toFixed(2)} s after the deadline`);
    expect(Date.now()).toBeGreaterThanOrEqual(record.deadline);
    expect(lab.profiles()).toEqual(before);
    // The app's record of the dead trial is cleared the documented way, and down finds nothing of NetworkManager's left to undo.
    ok('confirm');
    ok('down');
    expect(lab.profiles()).toEqual(before);
    expect(lab.ipv4('eth0')).toEqual([lease]);
  });

  it('confirm keeps a NetworkManager trial (its checkpoint is destroyed)', async () => {
    const before = lab.profiles();
    const lease = lab.ipv4('eth0')[0]!;
    ok('apply', '--config', config, '--try', '6');
    const { deadline } = JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.json'), 'utf8')) as { deadline: number };
    ok('confirm');
    expect(lab.checkpoints()).toBe('ao 0');
    // Past the deadline (and NetworkManager's), the bridge stays.
    expect(await waitFor(() => Date.now() > deadline + 2000, 30_000, 200)).toBe(true);
    expect(master()).toBe('vmnet0');
    expect(lab.ipv4('vmnet0')).toEqual([lease]);
    await unbridgeIt(before, lease);
  });

  it('a trial after `vnet down` reverts to the host as it was: unbridged, with its own profile', async () => {
    const before = lab.profiles();
    const lease = lab.ipv4('eth0')[0]!;
    ok('apply', '--config', config);
    ok('down');
    ok('apply', '--config', config, '--try', '6');
    const { deadline } = JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.json'), 'utf8')) as { deadline: number };
    expect(master()).toBe('vmnet0');
    expect(
      await waitFor(
        () => !fs.existsSync(path.join(dirs.state, 'trial.json')) && bridgeGone() && lab.ipv4('eth0').includes(lease),
        40_000,
        50,
      ),
    ).toBe(true);
    console.log(`trial after down: host back ${((Date.now() - deadline) / 1000).toFixed(2)} s after the deadline`);
    expect(
      await waitFor(
        () => JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.outcome.json'), 'utf8')).outcome === 'reverted',
        30_000,
        100,
      ),
    ).toBe(true);
    expect(lab.profiles()).toEqual(before);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
  });
});
