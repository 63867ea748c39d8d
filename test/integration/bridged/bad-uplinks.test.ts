// Uplinks that cannot be bridged are refused at plan time, naming
// networks[i].bridge.uplink, and nothing on the host changes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLan, netState, removeDirs, tempDirs, vnet, waitFor, type Lan, type VnetDirs } from './netns';

describe('bridged uplinks that are refused (in namespaces)', () => {
  let lan: Lan;
  let dirs: VnetDirs;
  let original: ReturnType<typeof netState>;

  beforeAll(() => {
    lan = makeLan();
    dirs = tempDirs();
    // A foreign bridge with a port, for "already enslaved elsewhere" and "is itself a bridge".
    lan.host.ip('link', 'add', 'brx', 'type', 'bridge');
    lan.host.ip('link', 'add', 'spare0', 'type', 'veth', 'peer', 'name', 'spare1');
    lan.host.ip('link', 'set', 'spare0', 'master', 'brx');
    original = netState(lan.host, 'eth0');
  });

  afterAll(() => {
    lan?.destroy();
    if (dirs) removeDirs(dirs);
  });

  function refused(networks: unknown[], expected: RegExp, pathText = 'networks[0].bridge.uplink'): void {
    const file = path.join(dirs.root, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, networks }));
    for (const command of ['plan', 'apply']) {
      const r = vnet(lan.host, dirs, command, '--config', file);
      expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(2);
      const line = (r.stdout + r.stderr).split('\n').find((l) => l.includes(pathText));
      expect(line, r.stdout + r.stderr).toMatch(expected);
    }
    // Nothing changed: same addresses and routes, no bridge, no journal, no stored config.
    expect(netState(lan.host, 'eth0')).toEqual(original);
    expect(lan.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code).not.toBe(0);
    expect(fs.existsSync(path.join(dirs.state, 'journal.json'))).toBe(false);
    expect(fs.existsSync(path.join(dirs.config, 'networks.json'))).toBe(false);
  }

  const bridged = (bridge: Record<string, unknown>) => ({ name: 'vmnet0', type: 'bridged', bridge });

  it('a missing uplink', () => {
    refused([bridged({ uplink: 'nosuch0' })], /no interface named "nosuch0"/);
  });

  it('an uplink already enslaved to another bridge', () => {
    refused([bridged({ uplink: 'spare0' })], /spare0 is already a port of brx/);
  });

  it('an uplink that is itself a bridge', () => {
    refused([bridged({ uplink: 'brx' })], /brx is itself a bridge/);
  });

  it('an uplink that is another virtual network', () => {
    const hostonly = {
      name: 'vmnet1',
      type: 'hostonly',
      subnet: '192.168.56.0/24',
      hostAdapter: { enabled: true, address: '192.168.56.1' },
      dhcp: { enabled: false, rangeStart: '192.168.56.128', rangeEnd: '192.168.56.254' },
    };
    refused(
      [hostonly, { ...bridged({ uplink: 'vmnet1' }) }],
      /vmnet1.*(another virtual network|one of this app's virtual networks)/,
      'networks[1].bridge.uplink',
    );
  });

  it('"auto" when bridge.exclude lists the only wired interface', () => {
    refused([bridged({ uplink: 'auto', exclude: ['eth0'] })], /"auto" found no uplink.*bridge\.exclude/);
  });

  it('an uplink whose address a DHCP client keeps renewing', async () => {
    // A DHCP client for eth0 (its script does nothing: only its presence matters here).
    const pid = lan.host.daemon('busybox', 'udhcpc', '-f', '-i', 'eth0', '-s', '/bin/true', '-t', '1000', '-T', '5');
    // Running as udhcpc (ip netns exec has entered the namespace and exec'd it) before the plan looks.
    const running = await waitFor(
      () => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2).join(' ') === 'busybox udhcpc';
        } catch {
          return false;
        }
      },
      30_000,
      50,
    );
    expect(running, 'udhcpc started within 30 s').toBe(true);
    try {
      refused([bridged({ uplink: 'eth0' })], /managed by the DHCP client udhcpc.*static address/);
      refused([bridged({ uplink: 'auto' })], /managed by the DHCP client udhcpc/);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});
