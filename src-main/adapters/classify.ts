// Turns what iproute2 and sysfs say about each interface into the host adapter list
// the CLI and the GUI show. Pure: the inventory gathers the facts, this decides.
import type { Adapter, AdapterKind } from '../../src-shared/api/types';
import { isDefaultRoute, type IpAddrEntry, type IpLink, type IpRoute } from './ip-json';

/** What sysfs says about one interface (not in `ip -j`). */
export interface SysFacts {
  wireless: boolean;
  /** A `device` link exists: backed by hardware rather than created in software. */
  hasDevice: boolean;
  speedMbps?: number;
}

export interface AdapterFacts {
  links: IpLink[];
  addresses: IpAddrEntry[];
  routes: IpRoute[];
  sys: ReadonlyMap<string, SysFacts>;
  /** Bridges this app created (named after a stored network or recorded in the journal). */
  ownBridges: ReadonlySet<string>;
  /** Uplinks enslaved to this app's bridged networks. */
  bridgedUplinks: ReadonlySet<string>;
}

export function adapterKind(link: IpLink, sys: SysFacts | undefined, ownBridges: ReadonlySet<string>): AdapterKind {
  const kind = link.linkinfo?.info_kind;
  if (link.link_type === 'loopback' || link.flags.includes('LOOPBACK')) return 'loopback';
  if (ownBridges.has(link.ifname)) return 'vnet';
  if (sys?.wireless) return 'wireless';
  if (kind === 'bridge') return 'bridge';
  if (kind === 'veth') return 'veth';
  if (kind === 'tun') return 'tap';
  if (kind === undefined && link.link_type === 'ether' && sys?.hasDevice) return 'physical';
  return 'other';
}

function formatAddress(info: { local: string; prefixlen: number }): string {
  return `${info.local}/${info.prefixlen}`;
}

export function classifyAdapters(facts: AdapterFacts): Adapter[] {
  const defaultDevices = new Set(facts.routes.filter(isDefaultRoute).map((r) => r.dev));
  const addressesByName = new Map(facts.addresses.map((entry) => [entry.ifname, entry.addr_info]));
  return facts.links.map((link) => {
    const sys = facts.sys.get(link.ifname);
    const kind = adapterKind(link, sys, facts.ownBridges);
    const defaultRoute = defaultDevices.has(link.ifname);
    const bridgedUplink = facts.bridgedUplinks.has(link.ifname) || (link.master !== undefined && facts.ownBridges.has(link.master));
    const adapter: Adapter = {
      name: link.ifname,
      kind,
      adminUp: link.flags.includes('UP'),
      operState: (link.operstate ?? 'unknown').toLowerCase(),
      addresses: (addressesByName.get(link.ifname) ?? []).map(formatAddress),
      defaultRoute,
      managed: facts.ownBridges.has(link.ifname),
      risky: defaultRoute || bridgedUplink,
    };
    if (link.address && kind !== 'loopback') adapter.mac = link.address;
    if (link.mtu !== undefined) adapter.mtu = link.mtu;
    if (sys?.speedMbps !== undefined) adapter.speedMbps = sys.speedMbps;
    if (link.master) adapter.master = link.master;
    return adapter;
  });
}

/** Why switching this adapter off can cut the host off, or undefined when it cannot. */
export function riskReason(adapter: Adapter): string | undefined {
  if (adapter.defaultRoute) return `${adapter.name} carries the default route, so switching it off can cut this host off the network`;
  if (adapter.risky)
    return `${adapter.name} is the uplink of a bridged network, so switching it off cuts that network and this host off the LAN`;
  return undefined;
}
