// Bridged networks end to end, in namespaces: a LAN with a router and its own DHCP
// server, a "host" whose eth0 sits on that LAN with a static address and routes, and a
// guest that joins the LAN through the host's bridge.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkStatus, PlanOperation } from '../../../src-shared/api/types';
import {
  makeGuest,
  makeLan,
  netState,
  pingWatch,
  removeDirs,
  startLanDhcp,
  tempDirs,
  udhcpcScript,
  vnet,
  vnetAsync,
  type Lan,
  type Netns,
  type VnetDirs,
} from './netns';

describe('bridged network (in namespaces)', () => {
  let lan: Lan;
  let dirs: VnetDirs;
  let guest: Netns | undefined;
  let configFile: string;
  let leaseFile: string;
  let original: { addresses: string[]; routes: string[] };

  beforeAll(() => {
    lan = makeLan();
    dirs = tempDirs();
    leaseFile = startLanDhcp(lan, dirs.root).leaseFile;
    configFile = path.join(dirs.root, 'bridged.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({ version: 1, networks: [{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } }] }),
    );
    original = netState(lan.host, 'eth0');
  });

  afterAll(() => {
    guest?.destroy();
    lan?.destroy();
    if (dirs) removeDirs(dirs);
  });

  /**
   * Pings the router every 50 ms from before `change` until a reply arrives after it: the
   * outage the move causes ends (how long it lasts is measured by `npm run bench`, not here).
   */
  async function connectivityHolds(what: string, change: () => Promise<void>): Promise<void> {
    const watch = pingWatch(lan.host, lan.router);
    try {
      const before = await watch.nextReply(`the router answers before ${what}`);
      await change();
      const after = await watch.nextReply(`the router answers again after ${what}`);
      // The outage ended: the router answered again (nextReply throws otherwise).
      const { sent, lost } = await watch.stop();
      console.log(`${what}: ${sent} pings to the router, lost ${lost.length} (${lost.join(',')})`);
      expect(sent, 'pings sent, by ping itself').toBeGreaterThan(after);
      expect(after).toBeGreaterThan(before);
      // Once it answered again it kept answering: no second outage after the change.
      expect(lost.filter((seq) => seq > after)).toEqual([]);
    } finally {
      await watch.stop();
    }
  }

  const eth0 = () => lan.host.ipJson<{ master?: string; address: string }[]>('link', 'show', 'dev', 'eth0')[0]!;

  it('plans the bridge and the uplink move, marking the move risky', () => {
    const r = vnet(lan.host, dirs, 'plan', '--config', configFile, '--json');
    expect(r.code, r.stderr).toBe(0);
    const ops = JSON.parse(r.stdout) as PlanOperation[];
    expect(ops.map((o) => o.op)).toEqual(['bridged-create-bridge', 'bridged-attach-uplink']);
    expect(ops[1]).toMatchObject({ risky: true, target: 'eth0' });
    expect(ops[1]!.description).toContain(`${lan.hostAddress}/24`);
  });

  it('bridging keeps the host reaching the router, with its addresses and routes on the bridge', async () => {
    const mac = eth0().address;
    await connectivityHolds('bridging', async () => {
      const r = await vnetAsync(lan.host, dirs, 'apply', '--config', configFile);
      expect(r.code, r.stderr).toBe(0);
    });
    expect(eth0().master).toBe('vmnet0');
    const bridge = lan.host.ipJson<{ address: string }[]>('link', 'show', 'dev', 'vmnet0')[0]!;
    expect(bridge.address).toBe(mac);
    expect(netState(lan.host, 'eth0').addresses).toEqual([]);
    expect(netState(lan.host, 'vmnet0').addresses).toEqual([`${lan.hostAddress}/24`, 'fd42::10/64']);
    const routes = lan.host.ip('-4', 'route', 'show');
    expect(routes).toContain(`default via ${lan.router} dev vmnet0 metric 100`);
    expect(routes).toContain(`10.250.0.0/16 via ${lan.router} dev vmnet0 src ${lan.hostAddress} metric 50`);
    expect(routes).not.toMatch(/dev eth0/);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
  });

  it("a host-only subnet overlapping the LAN behind the bridge is refused (the LAN routes are not the app's)", () => {
    const file = path.join(dirs.root, 'overlap.json');
    const hostonly = {
      name: 'vmnet1',
      type: 'hostonly',
      subnet: `${lan.prefix}.0/24`,
      hostAdapter: { enabled: true, address: `${lan.prefix}.200` },
      dhcp: { enabled: false, rangeStart: `${lan.prefix}.201`, rangeEnd: `${lan.prefix}.210` },
    };
    fs.writeFileSync(
      file,
      JSON.stringify({ version: 1, networks: [{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } }, hostonly] }),
    );
    const r = vnet(lan.host, dirs, 'plan', '--config', file);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^networks\[1\]\.subnet: .*/m);
  });

  it('a second plan is empty', () => {
    const r = vnet(lan.host, dirs, 'plan', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('a guest on the bridge gets a lease from the LAN and reaches the router and the host', () => {
    guest = makeGuest(lan.host, 'vm1');
    lan.host.ip('link', 'set', 'vm1', 'master', 'vmnet0', 'up');
    const script = udhcpcScript(dirs.root);
    const dhcp = guest.exec('busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '8', '-T', '1', '-s', script);
    expect(dhcp.code, dhcp.stderr).toBe(0);
    const address = guest
      .ipJson<{ addr_info: { family: string; local: string }[] }[]>('addr', 'show', 'dev', 'eth0')[0]!
      .addr_info.find((a) => a.family === 'inet')!.local;
    expect(address.startsWith(`${lan.prefix}.`)).toBe(true);
    const mac = guest.ipJson<{ address: string }[]>('link', 'show', 'dev', 'eth0')[0]!.address;
    expect(fs.readFileSync(leaseFile, 'utf8')).toContain(`${mac} ${address}`);
    expect(guest.ping(lan.router, 2)).toBe(true);
    expect(guest.ping(lan.hostAddress, 2)).toBe(true);
  });

  it('status and doctor cover the bridged network', () => {
    const status = vnet(lan.host, dirs, 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const vmnet0 = (JSON.parse(status.stdout) as NetworkStatus[]).find((n) => n.name === 'vmnet0')!;
    expect(vmnet0).toMatchObject({ type: 'bridged', up: true, uplink: 'eth0', addresses: [`${lan.hostAddress}/24`], problems: [] });
    expect(vmnet0.bridge.ports.sort()).toEqual(['eth0', 'vm1']);
    const doctor = vnet(lan.host, dirs, 'doctor');
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/eth0 is a port of vmnet0/);
    expect(doctor.stdout).toMatch(/default route goes through vmnet0/);
  });

  it('doctor names an uplink taken out of the bridge, and apply repairs it', () => {
    lan.host.ip('link', 'set', 'dev', 'eth0', 'nomaster');
    const doctor = vnet(lan.host, dirs, 'doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout + doctor.stderr).toMatch(/eth0 is not a port of vmnet0/);
    const planned = vnet(lan.host, dirs, 'plan', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as PlanOperation[];
    expect(plan.map((o) => o.op)).toEqual(['bridged-attach-uplink']);
    const apply = vnet(lan.host, dirs, 'apply');
    expect(apply.code, apply.stderr).toBe(0);
    expect(eth0().master).toBe('vmnet0');
    expect(vnet(lan.host, dirs, 'doctor').code).toBe(0);
    expect(JSON.parse(vnet(lan.host, dirs, 'plan', '--json').stdout)).toEqual([]);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
  });

  it('adapter list shows the bridge as ours and the uplink as risky', () => {
    const r = vnet(lan.host, dirs, 'adapter', 'list', '--json');
    const adapters = new Map(
      (JSON.parse(r.stdout) as { name: string; kind: string; risky: boolean; managed: boolean; master?: string }[]).map((a) => [a.name, a]),
    );
    expect(adapters.get('vmnet0')).toMatchObject({ kind: 'vnet', managed: true, risky: true });
    expect(adapters.get('eth0')).toMatchObject({ master: 'vmnet0', risky: true, managed: false });
  });

  it('down restores the addresses and routes exactly', async () => {
    guest?.destroy();
    guest = undefined;
    await connectivityHolds('unbridging', async () => {
      const r = await vnetAsync(lan.host, dirs, 'down');
      expect(r.code, r.stderr).toBe(0);
    });
    expect(netState(lan.host, 'eth0')).toEqual(original);
    expect(eth0().master).toBeUndefined();
    expect(lan.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code).not.toBe(0);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
  });

  it('with the journal lost, down still gives the uplink its addresses and routes back', () => {
    const apply = vnet(lan.host, dirs, 'apply', '--config', configFile);
    expect(apply.code, apply.stderr).toBe(0);
    expect(eth0().master).toBe('vmnet0');
    fs.rmSync(path.join(dirs.state, 'journal.json'));
    const r = vnet(lan.host, dirs, 'down');
    expect(r.code, r.stderr).toBe(0);
    expect(netState(lan.host, 'eth0')).toEqual(original);
    expect(lan.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code).not.toBe(0);
    expect(lan.host.ping(lan.router, 2)).toBe(true);
  });
});
