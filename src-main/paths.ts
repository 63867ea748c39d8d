// Where the app keeps its files. Tests point both folders at temporary ones.
import path from 'node:path';

export interface Dirs {
  /** Holds networks.json (the stored config) and its backup. */
  config: string;
  /** Holds dnsmasq configs, pid and lease files, the journal and the apply lock. */
  state: string;
  /** libvirt connection URI whose networks mirror ours (`qemu:///system`); unset: libvirt is left alone. */
  libvirt?: string;
  /** QEMU's config folder, holding bridge.conf for qemu-bridge-helper (`/etc/qemu`); unset: left alone. */
  qemu?: string;
}

export function dirsFromEnv(env: NodeJS.ProcessEnv = process.env): Dirs {
  return {
    config: env.VNET_CONFIG_DIR || '/etc/vnet-editor',
    state: env.VNET_STATE_DIR || '/var/lib/vnet-editor',
    // `none` switches a hypervisor hook off for this process (tests that must not see the host's libvirtd).
    ...(env.VNET_LIBVIRT_URI === 'none' ? {} : { libvirt: env.VNET_LIBVIRT_URI || 'qemu:///system' }),
    ...(env.VNET_QEMU_DIR === 'none' ? {} : { qemu: env.VNET_QEMU_DIR || '/etc/qemu' }),
  };
}

export function configFile(dirs: Dirs): string {
  return path.join(dirs.config, 'networks.json');
}

export function backupFile(dirs: Dirs): string {
  return path.join(dirs.config, 'networks.json.bak');
}
