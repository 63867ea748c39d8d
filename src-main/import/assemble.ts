// Helpers both importers share: turning foreign names into interface names,
// fitting a DHCP range and a host address around the addresses already in use,
// dropping entries the version-1 rules would refuse (with a note for each), and
// the final check that what comes out is a valid config.
import {
  HOSTNAME_PATTERN,
  LEASE_MAX,
  LEASE_MIN,
  NAME_PATTERN,
  defaultAddresses,
  formatError,
  ip,
  validateConfig,
  type Config,
  type NatNetwork,
  type PortForward,
  type Reservation,
  type RoutedNetwork,
} from '../../src-shared/model';
import { contains6, formatIpv6, formatPrefix6, parseIpv6, parsePrefix6 } from '../../src-shared/model/ip6';
import type { Ipv6Settings } from '../../src-shared/model';
import { ImportError } from './errors';

/** Words iproute2 reads as keywords, so a bridge may not be called that. */
const RESERVED_NAMES = new Set(['default', 'all', 'any', 'none', 'lo', 'dev', 'name', 'type', 'help', 'bonding_masters']);

/**
 * A valid, unused interface name made from `wanted`: invalid characters become
 * "-", a name that does not start with a letter or is an iproute2 keyword gets
 * "net-" in front, and the result is cut to 15 characters.
 */
export function interfaceNameFrom(wanted: string, used: ReadonlySet<string>): string {
  let name = wanted.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[A-Za-z]/.test(name) || RESERVED_NAMES.has(name.toLowerCase())) name = `net-${name}`;
  name = name.slice(0, 15).replace(/-+$/, '');
  if (!NAME_PATTERN.test(name)) name = 'net';
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) {
    const suffix = `-${i}`;
    candidate = `${name.slice(0, 15 - suffix.length)}${suffix}`;
  }
  return candidate;
}

/** A lease time inside what the config allows; a note says when it had to change. */
export function clampLease(seconds: number, where: string, notes: string[]): number {
  if (seconds === Infinity) {
    notes.push(`${where}: leases that never expire are not supported; using the longest lease time, ${LEASE_MAX} s (one year)`);
    return LEASE_MAX;
  }
  if (seconds < LEASE_MIN) {
    notes.push(`${where}: lease time ${seconds} s is shorter than the minimum; using ${LEASE_MIN} s`);
    return LEASE_MIN;
  }
  if (seconds > LEASE_MAX) {
    notes.push(`${where}: lease time ${seconds} s is longer than one year; using ${LEASE_MAX} s`);
    return LEASE_MAX;
  }
  return Math.round(seconds);
}

/** A reservation's hostname if it is a valid host name; a fully qualified name keeps its first label. */
export function hostnameFrom(name: string | undefined, where: string, notes: string[]): string | undefined {
  if (name === undefined || name === '') return undefined;
  const first = name.split('.')[0]!;
  if (HOSTNAME_PATTERN.test(first)) {
    if (first !== name) notes.push(`${where}: host name "${name}" shortened to "${first}" (a reservation holds one label)`);
    return first;
  }
  notes.push(`${where}: "${name}" is not a valid host name; the reservation keeps its address without a name`);
  return undefined;
}

export function parseSubnet(address: string, netmaskOrPrefix: string | number): ip.Cidr | undefined {
  const value = ip.parseIpv4(address);
  const prefix = typeof netmaskOrPrefix === 'number' ? netmaskOrPrefix : ip.maskToPrefix(netmaskOrPrefix);
  if (value === undefined || prefix === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  return { network: (value & ip.prefixMask(prefix)) >>> 0, prefix };
}

/**
 * The DHCP range to use: `wanted` when it is usable, otherwise VMware's default
 * (.128 to the last address), shrunk so that it holds none of `avoid`.
 */
export function fitRange(
  cidr: ip.Cidr,
  avoid: readonly number[],
  wanted?: { start: number; end: number },
): { start: number; end: number } | undefined {
  const first = cidr.network + 1;
  const last = ip.broadcast(cidr) - 1;
  let start: number;
  let end: number;
  if (wanted && wanted.start >= first && wanted.end <= last && wanted.start <= wanted.end) {
    ({ start, end } = wanted);
  } else {
    const d = defaultAddresses(ip.formatCidr(cidr));
    start = ip.parseIpv4(d.rangeStart)!;
    end = ip.parseIpv4(d.rangeEnd)!;
  }
  // Cut around each address to keep out: keep the larger side.
  for (const a of [...avoid].sort((x, y) => x - y)) {
    if (a < start || a > end) continue;
    if (a - start >= end - a) end = a - 1;
    else start = a + 1;
    if (start > end) return undefined;
  }
  return { start, end };
}

/** First usable address of the subnet that is not taken and lies outside the DHCP range. */
export function firstFreeOutside(cidr: ip.Cidr, taken: ReadonlySet<number>, range: { start: number; end: number }): number | undefined {
  for (let a = cidr.network + 1; a < ip.broadcast(cidr); a++) {
    if (taken.has(a)) continue;
    if (a >= range.start && a <= range.end) continue;
    return a;
  }
  return undefined;
}

/**
 * Drops reservations and port forwards the config would refuse (outside the
 * subnet, on the host's or gateway's address, repeated), saying which and why.
 */
export function tidyNetwork(network: RoutedNetwork, notes: string[]): void {
  const parsed = ip.parseCidr(network.subnet);
  if (!parsed.ok) return;
  const cidr = parsed.cidr;
  const host = ip.parseIpv4(network.hostAdapter.address);
  const gateway = network.type === 'nat' ? ip.parseIpv4(network.nat.gateway) : undefined;
  const macs = new Set<string>();
  const addresses = new Set<number>();
  const kept: Reservation[] = [];
  for (const r of network.dhcp.reservations) {
    const address = ip.parseIpv4(r.address);
    const label = `${network.name}: reservation ${r.mac} → ${r.address}`;
    let problem: string | undefined;
    if (!ip.isUnicastMac(r.mac)) problem = 'is not a unicast MAC address';
    else if (address === undefined || !ip.isUsableHost(cidr, address)) problem = `is not a usable address of ${network.subnet}`;
    else if (address === host) problem = "is the host adapter's own address";
    else if (address === gateway) problem = "is the gateway's address";
    else if (macs.has(r.mac.toLowerCase())) problem = 'repeats a MAC address reserved already';
    else if (addresses.has(address)) problem = 'repeats an address reserved already';
    if (problem) {
      notes.push(`${label} left out: it ${problem}`);
      continue;
    }
    macs.add(r.mac.toLowerCase());
    addresses.add(address!);
    kept.push(r);
  }
  network.dhcp.reservations = kept;
  if (network.type === 'nat') tidyForwards(network, cidr, notes);
}

function tidyForwards(network: NatNetwork, cidr: ip.Cidr, notes: string[]): void {
  const kept: PortForward[] = [];
  for (const f of network.nat.portForwards) {
    const address = ip.parseIpv4(f.guestAddress);
    if (address === undefined || !ip.isUsableHost(cidr, address)) {
      notes.push(
        `${network.name}: port forward ${f.protocol}/${f.hostPort} → ${f.guestAddress}:${f.guestPort} left out: ${f.guestAddress} is not a usable address of ${network.subnet}`,
      );
      continue;
    }
    kept.push(f);
  }
  network.nat.portForwards = kept;
}

/** Drops a port forward whose protocol and host port another network already forwards. */
export function dropRepeatedForwards(config: Config, notes: string[]): void {
  const seen = new Map<string, string>();
  for (const network of config.networks) {
    if (network.type !== 'nat') continue;
    network.nat.portForwards = network.nat.portForwards.filter((f) => {
      const key = `${f.protocol}/${f.hostPort}`;
      const owner = seen.get(key);
      if (owner) {
        notes.push(
          `${network.name}: port forward ${key} → ${f.guestAddress}:${f.guestPort} left out: ${owner} already forwards host port ${key}`,
        );
        return false;
      }
      seen.set(key, network.name);
      return true;
    });
  }
}

/** The last gate: what an importer produces must be a valid version-1 config. */
export function finish(config: Config, notes: string[], source: string): { config: Config; notes: string[] } {
  const result = validateConfig(config);
  if (!result.ok) {
    throw new ImportError(
      source,
      undefined,
      `the settings read from it do not make a valid config:\n  ${result.errors.map(formatError).join('\n  ')}`,
    );
  }
  return { config: result.config, notes };
}

/** Quotes a word for a shell command shown to the user, when it needs quoting. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The `ipv6` block for an imported prefix: a /64 as it is, the first /64 of a shorter one
 * (with a note), the given host address when it is inside (else ::1), and on NAT the
 * gateway ::2 (::1 when the host took ::2). Anything else is left out with a note.
 */
export function ipv6From(
  prefixText: string,
  hostText: string | undefined,
  type: 'hostonly' | 'nat',
  where: string,
  notes: string[],
): Ipv6Settings | undefined {
  const [addressPart, lengthPart] = prefixText.split('/');
  const length = Number(lengthPart ?? '64');
  const address = parseIpv6(addressPart ?? '');
  if (address === undefined || !Number.isInteger(length) || length < 1 || length > 64) {
    notes.push(`${where}: IPv6 prefix "${prefixText}" is not a prefix of /64 or shorter; IPv6 left out`);
    return undefined;
  }
  const mask = ((1n << 64n) - 1n) << 64n;
  const parsed = parsePrefix6(`${formatIpv6(address & mask & (((1n << 128n) - 1n) << BigInt(128 - length)))}/64`);
  if (!parsed.ok) {
    notes.push(`${where}: IPv6 prefix ${prefixText} is not unicast (unique local or global); IPv6 left out`);
    return undefined;
  }
  const prefix = formatPrefix6(parsed.prefix);
  if (length < 64) notes.push(`${where}: IPv6 prefix ${prefixText} is shorter than /64; using its first /64, ${prefix}`);
  const host = hostText === undefined ? undefined : parseIpv6(hostText);
  const hostAddress =
    host !== undefined && contains6(parsed.prefix, host) && host !== parsed.prefix.network
      ? formatIpv6(host)
      : formatIpv6(parsed.prefix.network + 1n);
  if (type === 'hostonly') return { prefix, hostAddress };
  const gateway = formatIpv6(parsed.prefix.network + (hostAddress === formatIpv6(parsed.prefix.network + 2n) ? 1n : 2n));
  return { prefix, hostAddress, gateway };
}
