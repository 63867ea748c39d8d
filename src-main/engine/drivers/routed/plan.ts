// Planning for host-only and NAT networks: a bridge named after the network, the host
// adapter and gateway addresses on it, and one dnsmasq. Pure: state in, ops out.
import { formatIpv4, overlaps, parseCidr, parseLooseCidr, type Cidr } from '../../../../src-shared/model/ip';
import { dhcpRange, type RoutedNetwork, type ValidationError } from '../../../../src-shared/model';
import type { PlanOperation } from '../../../../src-shared/api/types';
import { canonicalIpv6 } from '../../../../src-shared/model/ip6';
import {
  answersNames,
  dhcpFiles,
  generateDnsmasqConf,
  generateHostsFile,
  generateNamesFile,
  runsDnsmasq,
  serviceAddress,
} from '../../dnsmasq';
import type { HostState, JournalNetwork, Listener, PlanContext } from '../../types';
import { planMtu } from '../../mtu';
import { dhcpRestartPolicy, gaveUpMessage, type RestartDecision } from '../../dhcp-crashes';

/** What the routed driver records per network in the journal. */
export interface RoutedRecord {
  /** The app created (or adopted) the bridge, so removing the network deletes it. */
  bridge?: boolean;
  /** Addresses the app put on the bridge. */
  addresses?: string[];
  /** The app started a DHCP server and wrote its files. */
  dhcp?: boolean;
  /** The MTU the app set on the bridge (so that leaving `mtu` out again puts back the kernel's 1500). */
  mtu?: number;
  /** The app registered the bridge with systemd-resolved (DNS server and routing domain). */
  names?: boolean;
}

/**
 * The alias the app gives every bridge it creates: with the journal, the only proof that
 * a bridge found on the host is the app's to take over (and so to delete on `down`).
 */
export const APP_BRIDGE_MARK = 'vnet-editor';

export function routedRecord(recorded: JournalNetwork | undefined): RoutedRecord {
  return (recorded?.data ?? {}) as RoutedRecord;
}

function subnetCidr(network: RoutedNetwork): Cidr {
  const parsed = parseCidr(network.subnet);
  if (!parsed.ok) throw new Error(`network ${network.name}: invalid subnet ${network.subnet}`);
  return parsed.cidr;
}

/**
 * Addresses the bridge carries: the host adapter's when it is on, the NAT gateway
 * always, and on host-only with the adapter off the adapter address all the same,
 * because dnsmasq needs an address in the subnet to hand out leases (the ruleset then
 * keeps the host and the guests apart).
 */
export function bridgeAddresses(network: RoutedNetwork): string[] {
  const prefix = subnetCidr(network).prefix;
  const addresses: string[] = [];
  if (network.hostAdapter.enabled || network.type === 'hostonly') addresses.push(`${network.hostAdapter.address}/${prefix}`);
  if (network.type === 'nat') addresses.push(`${network.nat.gateway}/${prefix}`);
  return addresses;
}

/**
 * IPv6 addresses the bridge carries, following the same rules as IPv4: the host address when
 * the adapter is on (always on host-only, where dnsmasq advertises the prefix from it) and the
 * NAT gateway.
 */
export function bridgeAddresses6(network: RoutedNetwork): string[] {
  const ipv6 = network.ipv6;
  if (!ipv6) return [];
  const addresses: string[] = [];
  if (network.hostAdapter.enabled || network.type === 'hostonly') addresses.push(`${canonicalIpv6(ipv6.hostAddress)}/64`);
  if (network.type === 'nat' && ipv6.gateway) addresses.push(`${canonicalIpv6(ipv6.gateway)}/64`);
  return addresses;
}

function op(network: string, kind: string, target: string, description: string, details?: Record<string, unknown>): PlanOperation {
  return details ? { op: kind, network, target, description, details } : { op: kind, network, target, description };
}

/** The inspection found IPv6 switched off on link `name` (a bridge made for a network without an IPv6 subnet). */
function ipv6SwitchedOff(state: HostState, name: string): boolean {
  return state.ipv6?.switchedOff?.includes(name) === true;
}

export function planRouted(network: RoutedNetwork, state: HostState, ctx: PlanContext): PlanOperation[] {
  const name = network.name;
  const ops: PlanOperation[] = [];
  const link = state.links.get(name);
  const record = routedRecord(state.journal.networks[name]);
  const desired = [...bridgeAddresses(network), ...bridgeAddresses6(network)];
  const actual = [...(link?.addresses ?? []), ...(link?.addresses6 ?? [])];

  if (!link) {
    // Without an IPv6 subnet the bridge gets no IPv6 at all (see switchOffIpv6 in exec.ts).
    ops.push(op(name, 'create-bridge', name, `Create bridge ${name} and switch it on`, network.ipv6 ? undefined : { ipv6: false }));
  } else {
    if (!record.bridge || state.journal.networks[name]?.type !== network.type) {
      // Left by an earlier run whose state folder was lost, or a type change: take it over.
      ops.push(
        op(
          name,
          'adopt-bridge',
          name,
          record.bridge
            ? `Make ${name} a ${network.type === 'nat' ? 'NAT' : 'host-only'} network, keeping its bridge`
            : `Take over the existing bridge ${name}`,
          {
            type: network.type,
            addresses: actual.filter((a) => desired.includes(a)),
          },
        ),
      );
    }
    if (!link.adminUp) ops.push(op(name, 'set-link-up', name, `Switch bridge ${name} on`));
  }
  ops.push(...planMtu('set-mtu', name, network.mtu, link?.mtu, record.mtu));
  const ipv6Off = link !== undefined && ipv6SwitchedOff(state, name);
  if (network.ipv6 && (!link || ipv6Off || state.ipv6?.acceptRa[name] !== '0')) {
    // Guests must not be able to give the host addresses or routes by sending router advertisements.
    // A bridge made for the network before it had an IPv6 subnet has IPv6 off: on first.
    const ignore = `ignore router advertisements from guests (accept_ra=0, autoconf=0)`;
    ops.push(
      op(name, 'set-bridge-ipv6', name, ipv6Off ? `Switch IPv6 on for ${name} and make it ${ignore}` : `Make ${name} ${ignore}`, {
        previous: state.ipv6?.acceptRa[name] ?? '1',
        ...(ipv6Off ? { switchOn: true } : {}),
      }),
    );
  }
  const ours = new Set([...(record.addresses ?? [])]);
  for (const address of actual) {
    if (!desired.includes(address) && ours.has(address))
      ops.push(op(name, 'remove-address', address, `Remove address ${address} from ${name}`));
  }
  for (const address of desired) {
    if (!actual.includes(address)) ops.push(op(name, 'add-address', address, `Add address ${address} to ${name}`));
  }

  ops.push(...planNames(network, state, record));
  const procs = state.dhcp.get(name) ?? [];
  const files = dhcpFiles(ctx.dirs, name);
  const onDisk = state.dhcpFiles.get(name);
  if (runsDnsmasq(network)) {
    const conf = generateDnsmasqConf(network, files);
    const hosts = generateHostsFile(network);
    const names = generateNamesFile(network);
    const current = procs.find((p) => p.fromPidFile && p.confFile === files.conf && onDisk?.conf === conf);
    const strays = procs.filter((p) => p !== current);
    if (strays.length > 0) {
      ops.push(
        op(
          name,
          'stop-dhcp',
          name,
          `Stop ${strays.length === 1 ? 'a DHCP server' : `${strays.length} DHCP servers`} for ${name} that ${current ? 'duplicate the running one' : 'ran with an old or lost configuration'}`,
          {
            pids: strays.map((p) => p.pid),
          },
        ),
      );
    }
    const crash = dhcpCrashDecision(network, state);
    if (!current && crash?.giveUp) {
      // Gave up on a server that keeps crashing: it stays stopped until the user restarts it (a plan warning says so).
    } else if (!current) {
      const restart = crash && !crash.giveUp ? crash : undefined;
      const description = restart
        ? `Restart the DHCP server for ${name}, which had stopped (restart ${restart.recent + 1} in 10 minutes${restart.delayMs > 0 ? `, after ${restart.delayMs / 1000} s` : ''})`
        : `Start the DHCP server for ${name} (${[
            ...(network.dhcp.enabled ? [rangeWords(network)] : []),
            ...(network.ipv6 ? [`IPv6 router advertisements for ${network.ipv6.prefix}`] : []),
          ].join(', ')})`;
      ops.push(
        op(name, 'start-dhcp', name, description, {
          conf,
          hosts,
          names,
          service: serviceAddress(network),
          ...(restart ? { crashRestart: { delayMs: restart.delayMs } } : {}),
        }),
      );
    } else if (onDisk?.hosts !== hosts || (onDisk?.names ?? '') !== names) {
      ops.push(
        op(
          name,
          'reload-dhcp',
          name,
          `Update DHCP reservations for ${name} (${network.dhcp.reservations.length}) without dropping leases`,
          {
            hosts,
            names,
            pid: current.pid,
          },
        ),
      );
    }
  } else {
    if (procs.length > 0)
      ops.push(op(name, 'stop-dhcp', name, `Stop the DHCP server for ${name} (DHCP switched off)`, { pids: procs.map((p) => p.pid) }));
    if (onDisk?.any) ops.push(op(name, 'remove-dhcp-files', name, `Remove the DHCP files of ${name}`));
  }
  return ops;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The resolved registration a network wants: its gateway as the bridge's DNS server for `~DOMAIN`; undefined for none. */
export function wantedNames(network: RoutedNetwork): { dns: string[]; domains: string[] } | undefined {
  if (!answersNames(network) || network.type !== 'nat') return undefined;
  return { dns: [network.nat.gateway], domains: [`~${network.domain}`] };
}

/**
 * Registers the bridge with systemd-resolved (also repairing a registration changed or lost),
 * or takes back one the app made once the network no longer answers names.
 */
function planNames(network: RoutedNetwork, state: HostState, record: RoutedRecord): PlanOperation[] {
  const resolved = state.resolved;
  if (!resolved?.running) return [];
  const name = network.name;
  const wanted = wantedNames(network);
  if (!wanted) {
    return record.names
      ? [op(name, 'unregister-names', name, `Stop asking ${name}'s gateway for names on the host (systemd-resolved)`)]
      : [];
  }
  const current = resolved.links.get(name);
  if (current && sameList(current.dns, wanted.dns) && sameList(current.domains, wanted.domains)) return [];
  return [
    op(name, 'register-names', name, `Ask ${wanted.dns[0]} for names in ${network.domain} on the host (systemd-resolved, link ${name})`, {
      server: wanted.dns[0],
      domain: network.domain,
    }),
  ];
}

function rangeWords(network: RoutedNetwork): string {
  const range = dhcpRange(network.dhcp);
  return range ? `${range.start}–${range.end}` : 'reservations only';
}

/**
 * A DHCP server of ours that died: the journal says the app started one, DHCP is still
 * wanted, and no dnsmasq of ours runs for the network at all (a config change or a lost
 * state folder is not a crash). Undefined when it is not a crash.
 */
export function dhcpCrashDecision(network: RoutedNetwork, state: HostState): RestartDecision | undefined {
  if (!runsDnsmasq(network) || !routedRecord(state.journal.networks[network.name]).dhcp) return undefined;
  if ((state.dhcp.get(network.name) ?? []).length > 0) return undefined;
  return dhcpRestartPolicy(state.dhcpCrashes?.get(network.name) ?? [], state.now ?? Date.now());
}

/** Plan warnings of a routed network: a DHCP server the engine gave up restarting. */
export function warnRouted(network: RoutedNetwork, state: HostState): string[] {
  const crash = dhcpCrashDecision(network, state);
  return crash?.giveUp ? [gaveUpMessage(network.name, crash.recent)] : [];
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * Whether a listener on ADDRESS (as readListeners words it) holds the port on the host's
 * IPv4 addresses: not one on loopback, nor one on a single IPv6 address.
 */
export function holdsIpv4Port(address: string): boolean {
  return !address.startsWith('127.') && !address.startsWith('v6:');
}

/**
 * A UDP socket on `port` held by a program other than the app's dnsmasq, bound where our server would listen.
 * On the DHCP port any dnsmasq is fine: dnsmasq always shares its wildcard DHCP socket (SO_REUSEADDR), which is
 * how several of them (libvirt's on virbr0, another user's) serve their own bridges side by side.
 */
function foreignHolder(state: HostState, port: number, ownAddresses: readonly string[]): Listener | undefined {
  const ourPids = new Set([...state.dhcp.values()].flat().map((p) => p.pid));
  return state.listeners.find(
    (l) =>
      l.protocol === 'udp' &&
      l.port === port &&
      (isWildcard(l.address) || ownAddresses.includes(l.address)) &&
      !(l.owner && ourPids.has(l.owner.pid)) &&
      !(port === 67 && l.owner?.program === 'dnsmasq'),
  );
}

function holderName(l: Listener): string {
  return l.owner ? `${l.owner.program} (pid ${l.owner.pid})` : 'a program this app cannot identify';
}

export function planRoutedRemoval(name: string, recorded: JournalNetwork, state: HostState): PlanOperation[] {
  const ops: PlanOperation[] = [];
  const record = routedRecord(recorded);
  const procs = state.dhcp.get(name) ?? [];
  if (procs.length > 0) ops.push(op(name, 'stop-dhcp', name, `Stop the DHCP server for ${name}`, { pids: procs.map((p) => p.pid) }));
  if (state.dhcpFiles.get(name)?.any) ops.push(op(name, 'remove-dhcp-files', name, `Remove the DHCP files of ${name}`));
  const link = state.links.get(name);
  if (link && record.names && state.resolved?.running) {
    ops.push(op(name, 'unregister-names', name, `Stop asking ${name}'s gateway for names on the host (systemd-resolved)`));
  }
  if (link && record.bridge) {
    // Its IPv4 addresses, group and IPv6 off, for the undo (a rollback puts the bridge back as it was).
    const details = {
      addresses: link.addresses,
      ...(link.group ? { group: link.group } : {}),
      ...(ipv6SwitchedOff(state, name) ? { ipv6: false } : {}),
    };
    ops.push(op(name, 'delete-bridge', name, `Delete bridge ${name}`, details));
  } else if (link) {
    for (const address of record.addresses ?? []) {
      if ([...link.addresses, ...(link.addresses6 ?? [])].includes(address))
        ops.push(op(name, 'remove-address', address, `Remove address ${address} from ${name}`));
    }
  }
  ops.push(op(name, 'forget-network', name, `Forget network ${name}`));
  return ops;
}

/**
 * Interfaces whose routes belong to the app (its networks' bridges, desired or recorded).
 * A bridged network's bridge is not one of them: the routes on it are the host's LAN routes moved from the uplink.
 */
export function ownInterfaces(state: HostState, ctx: PlanContext): Set<string> {
  return new Set([
    ...ctx.config.networks.filter((n) => n.type !== 'bridged').map((n) => n.name),
    ...Object.entries(state.journal.networks)
      .filter(([, recorded]) => recorded.type !== 'bridged')
      .map(([name]) => name),
  ]);
}

export function checkRouted(network: RoutedNetwork, index: number, state: HostState, ctx: PlanContext): ValidationError[] {
  const errors: ValidationError[] = [];
  const link = state.links.get(network.name);
  if (link && link.kind !== 'bridge') {
    errors.push({
      path: ['networks', index, 'name'],
      message: `an interface named "${network.name}" already exists on this host and is not a bridge (${link.kind ?? 'a device'}); choose another name`,
    });
  }
  if (link && link.kind === 'bridge' && !routedRecord(state.journal.networks[network.name]).bridge) {
    // A bridge the journal does not know is taken over only when the app's own mark proves it
    // made it (state folder lost) and it carries no address the app would not give it. Looking
    // like ours is not enough: someone's bridge with VMs on it would be deleted by `down`.
    const desired = bridgeAddresses(network);
    const foreign = link.addresses.filter((a) => !desired.includes(a));
    if (link.alias !== APP_BRIDGE_MARK) {
      errors.push({
        path: ['networks', index, 'name'],
        message: `a bridge named "${network.name}" already exists on this host and nothing shows this app made it (it is not in the app's journal and has no "${APP_BRIDGE_MARK}" mark); it is not the app's to take over or delete, so choose another name`,
      });
    } else if (foreign.length > 0) {
      errors.push({
        path: ['networks', index, 'name'],
        message: `a bridge named "${network.name}" already exists on this host with addresses this app did not give it (${foreign.join(', ')}); it is not the app's to take over, so choose another name`,
      });
    }
  }
  const subnet = subnetCidr(network);
  const own = ownInterfaces(state, ctx);
  for (const route of state.routes) {
    if (route.dst === 'default' || (route.dev && own.has(route.dev))) continue;
    const cidr = parseLooseCidr(route.dst);
    if (cidr && cidr.prefix > 0 && overlaps(cidr, subnet)) {
      errors.push({
        path: ['networks', index, 'subnet'],
        message: `${network.subnet} collides with the host's route to ${route.dst}${route.dev ? ` on ${route.dev}` : ''}; pick another subnet`,
      });
      break;
    }
  }
  if (network.dhcp.enabled) {
    const mine = bridgeAddresses(network).map((a) => a.split('/')[0]!);
    const dhcp = foreignHolder(state, 67, mine);
    if (dhcp) {
      errors.push({
        path: ['networks', index, 'dhcp', 'enabled'],
        message: `UDP port 67 (DHCP) is already used by ${holderName(dhcp)} listening on ${dhcp.address}; stop it or switch DHCP off for this network`,
      });
    }
    const dns = network.type === 'nat' && network.nat.dns ? foreignHolder(state, 53, [network.nat.gateway]) : undefined;
    if (dns) {
      errors.push({
        path: ['networks', index, 'nat', 'dns'],
        message: `UDP port 53 (DNS) is already used by ${holderName(dns)} listening on ${dns.address}; stop it or switch the NAT network's DNS off`,
      });
    }
  }
  if (network.type === 'nat') {
    if (network.nat.uplink !== 'auto' && !state.links.has(network.nat.uplink)) {
      errors.push({
        path: ['networks', index, 'nat', 'uplink'],
        message: `there is no interface named "${network.nat.uplink}" on this host`,
      });
    }
    const ownAddresses = new Set<string>();
    for (const n of ctx.config.networks) {
      if (n.type === 'bridged') continue;
      for (const a of bridgeAddresses(n)) ownAddresses.add(a.split('/')[0]!);
    }
    network.nat.portForwards.forEach((forward, j) => {
      const listener = state.listeners.find(
        (l) => l.protocol === forward.protocol && l.port === forward.hostPort && holdsIpv4Port(l.address) && !ownAddresses.has(l.address),
      );
      if (listener) {
        errors.push({
          path: ['networks', index, 'nat', 'portForwards', j, 'hostPort'],
          message: `${forward.protocol} port ${forward.hostPort} is already in use by a program on this host (listening on ${listener.address}); pick another host port or stop that program`,
        });
      }
    });
  }
  return errors;
}

export { formatIpv4 };
