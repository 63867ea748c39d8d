// VMware Workstation → version-1 config. Reads the `networking` file, or a whole
// settings folder (/etc/vmware), in which case each vmnet's nat.conf (gateway and
// port forwards) and dhcpd.conf (range, lease time, reservations) are read too.
// VMware regenerates those two files from `networking`, so where they disagree the
// networking file wins; everything they add is merged in without duplicates.
import {
  DEFAULT_LEASE_SECONDS,
  LABEL_MAX,
  clip,
  defaultAddresses,
  domainProblem,
  ip,
  textProblem,
  type Config,
  type Network,
  type PortForward,
  type Reservation,
  type RoutedNetwork,
} from '../../src-shared/model';
import type { ImportResult } from '../../src-shared/api/types';
import { ImportError } from './errors';
import { diskReader, memoryReader, type SettingsReader } from './read';
import { clampLease, dropRepeatedForwards, finish, fitRange, hostnameFrom, ipv6From, parseSubnet, tidyNetwork } from './assemble';
import {
  parseDhcpdConf,
  parseNatConf,
  parseNetworking,
  type DhcpdConf,
  type ForwardLine,
  type NatConf,
  type NetworkingFile,
  type VmnetLines,
} from './vmware-files';

/** The MACs VMware gives its host virtual adapters: 00:50:56:C0:00:NN. */
const HOST_ADAPTER_MAC = /^00:50:56:c0:00:[0-9a-f]{2}$/;

interface Extras {
  nat?: { conf: NatConf; file: string };
  dhcpd?: { conf: DhcpdConf; file: string };
}

/** First existing file among the places Workstation (vmnetN/nat/nat.conf) and Fusion (vmnetN/nat.conf) keep it. */
function findFile(reader: SettingsReader, folder: string, candidates: string[]): string | undefined {
  return candidates.map((c) => reader.join(folder, c)).find((f) => reader.exists(f));
}

/** The files besides `networking` that `vnet import --from vmware DIR` reads, relative to the folder. */
export const VMWARE_EXTRA_FILES = {
  nat: (n: number) => [`vmnet${n}/nat/nat.conf`, `vmnet${n}/nat.conf`],
  dhcpd: (n: number) => [`vmnet${n}/dhcpd/dhcpd.conf`, `vmnet${n}/dhcpd.conf`],
};

function readExtras(reader: SettingsReader, folder: string, n: number): Extras {
  const extras: Extras = {};
  const natFile = findFile(reader, folder, VMWARE_EXTRA_FILES.nat(n));
  if (natFile) extras.nat = { conf: parseNatConf(reader.readText(natFile), natFile), file: natFile };
  const dhcpFile = findFile(reader, folder, VMWARE_EXTRA_FILES.dhcpd(n));
  if (dhcpFile) extras.dhcpd = { conf: parseDhcpdConf(reader.readText(dhcpFile), dhcpFile), file: dhcpFile };
  return extras;
}

function yesNo(lines: VmnetLines, key: string, file: string): boolean | undefined {
  const answer = lines.answers.get(key);
  if (!answer) return undefined;
  const value = answer.value.toLowerCase();
  if (value === 'yes' || value === 'true' || value === '1') return true;
  if (value === 'no' || value === 'false' || value === '0') return false;
  throw new ImportError(file, answer.line, `VNET_N_${key} must be yes or no, not "${answer.value}"`);
}

function labelFrom(lines: VmnetLines, name: string, notes: string[]): string | undefined {
  const display = lines.answers.get('DISPLAY_NAME')?.value;
  if (!display) return undefined;
  if (textProblem(display, LABEL_MAX)) {
    notes.push(`${name}: display name "${clip(display)}" is too long or has control characters; left out`);
    return undefined;
  }
  return display;
}

function forwardKey(f: { protocol: string; hostPort: number }): string {
  return `${f.protocol}/${f.hostPort}`;
}

/** Forwards from the networking file, then those only nat.conf has; same protocol and host port count once. */
function mergeForwards(
  name: string,
  primary: ForwardLine[],
  secondary: ForwardLine[],
  natFile: string | undefined,
  notes: string[],
): PortForward[] {
  const merged = new Map<string, PortForward>();
  for (const f of [...primary, ...secondary]) {
    const key = forwardKey(f);
    const forward: PortForward = { protocol: f.protocol, hostPort: f.hostPort, guestAddress: f.guestAddress, guestPort: f.guestPort };
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, forward);
    } else if (existing.guestAddress !== forward.guestAddress || existing.guestPort !== forward.guestPort) {
      const from = secondary.includes(f) && natFile ? `${natFile}:${f.line}` : `line ${f.line}`;
      notes.push(
        `${name}: port forward ${key} → ${existing.guestAddress}:${existing.guestPort} kept; the different ${key} → ${f.guestAddress}:${f.guestPort} (${from}) left out`,
      );
    }
  }
  return [...merged.values()];
}

function isHostAdapterEntry(host: { name: string; mac?: string }, n: number): boolean {
  return host.name.toLowerCase() === `vmnet${n}` || (host.mac !== undefined && HOST_ADAPTER_MAC.test(host.mac));
}

/** Reservations from `add_dhcp_mac_to_ip`, then dhcpd.conf's host blocks (minus the host adapter's own), by MAC once. */
function mergeReservations(n: number, lines: VmnetLines, extras: Extras, notes: string[]): Reservation[] {
  const name = `vmnet${n}`;
  const byMac = new Map<string, Reservation>();
  for (const r of lines.macToIp) {
    if (!byMac.has(r.mac)) byMac.set(r.mac, { mac: r.mac, address: r.address });
  }
  const dhcpd = extras.dhcpd;
  for (const host of dhcpd?.conf.hosts ?? []) {
    if (isHostAdapterEntry(host, n)) continue;
    const where = `${dhcpd!.file}:${host.line}`;
    if (!host.mac || !host.address) {
      notes.push(
        `${where}: host "${host.name}" has no ${host.mac ? 'fixed IPv4 address' : 'hardware ethernet address'}; not a reservation, left out`,
      );
      continue;
    }
    const existing = byMac.get(host.mac);
    const hostname = hostnameFrom(host.name, where, notes);
    if (!existing) {
      byMac.set(host.mac, { mac: host.mac, address: host.address, ...(hostname ? { hostname } : {}) });
    } else if (existing.address !== host.address) {
      notes.push(
        `${name}: ${host.mac} is reserved ${existing.address} in the networking file and ${host.address} in ${where}; kept ${existing.address}`,
      );
    } else if (hostname && !existing.hostname) {
      existing.hostname = hostname;
    }
  }
  return [...byMac.values()];
}

function routedNetwork(n: number, lines: VmnetLines, extras: Extras, file: string, notes: string[]): RoutedNetwork {
  const name = `vmnet${n}`;
  const subnetAnswer = lines.answers.get('HOSTONLY_SUBNET')!;
  const maskAnswer = lines.answers.get('HOSTONLY_NETMASK');
  if (!maskAnswer) notes.push(`${name}: no VNET_${n}_HOSTONLY_NETMASK; assumed 255.255.255.0`);
  const netmask = maskAnswer?.value ?? '255.255.255.0';
  if (ip.maskToPrefix(netmask) === undefined)
    throw new ImportError(file, maskAnswer!.line, `netmask "${netmask}" is not a netmask like 255.255.255.0`);
  const cidr = parseSubnet(subnetAnswer.value, netmask);
  if (!cidr) throw new ImportError(file, subnetAnswer.line, `subnet "${subnetAnswer.value}" is not an IPv4 address`);
  if (cidr.prefix < 8 || cidr.prefix > 30)
    throw new ImportError(file, (maskAnswer ?? subnetAnswer).line, `netmask ${netmask} (/${cidr.prefix}) is not supported; use /8 to /30`);
  if (cidr.network !== ip.parseIpv4(subnetAnswer.value))
    notes.push(`${name}: subnet ${subnetAnswer.value} has host bits set; using ${ip.formatCidr(cidr)}`);
  const subnet = ip.formatCidr(cidr);
  const defaults = defaultAddresses(subnet);
  const isNat = yesNo(lines, 'NAT', file) === true;
  const hostAdapterOn = yesNo(lines, 'VIRTUAL_ADAPTER', file) ?? true;
  const dhcpOn = yesNo(lines, 'DHCP', file) ?? false;

  // The host adapter's address: dhcpd.conf's `host vmnetN` entry when present, else VMware's .1.
  let host = defaults.host;
  const dhcpd = extras.dhcpd;
  const own = dhcpd?.conf.hosts.find((h) => isHostAdapterEntry(h, n) && h.address);
  if (own?.address) {
    const value = ip.parseIpv4(own.address)!;
    if (ip.isUsableHost(cidr, value)) host = own.address;
    else notes.push(`${dhcpd!.file}:${own.line}: host adapter address ${own.address} is outside ${subnet}; using ${host}`);
  }
  let gateway = defaults.gateway;
  const natConf = extras.nat;
  if (isNat && natConf?.conf.gateway) {
    const g = natConf.conf.gateway;
    const value = ip.parseIpv4(g.value)!;
    if (!ip.isUsableHost(cidr, value))
      notes.push(`${natConf.file}:${g.line}: NAT gateway ${g.value} is outside ${subnet}; using ${gateway}`);
    else if (g.value === host)
      notes.push(`${natConf.file}:${g.line}: NAT gateway ${g.value} is the host adapter's address; using ${gateway}`);
    else gateway = g.value;
  }

  // DHCP range and lease time: dhcpd.conf when it describes this subnet, else VMware's defaults.
  let wanted: { start: number; end: number } | undefined;
  let leaseSeconds = DEFAULT_LEASE_SECONDS;
  if (dhcpd) {
    const conf = dhcpd.conf;
    const sameSubnet = !conf.subnet || parseSubnet(conf.subnet.value.address, conf.subnet.value.netmask)?.network === cidr.network;
    if (!sameSubnet) {
      notes.push(
        `${dhcpd.file}:${conf.subnet!.line}: describes subnet ${conf.subnet!.value.address}, not ${subnet} from the networking file; its range is not used`,
      );
    } else if (conf.range) {
      const start = ip.parseIpv4(conf.range.value.start)!;
      const end = ip.parseIpv4(conf.range.value.end)!;
      if (ip.isUsableHost(cidr, start) && ip.isUsableHost(cidr, end) && start <= end) wanted = { start, end };
      else
        notes.push(
          `${dhcpd.file}:${conf.range.line}: range ${conf.range.value.start}-${conf.range.value.end} does not fit ${subnet}; using VMware's default range`,
        );
    }
    if (conf.leaseSeconds) leaseSeconds = clampLease(conf.leaseSeconds.value, `${name} (${dhcpd.file}:${conf.leaseSeconds.line})`, notes);
    if (conf.maxLeaseSeconds && conf.maxLeaseSeconds.value !== leaseSeconds)
      notes.push(
        `${dhcpd.file}:${conf.maxLeaseSeconds.line}: max-lease-time ${conf.maxLeaseSeconds.value} s cannot be held (the config has one lease time); every lease lasts ${leaseSeconds} s`,
      );
  }
  const domain = domainFrom(dhcpd, notes);
  const avoid = [ip.parseIpv4(host)!, ...(isNat ? [ip.parseIpv4(gateway)!] : [])];
  const range = fitRange(cidr, avoid, wanted);
  if (!range) throw new ImportError(file, subnetAnswer.line, `${subnet} is too small for a host address, a gateway and a DHCP range`);
  if (wanted && (range.start !== wanted.start || range.end !== wanted.end)) {
    notes.push(
      `${name}: DHCP range ${ip.formatIpv4(wanted.start)}-${ip.formatIpv4(wanted.end)} held the host adapter or gateway address; now ${ip.formatIpv4(range.start)}-${ip.formatIpv4(range.end)}`,
    );
  }

  const label = labelFrom(lines, name, notes);
  const base = {
    name,
    ...(label ? { label } : {}),
    ...(domain ? { domain } : {}),
    subnet,
    hostAdapter: { enabled: hostAdapterOn, address: host },
    dhcp: {
      enabled: dhcpOn,
      rangeStart: ip.formatIpv4(range.start),
      rangeEnd: ip.formatIpv4(range.end),
      leaseSeconds,
      reservations: mergeReservations(n, lines, extras, notes),
    },
  };
  if (isNat) {
    const portForwards = mergeForwards(name, lines.forwards, natConf?.conf.forwards ?? [], natConf?.file, notes);
    const ipv6 = natConf?.conf.ip6Enable?.value
      ? ipv6From(
          natConf.conf.ip6Prefix?.value ?? `fd15:4ba5:5a2b:10${String(n).padStart(2, '0')}::/64`,
          undefined,
          'nat',
          `${natConf.file}:${(natConf.conf.ip6Prefix ?? natConf.conf.ip6Enable).line}`,
          notes,
        )
      : undefined;
    return { ...base, type: 'nat', nat: { gateway, uplink: 'auto', dns: true, portForwards }, ...(ipv6 ? { ipv6 } : {}) };
  }
  if (lines.forwards.length > 0)
    notes.push(`${name}: is host-only, so its ${lines.forwards.length} port forward(s) (line ${lines.forwards[0]!.line}) were left out`);
  return { ...base, type: 'hostonly' };
}

/** dhcpd.conf's `option domain-name`, when it is a domain name the config can hold. */
function domainFrom(dhcpd: { conf: DhcpdConf; file: string } | undefined, notes: string[]): string | undefined {
  const found = dhcpd?.conf.domain;
  if (!found) return undefined;
  const problem = domainProblem(found.value);
  if (problem) {
    notes.push(`${dhcpd.file}:${found.line}: domain ${problem}; left out`);
    return undefined;
  }
  return found.value;
}

function toConfig(
  networking: NetworkingFile,
  file: string,
  folder: { reader: SettingsReader; path: string } | undefined,
  notes: string[],
): Config {
  const networks: Network[] = [];
  const numbers = [...networking.vmnets.keys()];
  const defaultBridge = networking.defaultBridge?.value;
  if (defaultBridge !== undefined && defaultBridge >= 0 && !numbers.includes(defaultBridge)) numbers.push(defaultBridge);
  // VMware bridges vmnet0 to an automatically chosen adapter unless told otherwise.
  if (defaultBridge === undefined && !numbers.includes(0)) {
    numbers.push(0);
    notes.push(
      'vmnet0: not mentioned in the networking file; added as VMware has it by default, bridged to the automatically chosen adapter',
    );
  }
  const usedUplinks = new Set<string>();
  for (const n of numbers.sort((a, b) => a - b)) {
    const name = `vmnet${n}`;
    const lines = networking.vmnets.get(n) ?? { answers: new Map(), bridgeUplinks: [], forwards: [], macToIp: [] };
    const hasSubnet = lines.answers.has('HOSTONLY_SUBNET');
    const mapping = lines.bridgeUplinks[0];
    if (mapping || (!hasSubnet && (n === defaultBridge || (n === 0 && defaultBridge === undefined)))) {
      if (hasSubnet)
        notes.push(`${name}: has both a bridge mapping (line ${mapping!.line}) and a subnet; imported as bridged, the subnet is not used`);
      for (const extra of lines.bridgeUplinks.slice(1))
        notes.push(`${name}: second bridge mapping to ${extra.value} (line ${extra.line}) left out; a network bridges one adapter`);
      let uplink = mapping?.value ?? 'auto';
      if (usedUplinks.has(uplink)) {
        notes.push(`${name}: ${uplink} is already bridged by another network; this one uses the automatically chosen adapter`);
        uplink = 'auto';
      }
      if (usedUplinks.has(uplink)) {
        notes.push(`${name}: a second automatically bridged network is not possible; left out`);
        continue;
      }
      usedUplinks.add(uplink);
      const label = labelFrom(lines, name, notes);
      networks.push({ name, ...(label ? { label } : {}), type: 'bridged', bridge: { uplink } });
      if (lines.forwards.length + lines.macToIp.length > 0)
        notes.push(`${name}: is bridged; its port forwards and DHCP reservations were left out`);
      continue;
    }
    if (!hasSubnet) {
      notes.push(`${name}: has settings but no subnet (VNET_${n}_HOSTONLY_SUBNET); left out`);
      continue;
    }
    const extras = folder ? readExtras(folder.reader, folder.path, n) : {};
    const network = routedNetwork(n, lines, extras, file, notes);
    tidyNetwork(network, notes);
    networks.push(network);
  }
  const config: Config = { version: 1, networks };
  dropRepeatedForwards(config, notes);
  return config;
}

/**
 * Imports VMware Workstation's network settings from its `networking` file or from
 * the folder holding it (usually /etc/vmware), where nat.conf and dhcpd.conf are read too.
 */
export function importVmware(source: string, reader: SettingsReader = diskReader): ImportResult {
  const folder = reader.isFolder(source) ? source : undefined;
  const file = folder ? reader.join(folder, 'networking') : source;
  if (folder && !reader.exists(file))
    throw new ImportError(folder, undefined, 'has no "networking" file; is this VMware\'s settings folder (/etc/vmware)?');
  const networking = parseNetworking(reader.readText(file), file);
  const notes = [...networking.notes];
  const config = toConfig(networking, file, folder ? { reader, path: folder } : undefined, notes);
  return finish(config, notes, file);
}

/**
 * The same import from a settings folder the browser sent: FILES maps paths relative to
 * the folder ("networking", "vmnet8/nat/nat.conf") to their text; FOLDER names it in messages.
 */
export function importVmwareFiles(files: Readonly<Record<string, string>>, folder = 'the uploaded folder'): ImportResult {
  return importVmware(folder, memoryReader(folder, files));
}
