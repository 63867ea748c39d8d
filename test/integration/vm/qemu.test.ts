// Real VMs on our networks: QEMU (KVM when /dev/kvm works, else TCG) boots Debian's
// cloud kernel with a busybox initramfs, run by an unprivileged user (nobody) who
// attaches it through qemu-bridge-helper. Everything happens inside the test's network
// namespaces and one private mount namespace whose /etc/qemu is a temporary folder
// (the machine's /etc is overlaid there, never written). Topology:
//
//   outside (10.99.0.2, httpd :7000) ── host (10.99.0.1, runs vnet and QEMU; httpd :9000)
//                                        ├─ vmnet8 NAT 192.168.133.0/24 ─ vm8 (reserved .50, httpd :80, forward 8080)
//                                        └─ vmnet1 host-only 192.168.56.0/24 ─ vm1 (reserved .60)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { cliBundle, ensureCliBuilt, run, Sandbox, waitFor, type Netns, type Result } from '../lib/netns';
import { guestImage } from './image';

const sandbox = new Sandbox();
const NOBODY = 65534;
const VM8 = { mac: '52:54:00:76:6d:08', address: '192.168.133.50' };
const VM1 = { mac: '52:54:00:76:6d:01', address: '192.168.56.60' };
let host: Netns;
let outside: Netns;
let dir: string;
let qemuDir: string;
let holder: ChildProcess;
let accel: 'kvm' | 'tcg';
const vms: Record<string, Vm> = {};

function config(): Config {
  const vmnet8 = natNetwork('vmnet8', '192.168.133.0/24');
  vmnet8.dhcp.reservations = [{ mac: VM8.mac, address: VM8.address, hostname: 'vm8' }];
  vmnet8.nat.portForwards = [{ protocol: 'tcp', hostPort: 8080, guestAddress: VM8.address, guestPort: 80 }];
  const vmnet1 = hostOnlyNetwork('vmnet1', '192.168.56.0/24');
  vmnet1.dhcp.reservations = [{ mac: VM1.mac, address: VM1.address, hostname: 'vm1' }];
  return { version: 1, networks: [vmnet1, vmnet8] };
}

/**
 * Runs in `ip netns exec HOST unshare --mount`: /etc gets an overlay (its upper layer in
 * the test folder) so that /etc/qemu can be a bind mount of the test's folder even where
 * the machine has no /etc/qemu; the bridge helper is a setuid copy (Debian ships it without
 * the bit: `chmod u+s` is the documented step); /dev/kvm a node nobody may open. Then it
 * holds the namespace open for `nsenter`.
 */
const HOLDER = [
  'set -e',
  'D="$1"',
  'mount --make-rprivate /',
  'mkdir -p "$D/etc-upper" "$D/etc-work"',
  'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$D/etc-upper,workdir=$D/etc-work" /etc',
  'mkdir -p /etc/qemu',
  'mount --bind "$D/etc-qemu" /etc/qemu',
  'mount --bind "$D/qemu-bridge-helper" /usr/lib/qemu/qemu-bridge-helper',
  'if [ -e "$D/kvm" ]; then mount --bind "$D/kvm" /dev/kvm; fi',
  'echo ready',
  'exec sleep 86400',
].join('\n');

/** Runs argv inside the host's network namespace and the test's mount namespace. */
function inHost(argv: string[], env?: NodeJS.ProcessEnv): Promise<Result> {
  return run(['nsenter', '-t', String(holder.pid), '-m', '-n', ...argv], env ? { env } : {});
}

function vnet(args: string[]): Promise<Result> {
  return inHost([process.execPath, cliBundle, ...args], {
    ...process.env,
    VNET_CONFIG_DIR: path.join(dir, 'config'),
    VNET_STATE_DIR: path.join(dir, 'state'),
    VNET_LIBVIRT_URI: 'none',
    // The real path: inside the mount namespace, /etc/qemu is the test's folder.
    VNET_QEMU_DIR: '/etc/qemu',
  });
}

interface Vm {
  name: string;
  serial: string;
  startedAt: number;
  process: ChildProcess;
  text(): string;
}

/** Starts a guest as nobody with `-netdev bridge` (so through qemu-bridge-helper). */
function startVm(name: string, bridge: string, mac: string, args: string, useAccel: 'kvm' | 'tcg'): Vm {
  const serial = path.join(dir, `${name}-${useAccel}.log`);
  fs.writeFileSync(serial, '');
  fs.chownSync(serial, NOBODY, NOBODY);
  const qemu = [
    'qemu-system-x86_64',
    '-nodefaults',
    '-display',
    'none',
    '-serial',
    `file:${serial}`,
    '-monitor',
    'none',
    '-no-reboot',
    '-accel',
    useAccel,
    '-m',
    '192',
    '-kernel',
    path.join(dir, 'vmlinuz'),
    '-initrd',
    path.join(dir, 'initramfs.gz'),
    '-append',
    `console=ttyS0 panic=-1 vnet.name=${name} ${args}`,
    '-netdev',
    `bridge,id=n0,br=${bridge}`,
    '-device',
    `virtio-net-pci,netdev=n0,mac=${mac}`,
  ];
  const argv = [
    '-t',
    String(holder.pid),
    '-m',
    '-n',
    'setpriv',
    '--reuid',
    String(NOBODY),
    '--regid',
    String(NOBODY),
    '--clear-groups',
    '--',
    ...qemu,
  ];
  const child = spawn('nsenter', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  sandbox.track(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    name,
    serial,
    startedAt: Date.now(),
    process: child,
    text: () => `${fs.readFileSync(serial, 'utf8')}${stderr ? `\n[qemu stderr] ${stderr}` : ''}`,
  };
}

async function stopVm(vm: Vm): Promise<void> {
  if (vm.process.exitCode !== null) return;
  const gone = new Promise((resolve) => vm.process.once('exit', resolve));
  vm.process.kill('SIGKILL');
  await gone;
}

/** Waits for a `VNET …` line on the guest's console; says what the console showed when it does not come. */
async function consoleLine(vm: Vm, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  let match: RegExpExecArray | null = null;
  await waitFor(`${vm.name} to print ${pattern}`, () => (match = pattern.exec(vm.text())) !== null, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}; console: ${vm.text().trim().split('\n').slice(-6).join(' | ')}`);
  });
  return match!;
}

/** True when the CPU offers hardware virtualisation; without it a /dev/kvm (some nested VMs have one) never runs a guest. */
function cpuVirtualises(): boolean {
  return /^flags\s*:.*\b(vmx|svm)\b/m.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
}

/** KVM when /dev/kvm exists and a guest boots with it (nested virtualisation may hang or abort), else TCG. */
async function bootWithBestAccel(name: string, bridge: string, mac: string, args: string): Promise<Vm> {
  if (fs.existsSync(path.join(dir, 'kvm')) && cpuVirtualises()) {
    const vm = startVm(name, bridge, mac, args, 'kvm');
    try {
      // Without `quiet` the kernel prints within a second of starting; a KVM that cannot run guests prints nothing.
      await consoleLine(vm, /Linux version/, 15_000);
      accel = 'kvm';
      return vm;
    } catch {
      await stopVm(vm);
    }
  }
  accel = 'tcg';
  return startVm(name, bridge, mac, args, 'tcg');
}

function serveHttp(ns: Netns, port: number, body: string): void {
  const www = sandbox.tempDir('www');
  fs.writeFileSync(path.join(www, 'index.html'), `${body}\n`);
  fs.chmodSync(www, 0o755);
  ns.spawn(['busybox', 'httpd', '-f', '-p', String(port), '-h', www]);
}

beforeAll(async () => {
  await ensureCliBuilt();
  const image = guestImage();
  [host, outside] = await Promise.all([sandbox.netns('vmhost'), sandbox.netns('vmout')]);
  await sandbox.veth(host, 'up0', outside, 'o0', '10.99.0.1/24', '10.99.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.99.0.2');
  dir = sandbox.tempDir('vm');
  // nobody reads the kernel and writes the consoles.
  fs.chmodSync(dir, 0o755);
  fs.copyFileSync(image.kernel, path.join(dir, 'vmlinuz'));
  fs.copyFileSync(image.initramfs, path.join(dir, 'initramfs.gz'));
  qemuDir = path.join(dir, 'etc-qemu');
  fs.mkdirSync(qemuDir);
  const helper = path.join(dir, 'qemu-bridge-helper');
  fs.copyFileSync('/usr/lib/qemu/qemu-bridge-helper', helper);
  fs.chmodSync(helper, 0o4755);
  if (fs.existsSync('/dev/kvm')) {
    const rdev = fs.statSync('/dev/kvm').rdev;
    await run(['mknod', path.join(dir, 'kvm'), 'c', String(Math.floor(rdev / 256)), String(rdev % 256)]);
    fs.chownSync(path.join(dir, 'kvm'), NOBODY, NOBODY);
  }
  holder = host.spawn(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', HOLDER, 'sh', dir]);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    holder.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    holder.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    holder.on('exit', (code) => reject(new Error(`the mount namespace did not come up (${code}): ${err.trim()}`)));
  });
  const file = path.join(dir, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config()));
  const applied = await vnet(['apply', '--config', file, '--allow-bridge-helper']);
  expect(applied.code, applied.stderr).toBe(0);
  serveHttp(outside, 7000, 'outside');
  serveHttp(host, 9000, 'host');
  vms.vm8 = await bootWithBestAccel('vm8', 'vmnet8', VM8.mac, 'vnet.probe=10.99.0.2:7000');
  vms.vm1 = startVm('vm1', 'vmnet1', VM1.mac, 'vnet.gw=192.168.56.1 vnet.probe=10.99.0.2:7000,192.168.56.1:9000', accel);
}, 120_000);

afterAll(async () => {
  for (const vm of Object.values(vms)) await stopVm(vm).catch(() => undefined);
  if (holder) await vnet(['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('QEMU through the bridge helper', () => {
  it('the consent added one include line to the temporary bridge.conf, and the app’s ACL lists the bridges', () => {
    expect(fs.readFileSync(path.join(qemuDir, 'bridge.conf'), 'utf8')).toBe('include /etc/qemu/vnet-editor.conf\n');
    expect(fs.readFileSync(path.join(qemuDir, 'vnet-editor.conf'), 'utf8')).toMatch(/^allow vmnet1\nallow vmnet8\n$/m);
  });

  it('status says the bridge helper sees each network', async () => {
    const status = await vnet(['status']);
    expect(status.stdout.match(/QEMU bridge helper: sees it/g)).toHaveLength(2);
  });

  it('a NAT guest gets its reserved lease by DHCP', async () => {
    const [, uptime] = await consoleLine(
      vms.vm8!,
      new RegExp(`VNET lease ${VM8.address.replace(/\./g, '\\.')} router 192\\.168\\.133\\.2 ([\\d.]+)`),
    );
    console.info(
      `vm8 (${accel}): lease ${uptime}s after the kernel started, ${((Date.now() - vms.vm8!.startedAt) / 1000).toFixed(1)}s after QEMU started`,
    );
    const leases = JSON.parse((await vnet(['leases', 'vmnet8', '--json'])).stdout) as { mac: string; address: string }[];
    expect(leases).toContainEqual(expect.objectContaining({ mac: VM8.mac, address: VM8.address }));
  });

  it('reaches an outside namespace through NAT (the outside has no route back to the guests)', async () => {
    const [line] = await consoleLine(vms.vm8!, /VNET reach 10\.99\.0\.2:7000 (ok|fail).*/);
    expect(line).toBe('VNET reach 10.99.0.2:7000 ok outside');
  });

  it('serves a port forward: the outside reaches its web server on the host’s port 8080', async () => {
    await consoleLine(vms.vm8!, /VNET httpd/);
    const r = await outside.exec(['curl', '-s', '--max-time', '5', 'http://10.99.0.1:8080/']);
    expect(r.stdout.trim()).toBe('guest vm8');
  });

  it('a host-only guest gets its lease, reaches the host, and has no way out even with the host as its router', async () => {
    const [, uptime] = await consoleLine(vms.vm1!, new RegExp(`VNET lease ${VM1.address.replace(/\./g, '\\.')} router none ([\\d.]+)`));
    console.info(
      `vm1 (${accel}): lease ${uptime}s after the kernel started, ${((Date.now() - vms.vm1!.startedAt) / 1000).toFixed(1)}s after QEMU started`,
    );
    await consoleLine(vms.vm1!, /VNET done/);
    const text = vms.vm1!.text();
    expect(text).toContain('VNET reach 192.168.56.1:9000 ok host');
    expect(text).toContain('VNET reach 10.99.0.2:7000 fail');
  });
});
