// Every channel's request schema accepts a well-formed request and rejects malformed,
// oversized and extra-key payloads; config payloads report errors by JSON path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  channels,
  events,
  EVENT_NAMES,
  FOLDER_LIMITS,
  parseRequest,
  PRIVILEGED_CHANNELS,
  type Channel,
} from '../../../src-shared/ipc/contract';
import { CHANNEL_NAMES, EVENT_NAME_LIST } from '../../../src-shared/ipc/names';
import { boundsProblem, LIMITS } from '../../../src-shared/ipc/bounds';

const example = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/example.json'), 'utf8'));
const config = () => JSON.parse(JSON.stringify(example));
const long = (n: number) => 'x'.repeat(n);

// A valid request per channel, and requests that are oversized for that channel.
const valid: Record<Channel, unknown> = {
  getConfig: {},
  validateConfig: { config: { anything: ['goes', 1] } },
  defaultConfig: {},
  plan: { config: config() },
  apply: { config: config(), trySeconds: 30 },
  getTrial: {},
  confirmTrial: {},
  revertTrial: {},
  status: {},
  leases: { network: 'vmnet8' },
  doctor: { network: 'vmnet1' },
  listAdapters: {},
  setAdapter: { name: 'enp0s31f6', up: false, trySeconds: 60 },
  adapterRates: {},
  listServices: {},
  restartService: { network: 'vmnet8', service: 'dhcp' },
  setBridgeHelper: { allowed: true },
  importConfig: { from: 'libvirt', content: '<network/>', fileName: 'default.xml' },
  exportConfig: { config: config() },
  openImportFile: {},
  saveExportFile: { config: config() },
  appInfo: {},
};

const withHugeLabel = () => {
  const c = config();
  c.networks[1].label = long(LIMITS.text + 1);
  return c;
};
const withManyNetworks = () => {
  const c = config();
  c.networks = Array.from({ length: LIMITS.list + 1 }, (_, i) => ({ name: `n${i}`, type: 'bridged', bridge: { uplink: 'auto' } }));
  return c;
};
const deep = () => {
  let v: unknown = 1;
  for (let i = 0; i < 40; i++) v = [v];
  return v;
};

const oversized: Record<Channel, unknown[]> = {
  getConfig: [{ pad: long(10) }],
  validateConfig: [{ config: long(LIMITS.text + 1) }, { config: deep() }, { config: Array(LIMITS.list + 1).fill(0) }],
  defaultConfig: [{ pad: long(10) }],
  plan: [{ config: withHugeLabel() }, { config: withManyNetworks() }],
  apply: [{ config: withHugeLabel() }, { config: config(), trySeconds: 100_000 }],
  getTrial: [{ pad: 1 }],
  confirmTrial: [{ pad: 1 }],
  revertTrial: [{ pad: 1 }],
  status: [{ pad: 1 }],
  leases: [{ network: long(16) }],
  doctor: [{ network: long(300) }],
  listAdapters: [{ pad: 1 }],
  setAdapter: [
    { name: long(16), up: true },
    { name: 'eth0', up: true, trySeconds: 10_000 },
  ],
  adapterRates: [{ pad: 1 }],
  listServices: [{ pad: 1 }],
  restartService: [{ network: long(16), service: 'dhcp' }],
  setBridgeHelper: [{ allowed: true, pad: long(16) }],
  importConfig: [
    { from: 'vmware', content: long(LIMITS.fileBytes + 1) },
    { from: 'vmware', path: `/${long(LIMITS.path)}` },
    { from: 'vmware', content: 'x', fileName: long(256) },
  ],
  exportConfig: [{ config: withHugeLabel() }],
  openImportFile: [{ pad: 1 }],
  saveExportFile: [{ config: withManyNetworks() }],
  appInfo: [{ pad: 1 }],
};

describe('IPC contract', () => {
  it('names exactly the channels and events of the schema map', () => {
    expect([...CHANNELS].sort()).toEqual(Object.keys(channels).sort());
    expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(channels).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
    expect([...EVENT_NAME_LIST].sort()).toEqual(Object.keys(events).sort());
    for (const c of PRIVILEGED_CHANNELS) expect(CHANNELS).toContain(c);
    // Import, export and dialogs read or write the user's files: never as root.
    for (const c of ['importConfig', 'exportConfig', 'openImportFile', 'saveExportFile', 'validateConfig', 'appInfo']) {
      expect(PRIVILEGED_CHANNELS as readonly string[]).not.toContain(c);
    }
  });

  describe.each(CHANNELS.map((c) => [c] as const))('%s', (channel) => {
    it('accepts a well-formed request', () => {
      const result = parseRequest(channel, valid[channel]);
      expect(result.ok ? 'ok' : result.message).toBe('ok');
    });

    it('rejects an extra key', () => {
      const request = { ...(valid[channel] as object), injected: true };
      const result = parseRequest(channel, request);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/injected/);
    });

    it('rejects malformed payloads', () => {
      for (const bad of [[], 'text', 42, true, { ...(valid[channel] as object), ...malformedFields(channel) }]) {
        if (bad && typeof bad === 'object' && !Array.isArray(bad) && Object.keys(malformedFields(channel)).length === 0) continue;
        expect(parseRequest(channel, bad).ok, JSON.stringify(bad).slice(0, 80)).toBe(false);
      }
    });

    it('rejects oversized payloads', () => {
      for (const big of oversized[channel]) expect(parseRequest(channel, big).ok).toBe(false);
    });
  });

  it('reports config errors by their JSON path', () => {
    const c = config();
    c.networks[2].dhcp.rangeEnd = '192.168.133.300';
    const result = parseRequest('plan', { config: c });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]!.path).toEqual(['config', 'networks', 2, 'dhcp', 'rangeEnd']);
      expect(result.message).toMatch(/config\.networks\[2\]\.dhcp\.rangeEnd: /);
    }
  });

  it('fills config defaults in the parsed request', () => {
    const c = config();
    delete c.networks[2].dhcp.leaseSeconds;
    const result = parseRequest('apply', { config: c });
    expect(result.ok && result.value.config.networks[2]).toMatchObject({ dhcp: { leaseSeconds: 1800 } });
  });

  it('import takes a path or content, not both or neither', () => {
    expect(parseRequest('importConfig', { from: 'vmware' }).ok).toBe(false);
    expect(parseRequest('importConfig', { from: 'vmware', path: '/etc/vmware', content: 'x' }).ok).toBe(false);
    expect(parseRequest('importConfig', { from: 'hyperv', path: '/x' }).ok).toBe(false);
  });

  it('accepts a VMware settings folder only as its own files, relative, bounded', () => {
    const folder = (files: Record<string, string>, from = 'vmware') =>
      parseRequest('importConfig', { from, files, fileName: 'etc-vmware' });
    expect(folder({ networking: 'x', 'vmnet8/nat/nat.conf': 'y', 'vmnet8/dhcpd/dhcpd.conf': 'z', 'vmnet1/dhcpd.conf': '' }).ok).toBe(true);
    for (const bad of [
      '../networking',
      '/etc/vmware/networking',
      'vmnet8/../../etc/shadow',
      'vmnet8/nat/../../networking',
      'notes.txt',
      'vmnet8/nat/nat.conf.bak',
      'vmnet1234/nat/nat.conf',
      'vmnet8\\..\\x',
    ]) {
      const result = folder({ networking: 'x', [bad]: 'y' });
      expect(result.ok, bad).toBe(false);
    }
    const outside = folder({ '../networking': 'x' });
    expect(!outside.ok && outside.message).toMatch(/inside the folder/);
    expect(folder({}).ok).toBe(false);
    expect(folder({ networking: 'x' }, 'libvirt').ok).toBe(false);
    expect(folder({ networking: 'x'.repeat(FOLDER_LIMITS.fileBytes + 1) }).ok).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`vmnet${i}/nat/nat.conf`, 'x'.repeat(FOLDER_LIMITS.fileBytes)]));
    expect(folder({ networking: 'x', ...many }).ok).toBe(false);
    const lots = Object.fromEntries(Array.from({ length: FOLDER_LIMITS.files + 1 }, (_, i) => [`vmnet${i}/nat/nat.conf`, '']));
    expect(folder(lots).ok).toBe(false);
    expect(parseRequest('importConfig', { from: 'vmware', files: { networking: 'x' }, content: 'x' }).ok).toBe(false);
  });

  it('measures nesting, lists, text and total size', () => {
    expect(boundsProblem({ a: [1, 2, 'ok'] })).toBeUndefined();
    expect(boundsProblem(deep())).toMatch(/nested/);
    expect(boundsProblem({ a: { b: long(LIMITS.text + 1) } })).toMatch(/^a\.b is longer/);
    expect(boundsProblem(Array.from({ length: 30 }, () => Array(4000).fill(0)))).toMatch(/more than 100000 values/);
  });
});

function malformedFields(channel: Channel): Record<string, unknown> {
  switch (channel) {
    case 'validateConfig':
      return { config: undefined };
    case 'plan':
    case 'exportConfig':
    case 'saveExportFile':
      return { config: { version: 1, networks: 'none' } };
    case 'apply':
      return { trySeconds: 'soon' };
    case 'leases':
    case 'doctor':
      return { network: 'vm net' };
    case 'setAdapter':
      return { up: 'yes' };
    case 'restartService':
      return { service: 'dns' };
    case 'setBridgeHelper':
      return { allowed: 'yes' };
    case 'importConfig':
      return { from: 'vmware', content: 5 };
    default:
      return {};
  }
}
