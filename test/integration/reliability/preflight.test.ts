// Preflight: conflicts with what already runs on the host, each seeded here, are caught
// before anything changes (plan and apply exit 2 naming the JSON path, host untouched)
// or named by doctor with a fix (and warned about by plan). Known gaps: README, "Reliability and security".
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import {
  cliBundle,
  echoServer,
  ensureCliBuilt,
  Sandbox,
  spawnReady,
  vnet,
  vnetDirs,
  waitForListener,
  type Netns,
  type VnetDirs,
} from '../lib/netns';
import { hostWithUplink, snapshot, writeConfig, type HostSnapshot } from './lib';
import { startNmLab } from '../lib/nm-lab';
import { removeDirs, tempDirs, vnet as vnetIn } from '../bridged/netns';

const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;
let clean: HostSnapshot;

/** plan and apply both exit 2 with a line `PATH: …` matching `message`; nothing on the host or on disk changed. */
async function refusedAtPlan(config: Config, jsonPath: string, message: RegExp, env: Record<string, string> = {}): Promise<void> {
  const file = writeConfig(sandbox, 'pre.json', config);
  const before = await snapshot(host, dirs);
  for (const command of ['plan', 'apply']) {
    const r = await host.exec([process.execPath, cliBundle, command, '--config', file], {
      env: { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state, ...env },
    });
    expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.startsWith(`${jsonPath}: `));
    expect(line, r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }
  expect(await snapshot(host, dirs)).toEqual(before);
  expect(fs.existsSync(path.join(dirs.config, 'networks.json'))).toBe(false);
}

beforeAll(async () => {
  await ensureCliBuilt();
  ({ host } = await hostWithUplink(sandbox, 'pre', 95));
  dirs = vnetDirs(sandbox);
  clean = await snapshot(host, dirs);
});

afterEach(async () => {
  await vnet(host, dirs, ['down']);
  for (const name of ['networks.json', 'networks.json.bak']) fs.rmSync(path.join(dirs.config, name), { force: true });
});

afterAll(async () => {
  await sandbox.cleanup();
});

describe('subnets inside routes the host already has', () => {
  it('a /24 network inside an existing /16 route', async () => {
    await host.ip('route', 'add', '172.20.0.0/16', 'via', '10.95.0.2');
    try {
      await refusedAtPlan(
        { version: 1, networks: [hostOnlyNetwork('vmnet1', '172.20.5.0/24')] },
        'networks[0].subnet',
        /172\.20\.5\.0\/24 collides with the host's route to 172\.20\.0\.0\/16/,
      );
    } finally {
      await host.ip('route', 'del', '172.20.0.0/16');
    }
  });

  it('a /16 network around an existing /24 route', async () => {
    await host.ip('route', 'add', '172.21.7.0/24', 'via', '10.95.0.2');
    try {
      await refusedAtPlan(
        { version: 1, networks: [hostOnlyNetwork('vmnet1', '172.21.0.0/16')] },
        'networks[0].subnet',
        /172\.21\.0\.0\/16 collides with the host's route to 172\.21\.7\.0\/24/,
      );
    } finally {
      await host.ip('route', 'del', '172.21.7.0/24');
    }
  });
});

describe('ports already taken', () => {
  it('a port forward that would shadow SSH listening on the host (port 22)', async () => {
    const nat = natNetwork('vmnet8', '192.168.133.0/24');
    nat.nat.portForwards = [{ protocol: 'tcp', hostPort: 22, guestAddress: '192.168.133.50', guestPort: 22 }];
    const ssh = await echoServer(host, 'tcp', 22, 'SSH-2.0-fake');
    try {
      await refusedAtPlan(
        { version: 1, networks: [nat] },
        'networks[0].nat.portForwards[0].hostPort',
        /tcp port 22 is already in use by a program on this host/,
      );
    } finally {
      process.kill(-ssh.pid!, 'SIGKILL');
    }
  });

  it('port 67 taken by another DHCP server (socat): plan and apply exit 2 naming networks[0].dhcp.enabled and the program', async () => {
    const socat = host.spawn(['socat', 'UDP4-RECVFROM:67,fork', 'SYSTEM:true']);
    await waitForListener(host, 'udp', 67, { address: '0.0.0.0', pid: socat.pid! });
    try {
      await refusedAtPlan(
        { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] },
        'networks[0].dhcp.enabled',
        new RegExp(`UDP port 67 \\(DHCP\\) is already used by socat \\(pid ${socat.pid}\\) listening on 0\\.0\\.0\\.0; stop it`),
      );
    } finally {
      process.kill(-socat.pid!, 'SIGKILL');
    }
  });

  it('port 53 taken by another dnsmasq: plan and apply of a NAT network with DNS exit 2 naming networks[0].nat.dns', async () => {
    const conf = path.join(sandbox.tempDir('foreign-dns'), 'foreign.conf');
    fs.writeFileSync(conf, 'port=53\nlisten-address=0.0.0.0\nbind-interfaces\nno-resolv\nno-hosts\n');
    const other = host.spawn(['dnsmasq', '--keep-in-foreground', `--conf-file=${conf}`]);
    await waitForListener(host, 'udp', 53, { address: '0.0.0.0', pid: other.pid! });
    try {
      await refusedAtPlan(
        { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24')] },
        'networks[0].nat.dns',
        /UDP port 53 \(DNS\) is already used by dnsmasq \(pid \d+\) listening on 0\.0\.0\.0/,
      );
      // The foreign dnsmasq is not the app's: it is still running.
      expect(other.exitCode).toBeNull();
      // A DNS listener on a loopback address (systemd-resolved style) is no conflict: without DNS the same host is fine.
      const noDns = natNetwork('vmnet8', '192.168.133.0/24');
      noDns.nat.dns = false;
      const file = writeConfig(sandbox, 'nodns.json', { version: 1, networks: [noDns] });
      const r = await vnet(host, dirs, ['plan', '--config', file]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      process.kill(-other.pid!, 'SIGKILL');
    }
  });

  it('a DNS listener on 127.0.0.53 (systemd-resolved style) does not stop a NAT network with DNS', async () => {
    // Bound before the plan runs (it says so once bind succeeded), so the plan really meets it.
    const resolver = await spawnReady(host, 'the 127.0.0.53 resolver', [
      process.execPath,
      '-e',
      "require('dgram').createSocket('udp4').bind(53, '127.0.0.53', () => console.log('ready'))",
    ]);
    await waitForListener(host, 'udp', 53, { address: '127.0.0.53', pid: resolver.pid! });
    try {
      const file = writeConfig(sandbox, 'nat-dns.json', { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24')] });
      const r = await vnet(host, dirs, ['plan', '--config', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(resolver.exitCode).toBeNull();
    } finally {
      process.kill(-resolver.pid!, 'SIGKILL');
    }
  });
});

describe('uplinks another network manager owns', () => {
  /** A program that only has the daemon's name (detection looks for the process in this namespace). */
  function fakeDaemon(name: string): Netns['spawn'] extends (...a: never[]) => infer R ? R : never {
    const dir = sandbox.tempDir('daemon');
    const bin = path.join(dir, name);
    fs.copyFileSync('/bin/sleep', bin);
    fs.chmodSync(bin, 0o755);
    return host.spawn([bin, '300']);
  }

  it('NetworkManager manages the uplink (a real one, confined to namespaces): bridged through it when it answers, refused when it does not', async () => {
    const lab = await startNmLab();
    const own = tempDirs();
    const saved = process.env.DBUS_SYSTEM_BUS_ADDRESS;
    try {
      await lab.uplinkProfile('ipv4.method', 'auto');
      const file = path.join(own.root, 'br.json');
      fs.writeFileSync(file, JSON.stringify({ version: 1, networks: [{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'eth0' } }] }));
      process.env.DBUS_SYSTEM_BUS_ADDRESS = lab.bus;
      const plan = vnetIn(lab.host, own, 'plan', '--config', file);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/Bridge eth0 through NetworkManager/);
      // The same NetworkManager, but the app cannot reach it: refused, nothing changed.
      process.env.DBUS_SYSTEM_BUS_ADDRESS = `unix:path=${path.join(own.root, 'no-such-bus')}`;
      for (const command of ['plan', 'apply']) {
        const r = vnetIn(lab.host, own, command, '--config', file);
        expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(2);
        expect(r.stderr.split('\n').find((l) => l.startsWith('networks[0].bridge.uplink: '))).toMatch(
          /managed by NetworkManager, which runs here but does not answer on the system bus/,
        );
      }
      expect(lab.profiles()).toEqual(['Wired connection 1:eth0']);
      expect(lab.host.exec('ip', 'link', 'show', 'dev', 'vmnet0').code).not.toBe(0);
      expect(fs.existsSync(path.join(own.state, 'journal.json'))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
      else process.env.DBUS_SYSTEM_BUS_ADDRESS = saved;
      lab.destroy();
      removeDirs(own);
    }
  });

  it('systemd-networkd manages the uplink: bridging it is refused', async () => {
    const daemon = fakeDaemon('systemd-networkd');
    const ifindex = (await host.ipJson<{ ifindex: number }[]>('link', 'show', 'dev', 'eth0'))[0]!.ifindex;
    const file = writeConfig(sandbox, 'br.json', {
      version: 1,
      networks: [{ name: 'vmnet0', type: 'bridged', bridge: { uplink: 'eth0' } }],
    });
    try {
      // networkd's runtime state, in a private mount namespace so the machine's own /run is never touched.
      const script = [
        'set -e',
        'mount -t tmpfs vne-netif /run/systemd/netif',
        'mkdir -p /run/systemd/netif/links',
        `printf 'ADMIN_STATE=configured\\nOPER_STATE=routable\\n' > /run/systemd/netif/links/${ifindex}`,
        `exec "$0" "$@"`,
      ].join('\n');
      for (const command of ['plan', 'apply']) {
        const r = await host.exec(
          ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, cliBundle, command, '--config', file],
          {
            env: { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state },
          },
        );
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/^networks\[0\]\.bridge\.uplink: .*managed by systemd-networkd/m);
      }
      expect(await snapshot(host, dirs)).toEqual(clean);
    } finally {
      process.kill(-daemon.pid!, 'SIGKILL');
    }
  });
});

describe('foreign firewall policies', () => {
  it('a foreign DROP forward policy (firewalld-style inet table): doctor names it with a fix after apply, and apply leaves it alone', async () => {
    await host.must(['nft', 'add', 'table', 'inet', 'firewalld_vne']);
    await host.must(['nft', 'add chain inet firewalld_vne filter_FORWARD { type filter hook forward priority 10; policy drop; }']);
    const before = await host.must(['nft', 'list', 'table', 'inet', 'firewalld_vne']);
    try {
      const file = writeConfig(sandbox, 'nat.json', { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24')] });
      const r = await vnet(host, dirs, ['apply', '--config', file]);
      expect(r.code, r.stderr).toBe(0);
      const d = await vnet(host, dirs, ['doctor']);
      expect(d.code).toBe(1);
      expect(d.stdout).toMatch(
        /PROBLEM +vmnet8: foreign firewall: chain filter_FORWARD of table inet firewalld_vne \(not ours\) has policy drop/,
      );
      expect(d.stdout).toMatch(/fix: /);
      expect(await host.must(['nft', 'list', 'table', 'inet', 'firewalld_vne'])).toBe(before);
    } finally {
      await host.must(['nft', 'delete', 'table', 'inet', 'firewalld_vne']);
    }
  });

  it('plan and apply warn about a foreign DROP forward policy (Docker-style ip filter FORWARD) before the first apply', async () => {
    await host.must(['nft', 'add', 'table', 'ip', 'filter']);
    await host.must(['nft', 'add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }']);
    try {
      const file = writeConfig(sandbox, 'nat.json', { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24')] });
      const warning =
        /^warning: chain FORWARD of table ip filter \(not ours\) has policy drop on forwarded traffic: it can block the guests of vmnet8; to fix: .*iptables -I DOCKER-USER -i vmnet8 -j ACCEPT/m;
      const plan = await vnet(host, dirs, ['plan', '--config', file]);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stderr).toMatch(warning);
      const apply = await vnet(host, dirs, ['apply', '--config', file]);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stderr).toMatch(warning);
      // Host-only networks never forward: only where br_netfilter passes their bridged frames
      // through the chain does it concern them.
      const ho = writeConfig(sandbox, 'ho-only.json', { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] });
      const brnf = (await host.exec(['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables'])).code === 0;
      if (brnf) await host.must(['sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=0']);
      const quiet = await vnet(host, dirs, ['plan', '--config', ho]);
      expect(quiet.stderr).not.toMatch(/warning: chain FORWARD/);
      if (brnf) {
        await host.must(['sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']);
        const told = await vnet(host, dirs, ['plan', '--config', ho]);
        expect(told.stderr).toMatch(
          /^warning: chain FORWARD of table ip filter \(not ours\) .*cut off the guests of vmnet1 from each other; to fix: .*iptables -I DOCKER-USER -i vmnet1 -o vmnet1 -j ACCEPT/m,
        );
      }
    } finally {
      await host.must(['nft', 'delete', 'table', 'ip', 'filter']);
    }
  });
});
