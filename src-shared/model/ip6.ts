// IPv6 arithmetic for the `ipv6` block: addresses are 128-bit bigints. Parsing accepts
// the text forms iproute2, nftables and dnsmasq accept (hex groups, one `::`), and
// nothing else: no zone ids, no embedded IPv4, no prefix on an address.

const GROUP = /^[0-9a-fA-F]{1,4}$/;
const ALL = (1n << 128n) - 1n;

/** Parses IPv6 text; undefined for anything else. */
export function parseIpv6(text: string): bigint | undefined {
  if (typeof text !== 'string' || text.length > 39 || text.length < 2) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string): string[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((g) => GROUP.test(g)) ? groups : undefined;
  };
  const head = split(halves[0]!);
  const tail = halves.length === 2 ? split(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const groups = [...head, ...Array<string>(8 - count).fill('0'), ...tail];
  return groups.reduce((value, g) => (value << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** The canonical text of an IPv6 address, or the text itself when it does not parse. */
export function canonicalIpv6(text: string): string {
  const value = parseIpv6(text);
  return value === undefined ? text : formatIpv6(value);
}

export interface Prefix6 {
  network: bigint;
  length: number;
}

export function prefixMask6(length: number): bigint {
  return length <= 0 ? 0n : (ALL << BigInt(128 - length)) & ALL;
}

export type Prefix6Parse =
  { ok: true; prefix: Prefix6 } | { ok: false; reason: 'syntax' | 'length' | 'hostBits' | 'scope'; length?: number; network?: string };

/** fc00::/7 (unique local) or 2000::/3 (global unicast). */
function isUnicastPrefix(network: bigint): boolean {
  const top = Number(network >> 120n);
  return (top & 0xfe) === 0xfc || (top & 0xe0) === 0x20;
}

/** Parses an IPv6 network prefix `addr/len` that must be exactly /64, unicast, host bits zero. */
export function parsePrefix6(text: string, required = 64): Prefix6Parse {
  if (typeof text !== 'string') return { ok: false, reason: 'syntax' };
  const match = /^([0-9a-fA-F:]+)\/(0|[1-9][0-9]{0,2})$/.exec(text);
  if (!match) return { ok: false, reason: 'syntax' };
  const address = parseIpv6(match[1]!);
  const length = Number(match[2]);
  if (address === undefined || length > 128) return { ok: false, reason: 'syntax' };
  if (length !== required) return { ok: false, reason: 'length', length };
  const network = address & prefixMask6(length);
  if (network !== address) return { ok: false, reason: 'hostBits', length, network: `${formatIpv6(network)}/${length}` };
  if (!isUnicastPrefix(network)) return { ok: false, reason: 'scope', length };
  return { ok: true, prefix: { network, length } };
}

export function formatPrefix6(prefix: Prefix6): string {
  return `${formatIpv6(prefix.network)}/${prefix.length}`;
}

export function contains6(prefix: Prefix6, address: bigint): boolean {
  return (address & prefixMask6(prefix.length)) === prefix.network;
}

export function overlaps6(a: Prefix6, b: Prefix6): boolean {
  const mask = prefixMask6(Math.min(a.length, b.length));
  return (a.network & mask) === (b.network & mask);
}

/** The address `offset` into a prefix (`::1` is 1). */
export function nthAddress6(prefix: Prefix6, offset: number): string {
  return formatIpv6(prefix.network + BigInt(offset));
}

/**
 * A ULA /64 for a new network: VMware's `fd15:4ba5:5a2b:10NN::/64` for `vmnetNN` (NN < 100),
 * else a random 40-bit global ID as RFC 4193 asks, from the given random source.
 */
export function proposeUlaPrefix(name: string, random: () => number = Math.random): string {
  const vmnet = /^vmnet([0-9]{1,2})$/.exec(name);
  if (vmnet) return `fd15:4ba5:5a2b:10${vmnet[1]!.padStart(2, '0')}::/64`;
  let id = 0xfdn;
  for (let i = 0; i < 5; i++) id = (id << 8n) | BigInt(Math.floor(random() * 256) & 255);
  // fdXX:XXXX:XXXX:0000::/64 — subnet ID 0 of a fresh global ID.
  return formatPrefix6({ network: id << 80n, length: 64 });
}
