// Where the app keeps its files. Tests point both folders at temporary ones.
import path from 'node:path';

export interface Dirs {
  /** Holds networks.json (the stored config) and its backup. */
  config: string;
  /** Holds dnsmasq configs, pid and lease files, the journal and the apply lock. */
  state: string;
}

export function dirsFromEnv(env: NodeJS.ProcessEnv = process.env): Dirs {
  return {
    config: env.VNET_CONFIG_DIR || '/etc/vnet-editor',
    state: env.VNET_STATE_DIR || '/var/lib/vnet-editor',
  };
}

export function configFile(dirs: Dirs): string {
  return path.join(dirs.config, 'networks.json');
}

export function backupFile(dirs: Dirs): string {
  return path.join(dirs.config, 'networks.json.bak');
}
