// `vnet apply --try`: a bridged apply that is not confirmed reverts by itself after the
// CLI has exited (previous stored config and host state back); a confirmed one stays.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLan, must, netState, removeDirs, tempDirs, vnet, waitFor, type Lan, type VnetDirs } from '../bridged/netns';

const bridged = { name: 'vmnet0', type: 'bridged', bridge: { uplink: 'eth0' } };
// Long enough that the CLI's exit and the checks after it always come before the deadline, however busy the machine.
const WINDOW = '15';
const hostonly = {
  name: 'vmnet1',
  type: 'hostonly',
  subnet: '192.168.56.0/24',
  hostAdapter: { enabled: true, address: '192.168.56.1' },
  dhcp: { enabled: false, rangeStart: '192.168.56.128', rangeEnd: '192.168.56.254' },
};

describe('apply --try and confirm (in namespaces)', () => {
  let lan: Lan;
  let dirs: VnetDirs;
  let original: ReturnType<typeof netState>;

  beforeAll(() => {
    lan = makeLan();
    dirs = tempDirs();
    original = netState(lan.host, 'eth0');
  });

  afterAll(() => {
    lan?.destroy();
    if (dirs) removeDirs(dirs);
  });

  const writeConfig = (name: string, networks: unknown[]): string => {
    const file = path.join(dirs.root, name);
    fs.writeFileSync(file, JSON.stringify({ version: 1, networks }));
    return file;
  };
  const master = () => lan.host.ipJson<{ master?: string }[]>('link', 'show', 'dev', 'eth0')[0]!.master;
  const stored = () => path.join(dirs.config, 'networks.json');
  const noProcessesLeft = () => must(['ip', 'netns', 'pids', lan.host.name]).trim() === '';

  it('plan recommends --try for a risky change', () => {
    const r = vnet(lan.host, dirs, 'plan', '--config', writeConfig('bridged.json', [bridged]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/--try/);
  });

  it('without confirm, the trial reverts by itself after the CLI has exited', async () => {
    const r = vnet(lan.host, dirs, 'apply', '--config', writeConfig('bridged.json', [bridged]), '--try', WINDOW);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('vnet confirm');
    // The CLI is gone; the bridge is in place until the watchdog reverts it.
    expect(master()).toBe('vmnet0');
    expect(fs.existsSync(stored())).toBe(true);
    expect(await waitFor(() => master() === undefined && noProcessesLeft(), 90_000, 250)).toBe(true);
    expect(netState(lan.host, 'eth0')).toEqual(original);
    expect(lan.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code).not.toBe(0);
    expect(fs.existsSync(stored())).toBe(false);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
    expect(fs.readFileSync(path.join(dirs.state, 'trial.log'), 'utf8')).toMatch(/reverted/);
    // What the editor's countdown reads: the watchdog's revert, finished (not "confirmed").
    expect(JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.outcome.json'), 'utf8'))).toMatchObject({ outcome: 'reverted' });
    const confirm = vnet(lan.host, dirs, 'confirm');
    expect(confirm.code).toBe(1);
    expect(confirm.stderr).toContain('nothing is waiting to be confirmed');
  });

  it('the revert puts back the previous stored config, not just nothing', async () => {
    const previousFile = writeConfig('previous.json', [hostonly]);
    const first = vnet(lan.host, dirs, 'apply', '--config', previousFile);
    expect(first.code, first.stderr).toBe(0);
    const previousText = fs.readFileSync(stored(), 'utf8');
    const r = vnet(lan.host, dirs, 'apply', '--config', writeConfig('both.json', [hostonly, bridged]), '--try', WINDOW);
    expect(r.code, r.stderr).toBe(0);
    expect(master()).toBe('vmnet0');
    expect(await waitFor(() => master() === undefined && noProcessesLeft(), 90_000, 250)).toBe(true);
    expect(fs.readFileSync(stored(), 'utf8')).toBe(previousText);
    // eth0's addresses and routes are back; vmnet1 (kept) adds only its own prefix route.
    const now = netState(lan.host, 'eth0');
    expect(now.addresses).toEqual(original.addresses);
    expect(now.routes.filter((r) => !r.includes('dev vmnet1'))).toEqual(original.routes);
    expect(netState(lan.host, 'vmnet1').addresses).toEqual(['192.168.56.1/24']);
    expect(JSON.parse(vnet(lan.host, dirs, 'plan', '--json').stdout)).toEqual([]);
    expect(vnet(lan.host, dirs, 'down').code).toBe(0);
  });

  it('after `vnet down`, an unconfirmed trial leaves the host as it was: unbridged, no networks, stored config untouched', async () => {
    const both = writeConfig('both.json', [hostonly, bridged]);
    expect(vnet(lan.host, dirs, 'apply', '--config', both).code).toBe(0);
    expect(vnet(lan.host, dirs, 'down').code).toBe(0);
    const storedText = fs.readFileSync(stored(), 'utf8');
    expect(netState(lan.host, 'eth0')).toEqual(original);
    const r = vnet(lan.host, dirs, 'apply', '--config', writeConfig('bridged.json', [bridged]), '--try', '6');
    expect(r.code, r.stderr).toBe(0);
    expect(master()).toBe('vmnet0');
    expect(await waitFor(() => master() === undefined && noProcessesLeft(), 40_000, 250)).toBe(true);
    expect(netState(lan.host, 'eth0')).toEqual(original);
    // The stored config names vmnet1 too, but vmnet1 was not on the host before the trial: it stays down.
    for (const name of ['vmnet0', 'vmnet1']) expect(lan.host.exec('ip', 'link', 'show', 'dev', name).code).not.toBe(0);
    expect(fs.readFileSync(stored(), 'utf8')).toBe(storedText);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
    fs.rmSync(stored());
  });

  it('with confirm, the change stays', async () => {
    // A window the confirm below always beats.
    const r = vnet(lan.host, dirs, 'apply', '--config', writeConfig('bridged.json', [bridged]), '--try', '120');
    expect(r.code, r.stderr).toBe(0);
    expect(noProcessesLeft(), 'the watchdog runs while the trial waits').toBe(false);
    const confirm = vnet(lan.host, dirs, 'confirm');
    expect(confirm.code, confirm.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dirs.state, 'trial.outcome.json'), 'utf8'))).toMatchObject({ outcome: 'confirmed' });
    // The watchdog is the only thing that reverts: once it has gone, nothing can take the change back.
    expect(await waitFor(noProcessesLeft, 30_000, 100), 'the watchdog exits on confirm').toBe(true);
    expect(master()).toBe('vmnet0');
    expect(fs.existsSync(stored())).toBe(true);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
    expect(vnet(lan.host, dirs, 'down').code).toBe(0);
    expect(netState(lan.host, 'eth0')).toEqual(original);
  });
});
