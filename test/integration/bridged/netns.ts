// Namespace helpers for the bridged, adapter and trial tests: every change happens
// inside namespaces created here (names carry a random suffix, since other tests run
// at the same time) and everything is deleted afterwards, also when a test fails.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
// VNET_TEST_CLI points at a private bundle when other work rebuilds dist/ at the same time.
const vnetBin = process.env.VNET_TEST_CLI || path.join(repoRoot, 'bin', 'vnet.cjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[], input?: string): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

export function must(argv: string[]): string {
  const r = run(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export const suffix = (): string => crypto.randomBytes(3).toString('hex');

export class Netns {
  private readonly pids: number[] = [];

  private constructor(readonly name: string) {}

  static create(role: string): Netns {
    const ns = new Netns(`vne-${role}-${suffix()}`);
    must(['ip', 'netns', 'add', ns.name]);
    ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  exec(...argv: string[]): Run {
    return run(['ip', 'netns', 'exec', this.name, ...argv]);
  }

  must(...argv: string[]): string {
    return must(['ip', 'netns', 'exec', this.name, ...argv]);
  }

  ip(...args: string[]): string {
    return must(['ip', '-n', this.name, ...args]);
  }

  ipJson<T>(...args: string[]): T {
    return JSON.parse(must(['ip', '-n', this.name, '-j', ...args]) || '[]') as T;
  }

  /** Starts a long-running process in the namespace; it is killed by destroy(). */
  daemon(...argv: string[]): number {
    const child = spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: 'ignore', detached: false });
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    this.pids.push(child.pid);
    return child.pid;
  }

  ping(address: string, count = 1): boolean {
    // busybox ping: iputils is not installed everywhere.
    return this.exec('busybox', 'ping', '-c', String(count), '-W', '1', '-w', String(count + 1), address).code === 0;
  }

  /** Kills every process still running in the namespace (ours and any detached watchdog), then deletes it. */
  destroy(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const left = run(['ip', 'netns', 'pids', this.name]).stdout.split(/\s+/).filter(Boolean);
    for (const pid of left) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    run(['ip', 'netns', 'del', this.name]);
  }
}

export interface VnetDirs {
  config: string;
  state: string;
  root: string;
}

export function tempDirs(): VnetDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-'));
  const dirs = { root, config: path.join(root, 'config'), state: path.join(root, 'state') };
  fs.mkdirSync(dirs.config);
  fs.mkdirSync(dirs.state);
  return dirs;
}

export function removeDirs(dirs: VnetDirs): void {
  fs.rmSync(dirs.root, { recursive: true, force: true });
}

/** Runs `vnet ARGS` inside NS with the test's folders. */
const vnetArgv = (ns: Netns, dirs: VnetDirs, args: string[]): string[] => [
  'ip',
  'netns',
  'exec',
  ns.name,
  'env',
  `VNET_CONFIG_DIR=${dirs.config}`,
  `VNET_STATE_DIR=${dirs.state}`,
  process.execPath,
  vnetBin,
  ...args,
];

export function vnet(ns: Netns, dirs: VnetDirs, ...args: string[]): Run {
  return run(vnetArgv(ns, dirs, args));
}

/** Like vnet, without blocking the test's event loop meanwhile (so watchers keep reading as it runs). */
export function vnetAsync(ns: Netns, dirs: VnetDirs, ...args: string[]): Promise<Run> {
  const [cmd, ...rest] = vnetArgv(ns, dirs, args);
  return new Promise((resolve) => {
    const child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${String(error)}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls CHECK until it is true or TIMEOUT ms pass; returns the last result. */
export async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 200): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
}

/**
 * A LAN: a "lan" namespace holding a switch (bridge) with the router address, and a
 * "host" namespace whose eth0 is cabled to that switch with a static address, a default
 * route via the router, a static route with a metric, and a global IPv6 address.
 */
export interface Lan {
  lan: Netns;
  host: Netns;
  /** e.g. 10.77.0 — router .1, host .10. */
  prefix: string;
  router: string;
  hostAddress: string;
  destroy(): void;
}

export function makeLan(): Lan {
  const lan = Netns.create('lan');
  let host: Netns | undefined;
  try {
    host = Netns.create('host');
    const octet = 16 + crypto.randomInt(0, 200);
    const prefix = `10.${octet}.0`;
    const peer = `vl${suffix()}`;
    lan.ip('link', 'add', 'lansw', 'type', 'bridge');
    lan.ip('link', 'set', 'lansw', 'up');
    lan.ip('addr', 'add', `${prefix}.1/24`, 'dev', 'lansw');
    lan.ip('link', 'add', peer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.name);
    lan.ip('link', 'set', peer, 'master', 'lansw', 'up');
    host.ip('link', 'set', 'eth0', 'up');
    host.ip('addr', 'add', `${prefix}.10/24`, 'dev', 'eth0');
    host.ip('-6', 'addr', 'add', 'fd42::10/64', 'dev', 'eth0', 'nodad');
    host.ip('route', 'add', 'default', 'via', `${prefix}.1`, 'dev', 'eth0', 'metric', '100');
    host.ip('route', 'add', '10.250.0.0/16', 'via', `${prefix}.1`, 'dev', 'eth0', 'metric', '50', 'src', `${prefix}.10`);
    const h = host;
    return {
      lan,
      host: h,
      prefix,
      router: `${prefix}.1`,
      hostAddress: `${prefix}.10`,
      destroy() {
        h.destroy();
        lan.destroy();
      },
    };
  } catch (error) {
    host?.destroy();
    lan.destroy();
    throw error;
  }
}

/** Addresses and routes of an interface in a stable, comparable form. */
export function netState(ns: Netns, dev: string): { addresses: string[]; routes: string[] } {
  const addrs = ns.ipJson<{ addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }[]>(
    'addr',
    'show',
    'dev',
    dev,
  );
  const addresses = (addrs[0]?.addr_info ?? [])
    .filter((a) => a.scope !== 'link')
    .map((a) => `${a.local}/${a.prefixlen}`)
    .sort();
  const routes = [
    ...ns.ip('-4', 'route', 'show', 'table', 'main').split('\n'),
    ...ns.ip('-6', 'route', 'show', 'table', 'main').split('\n'),
  ]
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('fe80') && !l.startsWith('multicast'))
    .sort();
  return { addresses, routes };
}

/** The LAN's own DHCP server (dnsmasq in the lan namespace), handing out PREFIX.100–150 with the router. */
export function startLanDhcp(l: Lan, dir: string): { leaseFile: string } {
  const leaseFile = path.join(dir, 'lan.leases');
  l.lan.daemon(
    'dnsmasq',
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--port=0',
    '--interface=lansw',
    '--bind-interfaces',
    '--except-interface=lo',
    `--dhcp-range=${l.prefix}.100,${l.prefix}.150,255.255.255.0,300`,
    `--dhcp-option=option:router,${l.router}`,
    `--dhcp-leasefile=${leaseFile}`,
    `--pid-file=${path.join(dir, 'lan-dnsmasq.pid')}`,
    '--dhcp-authoritative',
  );
  return { leaseFile };
}

/** A udhcpc script that configures the lease it gets (busybox ships none). */
export function udhcpcScript(dir: string): string {
  const file = path.join(dir, 'udhcpc.sh');
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      'case "$1" in',
      '  bound|renew)',
      '    ip addr flush dev "$interface" scope global',
      '    ip addr add "$ip/$mask" dev "$interface"',
      '    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"',
      '    ;;',
      'esac',
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

/** A guest: its own namespace whose eth0 is cabled to PORT (a new interface in HOST, left for the test to attach). */
export function makeGuest(host: Netns, port: string): Netns {
  const guest = Netns.create('guest');
  try {
    host.ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest.name);
    guest.ip('link', 'set', 'eth0', 'up');
    return guest;
  } catch (error) {
    guest.destroy();
    throw error;
  }
}

export interface PingWatch {
  /** Resolves with the sequence number of the first reply that arrives after this call; rejects naming `what` after `timeoutMs`. */
  nextReply(what: string, timeoutMs?: number): Promise<number>;
  /**
   * Stops pinging. `sent` is ping's own count of requests sent; `lost` are the sequence
   * numbers up to the last reply that got none (requests still in flight at the stop are
   * neither), so every lost ping lies inside an outage that ended.
   */
  stop(): Promise<{ sent: number; lastReply: number; lost: number[] }>;
}

/** Pings ADDRESS from NS every 50 ms until stop(). */
export function pingWatch(ns: Netns, address: string): PingWatch {
  const child = spawn('ip', ['netns', 'exec', ns.name, 'busybox', 'ping', '-i', '0.05', address], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  const replies = new Set<number>();
  let lastReply = -1;
  const waiters = new Set<(seq: number) => void>();
  let stopped: Promise<{ sent: number; lastReply: number; lost: number[] }> | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    const start = Math.max(0, output.lastIndexOf('\n') + 1);
    output += chunk.toString();
    for (const m of output.slice(start).matchAll(/seq=(\d+)/g)) {
      const seq = Number(m[1]);
      if (replies.has(seq)) continue;
      replies.add(seq);
      lastReply = Math.max(lastReply, seq);
      for (const waiter of waiters) waiter(seq);
    }
  });
  return {
    nextReply: (what, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const after = lastReply;
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no ping reply from ${address} in ${ns.name} within ${timeoutMs / 1000} s: ${what}`));
        }, timeoutMs);
        const waiter = (seq: number): void => {
          if (seq <= after) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(seq);
        };
        waiters.add(waiter);
      }),
    // Idempotent, so a test may stop it again on its way out.
    stop: () =>
      (stopped ??= new Promise((resolve) => {
        child.on('close', () => {
          // busybox ping prints "N packets transmitted, M packets received" on SIGINT.
          const sent = Number(/(\d+) packets transmitted/.exec(output)?.[1] ?? 0);
          const lost: number[] = [];
          for (let seq = 0; seq <= lastReply; seq++) if (!replies.has(seq)) lost.push(seq);
          resolve({ sent, lastReply, lost });
        });
        child.kill('SIGINT');
      })),
  };
}
