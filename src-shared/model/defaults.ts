// VMware's defaults: vmnet0 bridged, vmnet1 host-only, vmnet8 NAT, each with the
// host at .1, the NAT gateway at .2 and DHCP from .128 to .254. Like VMware's
// installer, a default subnet that collides with a route already on the host is
// moved to the next free 192.168.x.0/24.
import { broadcast, formatIpv4, nextFree24, parseCidr, type Cidr } from './ip';
import type { BridgedNetwork, Config, HostOnlyNetwork, NatNetwork, Network, RoutedNetwork } from './schema';

export const DEFAULT_HOSTONLY_SUBNET = '192.168.56.0/24';
export const DEFAULT_NAT_SUBNET = '192.168.133.0/24';
export const DEFAULT_LEASE_SECONDS = 1800;

/** Offsets VMware uses inside a subnet: host .1, gateway .2, DHCP .128 up to the last host. */
export function defaultAddresses(subnet: string): { host: string; gateway: string; rangeStart: string; rangeEnd: string } {
  const parsed = parseCidr(subnet);
  if (!parsed.ok) throw new Error(`not a subnet: ${subnet}`);
  const cidr = parsed.cidr;
  const size = broadcast(cidr) - cidr.network + 1;
  // In small subnets keep the range in the upper half, never below .3.
  const startOffset = size >= 256 ? 128 : Math.max(3, Math.floor(size / 2));
  return {
    host: formatIpv4(cidr.network + 1),
    gateway: formatIpv4(cidr.network + 2),
    rangeStart: formatIpv4(cidr.network + startOffset),
    rangeEnd: formatIpv4(broadcast(cidr) - 1),
  };
}

export function bridgedNetwork(name: string): BridgedNetwork {
  return { name, type: 'bridged', bridge: { uplink: 'auto' } };
}

export function hostOnlyNetwork(name: string, subnet: string): HostOnlyNetwork {
  const a = defaultAddresses(subnet);
  return {
    name,
    type: 'hostonly',
    subnet,
    hostAdapter: { enabled: true, address: a.host },
    dhcp: { enabled: true, rangeStart: a.rangeStart, rangeEnd: a.rangeEnd, leaseSeconds: DEFAULT_LEASE_SECONDS, reservations: [] },
  };
}

export function natNetwork(name: string, subnet: string): NatNetwork {
  const base = hostOnlyNetwork(name, subnet);
  const a = defaultAddresses(subnet);
  return { ...base, type: 'nat', nat: { gateway: a.gateway, uplink: 'auto', dns: true, portForwards: [] } };
}

/** Builds a network of the given type with VMware's defaults, for "Add Network…" and type switches. */
export function networkOfType(name: string, type: Network['type'], subnet: string): Network {
  if (type === 'bridged') return bridgedNetwork(name);
  return type === 'nat' ? natNetwork(name, subnet) : hostOnlyNetwork(name, subnet);
}

/**
 * The default config. `takenRoutes` are the host's routes that the app does not
 * own; a default subnet overlapping one of them moves to the next free /24.
 */
export function defaultConfig(takenRoutes: readonly Cidr[] = []): Config {
  const taken = [...takenRoutes];
  const pick = (preferred: string): string => {
    const subnet = nextFree24(preferred, taken) ?? preferred;
    const parsed = parseCidr(subnet);
    if (parsed.ok) taken.push(parsed.cidr);
    return subnet;
  };
  const hostOnlySubnet = pick(DEFAULT_HOSTONLY_SUBNET);
  const natSubnet = pick(DEFAULT_NAT_SUBNET);
  return {
    version: 1,
    networks: [bridgedNetwork('vmnet0'), hostOnlyNetwork('vmnet1', hostOnlySubnet), natNetwork('vmnet8', natSubnet)],
  };
}

/** A free subnet for a new network, avoiding the config's own networks and the host's routes. */
export function freeSubnetFor(config: Config, takenRoutes: readonly Cidr[] = [], preferred = DEFAULT_HOSTONLY_SUBNET): string {
  const taken: Cidr[] = [...takenRoutes];
  for (const network of config.networks) {
    if (network.type === 'bridged') continue;
    const parsed = parseCidr(network.subnet);
    if (parsed.ok) taken.push(parsed.cidr);
  }
  return nextFree24(preferred, taken) ?? preferred;
}

/** The first vmnetN name not used in the config (VMware numbers its networks). */
export function nextNetworkName(config: Config): string {
  const used = new Set(config.networks.map((n) => n.name));
  for (let i = 0; i < 256; i++) if (!used.has(`vmnet${i}`)) return `vmnet${i}`;
  return `vnet${Date.now() % 100000}`;
}

export type { RoutedNetwork };
