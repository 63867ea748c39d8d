// Field rules of the optional `ipv6` block (DESIGN.md): a /64 unicast prefix, a host
// address and (NAT only, required there) a gateway inside it, and no two networks'
// prefixes overlapping. Kept apart from rules.ts so the IPv4 rules stay readable.
import { contains6, formatPrefix6, overlaps6, parseIpv6, parsePrefix6, type Prefix6 } from './ip6';
import { clip } from './rules';
import type { Config, RoutedNetwork } from './schema';
import type { Path, ValidationError } from './errors';

const clipped = (text: string): string => clip(text, 45);

function checkPrefix(errors: ValidationError[], path: Path, text: string): Prefix6 | undefined {
  const parsed = parsePrefix6(text);
  if (parsed.ok) return parsed.prefix;
  const message = {
    syntax: `"${clipped(text)}" is not an IPv6 prefix (expected an address and /64, like fd15:4ba5:5a2b:1008::/64)`,
    length: `prefix length /${parsed.length} is not allowed; guests configure themselves by SLAAC, which needs exactly /64`,
    hostBits: `${text} has bits set after the first 64; the prefix is ${parsed.network}`,
    scope: `${text} is not a unicast prefix; use a unique local (fd00::/8) or global (2000::/3) prefix`,
  }[parsed.reason];
  errors.push({ path, message });
  return undefined;
}

function checkAddress(errors: ValidationError[], path: Path, text: string, prefix: Prefix6 | undefined, what: string): bigint | undefined {
  const value = parseIpv6(text);
  if (value === undefined) {
    errors.push({ path, message: `"${clipped(text)}" is not an IPv6 address (like fd15:4ba5:5a2b:1008::1)` });
    return undefined;
  }
  if (!prefix) return value;
  if (!contains6(prefix, value)) {
    errors.push({ path, message: `${what} ${text} is outside the network's IPv6 prefix ${formatPrefix6(prefix)}` });
    return undefined;
  }
  if (value === prefix.network) {
    errors.push({
      path,
      message: `${what} ${text} is the prefix's all-zero address (the subnet-router anycast address); use another, like ${formatPrefix6(prefix).replace('/64', '1')}`,
    });
    return undefined;
  }
  return value;
}

/** Errors in one network's `ipv6` block; its parsed prefix when that is valid. */
export function checkIpv6(network: RoutedNetwork, base: Path): { errors: ValidationError[]; prefix?: Prefix6 } {
  const errors: ValidationError[] = [];
  const settings = network.ipv6;
  if (!settings) return { errors };
  const path: Path = [...base, 'ipv6'];
  const prefix = checkPrefix(errors, [...path, 'prefix'], settings.prefix);
  const host = checkAddress(errors, [...path, 'hostAddress'], settings.hostAddress, prefix, 'host address');
  if (network.type === 'nat') {
    if (settings.gateway === undefined) {
      errors.push({ path: [...path, 'gateway'], message: 'is missing; a NAT network with IPv6 needs an IPv6 gateway address (like …::2)' });
    } else {
      const gateway = checkAddress(errors, [...path, 'gateway'], settings.gateway, prefix, 'gateway');
      if (gateway !== undefined && gateway === host) {
        errors.push({
          path: [...path, 'gateway'],
          message: `IPv6 gateway ${settings.gateway} is also the host address; the two must differ (VMware uses ::2 for the gateway and ::1 for the host)`,
        });
      }
    }
  } else if (settings.gateway !== undefined) {
    errors.push({
      path: [...path, 'gateway'],
      message: 'a host-only network has no IPv6 gateway (it advertises no default route); remove it or make the network NAT',
    });
  }
  return prefix ? { errors, prefix } : { errors };
}

/** Every network's `ipv6` rules, and that no two prefixes overlap. */
export function checkIpv6Rules(config: Config): ValidationError[] {
  const errors: ValidationError[] = [];
  const seen: { index: number; prefix: Prefix6 }[] = [];
  config.networks.forEach((network, i) => {
    if (network.type === 'bridged') return;
    const result = checkIpv6(network, ['networks', i]);
    errors.push(...result.errors);
    if (!result.prefix) return;
    const clash = seen.find((other) => overlaps6(other.prefix, result.prefix!));
    if (clash) {
      const other = config.networks[clash.index]!;
      errors.push({
        path: ['networks', i, 'ipv6', 'prefix'],
        message: `IPv6 prefix ${network.ipv6!.prefix} overlaps ${formatPrefix6(clash.prefix)} of networks[${clash.index}] ("${other.name}"); virtual networks must not overlap`,
      });
    } else seen.push({ index: i, prefix: result.prefix });
  });
  return errors;
}
