// Network-namespace helpers for integration tests: every change happens inside
// namespaces created here (names carry a random suffix, as other tests run at the same
// time), with temporary config and state folders; cleanup() deletes all of it and kills
// every process started here, also when a test fails.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const cliBundle = path.join(repoRoot, 'dist', 'cli.cjs');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs argv (no shell); never throws for a non-zero exit. */
export function run(argv: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      argv[0]!,
      argv.slice(1),
      { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, env: opts.env ?? process.env, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr: stderr || (error && code === -1 ? String(error) : '') });
      },
    );
    // The command may exit before reading its input (a refused connection): that is not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs argv and returns stdout; throws with the command and its stderr on failure. */
export async function must(argv: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export const randomSuffix = (): string => crypto.randomBytes(3).toString('hex');

/** A unique interface name (at most 15 characters). */
export function ifname(prefix: string): string {
  return `${prefix.slice(0, 8)}${randomSuffix()}`;
}

export class Netns {
  constructor(
    readonly name: string,
    private readonly sandbox: Sandbox,
  ) {}

  exec(argv: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
    return run(['ip', 'netns', 'exec', this.name, ...argv], opts);
  }

  must(argv: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    return must(['ip', 'netns', 'exec', this.name, ...argv], opts);
  }

  ip(...args: string[]): Promise<string> {
    return must(['ip', '-n', this.name, ...args]);
  }

  async ipJson<T>(...args: string[]): Promise<T> {
    return JSON.parse((await must(['ip', '-n', this.name, '-j', ...args])) || '[]') as T;
  }

  /**
   * Waits until no IPv6 address here is tentative (its DAD is over). A browser started here
   * before then has its requests in flight aborted with ERR_NETWORK_CHANGED when one of them
   * leaves that state (a link-local address does a second or two after its link came up).
   */
  async addressesSettled(timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `no tentative IPv6 address in ${this.name}`,
      async () => (await this.ip('-6', 'addr', 'show', 'tentative')).trim() === '',
      timeoutMs,
    );
  }

  /** Starts a long-running process inside the namespace; the sandbox kills it on cleanup. */
  spawn(argv: string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: [stdin, 'pipe', 'pipe'], detached: true });
    this.sandbox.track(child);
    return child;
  }

  /** Reads a sysctl of this namespace. */
  async sysctl(key: string): Promise<string> {
    return (await this.must(['cat', `/proc/sys/${key.replace(/\./g, '/')}`])).trim();
  }
}

export interface DhcpLease {
  ip: string;
  subnet: string;
  router: string;
  dns: string;
  serverid: string;
  /** Options asked for with `ask` (empty when not asked or not sent). */
  domain: string;
  mtu: string;
  /** The boot file: `$boot_file` (from the file field) or `$bootfile` (option 67). */
  bootFile: string;
  /** The next server (siaddr), where the boot file is fetched from. */
  nextServer: string;
}

/**
 * Everything one test file creates. Namespaces are `vne-<tag><random>`; `dirs` are
 * temporary VNET_CONFIG_DIR/VNET_STATE_DIR folders.
 */
export class Sandbox {
  readonly namespaces: Netns[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly tempDirs: string[] = [];
  readonly id = randomSuffix();

  async netns(tag: string): Promise<Netns> {
    const ns = new Netns(`vne-${tag.slice(0, 10)}-${this.id}${randomSuffix().slice(0, 2)}`, this);
    await must(['ip', 'netns', 'add', ns.name]);
    this.namespaces.push(ns);
    await ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  tempDir(tag: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vne-${tag}-`));
    this.tempDirs.push(dir);
    return dir;
  }

  track(child: ChildProcess): void {
    this.children.push(child);
  }

  /** A veth pair: `aName` in `a`, `bName` in `b`, both up, with optional addresses. */
  async veth(a: Netns, aName: string, b: Netns, bName: string, aAddr?: string, bAddr?: string): Promise<void> {
    await a.ip('link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b.name);
    if (aAddr) await a.ip('addr', 'add', aAddr, 'dev', aName);
    if (bAddr) await b.ip('addr', 'add', bAddr, 'dev', bName);
    await a.ip('link', 'set', aName, 'up');
    await b.ip('link', 'set', bName, 'up');
  }

  /**
   * A guest: a namespace whose eth0 is a veth whose peer is enslaved to `bridge` in
   * `host` (the bridge must exist), with an optional fixed MAC.
   */
  async guest(tag: string, host: Netns, bridge: string, mac?: string): Promise<Netns> {
    const guest = await this.netns(tag);
    const port = ifname('vg');
    await host.ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', guest.name);
    if (mac) await guest.ip('link', 'set', 'eth0', 'address', mac);
    await host.ip('link', 'set', port, 'master', bridge, 'up');
    await guest.ip('link', 'set', 'eth0', 'up');
    return guest;
  }

  /**
   * Runs busybox udhcpc in `ns` on `iface` until it gets a lease, and applies it (address,
   * and default route when a router is offered) through a small script of our own.
   */
  async dhcp(
    ns: Netns,
    iface = 'eth0',
    opts: {
      applyRoute?: boolean;
      tries?: number;
      hostname?: string;
      ask?: ('mtu' | 'bootfile')[];
      /** Ask for this address in the DISCOVER (udhcpc -r). */
      request?: string;
    } = {},
  ): Promise<DhcpLease> {
    const dir = this.tempDir('udhcpc');
    const out = path.join(dir, 'lease');
    const script = path.join(dir, 'script.sh');
    fs.writeFileSync(
      script,
      [
        '#!/bin/sh',
        // Only the bound/renew events carry a lease.
        'case "$1" in bound|renew)',
        `  printf 'ip=%s\\nsubnet=%s\\nrouter=%s\\ndns=%s\\nserverid=%s\\ndomain=%s\\nmtu=%s\\nbootfile=%s\\nsiaddr=%s\\n' "$ip" "$subnet" "$router" "$dns" "$serverid" "$domain" "$mtu" "\${boot_file:-$bootfile}" "$siaddr" > ${out}`,
        '  ip addr flush dev "$interface"',
        '  ip addr add "$ip/$mask" dev "$interface"',
        opts.applyRoute === false ? '  :' : '  [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"',
        '  ;;',
        'esac',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    // udhcpc asks for neither the MTU nor the boot file unless told to.
    const extra = [
      ...(opts.ask ?? []).flatMap((o) => ['-O', o]),
      ...(opts.hostname ? ['-x', `hostname:${opts.hostname}`] : []),
      ...(opts.request ? ['-r', opts.request] : []),
    ];
    // -T 2: while dnsmasq ping-checks another guest's new address (about 3 s) it answers no
    // DHCP at all, so three requests 1 s apart could all go unanswered; a real client waits longer.
    const r = await ns.exec(
      ['busybox', 'udhcpc', '-i', iface, '-f', '-q', '-n', '-t', String(opts.tries ?? 5), '-T', '2', ...extra, '-s', script],
      { timeoutMs: 30_000 },
    );
    if (r.code !== 0 || !fs.existsSync(out)) throw new Error(`no DHCP lease in ${ns.name} on ${iface}: ${r.stderr.trim()}`);
    const lease: Record<string, string> = {};
    for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
      const [k, ...v] = line.split('=');
      if (k) lease[k] = v.join('=');
    }
    return {
      ip: lease.ip ?? '',
      subnet: lease.subnet ?? '',
      router: lease.router ?? '',
      dns: lease.dns ?? '',
      serverid: lease.serverid ?? '',
      domain: lease.domain ?? '',
      mtu: lease.mtu ?? '',
      bootFile: lease.bootfile ?? '',
      nextServer: lease.siaddr ?? '',
    };
  }

  /** Kills every process started here and deletes every namespace and temporary folder. */
  async cleanup(): Promise<void> {
    for (const child of this.children) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const ns of this.namespaces) {
      // Anything still running inside (a daemon the test started, or one left by a failed test) dies with it.
      const pids = await run(['ip', 'netns', 'pids', ns.name]);
      for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone
        }
      }
      await run(['ip', 'netns', 'del', ns.name]);
    }
    // A state folder's sibling holds what dnsmasq rereads (see dnsmasqReadableDir).
    for (const dir of this.tempDirs) for (const d of [dir, `${dir}-dnsmasq`]) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** Temporary VNET_CONFIG_DIR and VNET_STATE_DIR for a CLI run. */
export interface VnetDirs {
  config: string;
  state: string;
}

export function vnetDirs(sandbox: Sandbox): VnetDirs {
  return { config: sandbox.tempDir('config'), state: sandbox.tempDir('state') };
}

/** Runs the `vnet` CLI (dist/cli.cjs) inside `ns` with the given folders. */
export function vnet(ns: Netns, dirs: VnetDirs, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Result> {
  const env = { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state };
  return ns.exec([process.execPath, cliBundle, ...args], { ...opts, env });
}

/** Starts the `vnet` CLI inside `ns` without waiting (to kill it mid-way, or to race it). */
export function spawnVnet(ns: Netns, dirs: VnetDirs, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns.name, process.execPath, cliBundle, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state },
  });
}

/** Builds dist/cli.cjs when it is missing or older than the sources (so a test file can run on its own). */
export async function ensureCliBuilt(): Promise<void> {
  const newest = (dir: string): number => {
    let t = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) t = Math.max(t, newest(p));
      else if (entry.name.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
    }
    return t;
  };
  const built = fs.existsSync(cliBundle) ? fs.statSync(cliBundle).mtimeMs : 0;
  if (built > Math.max(newest(path.join(repoRoot, 'src-main')), newest(path.join(repoRoot, 'src-shared')))) return;
  await must([process.execPath, path.join(repoRoot, 'scripts', 'build.mjs'), 'cli'], { timeoutMs: 120_000 });
}

const ECHO_SERVER = `
const [proto, port, reply, hold] = process.argv.slice(1);
const answer = (peer) => reply + ' ' + peer + '\\n';
if (proto === 'tcp') {
  const server = require('node:net').createServer((socket) => {
    socket.on('error', () => {});
    const text = answer(socket.remoteAddress.replace(/^::ffff:/, ''));
    // hold: keep the connection open and echo what the client sends.
    if (hold === 'hold') { socket.write(text); socket.pipe(socket); } else socket.end(text);
  });
  server.listen(Number(port), '::', () => console.log('ready'));
} else {
  const socket = require('node:dgram').createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(answer(rinfo.address), rinfo.port, rinfo.address));
  socket.bind(Number(port), '0.0.0.0', () => console.log('ready'));
}
`;

/** Starts a TCP or UDP server in `ns` on all addresses that answers with `reply` and the peer address it saw. */
export function echoServer(ns: Netns, protocol: 'tcp' | 'udp', port: number, reply: string, hold = false): Promise<ChildProcess> {
  return spawnReady(ns, `echo server ${protocol}/${port}`, [
    process.execPath,
    '-e',
    ECHO_SERVER,
    protocol,
    String(port),
    reply,
    hold ? 'hold' : '',
  ]);
}

/**
 * Starts a long-running program in `ns` and resolves once its output (stdout or stderr)
 * matches `ready` (by default a line `ready`): readiness from the program itself, not a
 * sleep. Rejects, naming `what` and what it printed, if it exits first or within `timeoutMs`.
 */
export function spawnReady(ns: Netns, what: string, argv: string[], ready: RegExp = /^ready$/m, timeoutMs = 30_000): Promise<ChildProcess> {
  const child = ns.spawn(argv);
  return new Promise<ChildProcess>((resolve, reject) => {
    let output = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${what} in ${ns.name} ${why}; it printed: ${output.trim() || '(nothing)'}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs / 1000} s`), timeoutMs);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited (${code ?? signal}) before it was ready`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Connects from `ns` to address:port and returns what the server answered ('' when nothing). */
export async function probe(ns: Netns, protocol: 'tcp' | 'udp', address: string, port: number, timeoutSeconds = 2): Promise<string> {
  const target = protocol === 'tcp' ? `TCP:${address}:${port},connect-timeout=${timeoutSeconds}` : `UDP:${address}:${port}`;
  const r = await ns.exec(['socat', '-T', String(timeoutSeconds), '-', target], {
    input: 'hello\n',
    timeoutMs: (timeoutSeconds + 3) * 1000,
  });
  return r.stdout.trim();
}

/** Waits until `check` returns true (polling), or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until a socket in `ns` listens on `protocol` port `port` (as `ss` sees it): on
 * `address` when given, and held by process `pid` when given.
 */
export async function waitForListener(
  ns: Netns,
  protocol: 'tcp' | 'udp',
  port: number,
  opts: { address?: string; pid?: number; timeoutMs?: number } = {},
): Promise<void> {
  const owner = opts.pid === undefined ? '' : ` held by pid ${opts.pid}`;
  await waitFor(
    `a ${protocol} listener on ${opts.address ?? '*'}:${port}${owner} in ${ns.name}`,
    async () => {
      const r = await ns.exec(['ss', '-Hlnp', protocol === 'udp' ? '-u' : '-t', 'sport', '=', `:${port}`]);
      return r.stdout.split('\n').some((line) => {
        // Columns: state, recv-q, send-q, local address:port, peer, users:(("name",pid=N,fd=M)).
        const local = line.trim().split(/\s+/)[3];
        if (local === undefined) return false;
        if (opts.address !== undefined && local !== `${opts.address}:${port}`) return false;
        return opts.pid === undefined || line.includes(`pid=${opts.pid},`);
      });
    },
    opts.timeoutMs ?? 30_000,
  );
}

/** The programs running in `ns` (name and pid, zombies left out), from /proc. */
export async function processesIn(ns: Netns): Promise<{ pid: number; name: string }[]> {
  const pids = (await run(['ip', 'netns', 'pids', ns.name])).stdout.split(/\s+/).filter(Boolean);
  const found: { pid: number; name: string }[] = [];
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) [ZX] /.test(stat)) continue;
      found.push({ pid: Number(pid), name: fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
