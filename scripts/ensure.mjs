#!/usr/bin/env node
// Installs what is missing before `npm start` / `npm test`: npm packages, and the
// Debian packages the engine and the tests drive. Idempotent and quick when all is
// present. Without root it prints exactly what to install and stops.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] ?? 'test';

// Debian package -> a file it installs, to tell whether it is present.
// findutils (xargs, which starts a plan's DHCP servers together) is Essential in Debian: named here all the same.
const APP_PACKAGES = {
  'dnsmasq-base': '/usr/sbin/dnsmasq',
  nftables: '/usr/sbin/nft',
  iproute2: '/usr/sbin/ip',
  findutils: '/usr/bin/xargs',
};
const TEST_PACKAGES = {
  ...APP_PACKAGES,
  busybox: '/usr/bin/busybox',
  socat: '/usr/bin/socat',
  curl: '/usr/bin/curl',
  iperf3: '/usr/bin/iperf3',
  chromium: '/usr/bin/chromium',
  procps: '/usr/bin/pgrep',
  // A real NetworkManager for the bridged tests, run confined to namespaces by
  // test/integration/lib/nm-lab.ts. Installing it starts nothing where no init system
  // starts services (containers, CI); the harness never runs it in the root namespace.
  'network-manager': '/usr/sbin/NetworkManager',
  // rdisc6 reads the router advertisements guests get (router lifetime, prefix, RDNSS).
  ndisc6: '/usr/bin/rdisc6',
  // Real VMs (test/integration/vm): QEMU with its bridge helper, and a libvirtd confined in namespaces.
  'qemu-system-x86': '/usr/bin/qemu-system-x86_64',
  'libvirt-daemon': '/usr/sbin/libvirtd',
  'libvirt-daemon-driver-qemu': '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so',
  'libvirt-clients': '/usr/bin/virsh',
  iptables: '/usr/sbin/iptables',
};

function run(cmd, args, extraEnv = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (result.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

function ensureDebianPackages(wanted) {
  const missing = Object.entries(wanted)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    console.error(`Missing system packages: ${missing.join(' ')}`);
    console.error(`Install them first, then run this again:\n\n  sudo apt-get install --no-install-recommends ${missing.join(' ')}\n`);
    process.exit(1);
  }
  if (!existsSync('/usr/bin/apt-get')) {
    console.error(`Missing system packages (${missing.join(' ')}) and no apt-get to install them; install them with your package manager.`);
    process.exit(1);
  }
  console.log(`Installing system packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], env);
  // NetworkManager and libvirt are only for the tests, which run them confined to
  // namespaces. On a host whose init starts services, their install scripts would start
  // them in the host's own namespace, where NetworkManager could take over its network:
  // a policy-rc.d that refuses every start keeps them stopped (Debian's own mechanism).
  const guard = '/usr/sbin/policy-rc.d';
  const placedGuard = !existsSync(guard);
  if (placedGuard)
    writeFileSync(guard, '#!/bin/sh\n# placed by virtual-network-editor scripts/ensure.mjs during apt-get install\nexit 101\n', {
      mode: 0o755,
    });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (placedGuard) rmSync(guard, { force: true });
  if (install.status !== 0) {
    console.error(`\napt-get install ${missing.join(' ')} failed (exit ${install.status ?? install.signal}).`);
    process.exit(1);
  }
  // ...and never at the next boot either.
  if (missing.includes('network-manager') && existsSync('/run/systemd/system')) {
    spawnSync('systemctl', ['disable', 'NetworkManager.service'], { stdio: 'inherit' });
  }
}

function ensureNpmPackages() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing npm packages (npm ci)…');
  // The Electron binary comes from github.com, which offline machines cannot reach, so
  // `npm ci` never fetches it (a failed download would fail the install); `npm start`
  // tries the download itself, bounded, and serves the editor in a browser if it fails.
  run('npm', ['ci', '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '1' });
}

ensureNpmPackages();
ensureDebianPackages(mode === 'app' ? APP_PACKAGES : TEST_PACKAGES);
