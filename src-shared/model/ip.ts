// IPv4 arithmetic used by the model, the planner and the editor's forms.
// Addresses are unsigned 32-bit numbers; every parse is strict (no leading zeros,
// no shorthand) so that what validates here is exactly what iproute2, nftables
// and dnsmasq will read.

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses dotted-quad IPv4 text; returns undefined for anything else. */
export function parseIpv4(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

export function formatIpv4(value: number): string {
  const v = value >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

export function prefixMask(prefix: number): number {
  if (prefix <= 0) return 0;
  return (0xffffffff << (32 - prefix)) >>> 0;
}

export function maskToPrefix(mask: string): number | undefined {
  const value = parseIpv4(mask);
  if (value === undefined) return undefined;
  for (let prefix = 0; prefix <= 32; prefix++) {
    if (prefixMask(prefix) === value) return prefix;
  }
  return undefined;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; reason: 'syntax' | 'prefix' | 'hostBits'; prefix?: number };

/** Parses `a.b.c.d/n`, reporting why it is not a usable network address. */
export function parseCidr(text: string, minPrefix = 0, maxPrefix = 32): CidrParse {
  if (typeof text !== 'string') return { ok: false, reason: 'syntax' };
  const match = /^([0-9.]+)\/(0|[1-9][0-9]?)$/.exec(text);
  if (!match) return { ok: false, reason: 'syntax' };
  const address = parseIpv4(match[1]!);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return { ok: false, reason: 'syntax' };
  if (prefix < minPrefix || prefix > maxPrefix) return { ok: false, reason: 'prefix', prefix };
  const network = (address & prefixMask(prefix)) >>> 0;
  if (network !== address) return { ok: false, reason: 'hostBits', prefix };
  return { ok: true, cidr: { network, prefix } };
}

/** Parses a CIDR that may have host bits set (as `ip -j route` never does, but users do). */
export function parseLooseCidr(text: string): Cidr | undefined {
  const [addr, len] = text.split('/');
  const address = parseIpv4(addr ?? '');
  const prefix = len === undefined ? 32 : Number(len);
  if (address === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  return { network: (address & prefixMask(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

export function broadcast(cidr: Cidr): number {
  return (cidr.network | (~prefixMask(cidr.prefix) >>> 0)) >>> 0;
}

export function netmask(cidr: Cidr): string {
  return formatIpv4(prefixMask(cidr.prefix));
}

export function contains(cidr: Cidr, address: number): boolean {
  return (address & prefixMask(cidr.prefix)) >>> 0 === cidr.network;
}

/** True when the address is inside the subnet and is neither its network nor broadcast address. */
export function isUsableHost(cidr: Cidr, address: number): boolean {
  return contains(cidr, address) && address !== cidr.network && address !== broadcast(cidr);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = prefixMask(prefix);
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}

/** The n-th address of a subnet (1 = first host), as text. */
export function nthHost(cidr: Cidr, n: number): string {
  return formatIpv4((cidr.network + n) >>> 0);
}

/** Offset of an address within its subnet (the `.1` of `.1`). */
export function hostOffset(cidr: Cidr, address: number): number {
  return (address - cidr.network) >>> 0;
}

/**
 * First 192.168.x.0/24 at or after `preferred` that overlaps none of `taken`,
 * wrapping around once; undefined when all 256 are taken.
 */
export function nextFree24(preferred: string, taken: readonly Cidr[]): string | undefined {
  const start = parseCidr(preferred);
  const third = start.ok ? (start.cidr.network >>> 8) & 255 : 0;
  for (let i = 0; i < 256; i++) {
    const candidate: Cidr = { network: ((192 << 24) | (168 << 16) | (((third + i) % 256) << 8)) >>> 0, prefix: 24 };
    if (!taken.some((cidr) => overlaps(cidr, candidate))) return formatCidr(candidate);
  }
  return undefined;
}

/** Moves an address to the same offset in another subnet (used when the subnet changes). */
export function rebase(address: string, from: Cidr, to: Cidr): string | undefined {
  const value = parseIpv4(address);
  if (value === undefined || !contains(from, value)) return undefined;
  const offset = hostOffset(from, value);
  const moved = (to.network + offset) >>> 0;
  return isUsableHost(to, moved) ? formatIpv4(moved) : undefined;
}

/** Unicast, non-zero, colon-separated MAC address (`52:54:00:12:34:56`). */
export function isUnicastMac(text: string): boolean {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text)) return false;
  if (/^(00:){5}00$/.test(text)) return false;
  return (parseInt(text.slice(0, 2), 16) & 1) === 0;
}
