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

  /**
   * "auto" that finds no usable uplink never blocks: plan and apply exit 0 with the reason as
   * a warning, the other networks apply, vmnet0 is created nowhere, status says "not
   * connected" and doctor fails its uplink check. Returns apply's output.
   */
  function unconnected(networks: unknown[] | undefined, expected: RegExp): string {
    const args = networks ? ['--config', path.join(dirs.root, 'config.json')] : [];
    if (networks) fs.writeFileSync(args[1]!, JSON.stringify({ version: 1, networks }));
    const plan = vnet(lan.host, dirs, 'plan', ...args);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stderr).toMatch(/warning: vmnet0 is not connected: /);
    expect(plan.stderr).toMatch(expected);
    const apply = vnet(lan.host, dirs, 'apply', ...args);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stderr).toMatch(expected);
    expect(lan.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code).not.toBe(0);
    expect(netState(lan.host, 'eth0').addresses).toEqual(original.addresses);
    const status = vnet(lan.host, dirs, 'status');
    expect(status.stdout).toMatch(/vmnet0 \(bridged\) · not connected\n {4}warning: vmnet0 is not connected: /);
    const doctor = vnet(lan.host, dirs, 'doctor', 'vmnet0');
    expect(doctor.code, doctor.stdout).toBe(1);
    expect(doctor.stdout).toMatch(expected);
    return apply.stdout + apply.stderr;
  }

  function takeDown(): void {
    expect(vnet(lan.host, dirs, 'down').code).toBe(0);
    fs.rmSync(path.join(dirs.config, 'networks.json'), { force: true });
    fs.rmSync(path.join(dirs.config, 'networks.json.bak'), { force: true });
    expect(netState(lan.host, 'eth0')).toEqual(original);
  }

  it('"auto" when bridge.exclude lists the only wired interface leaves vmnet0 unconnected', () => {
    unconnected([bridged({ uplink: 'auto', exclude: ['eth0'] })], /"auto" found no uplink.*bridge\.exclude/);
    takeDown();
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
      // The defaults on such a host (no stored config): vmnet1 and vmnet8 apply, vmnet0 waits with the reason.
      const out = unconnected(undefined, /managed by the DHCP client udhcpc/);
      expect(out).toMatch(/Applied the default networks: /);
      for (const name of ['vmnet1', 'vmnet8']) expect(lan.host.ipJson<{ addr_info: unknown[] }[]>('addr', 'show', 'dev', name)[0]!.addr_info.length).toBeGreaterThan(0);
      expect(JSON.parse(vnet(lan.host, dirs, 'plan', '--json').stdout)).toEqual([]);
      takeDown();
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});
