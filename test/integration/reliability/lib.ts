// Shared pieces of the fault suite: the fault-injecting harness (harness.ts, bundled
// once per test file), snapshots of everything the app may touch in a namespace, DHCP
// server counts by pid file and by /proc, and the "one apply converges" check.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { repoRoot, run, vnet, type Netns, type Result, type Sandbox, type VnetDirs } from '../lib/netns';

/** Bundles harness.ts into a temporary folder of the sandbox; returns the script's path. */
export async function buildHarness(sandbox: Sandbox): Promise<string> {
  const out = path.join(sandbox.tempDir('harness'), 'harness.cjs');
  await build({
    entryPoints: [path.join(repoRoot, 'test/integration/reliability/harness.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'warning',
  });
  return out;
}

export interface Envelope {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; errors?: { path: (string | number)[]; message: string }[] };
}

export interface HarnessRun extends Result {
  /** The JSON line the harness printed (undefined when it was killed first). */
  json?: {
    result?: { ok: boolean; error?: string; applied: unknown[] };
    thrown?: string;
    envelope?: Envelope;
    envelopes?: Envelope[];
    started: number;
    failedAt?: number;
    finishedAt: number;
  };
  /** Host-changing commands the harness ran or was about to run. */
  commands: string[];
}

export async function harness(
  script: string,
  ns: Netns,
  dirs: VnetDirs,
  args: string[],
  faults: Record<string, string> = {},
  input?: string,
): Promise<HarnessRun> {
  const env = { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state, ...faults };
  const r = await ns.exec([process.execPath, script, ...args], { env, ...(input !== undefined ? { input } : {}), timeoutMs: 90_000 });
  const line = r.stdout.trim().split('\n').pop();
  let json: HarnessRun['json'];
  try {
    json = line ? (JSON.parse(line) as HarnessRun['json']) : undefined;
  } catch {
    json = undefined;
  }
  const commands = r.stderr
    .split('\n')
    .map((l) => /^harness: command \d+: (.*)$/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined);
  return { ...r, ...(json ? { json } : {}), commands };
}

/** Pids of dnsmasq processes in `ns` running a config from `dirs`' DHCP folder, by network (scan of /proc). */
export async function dnsmasqByProc(ns: Netns, dirs: VnetDirs): Promise<Map<string, number[]>> {
  const pids = (await run(['ip', 'netns', 'pids', ns.name])).stdout.split(/\s+/).filter(Boolean);
  const found = new Map<string, number[]>();
  const ours = path.join(dirs.state, 'dhcp');
  for (const pid of pids) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (path.basename(argv[0] ?? '') !== 'dnsmasq' || /\) [ZX] /.test(stat)) continue;
      const conf = argv.find((a) => a.startsWith('--conf-file='))?.slice('--conf-file='.length);
      if (!conf || path.dirname(conf) !== ours) continue;
      const network = path.basename(conf, '.conf');
      found.set(network, [...(found.get(network) ?? []), Number(pid)]);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** The live dnsmasq named by each pid file of the DHCP folder, by network. */
export function dnsmasqByPidFile(dirs: VnetDirs): Map<string, number> {
  const found = new Map<string, number>();
  const dir = path.join(dirs.state, 'dhcp');
  if (!fs.existsSync(dir)) return found;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.pid')) continue;
    const pid = Number(fs.readFileSync(path.join(dir, name), 'utf8').trim());
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0] ?? '') === 'dnsmasq') found.set(name.slice(0, -4), pid);
    } catch {
      // a stale pid file
    }
  }
  return found;
}

/** Exactly one DHCP server per network in `networks`, seen the same way by its pid file and by /proc; none for others. */
export async function expectOneDhcpServerEach(ns: Netns, dirs: VnetDirs, networks: string[], why = ''): Promise<void> {
  const byProc = await dnsmasqByProc(ns, dirs);
  const byFile = dnsmasqByPidFile(dirs);
  expect([...byProc.keys()].sort(), `networks with a dnsmasq (/proc) ${why}`).toEqual([...networks].sort());
  for (const network of networks) {
    expect(byProc.get(network), `dnsmasq processes of ${network} ${why}`).toHaveLength(1);
    expect(byFile.get(network), `pid file of ${network} ${why}`).toBe(byProc.get(network)![0]);
  }
}

/** Everything the app may change in a namespace, in a form two snapshots can be compared in. */
export interface HostSnapshot {
  links: string[];
  addresses: string[];
  routes: string[];
  ruleset: string;
  forwarding: string;
  dnsmasq: string[];
}

export async function snapshot(ns: Netns, dirs: VnetDirs): Promise<HostSnapshot> {
  const links = await ns.ipJson<{ ifname: string; flags?: string[]; master?: string; linkinfo?: { info_kind?: string } }[]>(
    '-d',
    'link',
    'show',
  );
  const addrs = await ns.ipJson<{ ifname: string; addr_info?: { local: string; prefixlen: number }[] }[]>('-4', 'addr', 'show');
  const routes = await ns.ipJson<{ dst: string; dev?: string; gateway?: string }[]>('-4', 'route', 'show', 'table', 'main');
  const dnsmasq = await dnsmasqByProc(ns, dirs);
  return {
    // Guests' veth ports (vg…) belong to the test, not to the host state under comparison.
    links: links
      .filter((l) => !l.ifname.startsWith('vg'))
      .map((l) => `${l.ifname} ${l.linkinfo?.info_kind ?? '-'} ${l.flags?.includes('UP') ? 'up' : 'down'} ${l.master ?? '-'}`)
      .sort(),
    addresses: addrs
      .filter((a) => !a.ifname.startsWith('vg'))
      .flatMap((a) => (a.addr_info ?? []).map((i) => `${a.ifname} ${i.local}/${i.prefixlen}`))
      .sort(),
    routes: routes.map((r) => `${r.dst} ${r.dev ?? '-'} ${r.gateway ?? '-'}`).sort(),
    ruleset: await ns.must(['nft', 'list', 'ruleset']),
    forwarding: (await ns.must(['cat', '/proc/sys/net/ipv4/ip_forward'])).trim(),
    dnsmasq: [...dnsmasq.entries()].map(([n, p]) => `${n}×${p.length}`).sort(),
  };
}

/** A guest namespace on a bridge of `host`; `attach()` plugs it in again after the bridge was recreated. */
export interface Guest {
  ns: Netns;
  attach(): Promise<void>;
  lease(): Promise<{ ip: string; router: string }>;
}

export async function makeGuest(sandbox: Sandbox, host: Netns, bridge: string, tag: string): Promise<Guest> {
  const ns = await sandbox.netns(tag);
  const port = `vg${sandbox.id}${tag.slice(-2)}`.slice(0, 15);
  await host.ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name);
  await ns.ip('link', 'set', 'eth0', 'up');
  const attach = async (): Promise<void> => {
    await host.ip('link', 'set', port, 'master', bridge, 'up');
  };
  return {
    ns,
    attach,
    async lease() {
      await attach();
      const lease = await sandbox.dhcp(ns, 'eth0', { applyRoute: false });
      return { ip: lease.ip, router: lease.router };
    },
  };
}

/**
 * The end of every fault case: ONE `vnet apply` (of `file`, or the stored config) exits 0
 * and then the host has converged: an empty plan, a clean doctor, exactly one DHCP
 * server per DHCP network, and each guest gets a lease.
 */
export async function applyConverges(
  host: Netns,
  dirs: VnetDirs,
  opts: { file?: string; dhcpNetworks: string[]; guests: Guest[]; why: string },
): Promise<void> {
  const r = await vnet(host, dirs, ['apply', ...(opts.file ? ['--config', opts.file] : [])]);
  expect(r.code, `${opts.why}: apply: ${r.stderr}`).toBe(0);
  const plan = await vnet(host, dirs, ['plan', '--json']);
  expect(plan.code, `${opts.why}: plan: ${plan.stderr}`).toBe(0);
  expect(JSON.parse(plan.stdout), `${opts.why}: plan after apply`).toEqual([]);
  const doctor = await vnet(host, dirs, ['doctor']);
  expect(doctor.stdout, `${opts.why}: doctor`).not.toMatch(/PROBLEM/);
  expect(doctor.code, `${opts.why}: doctor: ${doctor.stdout}`).toBe(0);
  await expectOneDhcpServerEach(host, dirs, opts.dhcpNetworks, opts.why);
  for (const guest of opts.guests) {
    const lease = await guest.lease();
    expect(lease.ip, `${opts.why}: lease`).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  }
}

/** A host namespace with an uplink and a default route to an "outside" namespace (doctor checks the uplink route). */
export async function hostWithUplink(sandbox: Sandbox, tag: string, octet: number): Promise<{ host: Netns; outside: Netns }> {
  const [host, outside] = await Promise.all([sandbox.netns(`${tag}h`), sandbox.netns(`${tag}o`)]);
  await sandbox.veth(host, 'eth0', outside, 'o0', `10.${octet}.0.1/24`, `10.${octet}.0.2/24`);
  await host.ip('route', 'add', 'default', 'via', `10.${octet}.0.2`);
  return { host, outside };
}

export function writeConfig(sandbox: Sandbox, name: string, config: unknown): string {
  const file = path.join(sandbox.tempDir('input'), name);
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** A running `vnet serve` inside a namespace: its URL, token and an API caller (curl in the namespace). */
export interface Console {
  port: number;
  token: string;
  call(channel: string, payload: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
}

export async function startConsole(sandbox: Sandbox, ns: Netns, dirs: VnetDirs): Promise<Console> {
  const { spawn } = await import('node:child_process');
  const { cliBundle } = await import('../lib/netns');
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, cliBundle, 'serve'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state },
  });
  sandbox.track(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('vnet serve printed no URL')), 30_000);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out)?.[1];
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => reject(new Error(`vnet serve exited (${code})`)));
  });
  const parsed = new URL(url);
  const port = Number(parsed.port);
  const token = parsed.searchParams.get('token')!;
  return {
    port,
    token,
    async call(channel, payload, headers = { Authorization: `Bearer ${token}` }) {
      const args = ['curl', '-s', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST', '-H', 'Content-Type: application/json'];
      for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
      args.push('--data-binary', '@-', `http://127.0.0.1:${port}/api/${channel}`);
      const r = await ns.exec(args, { input: JSON.stringify(payload), timeoutMs: 90_000 });
      const cut = r.stdout.lastIndexOf('\n');
      return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
    },
  };
}
