// Guests' IPv6 addresses beside their DHCP leases, from the bridge's neighbour table
// (recorded `ip -j -6 neigh show dev BRIDGE` output), matched by MAC.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { natNetwork } from '../../../src-shared/model';
import { getLeases, RecordingRunner } from '../../../src-main/engine';
import { dhcpFiles } from '../../../src-main/engine/dnsmasq';
import { parseNeighbours } from '../../../src-main/engine/inspect';
import { withIpv6 } from '../../../src-main/engine/lease-ipv6';
import { configFile, type Dirs } from '../../../src-main/paths';

const WEB = '52:54:00:12:34:56';
const DB = '52:54:00:12:34:57';

/** What `ip -j -6 neigh show dev vmnet8` printed for two guests (no `dev`: it was asked for). */
const NEIGH6 = JSON.stringify([
  { dst: 'fd15:4ba5:5a2b:1008:5054:ff:fe12:3456', lladdr: '52:54:00:12:34:56', router: null, state: ['REACHABLE'] },
  { dst: 'fe80::5054:ff:fe12:3456', lladdr: '52:54:00:12:34:56', state: ['STALE'] },
  { dst: '2001:db8:8::56', lladdr: '52:54:00:12:34:56', state: ['STALE'] },
  { dst: 'fd15:4ba5:5a2b:1008::99', lladdr: '52:54:00:12:34:57', state: ['FAILED'] },
  { dst: 'fd15:4ba5:5a2b:1008::98', state: ['INCOMPLETE'] },
  { dst: 'fe80::5054:ff:fe12:3457', lladdr: '52:54:00:12:34:57', state: ['DELAY'] },
]);

const lease = (mac: string, address: string) => ({ network: 'vmnet8', mac, address, hostname: '', expires: null });

describe('withIpv6', () => {
  it("adds each lease's global IPv6 addresses by MAC; leaves out link-local, failed and incomplete entries", () => {
    const leases = withIpv6([lease(WEB, '192.168.133.130'), lease(DB, '192.168.133.131')], parseNeighbours(NEIGH6));
    expect(leases).toEqual([
      { ...lease(WEB, '192.168.133.130'), ipv6: ['fd15:4ba5:5a2b:1008:5054:ff:fe12:3456', '2001:db8:8::56'] },
      // Only a link-local and a failed entry: no `ipv6` key at all, as before IPv6.
      lease(DB, '192.168.133.131'),
    ]);
  });

  it('matches MACs whatever their case, and lists an address once', () => {
    const neighbours = [
      { address: 'fd00::1', dev: 'vmnet8', mac: '52:54:00:AB:CD:EF' },
      { address: 'fd00::1', dev: 'vmnet8', mac: '52:54:00:ab:cd:ef' },
    ];
    expect(withIpv6([lease('52:54:00:ab:cd:ef', '10.0.0.2')], neighbours)[0]?.ipv6).toEqual(['fd00::1']);
  });
});

describe('getLeases', () => {
  let dirs: Dirs | undefined;
  afterEach(() => {
    if (dirs) fs.rmSync(path.dirname(dirs.config), { recursive: true, force: true });
    dirs = undefined;
  });

  function withLeaseFile(): Dirs {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-leases6-'));
    const made: Dirs = { config: path.join(root, 'config'), state: path.join(root, 'state') };
    fs.mkdirSync(made.config, { recursive: true });
    fs.writeFileSync(configFile(made), JSON.stringify({ version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24')] }));
    const file = dhcpFiles(made, 'vmnet8').leases;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `0 ${WEB} 192.168.133.130 web *\n0 ${DB} 192.168.133.131 db *\n`);
    return made;
  }

  it("asks the network's bridge for its IPv6 neighbours (an argv, no shell) and puts them on the leases", async () => {
    dirs = withLeaseFile();
    const runner = new RecordingRunner().respond(['ip', '-j', '-6', 'neigh', 'show', 'dev', 'vmnet8'], { stdout: NEIGH6 });
    const leases = await getLeases({ dirs, runner });
    expect(runner.commands.map((c) => c.argv)).toEqual([['ip', '-j', '-6', 'neigh', 'show', 'dev', 'vmnet8']]);
    expect(leases.map((l) => [l.address, l.hostname, l.ipv6])).toEqual([
      ['192.168.133.130', 'web', ['fd15:4ba5:5a2b:1008:5054:ff:fe12:3456', '2001:db8:8::56']],
      ['192.168.133.131', 'db', undefined],
    ]);
  });

  it('still lists the leases, without IPv6, when the neighbour table cannot be read', async () => {
    dirs = withLeaseFile();
    const runner = new RecordingRunner().respond(['ip'], { code: 1, stderr: 'Cannot find device "vmnet8"' });
    const leases = await getLeases({ dirs, runner });
    expect(leases.map((l) => [l.address, 'ipv6' in l])).toEqual([
      ['192.168.133.130', false],
      ['192.168.133.131', false],
    ]);
  });
});
