// Builds HostState values for planner tests: a fresh host, or the host exactly as a
// successful apply of a config leaves it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { hasSubnet, type Config } from '../../../src-shared/model';
import { generateRuleset } from '../../../src-main/engine/nft';
import { dhcpFiles, generateDnsmasqConf, generateHostsFile, generateNamesFile } from '../../../src-main/engine/dnsmasq';
import { bridgeAddresses, bridgeAddresses6 } from '../../../src-main/engine/drivers/routed/plan';
import type { HostState, LinkState } from '../../../src-main/engine/types';
import type { Dirs } from '../../../src-main/paths';

export const DIRS: Dirs = { config: '/nonexistent/vnet-config', state: '/nonexistent/vnet-state' };
export const FINGERPRINT = 'live-table-fingerprint';

/**
 * Real config and state folders under a fresh temp folder for each test, removed after it.
 * The object stays the same; its paths change per test, so a file can hold it at the top.
 */
export function tempDirs(): Dirs {
  const dirs: Dirs = { config: '', state: '' };
  beforeEach(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-unit-'));
    dirs.config = path.join(root, 'config');
    dirs.state = path.join(root, 'state');
    fs.mkdirSync(dirs.state, { recursive: true });
  });
  afterEach(() => {
    fs.rmSync(path.dirname(dirs.state), { recursive: true, force: true });
  });
  return dirs;
}

function link(name: string, extra: Partial<LinkState> = {}): LinkState {
  return { name, ifindex: 2, adminUp: true, operState: 'UP', carrier: true, addresses: [], group: 'default', ...extra };
}

/** A host with an uplink (eth0, default route) and nothing of the app's. */
export function freshHost(): HostState {
  return {
    links: new Map([
      ['lo', link('lo', { addresses: ['127.0.0.1/8'] })],
      ['eth0', link('eth0', { addresses: ['10.0.0.5/24'] })],
    ]),
    routes: [
      { dst: 'default', dev: 'eth0', gateway: '10.0.0.1' },
      { dst: '10.0.0.0/24', dev: 'eth0', scope: 'link' },
    ],
    table: { exists: false, rules: {}, portForwards: 0 },
    dhcp: new Map(),
    forwarding: '0',
    foreignDrops: [],
    listeners: [],
    ipv6: {
      forwarding: '0',
      acceptRa: { default: '1', eth0: '1', lo: '1' },
      defaultRoutes: [{ dst: 'default', dev: 'eth0', gateway: 'fe80::1', protocol: 'ra' }],
    },
    dhcpFiles: new Map(),
    journal: { version: 1, networks: {} },
  };
}

/** The host as a successful apply of `config` leaves it. */
export function appliedHost(config: Config, dirs: Dirs = DIRS): HostState {
  const state = freshHost();
  const routed = config.networks.filter(hasSubnet);
  let pid = 4000;
  for (const n of routed) {
    const addresses = bridgeAddresses(n);
    const addresses6 = bridgeAddresses6(n);
    state.links.set(
      n.name,
      link(n.name, { kind: 'bridge', alias: 'vnet-editor', addresses, mtu: n.mtu ?? 1500, ...(n.ipv6 ? { addresses6 } : {}) }),
    );
    if (n.ipv6 && state.ipv6) state.ipv6.acceptRa[n.name] = '0';
    // The bridge of a network without IPv6 has it switched off.
    if (!n.ipv6 && state.ipv6) (state.ipv6.switchedOff ??= []).push(n.name);
    state.routes.push({ dst: n.subnet, dev: n.name, scope: 'link' });
    const runsDhcp = n.dhcp.enabled || n.ipv6 !== undefined;
    state.journal.networks[n.name] = {
      type: n.type,
      data: { bridge: true, addresses: [...addresses, ...addresses6], dhcp: runsDhcp, ...(n.mtu !== undefined ? { mtu: n.mtu } : {}) },
    };
    if (runsDhcp) {
      const files = dhcpFiles(dirs, n.name);
      state.dhcp.set(n.name, [{ network: n.name, pid: pid++, startedAt: 0, confFile: files.conf, fromPidFile: true }]);
      const names = generateNamesFile(n);
      state.dhcpFiles.set(n.name, {
        conf: generateDnsmasqConf(n, files),
        hosts: generateHostsFile(n),
        ...(names ? { names } : {}),
        any: true,
      });
    }
  }
  if (routed.length > 0) {
    const nat = routed.some((n) => n.type === 'nat');
    const text = generateRuleset(routed, nat ? { forwardingBefore: '0' } : {});
    state.table = { exists: true, fingerprint: FINGERPRINT, rules: {}, portForwards: 0, ...(nat ? { forwardingBefore: '0' } : {}) };
    state.journal.table = { loaded: true, textDigest: crypto.createHash('sha256').update(text).digest('hex'), fingerprint: FINGERPRINT };
  }
  if (routed.some((n) => n.type === 'nat')) {
    state.forwarding = '1';
    state.journal.forwarding = { previous: '0' };
  }
  if (routed.some((n) => n.type === 'nat' && n.ipv6) && state.ipv6) {
    // The uplink learned its route by RA; the apply set accept_ra=2 on it (and on default) first.
    state.ipv6.forwarding = '1';
    state.ipv6.acceptRa.eth0 = '2';
    state.ipv6.acceptRa.default = '2';
    state.journal.forwarding6 = { previous: '0', acceptRa: { default: '1', eth0: '1' } };
  }
  return state;
}
