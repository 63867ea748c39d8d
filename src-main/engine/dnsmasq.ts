// dnsmasq, one per network: config, reservations (hosts file) and lease file text.
// Pure functions; the routed driver writes the files and runs the daemon.
import path from 'node:path';
import { contains, formatIpv4, netmask, parseCidr, parseIpv4 } from '../../src-shared/model/ip';
import { canonicalIpv6, formatIpv6, parsePrefix6 } from '../../src-shared/model/ip6';
import { dhcpRange, type RoutedNetwork } from '../../src-shared/model';
import type { Lease } from '../../src-shared/api/types';
import type { Dirs } from '../paths';

export interface DhcpFiles {
  dir: string;
  /** See dnsmasqReadableDir. */
  readable: string;
  conf: string;
  hosts: string;
  /** Names of the reservations in the network's domain (hosts format), for the gateway's DNS. */
  names: string;
  leases: string;
  pid: string;
}

/**
 * The folder holding every network's DHCP config, pid and lease files. dnsmasq opens them as
 * root before it drops to nobody, so it stays as private as the state folder.
 */
export function dhcpDir(dirs: Dirs): string {
  return path.join(dirs.state, 'dhcp');
}

/**
 * The files dnsmasq rereads on SIGHUP, as nobody (reservations and names, nothing else): in
 * a folder of their own beside the state folder, so the state folder (journal, leases) never
 * has to be opened to others for dnsmasq to reach them.
 */
export function dnsmasqReadableDir(dirs: Dirs): string {
  return `${path.resolve(dirs.state)}-dnsmasq`;
}

export function dhcpFiles(dirs: Dirs, network: string): DhcpFiles {
  const dir = dhcpDir(dirs);
  const readable = dnsmasqReadableDir(dirs);
  return {
    dir,
    readable,
    conf: path.join(dir, `${network}.conf`),
    hosts: path.join(readable, `${network}.hosts`),
    names: path.join(readable, `${network}.names`),
    leases: path.join(dir, `${network}.leases`),
    pid: path.join(dir, `${network}.pid`),
  };
}

/** The address dnsmasq serves from: the gateway on NAT, the host adapter address on host-only (kept even when the adapter is off). */
export function serviceAddress(network: RoutedNetwork): string {
  return network.type === 'nat' ? network.nat.gateway : network.hostAdapter.address;
}

/** The network needs its dnsmasq: for IPv4 DHCP, or for IPv6 router advertisements. */
export function runsDnsmasq(network: RoutedNetwork): boolean {
  return network.dhcp.enabled || network.ipv6 !== undefined;
}

/** dnsmasq's config for one network. Only this file is read (`--conf-file=`), never /etc/dnsmasq.conf. */
export function generateDnsmasqConf(network: RoutedNetwork, files: DhcpFiles): string {
  const parsed = parseCidr(network.subnet);
  if (!parsed.ok) throw new Error(`network ${network.name}: invalid subnet ${network.subnet}`);
  const dns = network.type === 'nat' && network.nat.dns;
  const lines = [
    `# Virtual Network Editor: DHCP${dns ? ' and DNS' : ''} for network ${network.name} (generated; replaced on apply)`,
    `pid-file=${files.pid}`,
    `dhcp-leasefile=${files.leases}`,
    `dhcp-hostsfile=${files.hosts}`,
    // Bound to this bridge only, following its addresses as they come and go; never loopback.
    'bind-dynamic',
    'except-interface=lo',
  ];
  if (dns) {
    // DNS (and so DHCP) only on the gateway address, as VMware's NAT device does.
    // With IPv6, dnsmasq sends router advertisements only on an interface named with
    // `interface=`, so DNS then answers on every address of the bridge (the ruleset still
    // keeps guests off the host's addresses when the host adapter is off).
    if (network.ipv6) lines.push(`interface=${network.name}`);
    else lines.push(`listen-address=${network.nat.gateway}`);
    lines.push('no-hosts', 'domain-needed', 'bogus-priv');
  } else {
    lines.push(`interface=${network.name}`, 'port=0');
  }
  if (answersNames(network)) {
    // Names in the network's domain are answered here, never asked upstream: guests that sent a hostname
    // (from their leases) and every reservation's hostname (from the names file, reread on SIGHUP like
    // the reservations, and known before that guest ever asks for a lease).
    lines.push(`local=/${network.domain}/`, `addn-hosts=${files.names}`);
  }
  // With a domain, DHCP hands it out (option 15) and DNS answers HOST.DOMAIN.
  if (network.domain) lines.push(`domain=${network.domain}`);
  // With IPv4 DHCP off the server runs for router advertisements only.
  if (network.dhcp.enabled) {
    const range = dhcpRange(network.dhcp);
    const mask = netmask(parsed.cidr);
    lines.push(
      range
        ? `dhcp-range=${range.start},${range.end},${mask},${network.dhcp.leaseSeconds}`
        : // No range: only the reservations in the hosts file get addresses; unknown MACs get no answer.
          `dhcp-range=${formatIpv4(parsed.cidr.network)},static,${mask},${network.dhcp.leaseSeconds}`,
      // Host-only hands out no router, like VMware; NAT's router is the gateway.
      network.type === 'nat' ? `dhcp-option=option:router,${network.nat.gateway}` : 'dhcp-option=option:router',
      dns ? `dhcp-option=option:dns-server,${network.nat.gateway}` : 'dhcp-option=option:dns-server',
    );
    if (network.mtu !== undefined) lines.push(`dhcp-option=option:mtu,${network.mtu}`);
    if (network.dhcp.boot) {
      // Boot file and next server; the server is always named, since dnsmasq's own choice would be the host address even on NAT.
      lines.push(`dhcp-boot=${network.dhcp.boot.file},,${network.dhcp.boot.server ?? serviceAddress(network)}`);
    }
    lines.push('dhcp-authoritative', 'dhcp-no-override');
  }
  lines.push(...routerAdvertisementLines(network), '');
  return lines.join('\n');
}

/**
 * IPv6: router advertisements on the bridge, from its link-local address, so guests
 * configure themselves by SLAAC. NAT advertises a default route and, with DNS on, the
 * gateway as DNS server (RDNSS in the RA, and stateless DHCPv6 for clients that ask);
 * host-only advertises router lifetime 0: a prefix, but no route via the host.
 */
export function routerAdvertisementLines(network: RoutedNetwork): string[] {
  const ipv6 = network.ipv6;
  if (!ipv6) return [];
  const prefix = parsePrefix6(ipv6.prefix);
  if (!prefix.ok) throw new Error(`network ${network.name}: invalid IPv6 prefix ${ipv6.prefix}`);
  const start = formatIpv6(prefix.prefix.network);
  const dns = network.type === 'nat' && network.nat.dns && ipv6.gateway !== undefined;
  const lines = ['enable-ra', `dhcp-range=${start},${dns ? 'ra-stateless' : 'ra-only'},64`];
  if (network.type === 'hostonly') lines.push(`ra-param=${network.name},0,0`);
  if (dns) lines.push(`dhcp-option=option6:dns-server,[${canonicalIpv6(ipv6.gateway!)}]`);
  return lines;
}

/** Reservations, one `mac,address[,hostname]` per line; dnsmasq rereads it on SIGHUP without dropping leases. */
export function generateHostsFile(network: RoutedNetwork): string {
  const lines = network.dhcp.reservations.map((r) => [r.mac.toLowerCase(), r.address, ...(r.hostname ? [r.hostname] : [])].join(','));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** True when the network's DNS answers HOST.DOMAIN: a NAT network with DNS on and a domain. */
export function answersNames(network: RoutedNetwork): boolean {
  return network.type === 'nat' && network.nat.dns && network.domain !== undefined;
}

/** The names file: `address host.domain host` for each reservation with a hostname, when the network answers names. */
export function generateNamesFile(network: RoutedNetwork): string {
  if (!answersNames(network)) return '';
  const lines = network.dhcp.reservations
    .filter((r) => r.hostname)
    .map((r) => `${r.address} ${r.hostname}.${network.domain} ${r.hostname}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Parses a dnsmasq lease file: `expiry mac address hostname client-id` per line. Given the
 * network's subnet, leases outside it are left out: dnsmasq keeps the leases of a subnet the
 * network has since moved away from, and no guest holds them any more.
 */
export function parseLeases(network: string, text: string, subnet?: string): Lease[] {
  const leases: Lease[] = [];
  const cidr = subnet === undefined ? undefined : parseCidr(subnet);
  for (const line of text.split('\n')) {
    const [expiry, mac, address, hostname] = line.trim().split(/\s+/);
    if (!expiry || !mac || !address || !/^\d+$/.test(expiry)) continue;
    const value = parseIpv4(address);
    // IPv6 leases are not the IPv4 subnet's to judge.
    if (cidr?.ok && value !== undefined && !contains(cidr.cidr, value)) continue;
    const seconds = Number(expiry);
    leases.push({
      network,
      mac: mac.toLowerCase(),
      address,
      hostname: hostname && hostname !== '*' ? hostname : '',
      expires: seconds === 0 ? null : new Date(seconds * 1000).toISOString(),
    });
  }
  return leases;
}
