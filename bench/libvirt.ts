// The libvirt baseline: Debian's libvirtd run inside a namespace of the bench's own
// and a private mount namespace, with its state, config, runtime and log folders, and
// passwd/group copies that add the users it needs, bind-mounted from a temp folder.
// The machine's real /etc, /var and /run are never written, the host's D-Bus (and so
// firewalld/systemd) is hidden from it, and it never sees the root network namespace.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cleanup } from './cleanup';
import type { Log } from './harness';
import type { Netns } from './netns';
import { run, sleep, waitFor, type Daemon } from './proc';

/** Debian 12 package → a file it installs. libvirt 9 drives its NAT rules with iptables (nft backend). */
export const LIBVIRT_PACKAGES: Record<string, string> = {
  'libvirt-daemon': '/usr/sbin/libvirtd',
  'libvirt-clients': '/usr/bin/virsh',
  iptables: '/usr/sbin/iptables',
  'dnsmasq-base': '/usr/sbin/dnsmasq',
};

/** Installs libvirt when missing (as root, through apt-get). Returns why libvirt cannot be used, or null when it can. */
export async function ensureLibvirtInstalled(log: Log): Promise<string | null> {
  const missing = Object.entries(LIBVIRT_PACKAGES)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return null;
  if (process.getuid?.() !== 0)
    return `libvirt is not installed (${missing.join(', ')}) and the bench is not root, so it cannot install it`;
  if (!existsSync('/usr/bin/apt-get')) return `libvirt is not installed (${missing.join(', ')}) and there is no apt-get to install it`;
  log(`installing ${missing.join(' ')} for the libvirt baseline (not timed)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, timeoutMs: 600_000 });
  } catch (error) {
    return `installing ${missing.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const still = Object.entries(LIBVIRT_PACKAGES).filter(([, file]) => !existsSync(file));
  return still.length === 0 ? null : `after installing, still missing: ${still.map(([, f]) => f).join(', ')}`;
}

function freeId(taken: Set<number>, from: number): number {
  let id = from;
  while (taken.has(id)) id++;
  return id;
}

function idsOf(text: string): Set<number> {
  return new Set(
    text
      .split('\n')
      .map((line) => Number(line.split(':')[2]))
      .filter((n) => Number.isInteger(n)),
  );
}

function namesOf(text: string): Set<string> {
  return new Set(text.split('\n').map((line) => line.split(':')[0]!));
}

/**
 * Copies of /etc/passwd and /etc/group with what Debian's libvirt-daemon-system would add:
 * a `libvirt-qemu` user, and `libvirt`, `libvirt-qemu` and `kvm` groups (kept when present).
 */
export function libvirtUsers(passwd: string, group: string): { passwd: string; group: string } {
  const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  let p = withNewline(passwd);
  let g = withNewline(group);
  const gids = idsOf(g);
  const groups = namesOf(g);
  const gidFor = (name: string, from: number): number => {
    const line = g.split('\n').find((l) => l.startsWith(`${name}:`));
    if (line) return Number(line.split(':')[2]);
    const id = freeId(gids, from);
    gids.add(id);
    g += `${name}:x:${id}:${name === 'libvirt' ? 'libvirt-qemu' : ''}\n`;
    groups.add(name);
    return id;
  };
  gidFor('kvm', 64050);
  gidFor('libvirt', 64051);
  const qemuGid = gidFor('libvirt-qemu', 64055);
  if (!namesOf(p).has('libvirt-qemu')) {
    const uid = freeId(idsOf(p), 64055);
    p += `libvirt-qemu:x:${uid}:${qemuGid}:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n`;
  }
  return { passwd: p, group: g };
}

/**
 * Runs inside `unshare --mount`: makes every mount private, bind-mounts the sandbox's
 * folders and files over the system's, then becomes the command. $1 is the sandbox.
 * /run is replaced whole (so libvirt's runtime files stay in the sandbox and the host's
 * D-Bus socket is out of reach); /var/lib, /var/log and /var/cache likewise, which avoids
 * creating any mount point on the real file system.
 */
const SANDBOX_SCRIPT = [
  'set -e',
  'D="$1"; shift',
  'mount --make-rprivate /',
  'mount --bind "$D/run" /run',
  'mount --bind "$D/var-lib" /var/lib',
  'mount --bind "$D/var-log" /var/log',
  'mount --bind "$D/var-cache" /var/cache',
  'mount --bind "$D/etc-libvirt" /etc/libvirt',
  'mount --bind "$D/passwd" /etc/passwd',
  'mount --bind "$D/group" /etc/group',
  'exec "$@"',
].join('\n');

const LIBVIRTD_CONF = [
  '# libvirt baseline of the Virtual Network Editor bench: local socket only, root only',
  'unix_sock_group = "root"',
  'unix_sock_ro_perms = "0700"',
  'unix_sock_rw_perms = "0700"',
  'auth_unix_ro = "none"',
  'auth_unix_rw = "none"',
  '',
].join('\n');

export class LibvirtSandbox {
  private constructor(
    readonly ns: Netns,
    readonly dir: string,
    private readonly daemon: Daemon,
  ) {}

  /** `qemu:///system` reached through the sandbox's socket (the network driver lives in libvirtd on Debian 12). */
  get uri(): string {
    return `qemu:///system?socket=${path.join(this.dir, 'run', 'libvirt', 'libvirt-sock')}`;
  }

  /** `extraConfig`: more files for the sandbox's /etc/libvirt (e.g. a qemu.conf that lets domains start there). */
  static async start(cleanup: Cleanup, ns: Netns, extraConfig: Record<string, string> = {}): Promise<LibvirtSandbox> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vne-bench-libvirt-'));
    cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    for (const sub of ['run/libvirt', 'var-lib/libvirt', 'var-log/libvirt', 'var-cache/libvirt', 'etc-libvirt/qemu/networks']) {
      mkdirSync(path.join(dir, sub), { recursive: true });
    }
    const users = libvirtUsers(readFileSync('/etc/passwd', 'utf8'), readFileSync('/etc/group', 'utf8'));
    writeFileSync(path.join(dir, 'passwd'), users.passwd);
    writeFileSync(path.join(dir, 'group'), users.group);
    writeFileSync(path.join(dir, 'etc-libvirt', 'libvirtd.conf'), LIBVIRTD_CONF);
    writeFileSync(path.join(dir, 'etc-libvirt', 'libvirt.conf'), 'uri_default = "qemu:///system"\n');
    for (const [name, text] of Object.entries(extraConfig)) writeFileSync(path.join(dir, 'etc-libvirt', name), text);

    const daemon = ns.daemon(cleanup, 'unshare', [
      '--mount',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      SANDBOX_SCRIPT,
      'sh',
      dir,
      '/usr/sbin/libvirtd',
    ]);
    const sandbox = new LibvirtSandbox(ns, dir, daemon);
    // Registered after the daemon's stop, so it runs first: stop the networks while libvirtd still runs.
    cleanup.add('destroy libvirt networks', () => sandbox.destroyAll());
    try {
      await waitFor(
        'libvirtd to answer',
        async () => {
          if (daemon.exited()) throw new Error('exited');
          await sandbox.virsh(['net-list', '--all', '--name']);
          return true;
        },
        30_000,
        100,
      );
    } catch (error) {
      const why = daemon.exited() ? 'libvirtd exited' : error instanceof Error ? error.message : String(error);
      throw new Error(`libvirtd did not start in its namespace (${why}): ${lastLines(daemon.output(), 5)}`);
    }
    return sandbox;
  }

  /** argv for a fresh `virsh` process inside the namespace. */
  virshArgv(args: readonly string[]): [string, string[]] {
    return this.ns.argv('virsh', ['-q', '-c', this.uri, ...args]);
  }

  async virsh(args: readonly string[]): Promise<string> {
    const [cmd, argv] = this.virshArgv(args);
    return (await run(cmd, argv, { timeoutMs: 60_000 })).stdout;
  }

  async activeNetworks(): Promise<string[]> {
    const out = await this.virsh(['net-list', '--name']);
    return out
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  async destroyAll(): Promise<void> {
    if (this.daemon.exited()) return;
    try {
      for (const name of await this.activeNetworks()) await this.virsh(['net-destroy', name]);
    } catch (error) {
      // A libvirtd that died meanwhile has nothing left to destroy; its dnsmasq processes go with the namespace.
      await sleep(200);
      if (!this.daemon.exited()) throw error;
    }
  }

  /** Defines a network from XML text (persistent, not started, never autostarted). */
  async define(xml: string, name: string): Promise<void> {
    const file = path.join(this.dir, `${name}.xml`);
    writeFileSync(file, xml);
    await this.virsh(['net-define', file]);
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ') || '(no output)';
}
