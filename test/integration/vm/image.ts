// A tiny guest for the real-VM tests: Debian's cloud kernel and a busybox initramfs,
// built from Debian packages by `apt-get download` + `dpkg-deb -x` (nothing is
// installed on the host) and cached outside the repository between runs.
//
// The guest's /init takes its orders from the kernel command line (vnet.*), prints
// `VNET …` lines on the serial console, and the test reads them from the serial file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

/** Where kernels and initramfs images are kept between runs (never inside the repo). */
export function cacheDir(): string {
  return process.env.VNET_TEST_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vnet-editor-tests');
}

export interface GuestImage {
  kernel: string;
  initramfs: string;
}

/** The modules a virtio NIC needs; their dependencies are read from the module files. */
const WANTED_MODULES = ['virtio_pci', 'virtio_net'];

// Bump when /init or the module list changes, so a cached image is rebuilt.
const IMAGE_VERSION = 1;

const INIT = `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin /www
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "VNET $*" > /dev/ttyS0; }
arg() { sed -n "s/.*vnet\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
for m in $(cat /modules.order); do insmod /modules/$m.ko || say "insmod $m failed"; done
ip link set lo up
ip link set eth0 up
say "boot $(cut -d' ' -f1 /proc/uptime)"
udhcpc -i eth0 -s /udhcpc.sh -q -f -t 60 -T 1 -A 1 > /dev/null 2>&1 || say "no lease"
# A host-only guest gets no router from DHCP: give it the host as one, to show that it still cannot get out.
gw=$(arg gw)
[ -n "$gw" ] && ip route add default via "$gw"
echo "guest $(arg name)" > /www/index.html
httpd -p 80 -h /www && say "httpd"
for target in $(arg probe | tr ',' ' '); do
  if timeout 5 wget -q -O /tmp/answer "http://$target/"; then say "reach $target ok $(cat /tmp/answer)"; else say "reach $target fail"; fi
done
say "done"
while true; do sleep 3600; done
`;

const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route add default via "\${router%% *}" dev "$interface"
    echo "VNET lease $ip router \${router:-none} $(cut -d' ' -f1 /proc/uptime)" > /dev/ttyS0
    ;;
esac
exit 0
`;

function sh(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The current cloud kernel package, e.g. linux-image-6.1.0-57-cloud-amd64. */
function kernelPackage(): string {
  const out = sh('apt-cache', ['depends', 'linux-image-cloud-amd64']);
  const match = /Depends:\s*(linux-image-\S+-cloud-amd64)/.exec(out);
  if (!match) throw new Error(`cannot tell the current cloud kernel from apt-cache: ${out.trim()}`);
  return match[1]!;
}

/** A module's dependencies, from the `depends=` entry of its .modinfo section. */
export function moduleDepends(file: Buffer): string[] {
  const text = file.toString('latin1');
  const at = text.indexOf('\0depends=');
  if (at < 0) return [];
  const value = text.slice(at + 9, text.indexOf('\0', at + 9));
  return value.split(',').filter(Boolean);
}

/** Module files by name under a kernel's /lib/modules tree. */
function moduleFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ko')) out.set(entry.name.slice(0, -3).replace(/-/g, '_'), p);
    }
  };
  walk(root);
  return out;
}

/** The wanted modules and their dependencies, dependencies first. */
function loadOrder(files: Map<string, string>): string[] {
  const order: string[] = [];
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    const file = files.get(name);
    if (!file) throw new Error(`module ${name} is not in the kernel package`);
    for (const dep of moduleDepends(fs.readFileSync(file))) visit(dep);
    order.push(name);
  };
  for (const name of WANTED_MODULES) visit(name);
  return order;
}

/** Libraries a dynamically linked program needs, from ldd. */
function libraries(program: string): string[] {
  return sh('ldd', [program])
    .split('\n')
    .map((line) => /(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((p): p is string => !!p);
}

interface CpioEntry {
  name: string;
  mode: number;
  data?: Buffer;
}

/** An initramfs in the kernel's "newc" cpio format, gzip-compressed. */
export function cpio(entries: CpioEntry[]): Buffer {
  const chunks: Buffer[] = [];
  const pad = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  let ino = 1;
  const add = (e: CpioEntry): void => {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`);
    const fields = [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
    const header = `070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`;
    chunks.push(Buffer.from(header), name, pad(110 + name.length), data, pad(data.length));
  };
  for (const e of entries) add(e);
  add({ name: 'TRAILER!!!', mode: 0 });
  return zlib.gzipSync(Buffer.concat(chunks));
}

const DIR = 0o040755;
const EXE = 0o100755;
const FILE = 0o100644;

function buildInitramfs(modules: Map<string, string>, order: string[]): Buffer {
  const entries: CpioEntry[] = [];
  const dirs = new Set<string>();
  const dir = (p: string): void => {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (d && !dirs.has(d)) {
        dirs.add(d);
        entries.push({ name: d, mode: DIR });
      }
    }
  };
  const file = (name: string, data: Buffer, mode: number): void => {
    dir(path.dirname(name));
    entries.push({ name, mode, data });
  };
  const busybox = '/usr/bin/busybox';
  file('bin/busybox', fs.readFileSync(busybox), EXE);
  for (const lib of libraries(busybox)) file(lib.slice(1), fs.readFileSync(lib), EXE);
  file('init', Buffer.from(INIT), EXE);
  file('udhcpc.sh', Buffer.from(UDHCPC_SCRIPT), EXE);
  file('modules.order', Buffer.from(`${order.join('\n')}\n`), FILE);
  for (const name of order) file(`modules/${name}.ko`, fs.readFileSync(modules.get(name)!), FILE);
  return cpio(entries);
}

/** Builds (or reuses from the cache) the kernel and initramfs of the test guest. */
export function guestImage(): GuestImage {
  const pkg = kernelPackage();
  const dir = path.join(cacheDir(), `${pkg}-v${IMAGE_VERSION}`);
  const image = { kernel: path.join(dir, 'vmlinuz'), initramfs: path.join(dir, 'initramfs.gz') };
  if (fs.existsSync(image.kernel) && fs.existsSync(image.initramfs)) return image;
  fs.mkdirSync(cacheDir(), { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir(), 'build-'));
  try {
    // apt-get drops to _apt for the download: give it a folder it may write.
    fs.chmodSync(work, 0o777);
    sh('apt-get', ['download', '-q', pkg], work);
    const deb = fs.readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${work}`);
    sh('dpkg-deb', ['-x', deb, 'root'], work);
    const boot = path.join(work, 'root', 'boot');
    const vmlinuz = fs.readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
    if (!vmlinuz) throw new Error(`${pkg} has no vmlinuz`);
    const modules = moduleFiles(path.join(work, 'root', 'lib', 'modules'));
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    fs.copyFileSync(path.join(boot, vmlinuz), path.join(out, 'vmlinuz'));
    fs.writeFileSync(path.join(out, 'initramfs.gz'), buildInitramfs(modules, loadOrder(modules)));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(out, dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return image;
}
