// Ownership: the app touches only what it created. Asked by name (CLI `vnet down`, the
// service dispatcher with forged requests, a config naming a foreign interface), it
// refuses the namespace's own uplink "eth0", loopback, foreign bridges, foreign nft
// tables and foreign dnsmasq processes, and the host stays byte-for-byte the same.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork } from '../../../src-shared/model';
import { ensureCliBuilt, Sandbox, vnet, vnetDirs, waitForListener, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from '../engine/fixtures';
import { buildHarness, harness, hostWithUplink, snapshot, writeConfig, type HostSnapshot } from './lib';

const sandbox = new Sandbox();
let script: string;
let host: Netns;
let dirs: VnetDirs;
let running: HostSnapshot;
let foreignTable: string;

beforeAll(async () => {
  await ensureCliBuilt();
  script = await buildHarness(sandbox);
  ({ host } = await hostWithUplink(sandbox, 'own', 96));
  dirs = vnetDirs(sandbox);
  // Things the app did not create: a bridge with a port, and a table of another firewall.
  await host.ip('link', 'add', 'br-foreign', 'type', 'bridge');
  await host.ip('link', 'add', 'fport0', 'type', 'veth', 'peer', 'name', 'fport1');
  await host.ip('link', 'set', 'fport0', 'master', 'br-foreign');
  await host.ip('addr', 'add', '10.77.0.1/24', 'dev', 'br-foreign');
  await host.must(['nft', 'add', 'table', 'inet', 'foreign_fw']);
  await host.must(['nft', 'add chain inet foreign_fw fwd_chain { type filter hook forward priority 5; policy accept; }']);
  foreignTable = await host.must(['nft', 'list', 'table', 'inet', 'foreign_fw']);
  const r = await vnet(host, dirs, ['apply', '--config', writeConfig(sandbox, 'two.json', twoNetworks())]);
  expect(r.code, r.stderr).toBe(0);
  running = await snapshot(host, dirs);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

async function untouched(why: string): Promise<void> {
  expect(await snapshot(host, dirs), why).toEqual(running);
  expect(await host.must(['nft', 'list', 'table', 'inet', 'foreign_fw']), why).toBe(foreignTable);
}

describe('vnet down with names the app does not own', () => {
  for (const name of ['eth0', 'lo', 'br-foreign', 'fport0', 'foreign_fw', 'vnet_editor', '../dhcp', 'vmnet1 vmnet8']) {
    it(`refuses "${name}" and changes nothing`, async () => {
      const r = await vnet(host, dirs, ['down', name]);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toMatch(/there is no network named/);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      await untouched(`vnet down ${name}`);
    });
  }
});

describe('forged requests to the service dispatcher (what the GUI and web console call)', () => {
  const forged: [string, unknown, RegExp][] = [
    ['restartService', { network: 'eth0', service: 'dhcp' }, /"eth0" is not a network this app manages/],
    ['restartService', { network: 'br-foreign', service: 'nat' }, /not a network this app manages/],
    ['leases', { network: 'eth0' }, /not a network this app manages/],
    ['doctor', { network: 'br-foreign' }, /not a network this app manages/],
    ['setAdapter', { name: 'lo', up: false }, /loopback/],
    ['setAdapter', { name: 'eth0', up: false }, /can cut this host off the network/],
    ['setAdapter', { name: 'nosuch0', up: false }, /no host adapter named/],
    ['restartService', { network: '../../etc', service: 'dhcp' }, /network name/],
    ['apply', { config: { version: 1, networks: [], extra: 'x' } }, /unknown key/],
    ['__proto__', {}, /unknown operation/],
    ['constructor', {}, /unknown operation/],
  ];
  for (const [channel, payload, message] of forged) {
    it(`${channel} ${JSON.stringify(payload)} is refused`, async () => {
      const r = await harness(script, host, dirs, ['service', channel, JSON.stringify(payload)]);
      const envelope = r.json?.envelope;
      expect(envelope?.ok, r.stdout + r.stderr).toBe(false);
      expect(envelope?.error?.message).toMatch(message);
      await untouched(`${channel} ${JSON.stringify(payload)}`);
    });
  }

  it('a config naming the uplink "eth0" or the foreign bridge as networks: exit 2 naming networks[0].name, nothing touched', async () => {
    const asEth0 = { version: 1, networks: [hostOnlyNetwork('eth0', '192.168.70.0/24')] };
    const r = await vnet(host, dirs, ['apply', '--config', writeConfig(sandbox, 'eth0.json', asEth0)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^networks\[0\]\.name: an interface named "eth0" already exists on this host and is not a bridge/m);
    const envelope = (await harness(script, host, dirs, ['service', 'apply', JSON.stringify({ config: asEth0 })])).json?.envelope;
    expect(envelope?.ok).toBe(false);
    await untouched('config naming eth0');
  });

  it('a config taking over the foreign bridge is refused, and down never deletes it', async () => {
    const config = twoNetworks();
    config.networks.push(hostOnlyNetwork('br-foreign', '192.168.71.0/24'));
    const r = await vnet(host, dirs, ['plan', '--config', writeConfig(sandbox, 'brf.json', config)]);
    expect(r.code, `a bridge the app did not create must not be adopted silently: ${r.stdout}`).toBe(2);
    expect(r.stderr).toMatch(
      /^networks\[2\]\.name: a bridge named "br-foreign" already exists on this host and nothing shows this app made it/m,
    );
    await untouched('config naming br-foreign');
  });
});

describe('processes and files that are not the app’s', () => {
  it('a dnsmasq of someone else, with a config in another "dhcp" folder named like a network, is never stopped', async () => {
    const dir = path.join(sandbox.tempDir('foreign'), 'dhcp');
    fs.mkdirSync(dir);
    const conf = path.join(dir, 'vmnet8.conf');
    fs.writeFileSync(conf, 'port=0\ninterface=br-foreign\nbind-dynamic\ndhcp-range=10.77.0.100,10.77.0.150,1h\n');
    const other = host.spawn(['dnsmasq', '--keep-in-foreground', `--conf-file=${conf}`]);
    // Serving DHCP before the plan looks: the plan really meets a running foreign dnsmasq.
    await waitForListener(host, 'udp', 67, { pid: other.pid! });
    try {
      expect(other.exitCode).toBeNull();
      const plan = await vnet(host, dirs, ['plan', '--json']);
      const ops = JSON.parse(plan.stdout) as { op: string; details?: { pids?: number[] } }[];
      expect(
        ops.filter((o) => o.op === 'stop-dhcp'),
        'the plan must not stop a dnsmasq the app did not start',
      ).toEqual([]);
      const r = await vnet(host, dirs, ['apply']);
      expect(r.code, r.stderr).toBe(0);
      expect(other.exitCode, 'the foreign dnsmasq is still running').toBeNull();
    } finally {
      process.kill(-other.pid!, 'SIGKILL');
    }
  });

  it('down removes only what the journal names: eth0, the foreign bridge and table stay', async () => {
    const r = await vnet(host, dirs, ['down']);
    expect(r.code, r.stderr).toBe(0);
    const now = await snapshot(host, dirs);
    expect(now.links.filter((l) => /^(eth0|br-foreign|fport0|fport1|lo) /.test(l))).toHaveLength(5);
    expect(now.addresses).toEqual(expect.arrayContaining(['eth0 10.96.0.1/24', 'br-foreign 10.77.0.1/24']));
    expect(now.links.filter((l) => l.startsWith('vmnet'))).toEqual([]);
    expect(await host.must(['nft', 'list', 'table', 'inet', 'foreign_fw'])).toBe(foreignTable);
    const back = await vnet(host, dirs, ['apply']);
    expect(back.code, back.stderr).toBe(0);
    running = await snapshot(host, dirs);
  });
});
