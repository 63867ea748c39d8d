// The field rules of DESIGN.md that zod's structure cannot express: formats,
// ranges, containment and uniqueness across networks. Each finding names the
// JSON path of the field the user has to change.
import { broadcast, contains, formatCidr, formatIpv4, isUnicastMac, overlaps, parseCidr, parseIpv4, type Cidr } from './ip';
import type { Config, Network, PortForward, RoutedNetwork } from './schema';
import type { Path, ValidationError } from './errors';

export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
export const HOSTNAME_PATTERN = /^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
/**
 * Host names dnsmasq reads as something else in a `dhcp-host` line: `ignore` (no lease at
 * all), `infinite`, and lease times (digits with an optional s/m/h/d/w, like 2m or 3600).
 */
export const DNSMASQ_HOST_KEYWORD = /^(ignore|infinite|\d+[smhdw]?)$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
export const LEASE_MIN = 120;
export const LEASE_MAX = 31536000;
export const LABEL_MAX = 64;
export const DESCRIPTION_MAX = 128;
export const MTU_MIN = 576;
export const MTU_MAX = 9000;
/** DHCP's boot file field holds 128 bytes, NUL included. */
export const BOOT_FILE_MAX = 127;
// What TFTP and HTTP boot paths use; no spaces, commas, quotes or "#", which dnsmasq's config syntax gives a meaning.
const BOOT_FILE_PATTERN = /^[A-Za-z0-9._/\\:+~@?=&%-]+$/;

/** Checks an interface name the way the kernel and DESIGN.md constrain it. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 15) return `"${clip(name)}" is ${name.length} characters long; an interface name has at most 15`;
  if (!/^[A-Za-z]/.test(name)) return `"${clip(name)}" must start with a letter`;
  if (!NAME_PATTERN.test(name)) return `"${clip(name)}" may contain only letters, digits, "_", "." and "-"`;
  return undefined;
}

export function textProblem(text: string, max: number): string | undefined {
  if ([...text].length > max) return `is ${[...text].length} characters long; at most ${max} are allowed`;
  if (CONTROL.test(text)) return 'must not contain control characters (such as newlines or tabs)';
  return undefined;
}

/** Shortens user text quoted back in an error so a hostile value cannot flood the output. */
export function clip(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** Checks a DNS domain name (RFC 1123): dot-separated host-name labels, at most 253 characters. */
export function domainProblem(domain: string): string | undefined {
  if (domain.length === 0) return 'must not be empty';
  if (domain.length > 253) return `is ${domain.length} characters long; a domain name has at most 253`;
  const bad = domain.split('.').find((label) => !HOSTNAME_PATTERN.test(label));
  if (bad !== undefined) {
    return bad === ''
      ? `"${clip(domain)}" has an empty label (two dots in a row, or a dot at the start or end)`
      : `"${clip(domain)}" has the label "${clip(bad)}"; each dot-separated part is 1-63 letters, digits and "-", not starting or ending with "-"`;
  }
  return undefined;
}

/** Checks a network boot file name: one DHCP boot-file field, in words dnsmasq's config keeps intact. */
export function bootFileProblem(file: string): string | undefined {
  if (file.length === 0) return 'must not be empty (leave out `boot` for no network boot)';
  if (file.length > BOOT_FILE_MAX) return `is ${file.length} characters long; DHCP's boot file field holds at most ${BOOT_FILE_MAX}`;
  if (!BOOT_FILE_PATTERN.test(file))
    return `"${clip(file)}" may contain only letters, digits and . _ / \\ : + ~ @ ? = & % - (no spaces, commas, quotes or "#")`;
  return undefined;
}

export function mtuProblem(mtu: number): string | undefined {
  return mtu < MTU_MIN || mtu > MTU_MAX ? `MTU ${mtu} is out of range; allowed is ${MTU_MIN} to ${MTU_MAX} bytes` : undefined;
}

class Findings {
  readonly errors: ValidationError[] = [];
  add(path: Path, message: string): void {
    this.errors.push({ path, message });
  }
}

function checkAddressIn(out: Findings, path: Path, text: string, subnet: Cidr | undefined, what: string): number | undefined {
  const value = parseIpv4(text);
  if (value === undefined) {
    out.add(path, `"${clip(text)}" is not an IPv4 address (expected four numbers 0-255 separated by dots, like 192.168.56.1)`);
    return undefined;
  }
  if (!subnet) return value;
  if (!contains(subnet, value)) {
    out.add(path, `${what} ${text} is outside the network's subnet ${formatCidr(subnet)}`);
    return undefined;
  }
  if (value === subnet.network) {
    out.add(
      path,
      `${what} ${text} is the subnet's network address; use an address between ${formatIpv4(subnet.network + 1)} and ${formatIpv4(broadcast(subnet) - 1)}`,
    );
    return undefined;
  }
  if (value === broadcast(subnet)) {
    out.add(
      path,
      `${what} ${text} is the subnet's broadcast address; use an address between ${formatIpv4(subnet.network + 1)} and ${formatIpv4(broadcast(subnet) - 1)}`,
    );
    return undefined;
  }
  return value;
}

function checkPort(out: Findings, path: Path, port: number): void {
  if (port < 1 || port > 65535) out.add(path, `port ${port} is out of range; ports are 1-65535`);
}

function checkSubnet(out: Findings, path: Path, text: string): Cidr | undefined {
  const parsed = parseCidr(text, 8, 30);
  if (parsed.ok) return parsed.cidr;
  switch (parsed.reason) {
    case 'syntax':
      out.add(path, `"${clip(text)}" is not an IPv4 subnet in CIDR form (like 192.168.56.0/24)`);
      break;
    case 'prefix':
      out.add(path, `prefix /${parsed.prefix} is not allowed; use a prefix from /8 to /30`);
      break;
    case 'hostBits': {
      const loose = parseIpv4(text.split('/')[0]!)!;
      const network = formatIpv4(loose & (parsed.prefix === 0 ? 0 : (0xffffffff << (32 - parsed.prefix!)) >>> 0));
      out.add(path, `${text} has host bits set; the subnet address is ${network}/${parsed.prefix}`);
      break;
    }
  }
  return undefined;
}

function checkRouted(out: Findings, network: RoutedNetwork, base: Path): void {
  const subnet = checkSubnet(out, [...base, 'subnet'], network.subnet);
  const host = checkAddressIn(out, [...base, 'hostAdapter', 'address'], network.hostAdapter.address, subnet, 'host adapter address');
  let gateway: number | undefined;
  if (network.type === 'nat') {
    gateway = checkAddressIn(out, [...base, 'nat', 'gateway'], network.nat.gateway, subnet, 'gateway');
    if (gateway !== undefined && host !== undefined && gateway === host) {
      out.add(
        [...base, 'nat', 'gateway'],
        `gateway ${network.nat.gateway} is also the host adapter address; the two must differ (VMware uses .2 for the gateway and .1 for the host)`,
      );
    }
    const uplinkProblem = network.nat.uplink === 'auto' ? undefined : interfaceNameProblem(network.nat.uplink);
    if (uplinkProblem) out.add([...base, 'nat', 'uplink'], `must be "auto" or an interface name: ${uplinkProblem}`);
  }

  const dhcp = network.dhcp;
  const dhcpPath = [...base, 'dhcp'];
  if ((dhcp.rangeStart === undefined) !== (dhcp.rangeEnd === undefined)) {
    const missing = dhcp.rangeStart === undefined ? 'rangeStart' : 'rangeEnd';
    out.add(
      [...dhcpPath, missing],
      `is missing; give both rangeStart and rangeEnd, or leave both out so that only reservations get addresses`,
    );
  }
  const start = dhcp.rangeStart === undefined ? undefined : checkAddressIn(out, [...dhcpPath, 'rangeStart'], dhcp.rangeStart, subnet, 'DHCP range start');
  const end = dhcp.rangeEnd === undefined ? undefined : checkAddressIn(out, [...dhcpPath, 'rangeEnd'], dhcp.rangeEnd, subnet, 'DHCP range end');
  if (start !== undefined && end !== undefined) {
    if (start > end) {
      out.add([...dhcpPath, 'rangeEnd'], `DHCP range end ${dhcp.rangeEnd} comes before its start ${dhcp.rangeStart}`);
    } else {
      if (host !== undefined && host >= start && host <= end) {
        out.add(
          [...dhcpPath, 'rangeStart'],
          `DHCP range ${dhcp.rangeStart}-${dhcp.rangeEnd} contains the host adapter address ${network.hostAdapter.address}; move the range or the host address`,
        );
      }
      if (gateway !== undefined && gateway >= start && gateway <= end && network.type === 'nat') {
        out.add(
          [...dhcpPath, 'rangeStart'],
          `DHCP range ${dhcp.rangeStart}-${dhcp.rangeEnd} contains the gateway ${network.nat.gateway}; move the range or the gateway`,
        );
      }
    }
  }
  if (dhcp.boot) {
    const problem = bootFileProblem(dhcp.boot.file);
    if (problem) out.add([...dhcpPath, 'boot', 'file'], `boot file ${problem}`);
    if (dhcp.boot.server !== undefined) checkAddressIn(out, [...dhcpPath, 'boot', 'server'], dhcp.boot.server, subnet, 'boot server');
  }
  if (network.domain !== undefined) {
    const problem = domainProblem(network.domain);
    if (problem) out.add([...base, 'domain'], `domain ${problem}`);
  }
  if (dhcp.leaseSeconds < LEASE_MIN || dhcp.leaseSeconds > LEASE_MAX) {
    out.add(
      [...dhcpPath, 'leaseSeconds'],
      `lease time ${dhcp.leaseSeconds} s is out of range; allowed is ${LEASE_MIN} s (2 minutes) to ${LEASE_MAX} s (one year)`,
    );
  }

  const macs = new Map<string, number>();
  const addresses = new Map<number, number>();
  dhcp.reservations.forEach((reservation, i) => {
    const path = [...dhcpPath, 'reservations', i];
    if (!isUnicastMac(reservation.mac)) {
      out.add(
        [...path, 'mac'],
        `"${clip(reservation.mac)}" is not a unicast MAC address (six hex pairs separated by colons, like 52:54:00:12:34:56, with the first byte even)`,
      );
    } else {
      const key = reservation.mac.toLowerCase();
      const first = macs.get(key);
      if (first !== undefined) out.add([...path, 'mac'], `MAC address ${reservation.mac} is already reserved by reservations[${first}]`);
      else macs.set(key, i);
    }
    const address = checkAddressIn(out, [...path, 'address'], reservation.address, subnet, 'reserved address');
    if (address !== undefined) {
      const first = addresses.get(address);
      if (first !== undefined)
        out.add([...path, 'address'], `address ${reservation.address} is already reserved by reservations[${first}]`);
      else addresses.set(address, i);
      if (address === host) out.add([...path, 'address'], `address ${reservation.address} is the host adapter's own address`);
      if (address === gateway) out.add([...path, 'address'], `address ${reservation.address} is the gateway's address`);
    }
    if (reservation.hostname !== undefined && !HOSTNAME_PATTERN.test(reservation.hostname)) {
      out.add(
        [...path, 'hostname'],
        `"${clip(reservation.hostname)}" is not a valid host name (1-63 letters, digits and "-", not starting or ending with "-")`,
      );
    } else if (reservation.hostname !== undefined && DNSMASQ_HOST_KEYWORD.test(reservation.hostname)) {
      out.add(
        [...path, 'hostname'],
        `"${reservation.hostname}" cannot be a host name: the DHCP server reads it as a setting (ignore, infinite and lease times like 2m or 3600 are refused)`,
      );
    }
  });
}

function checkForward(out: Findings, forward: PortForward, path: Path, subnet: Cidr | undefined): void {
  checkPort(out, [...path, 'hostPort'], forward.hostPort);
  checkPort(out, [...path, 'guestPort'], forward.guestPort);
  checkAddressIn(out, [...path, 'guestAddress'], forward.guestAddress, subnet, 'virtual machine address');
  if (forward.description !== undefined) {
    const problem = textProblem(forward.description, DESCRIPTION_MAX);
    if (problem) out.add([...path, 'description'], `description ${problem}`);
  }
}

function subnetOf(network: Network): Cidr | undefined {
  if (network.type === 'bridged') return undefined;
  const parsed = parseCidr(network.subnet, 8, 30);
  return parsed.ok ? parsed.cidr : undefined;
}

/** Field rules for a config whose structure is already valid. */
export function checkRules(config: Config): ValidationError[] {
  const out = new Findings();
  const names = new Map<string, number>();
  const forwards = new Map<string, string>();
  const uplinks = new Map<string, number>();
  const subnets: { index: number; cidr: Cidr }[] = [];
  const ourNames = new Set(config.networks.map((n) => n.name));

  config.networks.forEach((network, i) => {
    const base: Path = ['networks', i];
    const nameProblem = interfaceNameProblem(network.name);
    if (nameProblem) out.add([...base, 'name'], `network name ${nameProblem} (it is also the bridge's interface name)`);
    const first = names.get(network.name);
    if (first !== undefined)
      out.add([...base, 'name'], `name "${clip(network.name)}" is already used by networks[${first}]; names must be unique`);
    else names.set(network.name, i);
    if (network.label !== undefined) {
      const problem = textProblem(network.label, LABEL_MAX);
      if (problem) out.add([...base, 'label'], `label ${problem}`);
    }
    if (network.mtu !== undefined) {
      const problem = mtuProblem(network.mtu);
      if (problem) out.add([...base, 'mtu'], problem);
    }

    if (network.type === 'bridged') {
      const uplink = network.bridge.uplink;
      const path = [...base, 'bridge', 'uplink'];
      const problem = uplink === 'auto' ? undefined : interfaceNameProblem(uplink);
      if (problem) out.add(path, `must be "auto" or an interface name: ${problem}`);
      else if (uplink !== 'auto' && ourNames.has(uplink))
        out.add(path, `"${uplink}" is one of this app's virtual networks; a bridged network needs a physical uplink`);
      else {
        const previous = uplinks.get(uplink);
        if (previous !== undefined) {
          out.add(path, `uplink "${uplink}" is already bridged by networks[${previous}]; each uplink can be bridged by one network only`);
        } else uplinks.set(uplink, i);
      }
      (network.bridge.exclude ?? []).forEach((name, j) => {
        const excludeProblem = interfaceNameProblem(name);
        if (excludeProblem) out.add([...base, 'bridge', 'exclude', j], `excluded adapter ${excludeProblem}`);
      });
      return;
    }

    checkRouted(out, network, base);
    const cidr = subnetOf(network);
    if (cidr) {
      const clash = subnets.find((other) => overlaps(other.cidr, cidr));
      if (clash) {
        const other = config.networks[clash.index]!;
        out.add(
          [...base, 'subnet'],
          `subnet ${network.subnet} overlaps ${other.type === 'bridged' ? '' : other.subnet} of networks[${clash.index}] ("${other.name}"); virtual networks must not overlap`,
        );
      } else subnets.push({ index: i, cidr });
    }
    if (network.type === 'nat') {
      network.nat.portForwards.forEach((forward, j) => {
        const path: Path = [...base, 'nat', 'portForwards', j];
        checkForward(out, forward, path, cidr);
        const key = `${forward.protocol}/${forward.hostPort}`;
        const taken = forwards.get(key);
        if (taken)
          out.add(
            [...path, 'hostPort'],
            `host port ${key} is already forwarded by ${taken}; each protocol and host port can be forwarded once`,
          );
        else forwards.set(key, `networks[${i}].nat.portForwards[${j}]`);
      });
    }
  });
  return out.errors;
}
