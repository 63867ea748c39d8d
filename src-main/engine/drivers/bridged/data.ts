// What the bridged driver writes in the engine's journal for one network: enough to
// put the uplink back exactly as it was (addresses with their flags, routes with their
// metric, source and protocol), recorded before anything is moved.
import type { IpAddrInfo, IpRoute } from '../../../adapters/ip-json';
import type { JournalNetwork } from '../../types';

export interface FamilyRoute extends IpRoute {
  family: 4 | 6;
}

export interface BridgedData {
  bridge: string;
  /** The bridge exists because the app created it. */
  created?: boolean;
  uplink?: string;
  /** The uplink's MAC, given to the bridge so that the LAN keeps seeing the same host. */
  uplinkMac?: string;
  /** Addresses that were on the uplink (IPv4 and global IPv6), in the order the kernel listed them. */
  addresses?: IpAddrInfo[];
  /** Routes through the uplink, other than the kernel's own prefix routes. */
  routes?: FamilyRoute[];
  /** True once the uplink is a port of the bridge and its addresses and routes are on the bridge. */
  attached?: boolean;
  /** How the bridge is made: by the kernel directly (the default), or as NetworkManager profiles. */
  via?: 'kernel' | 'networkmanager';
  /** NetworkManager profiles: the uplink's own (kept, never changed), and the two the app created. */
  nm?: { uplinkProfile: string; uplinkProfileName: string; bridgeProfile?: string; portProfile?: string };
  /** The MTU the app set on the bridge (so that leaving `mtu` out again puts back 1500). */
  mtu?: number;
}

export function bridgedData(recorded: JournalNetwork | undefined): BridgedData | undefined {
  if (!recorded || recorded.type !== 'bridged') return undefined;
  const data = recorded.data as Partial<BridgedData>;
  return typeof data.bridge === 'string' ? (data as BridgedData) : undefined;
}
