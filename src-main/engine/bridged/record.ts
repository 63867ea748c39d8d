// What bridging an uplink changed, saved before the change is made, so that `down`
// (and a revert) puts back exactly what was there and never guesses. One file per
// bridged network: VNET_STATE_DIR/bridged/NAME.json.
import fs from 'node:fs';
import path from 'node:path';
import type { Dirs } from '../../paths';
import { writeFileAtomic } from '../../store/atomic-write';
import type { IpAddrInfo, IpRoute } from '../../adapters/ip-json';

export interface FamilyRoute extends IpRoute {
  family: 4 | 6;
}

export interface BridgedRecord {
  network: string;
  bridge: string;
  uplink: string;
  /** The uplink's own MAC address, given to the bridge so the LAN keeps seeing the same host. */
  uplinkMac: string;
  uplinkMtu?: number;
  /** Addresses that were on the uplink and now live on the bridge. */
  addresses: IpAddrInfo[];
  /** Routes through the uplink (not the kernel's own prefix routes) that now go through the bridge. */
  routes: FamilyRoute[];
  createdAt: string;
}

export function bridgedDir(dirs: Dirs): string {
  return path.join(dirs.state, 'bridged');
}

export function recordFile(dirs: Dirs, network: string): string {
  return path.join(bridgedDir(dirs), `${network}.json`);
}

export function writeRecord(dirs: Dirs, record: BridgedRecord): void {
  fs.mkdirSync(bridgedDir(dirs), { recursive: true });
  writeFileAtomic(recordFile(dirs, record.network), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecord(dirs: Dirs, network: string): BridgedRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordFile(dirs, network), 'utf8')) as BridgedRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function readAllRecords(dirs: Dirs): BridgedRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(bridgedDir(dirs));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => readRecord(dirs, n.slice(0, -'.json'.length)))
    .filter((r): r is BridgedRecord => r !== undefined);
}

export function removeRecord(dirs: Dirs, network: string): void {
  fs.rmSync(recordFile(dirs, network), { force: true });
}
