// Pure edits of the staged config. The editor never changes the host while the
// user edits: every button here returns a new draft, and only Apply/OK send it.
// From the model's files, not its index: the index brings in the schema (zod), which the
// first screen does without (see lazyValidation.ts).
import {
  bridgedNetwork,
  defaultAddresses,
  freeSubnetFor,
  hostOnlyNetwork,
  natNetwork,
  nextNetworkName,
} from '../../../src-shared/model/defaults';
import { hasSubnet } from '../../../src-shared/model/kinds';
import * as ip from '../../../src-shared/model/ip';
import * as ip6 from '../../../src-shared/model/ip6';
import type { Config, Ipv6Settings, Network, NetworkType, RoutedNetwork } from '../../../src-shared/model/schema';

export function sameConfig(a: Config, b: Config): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function replaceNetwork(config: Config, index: number, network: Network): Config {
  return { ...config, networks: config.networks.map((n, i) => (i === index ? network : n)) };
}

export function updateNetwork(config: Config, index: number, change: (network: Network) => Network): Config {
  const network = config.networks[index];
  return network ? replaceNetwork(config, index, change(network)) : config;
}

/** Adds a network like VMware's "Add Network…": the next vmnetN name and a free subnet. */
export function addNetwork(config: Config, type: NetworkType = 'hostonly', name = nextNetworkName(config)): Config {
  const subnet = freeSubnetFor(config);
  const network: Network =
    type === 'bridged' ? bridgedNetwork(name) : type === 'nat' ? natNetwork(name, subnet) : hostOnlyNetwork(name, subnet);
  return { ...config, networks: [...config.networks, network] };
}

export function removeNetwork(config: Config, index: number): Config {
  return { ...config, networks: config.networks.filter((_, i) => i !== index) };
}

export function renameNetwork(config: Config, index: number, name: string, label?: string): Config {
  return updateNetwork(config, index, (network) => {
    const renamed = { ...network, name };
    if (label === undefined || label === '') delete renamed.label;
    else renamed.label = label;
    return renamed;
  });
}

/**
 * Switches a network's type the way VMware's radio buttons do: host-only and NAT
 * keep their subnet, host adapter and DHCP; bridged drops them; a network that
 * becomes routed again gets a free subnet with the default addresses.
 */
export function changeType(config: Config, index: number, type: NetworkType): Config {
  const current = config.networks[index];
  if (!current || current.type === type) return config;
  const label = current.label === undefined ? {} : { label: current.label };
  if (type === 'bridged') return replaceNetwork(config, index, { ...bridgedNetwork(current.name), ...label });
  if (!hasSubnet(current)) {
    const others = removeNetwork(config, index);
    const subnet = freeSubnetFor(others);
    const fresh = type === 'nat' ? natNetwork(current.name, subnet) : hostOnlyNetwork(current.name, subnet);
    return replaceNetwork(config, index, { ...fresh, ...label });
  }
  const { name, subnet, hostAdapter, dhcp } = current;
  const v6 = ipv6ForType(current.ipv6, type);
  if (type === 'hostonly') return replaceNetwork(config, index, { name, ...label, type, subnet, hostAdapter, dhcp, ...v6 });
  const gateway = validSubnet(subnet) ? defaultAddresses(subnet).gateway : '';
  return replaceNetwork(config, index, {
    name,
    ...label,
    type,
    subnet,
    hostAdapter,
    dhcp,
    nat: { gateway, uplink: 'auto', dns: true, portForwards: [] },
    ...v6,
  });
}

export function validSubnet(subnet: string): boolean {
  return ip.parseCidr(subnet, 8, 30).ok;
}

function keepOffsetIn(address: string, fromSubnet: string, toSubnet: string): string {
  const from = ip.parseCidr(fromSubnet);
  const to = ip.parseCidr(toSubnet);
  return from.ok && to.ok ? (ip.rebase(address, from.cidr, to.cidr) ?? address) : address;
}

/**
 * Sets a routed network's subnet. Host address, gateway and DHCP range still at
 * their defaults for `lastValid` (the last subnet that parsed) move to the new
 * subnet's defaults, as VMware does; ones the user chose stay as they are.
 */
export function changeSubnet(network: Network, subnet: string, lastValid: string | undefined): Network {
  if (!hasSubnet(network)) return network;
  const moved = { ...network, subnet };
  if (!lastValid || !validSubnet(lastValid) || !validSubnet(subnet) || lastValid === subnet) return moved;
  const before = defaultAddresses(lastValid);
  const after = defaultAddresses(subnet);
  const follow = <T extends string | undefined>(value: T, key: keyof typeof before): T | string =>
    value === before[key] ? after[key] : value;
  moved.hostAdapter = { ...network.hostAdapter, address: follow(network.hostAdapter.address, 'host') };
  moved.dhcp = {
    ...network.dhcp,
    // A range switched off (reservations only) stays off.
    ...(network.dhcp.rangeStart !== undefined ? { rangeStart: follow(network.dhcp.rangeStart, 'rangeStart') } : {}),
    ...(network.dhcp.rangeEnd !== undefined ? { rangeEnd: follow(network.dhcp.rangeEnd, 'rangeEnd') } : {}),
    ...(network.dhcp.boot?.server !== undefined
      ? { boot: { ...network.dhcp.boot, server: keepOffsetIn(network.dhcp.boot.server, lastValid, subnet) } }
      : {}),
  };
  // Reservations and port forwards keep their offset inside the subnet, so they stay valid.
  const keepOffset = (address: string): string => keepOffsetIn(address, lastValid, subnet);
  moved.dhcp.reservations = network.dhcp.reservations.map((r) => ({ ...r, address: keepOffset(r.address) }));
  if (moved.type === 'nat' && network.type === 'nat') {
    moved.nat = {
      ...network.nat,
      gateway: follow(network.nat.gateway, 'gateway'),
      portForwards: network.nat.portForwards.map((f) => ({ ...f, guestAddress: keepOffset(f.guestAddress) })),
    };
  }
  return moved;
}

/** Subnet text from VMware's two fields; a mask that is not a mask is kept as typed so validation names it. */
export function subnetFromFields(subnetIp: string, mask: string): string {
  const prefix = ip.maskToPrefix(mask.trim());
  return `${subnetIp.trim()}/${prefix ?? mask.trim()}`;
}

/** VMware's "Subnet IP" and "Subnet mask" for a stored subnet. */
export function fieldsFromSubnet(subnet: string): { subnetIp: string; mask: string } {
  const [address = '', prefixText = ''] = subnet.split('/');
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > 32) return { subnetIp: address, mask: prefixText };
  return { subnetIp: address, mask: ip.formatIpv4(ip.prefixMask(prefix)) };
}

/** The IPv6 a network gets when it is switched on: a proposed ULA /64, host ::1 and (NAT) gateway ::2. */
export function defaultIpv6(network: RoutedNetwork): Ipv6Settings {
  const prefix = ip6.proposeUlaPrefix(network.name, () => crypto.getRandomValues(new Uint8Array(1))[0]! / 256);
  const parsed = ip6.parsePrefix6(prefix);
  const at = (n: number) => (parsed.ok ? ip6.nthAddress6(parsed.prefix, n) : '');
  return network.type === 'nat' ? { prefix, hostAddress: at(1), gateway: at(2) } : { prefix, hostAddress: at(1) };
}

export function withoutIpv6<N extends RoutedNetwork>(network: N): N {
  const { ipv6: _off, ...rest } = network;
  return rest as N;
}

/** IPv6 across a host-only ⇄ NAT switch: NAT needs a gateway (::2 of the prefix), host-only has none. */
function ipv6ForType(ipv6: Ipv6Settings | undefined, type: 'hostonly' | 'nat'): { ipv6?: Ipv6Settings } {
  if (!ipv6) return {};
  const { gateway: _gw, ...hostOnly } = ipv6;
  if (type === 'hostonly') return { ipv6: hostOnly };
  const parsed = ip6.parsePrefix6(ipv6.prefix);
  return { ipv6: { ...hostOnly, gateway: ipv6.gateway ?? (parsed.ok ? ip6.nthAddress6(parsed.prefix, 2) : '') } };
}
