// The NetworkManager backend without NetworkManager: nmcli's terse output, which backend
// a network gets, the steps planned for a new bridge, drift and removal, and the argv
// of a bridge made through NetworkManager, recorded through the engine's RecordingRunner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgedNetwork } from '../../../src-shared/model';
import { RecordingRunner } from '../../../src-main/engine/runner';
import { emptyJournal, type ExecContext, type HostState, type Journal } from '../../../src-main/engine/types';
import { createBridgedDriver } from '../../../src-main/engine/drivers/bridged';
import { backendFor } from '../../../src-main/engine/drivers/bridged/backend';
import { busctlCall, parseDevices, parseProfiles, splitTerse, type NmView } from '../../../src-main/engine/drivers/bridged/nm/nmcli';
import { executeNm } from '../../../src-main/engine/drivers/bridged/nm/exec';
import type { HostProbe } from '../../../src-main/engine/drivers/bridged/probe';

const UPLINK = '5fd20c7d-249d-4631-931f-b0a1430e72e1';
const BRIDGE = '776f2367-1d41-4453-b625-682053ffecd5';
const PORT = '1234ee4f-4951-4b30-b153-c350675de22f';

const view = (devices: string, profiles: string): NmView => ({ devices: parseDevices(devices), profiles: parseProfiles(profiles) });

function hostState(nm: NmView | undefined, journal: Journal = emptyJournal(), master?: string): HostState {
  return {
    links: new Map([
      [
        'eth0',
        {
          name: 'eth0',
          ifindex: 2,
          adminUp: true,
          operState: 'UP',
          carrier: true,
          mac: '52:54:00:aa:bb:01',
          addresses: [],
          ...(master ? { master } : {}),
        },
      ],
    ]),
    routes: [{ dst: 'default', gateway: '198.51.100.1', dev: 'eth0' }],
    table: { exists: false, rules: {}, portForwards: 0 },
    dhcp: new Map(),
    forwarding: '0',
    foreignDrops: [],
    listeners: [],
    dhcpFiles: new Map(),
    journal,
    ...(nm ? { networkManager: nm } : {}),
  };
}

const nmProbe: HostProbe = { isWireless: () => false, hasDevice: () => true, addressManager: () => 'NetworkManager' };
const vmnet0: BridgedNetwork = { name: 'vmnet0', type: 'bridged', bridge: { uplink: 'auto' } };
const ctx = { dirs: { config: '/nonexistent', state: '/nonexistent' }, config: { version: 1 as const, networks: [vmnet0] } };
const uplinkActive = () =>
  view(`eth0:connected:${UPLINK}\nlo:unmanaged:\n`, `${UPLINK}:Wired connection 1:802-3-ethernet:eth0:yes:activated\n`);
const bridgedJournal = (): Journal => ({
  version: 1,
  networks: {
    vmnet0: {
      type: 'bridged',
      data: {
        bridge: 'vmnet0',
        created: true,
        via: 'networkmanager',
        uplink: 'eth0',
        attached: true,
        nm: { uplinkProfile: UPLINK, uplinkProfileName: 'Wired connection 1', bridgeProfile: BRIDGE, portProfile: PORT },
      },
    },
  },
});

describe("nmcli's terse output", () => {
  it('splits at unescaped colons only', () => {
    expect(splitTerse('a\\:b:c\\\\:')).toEqual(['a:b', 'c\\', '']);
    expect(parseProfiles(`${UPLINK}:Office\\: wired:802-3-ethernet::no:\n`)).toEqual([
      { uuid: UPLINK, name: 'Office: wired', type: '802-3-ethernet', active: false },
    ]);
    expect(parseDevices('eth0:connecting (getting IP configuration):abc\n').get('eth0')).toEqual({
      name: 'eth0',
      state: 'connecting (getting IP configuration)',
      connection: 'abc',
    });
  });

  it('talks to NetworkManager on the bus DBUS_SYSTEM_BUS_ADDRESS names, else the system bus', () => {
    const saved = process.env.DBUS_SYSTEM_BUS_ADDRESS;
    try {
      process.env.DBUS_SYSTEM_BUS_ADDRESS = 'unix:path=/tmp/bus';
      expect(busctlCall('CheckpointCreate', 'aouu', '0', '30', '6').slice(0, 2)).toEqual(['busctl', '--address=unix:path=/tmp/bus']);
      delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
      expect(busctlCall('CheckpointDestroy', 'o', '/x')[1]).toBe('--system');
    } finally {
      if (saved === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
      else process.env.DBUS_SYSTEM_BUS_ADDRESS = saved;
    }
  });
});

describe('bridged planning with NetworkManager', () => {
  const driver = createBridgedDriver(nmProbe);

  it('an uplink with an active NetworkManager profile is bridged through NetworkManager, not refused', () => {
    const state = hostState(uplinkActive());
    expect(driver.check(vmnet0, 0, state, ctx)).toEqual([]);
    expect(backendFor('vmnet0', 'eth0', state).name).toBe('networkmanager');
    const [op, ...rest] = driver.plan(vmnet0, state, ctx);
    expect(rest).toEqual([]);
    expect(op).toMatchObject({
      op: 'bridged-nm-bridge',
      risky: true,
      details: { uplink: 'eth0', uplinkProfile: UPLINK, uplinkProfileName: 'Wired connection 1' },
    });
  });

  it('NetworkManager without a profile on the uplink (or not answering) stays a refusal for a named uplink', () => {
    const named: BridgedNetwork = { ...vmnet0, bridge: { uplink: 'eth0' } };
    const [error] = driver.check(named, 0, hostState(undefined), { ...ctx, config: { version: 1, networks: [named] } });
    expect(error!.message).toMatch(/managed by NetworkManager/);
  });

  it('bridged and active: nothing to do; deactivated: activate again; a profile deleted: made again', () => {
    const both = `${BRIDGE}:vmnet0:bridge:vmnet0:yes:activated\n${PORT}:vmnet0-port:802-3-ethernet:eth0:yes:activated\n${UPLINK}:Wired connection 1:802-3-ethernet::no:\n`;
    const devices = `vmnet0:connected:${BRIDGE}\neth0:connected:${PORT}\n`;
    expect(driver.plan(vmnet0, hostState(view(devices, both), bridgedJournal(), 'vmnet0'), ctx)).toEqual([]);
    const inactive = both.replace(/yes:activated/g, 'no:');
    expect(driver.plan(vmnet0, hostState(view(`eth0:connected:${UPLINK}\n`, inactive), bridgedJournal()), ctx).map((o) => o.op)).toEqual([
      'bridged-nm-activate',
    ]);
    const portGone = both
      .split('\n')
      .filter((l) => !l.startsWith(PORT))
      .join('\n');
    const [again] = driver.plan(vmnet0, hostState(view(`eth0:connected:${UPLINK}\n`, portGone), bridgedJournal()), ctx);
    expect(again).toMatchObject({ op: 'bridged-nm-bridge', details: { uplinkProfile: UPLINK } });
    expect(again!.description).toMatch(/profile vmnet0-port was deleted outside the app/);
  });

  it('removal deletes exactly the recorded profiles and brings the uplink profile back', () => {
    const [op, ...rest] = driver.planRemoval('vmnet0', bridgedJournal().networks.vmnet0!, hostState(uplinkActive()), ctx);
    expect(rest).toEqual([]);
    expect(op).toMatchObject({ op: 'bridged-nm-unbridge', target: 'eth0' });
    expect(op!.description).toMatch(/activate "Wired connection 1" on eth0 again/);
  });
});

describe('bridging through NetworkManager (recorded argv)', () => {
  let dir: string | undefined;
  afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("copies the uplink profile's addressing and MAC to a bridge profile, adds the port, records both UUIDs, and waits for the lease", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-nm-'));
    const journal = emptyJournal();
    const runner = new RecordingRunner()
      .respond(['nmcli', '-t', '-m', 'multiline'], {
        stdout:
          'ipv4.method:auto\nipv4.dns:9.9.9.9\nipv4.addresses:\nipv6.method:disabled\nconnection.autoconnect-priority:0\nconnection.id:Wired connection 1\n',
      })
      .respond(['ip', '-j', '-d', 'link'], { stdout: JSON.stringify([{ ifname: 'eth0', address: '52:54:00:aa:bb:01', flags: [] }]) })
      .respond(['nmcli', 'connection', 'add', 'type', 'bridge'], { stdout: `Connection 'vmnet0' (${BRIDGE}) successfully added.\n` })
      .respond(['nmcli', 'connection', 'add', 'type', 'ethernet'], { stdout: `Connection 'vmnet0-port' (${PORT}) successfully added.\n` })
      .respond(['nmcli', '-t', '-g', 'GENERAL.STATE'], { stdout: 'activated\n' })
      .respond(['nmcli', '-t', '-g', 'IP4.ADDRESS'], { stdout: '198.51.100.117/24\n' });
    const ctx: ExecContext = {
      runner,
      dirs: { config: dir, state: dir },
      record: (change) => change(journal),
      onUndo: () => undefined,
    };
    await executeNm(
      {
        op: 'bridged-nm-bridge',
        network: 'vmnet0',
        description: '',
        details: { bridge: 'vmnet0', uplink: 'eth0', uplinkProfile: UPLINK, uplinkProfileName: 'Wired connection 1' },
      },
      ctx,
    );
    const lines = runner.lines();
    expect(lines).toContain(
      'nmcli connection add type bridge ifname vmnet0 con-name vmnet0 connection.autoconnect yes bridge.stp no bridge.forward-delay 0 bridge.mac-address 52:54:00:aa:bb:01 ipv4.method auto ipv4.dns 9.9.9.9 ipv6.method disabled',
    );
    expect(lines).toContain(
      'nmcli connection add type ethernet ifname eth0 con-name vmnet0-port master vmnet0 slave-type bridge connection.autoconnect yes connection.autoconnect-priority 1',
    );
    expect(lines).toContain(`nmcli -w 45 connection up uuid ${PORT}`);
    expect(lines.some((l) => l.startsWith('nmcli connection modify'))).toBe(false);
    expect(journal.networks.vmnet0!.data).toMatchObject({
      via: 'networkmanager',
      attached: true,
      nm: { uplinkProfile: UPLINK, bridgeProfile: BRIDGE, portProfile: PORT },
    });
  });
});
