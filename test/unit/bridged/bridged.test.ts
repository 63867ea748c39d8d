// The bridged driver without a host: uplink choice and refusals, plan order and
// idempotence, and the exact command order of moving an uplink in and out, recorded
// through the engine's RecordingRunner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgedNetwork, Config } from '../../../src-shared/model';
import { RecordingRunner } from '../../../src-main/engine/runner';
import { emptyJournal, type ExecContext, type HostState, type Journal, type LinkState } from '../../../src-main/engine/types';
import { createBridgedDriver } from '../../../src-main/engine/drivers/bridged';
import type { BridgedData } from '../../../src-main/engine/drivers/bridged/data';
import { routeOrder } from '../../../src-main/engine/drivers/bridged/exec';
import type { HostProbe } from '../../../src-main/engine/drivers/bridged/probe';

const link = (name: string, extra: Partial<LinkState> = {}): LinkState => ({
  name,
  ifindex: 2,
  adminUp: true,
  operState: 'UP',
  carrier: true,
  mac: '52:54:00:aa:bb:01',
  addresses: [],
  ...extra,
});

function hostState(links: LinkState[], journal: Journal = emptyJournal(), defaultDev = 'eth0'): HostState {
  return {
    links: new Map(links.map((l) => [l.name, l])),
    routes: [
      { dst: 'default', gateway: '192.0.2.1', dev: defaultDev },
      { dst: '192.0.2.0/24', dev: defaultDev, protocol: 'kernel', scope: 'link' },
    ],
    table: { exists: false, rules: {}, portForwards: 0 },
    dhcp: new Map(),
    forwarding: '0',
    foreignDrops: [],
    listeners: [],
    dhcpFiles: new Map(),
    journal,
  };
}

const probe = (over: Partial<HostProbe> = {}): HostProbe => ({
  isWireless: (n) => n.startsWith('wl'),
  hasDevice: (n) => n.startsWith('eth') || n.startsWith('wl') || n.startsWith('enp'),
  addressManager: () => undefined,
  ...over,
});

const vmnet0 = (bridge: BridgedNetwork['bridge'] = { uplink: 'auto' }): BridgedNetwork => ({ name: 'vmnet0', type: 'bridged', bridge });
const ctxFor = (...networks: Config['networks']) => ({
  dirs: { config: '/nonexistent', state: '/nonexistent' },
  config: { version: 1 as const, networks },
});

const eth0 = link('eth0', { addresses: ['192.0.2.10/24'] });

describe('bridged uplink choice', () => {
  const check = (
    network: BridgedNetwork,
    links: LinkState[],
    p = probe(),
    journal?: Journal,
    defaultDev?: string,
    extra: Config['networks'] = [],
  ) => createBridgedDriver(p).check(network, 0, hostState(links, journal, defaultDev), ctxFor(network, ...extra));

  /**
   * "auto" that finds nothing never blocks: no error, no step, one warning (the reason, for
   * plan and apply), status says "unconnected" with it, doctor fails the uplink check with it.
   */
  const unconnected = (network: BridgedNetwork, links: LinkState[], defaultDev?: string): string => {
    const driver = createBridgedDriver(probe());
    const state = hostState(links, emptyJournal(), defaultDev);
    const ctx = ctxFor(network);
    expect(driver.check(network, 0, state, ctx)).toEqual([]);
    expect(driver.plan(network, state, ctx)).toEqual([]);
    const [warning, ...more] = driver.warnings!(network, state, ctx);
    expect(more).toEqual([]);
    expect(warning).toMatch(/^vmnet0 is not connected: .*The other networks are not affected.*networks\[0\]\.bridge\.uplink/);
    const status = driver.status(network, state, ctx);
    expect(status).toMatchObject({ up: false, unconnected: warning, problems: [] });
    expect(driver.doctor(network, state, ctx)).toEqual([
      { network: 'vmnet0', check: 'uplink', status: 'problem', detail: warning, fix: expect.stringMatching(/apply/) },
    ]);
    return warning!;
  };

  it('a named uplink that cannot be used stays an error, not a warning', () => {
    const network = vmnet0({ uplink: 'eth9' });
    const driver = createBridgedDriver(probe());
    expect(driver.warnings!(network, hostState([eth0]), ctxFor(network))).toEqual([]);
    expect(check(network, [eth0])[0]!.path).toEqual(['networks', 0, 'bridge', 'uplink']);
  });

  it('accepts the wired interface of the default route for "auto"', () => {
    expect(check(vmnet0(), [eth0])).toEqual([]);
  });

  it('refuses a wireless uplink and explains why', () => {
    const [error] = check(vmnet0({ uplink: 'wlan0' }), [eth0, link('wlan0')]);
    expect(error!.path).toEqual(['networks', 0, 'bridge', 'uplink']);
    expect(error!.message).toMatch(/wlan0 is a wireless adapter, and Linux cannot bridge Wi-Fi/);
    expect(error!.message).toMatch(/NAT network/);
  });

  it('"auto" skips a wireless default route for a wired interface with a link, and refuses when there is none', () => {
    const links = [link('wlp2s0', { addresses: ['192.0.2.10/24'] }), link('enp3s0')];
    expect(check(vmnet0(), links, probe(), undefined, 'wlp2s0')).toEqual([]);
    const plan = createBridgedDriver(probe()).plan(vmnet0(), hostState(links, emptyJournal(), 'wlp2s0'), ctxFor(vmnet0()));
    expect(plan.at(-1)!.target).toBe('enp3s0');
    expect(unconnected(vmnet0(), [links[0]!], 'wlp2s0')).toMatch(/"auto" found no usable uplink: wlp2s0 is a wireless adapter/);
  });

  it('"auto" honours bridge.exclude', () => {
    expect(unconnected(vmnet0({ uplink: 'auto', exclude: ['eth0'] }), [eth0])).toMatch(/bridge\.exclude lists/);
    expect(check(vmnet0({ uplink: 'auto', exclude: ['eth0'] }), [eth0, link('eth1')])).toEqual([]);
  });

  it('refuses a missing uplink, one enslaved elsewhere, a bridge, another virtual network, and loopback', () => {
    const links = [
      eth0,
      link('eth1', { master: 'br0' }),
      link('br0', { kind: 'bridge' }),
      link('vmnet8', { kind: 'bridge' }),
      link('lo', { kind: undefined }),
    ];
    const nat = { name: 'vmnet8', type: 'nat' } as unknown as Config['networks'][number];
    const message = (uplink: string) => check(vmnet0({ uplink }), links, probe(), undefined, 'eth0', [nat])[0]?.message;
    expect(message('eth9')).toMatch(/no interface named "eth9"/);
    expect(message('eth1')).toMatch(/eth1 is already a port of br0/);
    expect(message('br0')).toMatch(/br0 is itself a bridge/);
    expect(message('vmnet8')).toMatch(/vmnet8 is another virtual network of this app/);
    expect(message('lo')).toMatch(/loopback/);
  });

  it('refuses an uplink whose address a DHCP client or network manager keeps, saying what to do', () => {
    const p = probe({ addressManager: (n) => (n === 'eth0' ? 'the DHCP client dhclient (pid 42)' : undefined) });
    const [error] = check(vmnet0({ uplink: 'eth0' }), [eth0], p);
    expect(error!.message).toMatch(/managed by the DHCP client dhclient \(pid 42\)/);
    expect(error!.message).toMatch(/static address/);
  });

  it('refuses a network name taken by an interface the app did not create', () => {
    const [error] = check(vmnet0(), [eth0, link('vmnet0', { kind: 'bridge' })]);
    expect(error!.path).toEqual(['networks', 0, 'name']);
  });
});

describe('bridged plan', () => {
  const driver = createBridgedDriver(probe());
  const attachedJournal = (): Journal => ({
    version: 1,
    networks: {
      vmnet0: {
        type: 'bridged',
        data: {
          bridge: 'vmnet0',
          created: true,
          uplink: 'eth0',
          attached: true,
          addresses: [],
          routes: [],
        } satisfies BridgedData as unknown as Record<string, unknown>,
      },
    },
  });

  it('creates the bridge with the uplink MAC first, then moves the uplink (risky)', () => {
    const ops = driver.plan(vmnet0(), hostState([eth0]), ctxFor(vmnet0()));
    expect(ops.map((o) => [o.op, o.target, !!o.risky])).toEqual([
      ['bridged-create-bridge', 'vmnet0', false],
      ['bridged-attach-uplink', 'eth0', true],
    ]);
    expect(ops[0]!.description).toContain('52:54:00:aa:bb:01');
    expect(ops[1]!.description).toContain('192.0.2.10/24');
    expect(ops[1]!.description).toContain('default via 192.0.2.1');
  });

  it('is empty once the uplink is a port and its addresses are on the bridge ("auto" follows the journal)', () => {
    const links = [link('eth0', { master: 'vmnet0' }), link('vmnet0', { kind: 'bridge', addresses: ['192.0.2.10/24'] })];
    expect(driver.plan(vmnet0(), hostState(links, attachedJournal(), 'vmnet0'), ctxFor(vmnet0()))).toEqual([]);
    expect(driver.check(vmnet0(), 0, hostState(links, attachedJournal(), 'vmnet0'), ctxFor(vmnet0()))).toEqual([]);
  });

  it('repairs: switches the bridge on, and moves an address that came back to the uplink', () => {
    const links = [link('eth0', { master: 'vmnet0', addresses: ['192.0.2.10/24'] }), link('vmnet0', { kind: 'bridge', adminUp: false })];
    const ops = driver.plan(vmnet0(), hostState(links, attachedJournal(), 'vmnet0'), ctxFor(vmnet0()));
    expect(ops.map((o) => o.op)).toEqual(['bridged-switch-on', 'bridged-attach-uplink']);
  });

  it('"auto" keeps the recorded uplink after it was taken out of the bridge, and plans to put it back', () => {
    const links = [link('eth0'), link('vmnet0', { kind: 'bridge', addresses: ['192.0.2.10/24'] })];
    const state = hostState(links, attachedJournal(), 'vmnet0');
    expect(driver.check(vmnet0(), 0, state, ctxFor(vmnet0()))).toEqual([]);
    expect(driver.plan(vmnet0(), state, ctxFor(vmnet0())).map((o) => [o.op, o.target])).toEqual([['bridged-attach-uplink', 'eth0']]);
  });

  it('a new uplink: the old one gets its addresses back first', () => {
    const links = [link('eth0', { master: 'vmnet0' }), link('eth1'), link('vmnet0', { kind: 'bridge', addresses: ['192.0.2.10/24'] })];
    const ops = driver.plan(vmnet0({ uplink: 'eth1' }), hostState(links, attachedJournal(), 'vmnet0'), ctxFor(vmnet0({ uplink: 'eth1' })));
    expect(ops.map((o) => [o.op, o.target])).toEqual([
      ['bridged-detach-uplink', 'eth0'],
      ['bridged-attach-uplink', 'eth1'],
    ]);
  });

  it('removal gives the uplink back before deleting the bridge', () => {
    const links = [link('eth0', { master: 'vmnet0' }), link('vmnet0', { kind: 'bridge' })];
    const ops = driver.planRemoval('vmnet0', attachedJournal().networks.vmnet0!, hostState(links), ctxFor());
    expect(ops.map((o) => [o.op, !!o.risky])).toEqual([
      ['bridged-detach-uplink', true],
      ['bridged-delete-bridge', false],
    ]);
  });

  it('orders routes so each gateway is reachable: on-link, then via a gateway, default last', () => {
    const order = routeOrder([
      { dst: 'default', gateway: '192.0.2.1', family: 4 },
      { dst: '10.250.0.0/16', gateway: '192.0.2.1', family: 4 },
      { dst: '10.5.0.0/16', family: 4, scope: 'link' },
    ]);
    expect(order.map((r) => r.dst)).toEqual(['10.5.0.0/16', '10.250.0.0/16', 'default']);
  });
});

describe('moving the uplink (recorded commands)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const links = (master?: string) =>
    JSON.stringify([
      { ifindex: 2, ifname: 'eth0', flags: ['UP'], mtu: 1500, address: '52:54:00:aa:bb:01', ...(master ? { master } : {}) },
      { ifindex: 3, ifname: 'vmnet0', flags: ['UP'], mtu: 1500, address: '52:54:00:aa:bb:01', linkinfo: { info_kind: 'bridge' } },
    ]);
  const addresses = JSON.stringify([
    {
      ifname: 'eth0',
      addr_info: [
        { family: 'inet', local: '192.0.2.10', prefixlen: 24, broadcast: '192.0.2.255', scope: 'global' },
        { family: 'inet', local: '192.0.2.11', prefixlen: 24, scope: 'global', secondary: true },
        { family: 'inet6', local: 'fd42::10', prefixlen: 64, scope: 'global' },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
      ],
    },
    { ifname: 'vmnet0', addr_info: [] },
  ]);
  const routes4 = JSON.stringify([
    { dst: 'default', gateway: '192.0.2.1', dev: 'eth0', metric: 100, flags: [] },
    { dst: '10.250.0.0/16', gateway: '192.0.2.1', dev: 'eth0', prefsrc: '192.0.2.10', metric: 50, protocol: 'static', flags: [] },
    { dst: '192.0.2.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '192.0.2.10', flags: [] },
  ]);
  const routes6 = JSON.stringify([
    { dst: 'fd42::/64', dev: 'eth0', protocol: 'kernel', metric: 256, flags: [] },
    { dst: 'default', gateway: 'fd42::1', dev: 'eth0', metric: 1024, flags: [] },
  ]);

  function context(runner: RecordingRunner, journal: Journal): ExecContext {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-unit-'));
    return { runner, dirs: { config: dir, state: dir }, record: (change) => change(journal), onUndo: () => undefined };
  }

  it('enslaves, adds addresses to the bridge, swaps routes with replace, then clears the uplink, in one ip -batch', async () => {
    const runner = new RecordingRunner()
      .respond(['ip', '-j', '-d', 'link'], { stdout: links() })
      .respond(['ip', '-j', 'addr'], { stdout: addresses })
      .respond(['ip', '-j', '-4', 'route'], { stdout: routes4 })
      .respond(['ip', '-j', '-6', 'route'], { stdout: routes6 });
    const journal = emptyJournal();
    const ctx = context(runner, journal);
    const driver = createBridgedDriver(probe());
    await driver.execute(
      { op: 'bridged-attach-uplink', network: 'vmnet0', target: 'eth0', description: '', details: { bridge: 'vmnet0', uplink: 'eth0' } },
      ctx,
    );
    const changes = runner.commands.filter((c) => c.argv[1] !== '-j');
    // One `ip -batch` process: the whole move happens within milliseconds.
    expect(changes.map((c) => c.argv.join(' '))).toEqual(['ip -batch -']);
    expect(changes[0]!.input!.trim().split('\n')).toEqual([
      'link set dev eth0 master vmnet0',
      'addr add 192.0.2.10/24 broadcast 192.0.2.255 dev vmnet0',
      'addr add 192.0.2.11/24 dev vmnet0',
      'addr add fd42::10/64 nodad dev vmnet0',
      'route replace 10.250.0.0/16 via 192.0.2.1 dev vmnet0 proto static src 192.0.2.10 metric 50',
      'route replace 0.0.0.0/0 via 192.0.2.1 dev vmnet0 metric 100',
      'route replace ::/0 via fd42::1 dev vmnet0 metric 1024',
      'addr del fd42::10/64 dev eth0',
      'addr del 192.0.2.11/24 dev eth0',
      'addr del 192.0.2.10/24 dev eth0',
    ]);
    const data = journal.networks.vmnet0!.data as unknown as BridgedData;
    expect(data).toMatchObject({ uplink: 'eth0', uplinkMac: '52:54:00:aa:bb:01', attached: true });
    expect(data.addresses!.map((a) => a.local)).toEqual(['192.0.2.10', '192.0.2.11', 'fd42::10']);
    expect(data.routes!.map((r) => `${r.family} ${r.dst}`)).toEqual(['4 default', '4 10.250.0.0/16', '6 default']);
  });

  it('detaching puts addresses back on the uplink before leaving the bridge, then the routes', async () => {
    const journal: Journal = {
      version: 1,
      networks: {
        vmnet0: {
          type: 'bridged',
          data: {
            bridge: 'vmnet0',
            created: true,
            uplink: 'eth0',
            attached: true,
            addresses: [{ family: 'inet', local: '192.0.2.10', prefixlen: 24, broadcast: '192.0.2.255', scope: 'global' }],
            routes: [
              { dst: 'default', gateway: '192.0.2.1', metric: 100, family: 4 },
              { dst: '10.250.0.0/16', gateway: '192.0.2.1', prefsrc: '192.0.2.10', metric: 50, protocol: 'static', family: 4 },
            ],
          } satisfies BridgedData as unknown as Record<string, unknown>,
        },
      },
    };
    const bridgeHasIt = JSON.stringify([
      { ifname: 'eth0', addr_info: [] },
      { ifname: 'vmnet0', addr_info: [{ family: 'inet', local: '192.0.2.10', prefixlen: 24, scope: 'global' }] },
    ]);
    const runner = new RecordingRunner()
      .respond(['ip', '-j', 'addr'], { stdout: bridgeHasIt })
      .respond(['ip', '-j', '-d', 'link'], { stdout: links('vmnet0') });
    const ctx = context(runner, journal);
    const driver = createBridgedDriver(probe());
    await driver.execute({ op: 'bridged-detach-uplink', network: 'vmnet0', target: 'eth0', description: '' }, ctx);
    await driver.execute(
      { op: 'bridged-delete-bridge', network: 'vmnet0', target: 'vmnet0', description: '', details: { bridge: 'vmnet0' } },
      ctx,
    );
    const changes = runner.commands.filter((c) => c.argv[1] !== '-j');
    expect(changes.map((c) => c.argv.join(' '))).toEqual(['ip -batch -', 'ip link del dev vmnet0']);
    expect(changes[0]!.input!.trim().split('\n')).toEqual([
      'addr add 192.0.2.10/24 broadcast 192.0.2.255 dev eth0',
      'link set dev eth0 nomaster',
      'route replace 10.250.0.0/16 via 192.0.2.1 dev eth0 proto static src 192.0.2.10 metric 50',
      'route replace 0.0.0.0/0 via 192.0.2.1 dev eth0 metric 100',
      'addr del 192.0.2.10/24 dev vmnet0',
    ]);
    expect(journal.networks.vmnet0).toBeUndefined();
  });
});
