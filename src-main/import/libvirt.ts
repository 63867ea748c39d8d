// libvirt network XML → version-1 config. One file (`virsh net-dumpxml NAME`, or
// /etc/libvirt/qemu/networks/NAME.xml) or a folder of them.
//   <forward mode='nat'> (or <forward> alone) → NAT; none → host-only; bridge → bridged
//   <ip address netmask|prefix> → subnet; <dhcp><range><lease/></range><host/></dhcp> → DHCP
//   (<dhcp> with hosts and no <range>: reservations only); <domain> → domain; <mtu> → mtu;
//   <bootp file server> → dhcp.boot. Anything else is named in the notes (libvirt-coverage.ts);
//   Open vSwitch networks and guests on an existing host bridge are refused.
// libvirt puts the host itself at <ip address> and makes it the guests' router. Here
// the NAT gateway and the host adapter are two addresses, so the gateway keeps
// libvirt's address (guests configured by hand keep working) and the host adapter
// moves to a free address; every such change is reported in the notes.
import fs from 'node:fs';
import path from 'node:path';
import {
  LEASE_MAX,
  bootFileProblem,
  domainProblem,
  mtuProblem,
  interfaceNameProblem,
  ip,
  type Config,
  type Ipv6Settings,
  type BootSettings,
  type Network,
  type Reservation,
} from '../../src-shared/model';
import { refuseUnrepresentable, unkeptSettings } from './libvirt-coverage';
import type { ImportResult } from '../../src-shared/api/types';
import { ImportError, describeReadError } from './errors';
import { isFolder, readText } from './read';
import {
  clampLease,
  dropRepeatedForwards,
  finish,
  firstFreeOutside,
  fitRange,
  hostnameFrom,
  interfaceNameFrom,
  ipv6From,
  parseSubnet,
  shellWord,
  tidyNetwork,
} from './assemble';
import { XmlSyntaxError, child, children, parseXml, type XmlElement } from './xml';

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 };

function attr(element: XmlElement, name: string, file: string, what = `<${element.name}>`): string {
  const value = element.attributes[name];
  if (value === undefined || value.trim() === '') throw new ImportError(file, element.line, `${what} has no ${name}="…" attribute`);
  return value.trim();
}

function leaseSecondsOf(lease: XmlElement, file: string): number {
  const expiry = attr(lease, 'expiry', file);
  if (!/^\d{1,10}$/.test(expiry)) throw new ImportError(file, lease.line, `lease expiry "${expiry}" is not a whole number`);
  const unit = lease.attributes.unit ?? 'minutes';
  const factor = UNIT_SECONDS[unit];
  if (factor === undefined) throw new ImportError(file, lease.line, `lease unit "${unit}" must be seconds, minutes or hours`);
  // libvirt's expiry='0' means the lease never expires.
  return Number(expiry) === 0 ? Infinity : Number(expiry) * factor;
}

interface IpSettings {
  cidr: ip.Cidr;
  address: number;
  element: XmlElement;
}

/** The first `<ip family='ipv6'>` as an `ipv6` block; what does not fit (more prefixes, stateful DHCPv6) is noted. */
function ipv6Settings(
  network: XmlElement,
  name: string,
  type: 'hostonly' | 'nat',
  file: string,
  notes: string[],
): Ipv6Settings | undefined {
  const [first, ...extra] = children(network, 'ip').filter((e) => e.attributes.family === 'ipv6');
  if (!first) return undefined;
  for (const e of extra) notes.push(`${file}:${e.line}: a second IPv6 prefix on ${name} is not supported; left out`);
  const address = attr(first, 'address', file, '<ip family="ipv6">');
  const dhcp6 = child(first, 'dhcp');
  if (dhcp6)
    notes.push(`${file}:${dhcp6.line}: stateful DHCPv6 (<dhcp> in the IPv6 <ip>) is not supported; guests configure themselves by SLAAC`);
  const settings = ipv6From(`${address}/${first.attributes.prefix ?? '64'}`, address, type, `${file}:${first.line}`, notes);
  if (!settings || type === 'hostonly') return settings;
  notes.push(`${file}:${first.line}: libvirt routes IPv6 without NAT; ${name} masquerades its guests' IPv6 to the uplink (NAT66)`);
  // As in IPv4, libvirt's own address stays the guests' gateway.
  return { prefix: settings.prefix, hostAddress: settings.gateway!, gateway: settings.hostAddress };
}

function ipSettings(network: XmlElement, name: string, file: string, notes: string[]): IpSettings | undefined {
  const ipv4 = children(network, 'ip').filter((e) => (e.attributes.family ?? 'ipv4') === 'ipv4');
  const element = ipv4[0];
  if (!element) return undefined;
  for (const extra of ipv4.slice(1)) notes.push(`${file}:${extra.line}: a second IPv4 address on ${name} is not supported; left out`);
  const addressText = attr(element, 'address', file, '<ip>');
  const address = ip.parseIpv4(addressText);
  if (address === undefined) throw new ImportError(file, element.line, `address "${addressText}" is not an IPv4 address`);
  let prefix: number | undefined;
  if (element.attributes.prefix !== undefined) {
    prefix = /^\d{1,2}$/.test(element.attributes.prefix) ? Number(element.attributes.prefix) : undefined;
    if (prefix === undefined || prefix > 32)
      throw new ImportError(file, element.line, `prefix "${element.attributes.prefix}" is not a prefix length (0-32)`);
  } else if (element.attributes.netmask !== undefined) {
    prefix = ip.maskToPrefix(element.attributes.netmask);
    if (prefix === undefined)
      throw new ImportError(file, element.line, `netmask "${element.attributes.netmask}" is not a netmask like 255.255.255.0`);
  } else {
    prefix = 24;
    notes.push(`${file}:${element.line}: <ip> has neither netmask nor prefix; assumed /24`);
  }
  if (prefix < 8 || prefix > 30)
    throw new ImportError(file, element.line, `a /${prefix} network is not supported; use a prefix from /8 to /30`);
  const cidr = parseSubnet(addressText, prefix)!;
  if (!ip.isUsableHost(cidr, address))
    throw new ImportError(file, element.line, `address ${addressText} is the network or broadcast address of ${ip.formatCidr(cidr)}`);
  return { cidr, address, element };
}

interface DhcpSettings {
  enabled: boolean;
  range?: { start: number; end: number; line: number };
  leaseSeconds?: number;
  reservations: Reservation[];
  /** `<dhcp>` without `<range>`: libvirt serves only the listed hosts. */
  reservationsOnly?: boolean;
  boot?: { file: string; server?: string; line: number };
}

function dhcpSettings(ipElement: XmlElement, cidr: ip.Cidr, name: string, file: string, notes: string[]): DhcpSettings {
  const dhcp = child(ipElement, 'dhcp');
  if (!dhcp) return { enabled: false, reservations: [] };
  const result: DhcpSettings = { enabled: true, reservations: [] };
  const ranges = children(dhcp, 'range');
  const first = ranges[0];
  if (first) {
    const start = ip.parseIpv4(attr(first, 'start', file, '<range>'));
    const end = ip.parseIpv4(attr(first, 'end', file, '<range>'));
    if (start === undefined || end === undefined) throw new ImportError(file, first.line, 'range start and end must be IPv4 addresses');
    if (!ip.isUsableHost(cidr, start) || !ip.isUsableHost(cidr, end) || start > end) {
      notes.push(
        `${file}:${first.line}: DHCP range ${first.attributes.start}-${first.attributes.end} does not fit ${ip.formatCidr(cidr)}; using the default range`,
      );
    } else {
      result.range = { start, end, line: first.line };
    }
    const lease = child(first, 'lease');
    if (lease) result.leaseSeconds = clampLease(leaseSecondsOf(lease, file), `${name} (${file}:${lease.line})`, notes);
  }
  if (!first) result.reservationsOnly = true;
  for (const extra of ranges.slice(1))
    notes.push(`${file}:${extra.line}: a second DHCP range (${extra.attributes.start}-${extra.attributes.end}) is not supported; left out`);
  for (const host of children(dhcp, 'host')) {
    const where = `${file}:${host.line}`;
    const mac = host.attributes.mac?.toLowerCase();
    const address = host.attributes.ip;
    if (!mac || !address) {
      notes.push(`${where}: a DHCP host needs both mac and ip to become a reservation; left out`);
      continue;
    }
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac))
      throw new ImportError(file, host.line, `mac "${host.attributes.mac}" is not a MAC address`);
    if (ip.parseIpv4(address) === undefined) throw new ImportError(file, host.line, `ip "${address}" is not an IPv4 address`);
    if (child(host, 'lease')) notes.push(`${where}: a lease time for one host is not supported; the network's lease time applies`);
    const hostname = hostnameFrom(host.attributes.name, where, notes);
    result.reservations.push({ mac, address, ...(hostname ? { hostname } : {}) });
  }
  const bootp = child(dhcp, 'bootp');
  if (bootp) {
    const bootFile = attr(bootp, 'file', file, '<bootp>');
    const problem = bootFileProblem(bootFile);
    if (problem) notes.push(`${file}:${bootp.line}: boot file ${problem}; network boot left out`);
    else result.boot = { file: bootFile, ...(bootp.attributes.server ? { server: bootp.attributes.server } : {}), line: bootp.line };
  }
  return result;
}

function networkFrom(root: XmlElement, file: string, used: Set<string>, notes: string[]): Network {
  if (root.name !== 'network') {
    throw new ImportError(
      file,
      root.line,
      `expected a libvirt network (<network>), found <${root.name}>${root.name === 'domain' ? ' (a virtual machine, not a network)' : ''}`,
    );
  }
  const nameElement = child(root, 'name');
  const original = nameElement?.text.trim();
  if (!nameElement || !original) throw new ImportError(file, nameElement?.line ?? root.line, 'the network has no <name>');
  refuseUnrepresentable(root, file);
  const name = interfaceNameFrom(original, used);
  used.add(name);
  if (name !== original)
    notes.push(
      `${original}: renamed to "${name}", because a network's name is also its bridge's interface name (letters, digits, "_", ".", "-"; at most 15; starting with a letter; not an iproute2 keyword)`,
    );
  const label = name !== original ? { label: original.slice(0, 64) } : {};

  const forward = child(root, 'forward');
  // A <forward> without a mode is NAT in libvirt.
  const mode = forward ? (forward.attributes.mode ?? 'nat') : 'none';
  const bridgeElement = child(root, 'bridge');
  const libvirtBridge = bridgeElement?.attributes.name;

  if (mode === 'bridge') {
    const dev = forward!.attributes.dev ?? child(forward!, 'interface')?.attributes.dev;
    let uplink = 'auto';
    if (dev) {
      const problem = interfaceNameProblem(dev);
      if (problem) throw new ImportError(file, forward!.line, `uplink ${problem}`);
      uplink = dev;
    }
    const extra = children(forward!, 'interface').length - 1;
    if (extra > 0) notes.push(`${name}: libvirt lists ${extra + 1} adapters to bridge; this network bridges ${uplink} only`);
    notes.push(...unkeptSettings(root, file, name));
    return { name, ...label, type: 'bridged', bridge: { uplink }, ...mtuOf(root, file, name, notes) };
  }
  if (!['nat', 'none', 'route', 'open'].includes(mode)) {
    throw new ImportError(
      file,
      forward!.line,
      `forward mode "${mode}" (direct assignment to adapters) has no equivalent here; only nat, route, open, bridge or no forwarding can be imported`,
    );
  }
  if (mode === 'route' || mode === 'open')
    notes.push(
      `${name}: libvirt routed this network without NAT (mode "${mode}"); imported as host-only, so guests no longer reach the outside until you switch it to NAT`,
    );
  if (libvirtBridge && libvirtBridge !== name)
    notes.push(
      `${name}: libvirt's bridge ${libvirtBridge} becomes the bridge "${name}"; stop the libvirt network first (virsh net-destroy ${shellWord(original)}; virsh net-autostart --disable ${shellWord(original)})`,
    );

  const settings = ipSettings(root, name, file, notes);
  if (!settings)
    throw new ImportError(file, root.line, `network ${original} has no IPv4 <ip address=…>; a host-only or NAT network needs a subnet`);
  const { cidr, address } = settings;
  const subnet = ip.formatCidr(cidr);
  const dhcp = dhcpSettings(settings.element, cidr, name, file, notes);
  const leaseSeconds = dhcp.leaseSeconds ?? 3600; // libvirt hands out one-hour leases by default
  const isNat = mode === 'nat';
  const reserved = new Set(dhcp.reservations.map((r) => ip.parseIpv4(r.address)).filter((a): a is number => a !== undefined));

  let range = fitRange(cidr, [address], dhcp.range);
  if (!range) throw new ImportError(file, settings.element.line, `${subnet} is too small for a host address, a gateway and a DHCP range`);
  if (dhcp.range && (range.start !== dhcp.range.start || range.end !== dhcp.range.end)) {
    notes.push(
      `${name}: DHCP range ${ip.formatIpv4(dhcp.range.start)}-${ip.formatIpv4(dhcp.range.end)} held ${ip.formatIpv4(address)}; now ${ip.formatIpv4(range.start)}-${ip.formatIpv4(range.end)}`,
    );
  }
  let host = address;
  if (isNat) {
    const taken = new Set([address, ...reserved]);
    const free = firstFreeOutside(cidr, taken, range);
    if (free !== undefined) {
      host = free;
      notes.push(
        `${name}: libvirt's address ${ip.formatIpv4(address)} stays the guests' gateway; the host adapter takes ${ip.formatIpv4(host)}, the first free address outside the DHCP range`,
      );
    } else {
      // No address is free outside the range: the range gives up its first one.
      let candidate = range.start;
      while (taken.has(candidate) && candidate < range.end) candidate++;
      if (candidate >= range.end) throw new ImportError(file, settings.element.line, `${subnet} has no free address for the host adapter`);
      const before = range;
      host = candidate;
      range = { start: candidate + 1, end: range.end };
      notes.push(
        `${name}: libvirt's address ${ip.formatIpv4(address)} stays the guests' gateway; no address outside the DHCP range was free, so the range shrinks from ${ip.formatIpv4(before.start)}-${ip.formatIpv4(before.end)} to ${ip.formatIpv4(range.start)}-${ip.formatIpv4(range.end)} and the host adapter takes ${ip.formatIpv4(host)}`,
      );
    }
  }
  const dhcpBlock = {
    enabled: dhcp.enabled,
    // Reservations only: the range is left out, as libvirt's <dhcp> without <range> means.
    ...(dhcp.reservationsOnly ? {} : { rangeStart: ip.formatIpv4(range.start), rangeEnd: ip.formatIpv4(range.end) }),
    leaseSeconds: Math.min(leaseSeconds, LEASE_MAX),
    reservations: dhcp.reservations,
    ...bootOf(dhcp.boot, cidr, file, notes),
  };
  const hostAdapter = { enabled: true, address: ip.formatIpv4(host) };
  let network: Network;
  if (isNat) {
    let uplink = 'auto';
    const dev = forward?.attributes.dev;
    if (dev) {
      const problem = interfaceNameProblem(dev);
      if (problem) throw new ImportError(file, forward!.line, `uplink ${problem}`);
      uplink = dev;
    }
    const dnsOff = child(root, 'dns')?.attributes.enable === 'no';
    network = {
      name,
      ...label,
      type: 'nat',
      subnet,
      hostAdapter,
      dhcp: dhcpBlock,
      nat: { gateway: ip.formatIpv4(address), uplink, dns: !dnsOff, portForwards: [] },
    };
  } else {
    network = { name, ...label, type: 'hostonly', subnet, hostAdapter, dhcp: dhcpBlock };
  }
  const ipv6 = ipv6Settings(root, name, network.type, file, notes);
  if (ipv6) network.ipv6 = ipv6;
  Object.assign(network, mtuOf(root, file, name, notes), domainOf(root, file, name, network, notes));
  if (child(settings.element, 'tftp'))
    notes.push(
      `${file}:${child(settings.element, 'tftp')!.line}: libvirt ran a TFTP server for ${name}; this app does not: serve the boot files with a TFTP server on ${dhcpBlock.boot?.server ?? (isNat ? ip.formatIpv4(address) : ip.formatIpv4(host))}`,
    );
  notes.push(...unkeptSettings(root, file, name));
  tidyNetwork(network, notes);
  return network;
}

function mtuOf(root: XmlElement, file: string, name: string, notes: string[]): { mtu?: number } {
  const element = child(root, 'mtu');
  if (!element) return {};
  const size = Number(attr(element, 'size', file, '<mtu>'));
  const problem = Number.isInteger(size) ? mtuProblem(size) : `MTU "${element.attributes.size}" is not a whole number`;
  if (problem) {
    notes.push(`${file}:${element.line}: ${problem}; ${name} keeps the default MTU`);
    return {};
  }
  return { mtu: size };
}

function domainOf(root: XmlElement, file: string, name: string, network: Network, notes: string[]): { domain?: string } {
  const element = child(root, 'domain');
  if (!element || network.type === 'bridged') return {};
  const domain = attr(element, 'name', file, '<domain>');
  const problem = domainProblem(domain);
  if (problem) {
    notes.push(`${file}:${element.line}: domain ${problem}; left out`);
    return {};
  }
  if (network.type !== 'nat' || !network.nat.dns)
    notes.push(`${file}:${element.line}: ${name} hands out the domain ${domain} but answers no DNS, so HOST.${domain} is not resolved`);
  else if (element.attributes.localOnly !== 'yes')
    notes.push(
      `${file}:${element.line}: names in ${domain} that ${name} does not know are answered "not found" here, not asked upstream (libvirt's localOnly="no")`,
    );
  return { domain };
}

function bootOf(boot: DhcpSettings['boot'], cidr: ip.Cidr, file: string, notes: string[]): { boot?: BootSettings } {
  if (!boot) return {};
  const server = boot.server === undefined ? undefined : ip.parseIpv4(boot.server);
  if (boot.server !== undefined && (server === undefined || !ip.isUsableHost(cidr, server))) {
    notes.push(
      `${file}:${boot.line}: boot server ${boot.server} is outside ${ip.formatCidr(cidr)}, which the config cannot hold; guests are sent to the gateway or host address instead`,
    );
    return { boot: { file: boot.file } };
  }
  return { boot: boot.server === undefined ? { file: boot.file } : { file: boot.file, server: boot.server } };
}

function parseFile(file: string): XmlElement {
  const text = readText(file);
  try {
    return parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new ImportError(file, error.line, error.message);
    throw error;
  }
}

/** Imports a libvirt network XML file, or every *.xml network file in a folder. */
export function importLibvirt(source: string): ImportResult {
  let files: string[];
  if (isFolder(source)) {
    try {
      files = fs
        .readdirSync(source)
        .filter((f) => f.endsWith('.xml'))
        .sort()
        .map((f) => path.join(source, f));
    } catch (error) {
      throw new ImportError(source, undefined, `cannot read: ${describeReadError(error)}`);
    }
    if (files.length === 0) throw new ImportError(source, undefined, 'holds no libvirt network files (*.xml)');
  } else {
    files = [source];
  }
  const notes: string[] = [];
  const used = new Set<string>();
  const networks = files.map((file) => networkFrom(parseFile(file), file, used, notes));
  const config: Config = { version: 1, networks };
  dropRepeatedForwards(config, notes);
  return finish(config, notes, source);
}
