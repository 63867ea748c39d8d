// Status and doctor for host-only and NAT networks: compares the live host with what
// the network should look like and says, per check, what to do about a difference.
import fs from 'node:fs';
import type { RoutedNetwork } from '../../../../src-shared/model';
import { contains, parseCidr, parseIpv4 } from '../../../../src-shared/model/ip';
import type { DoctorCheck, NetworkStatus, ServiceState } from '../../../../src-shared/api/types';
import { dhcpFiles, parseLeases } from '../../dnsmasq';
import { networkChains } from '../../nft';
import { recordedFingerprint } from '../../table-fingerprint';
import type { ForeignDropPolicy, HostState, PlanContext } from '../../types';
import { bridgeAddresses, dhcpCrashDecision, holdsIpv4Port, wantedNames } from './plan';
import { namesWithoutResolved } from '../../resolved';
import { gaveUpMessage, recentRestarts } from '../../dhcp-crashes';
import { addBridgeCheck, addBridgeFilteringChecks, APPLY_FIX, checkList } from '../../doctor-checks';
import { addIpv6Checks } from './health-ipv6';

/** The subnet a network has in the config being checked (leases outside it are stale). */
function subnetOf(ctx: PlanContext, network: string): string | undefined {
  const found = ctx.config.networks.find((n) => n.name === network);
  return found && 'subnet' in found ? found.subnet : undefined;
}

function leasedAddresses(ctx: PlanContext, network: string): string[] {
  try {
    return parseLeases(network, fs.readFileSync(dhcpFiles(ctx.dirs, network).leases, 'utf8'), subnetOf(ctx, network)).map((l) => l.address);
  } catch {
    return [];
  }
}

export function activeLeaseCount(ctx: PlanContext, network: string, now = Date.now()): number {
  let text = '';
  try {
    text = fs.readFileSync(dhcpFiles(ctx.dirs, network).leases, 'utf8');
  } catch {
    return 0;
  }
  return parseLeases(network, text, subnetOf(ctx, network)).filter((l) => l.expires === null || Date.parse(l.expires) > now).length;
}

export function dhcpState(network: RoutedNetwork, state: HostState): ServiceState {
  const current = (state.dhcp.get(network.name) ?? []).find((p) => p.fromPidFile);
  if (!network.dhcp.enabled) return { service: 'dhcp', running: false, detail: 'DHCP is switched off for this network' };
  const crash = dhcpCrashDecision(network, state);
  if (!current && crash?.giveUp) return { service: 'dhcp', running: false, detail: gaveUpMessage(network.name, crash.recent) };
  if (!current) return { service: 'dhcp', running: false, detail: 'no DHCP server of ours is running' };
  const restarts = crashCount(network, state);
  return {
    service: 'dhcp',
    running: true,
    pid: current.pid,
    since: current.startedAt,
    ...(restarts > 0 ? { detail: restartedDetail(restarts) } : {}),
  };
}

function crashCount(network: RoutedNetwork, state: HostState): number {
  return recentRestarts(state.dhcpCrashes?.get(network.name), state.now ?? Date.now());
}

function restartedDetail(restarts: number): string {
  return `restarted ${restarts} time${restarts === 1 ? '' : 's'} after crashing in the last 10 minutes`;
}

function networkRules(network: RoutedNetwork, state: HostState): number {
  const c = networkChains(network.name);
  return [c.from, c.to, c.hostFrom, c.hostTo].reduce((sum, chain) => sum + (state.table.rules[chain] ?? 0), 0);
}

function rulesIntact(network: RoutedNetwork, state: HostState): boolean {
  const c = networkChains(network.name);
  if (!state.table.exists || !state.table.rules[c.from] || !state.table.rules[c.to]) return false;
  const recorded = recordedFingerprint(state.journal);
  return recorded === undefined || recorded === state.table.fingerprint;
}

export function natState(network: RoutedNetwork, state: HostState): ServiceState & { rules: number; portForwards: number } {
  const rules = networkRules(network, state);
  const portForwards = network.type === 'nat' ? network.nat.portForwards.length : 0;
  const intact = rulesIntact(network, state);
  const forwarding = network.type !== 'nat' || state.forwarding === '1';
  const running = intact && forwarding;
  const detail = !intact ? 'firewall rules missing or changed outside the app' : !forwarding ? 'IPv4 forwarding is off' : undefined;
  return { service: 'nat', running, rules, portForwards, ...(detail ? { detail } : {}) };
}

export function fixForForeignDrop(drop: ForeignDropPolicy, bridge: string): string {
  if (drop.family === 'ip' && drop.table === 'filter' && drop.chain === 'FORWARD') {
    // iptables-nft (Docker, ufw) owns this chain; DOCKER-USER exists when Docker does.
    return `allow the network in iptables, e.g. \`iptables -I DOCKER-USER -i ${bridge} -j ACCEPT\` and \`iptables -I DOCKER-USER -o ${bridge} -j ACCEPT\` (or \`iptables -I FORWARD …\` without Docker)`;
  }
  return `add accept rules for the bridge to that chain, e.g. \`nft insert rule ${drop.family} ${drop.table} ${drop.chain} iifname "${bridge}" accept\` and the same with oifname`;
}

export function doctorRouted(network: RoutedNetwork, state: HostState, ctx: PlanContext): DoctorCheck[] {
  const name = network.name;
  const list = checkList(name);
  const { checks, add } = list;
  const link = state.links.get(name);
  addBridgeCheck(list, name, link);
  const addresses = link?.addresses ?? [];
  const wanted = bridgeAddresses(network);
  const missing = wanted.filter((a) => !addresses.includes(a));
  if (network.hostAdapter.enabled) {
    const hostAddr = wanted[0]!;
    add(
      'host adapter',
      addresses.includes(hostAddr),
      addresses.includes(hostAddr)
        ? `host adapter address ${hostAddr} is on ${name}`
        : `host adapter address ${hostAddr} is missing from ${name}`,
      APPLY_FIX,
    );
  } else {
    add('host adapter', true, 'host adapter is switched off: the host cannot reach guests by their addresses', '');
  }
  if (network.type === 'nat') {
    const gw = wanted[wanted.length - 1]!;
    add(
      'gateway',
      addresses.includes(gw),
      addresses.includes(gw) ? `NAT gateway ${gw} is on ${name}` : `NAT gateway address ${gw} is missing from ${name}`,
      APPLY_FIX,
    );
  } else if (missing.length > 0 && !network.hostAdapter.enabled) {
    add('DHCP address', false, `address ${missing.join(', ')} used by the DHCP server is missing from ${name}`, APPLY_FIX);
  }
  const crash = network.dhcp.enabled ? dhcpCrashDecision(network, state) : undefined;
  if (crash?.giveUp) {
    add(
      'DHCP server',
      false,
      `the DHCP server for ${name} keeps crashing (${crash.recent} restarts in 10 minutes); apply no longer restarts it: guests get no addresses`,
      `find the cause (the system log, \`dnsmasq --test --conf-file=${dhcpFiles(ctx.dirs, name).conf}\`), then run \`vnet services restart ${name} dhcp\``,
    );
  } else if (network.dhcp.enabled) {
    const dhcp = dhcpState(network, state);
    const restarts = crashCount(network, state);
    const bound = state.listeners.some((l) => l.protocol === 'udp' && l.port === 67);
    const strays = (state.dhcp.get(name) ?? []).filter((p) => !p.fromPidFile).length;
    add(
      'DHCP server',
      dhcp.running && bound && strays === 0,
      dhcp.running
        ? strays > 0
          ? `${strays} extra DHCP server(s) of ours run for ${name} besides pid ${dhcp.pid}`
          : bound
            ? `DHCP server running (pid ${dhcp.pid}), listening on port 67${restarts > 0 ? `; ${restartedDetail(restarts)}` : ''}`
            : `DHCP server pid ${dhcp.pid} is not listening on port 67`
        : `no DHCP server is running for ${name}: guests get no addresses`,
      'run `vnet apply` to restart it',
    );
  } else {
    add('DHCP server', true, 'DHCP is switched off; guests need static addresses', '');
  }
  const c = networkChains(name);
  const tablePresent = state.table.exists && !!state.table.rules[c.to];
  const recorded = recordedFingerprint(state.journal);
  const changed = tablePresent && recorded !== undefined && recorded !== state.table.fingerprint;
  add(
    network.type === 'nat' ? 'NAT rules' : 'isolation rules',
    tablePresent && !changed,
    !state.table.exists
      ? "the app's firewall table inet vnet_editor is missing (flushed ruleset?)"
      : !tablePresent
        ? `the rules for ${name} are missing from table inet vnet_editor`
        : changed
          ? 'table inet vnet_editor was changed outside the app'
          : `${networkRules(network, state)} rules for ${name} in table inet vnet_editor`,
    'run `vnet apply` to reload the rules',
  );
  addIpv6Checks(list, network, state, tablePresent && !changed);
  if (network.type === 'nat') {
    add(
      'forwarding',
      state.forwarding === '1',
      state.forwarding === '1'
        ? 'IPv4 forwarding is on'
        : 'IPv4 forwarding (net.ipv4.ip_forward) is off: NAT guests cannot reach the outside',
      'run `vnet apply` to switch it on',
    );
    const uplink = network.nat.uplink;
    const route = state.routes.find((r) => r.dst === 'default' && (uplink === 'auto' || r.dev === uplink));
    add(
      'uplink route',
      !!route,
      route
        ? `outside traffic leaves through ${route.dev ?? '?'}${route.gateway ? ` via ${route.gateway}` : ''}`
        : `no default route${uplink === 'auto' ? '' : ` through ${uplink}`}: NAT guests cannot reach the outside`,
      'connect the host to a network (a default route is needed)',
    );
    for (const drop of state.foreignDrops.filter((d) => d.hook === 'forward')) {
      add(
        'foreign firewall',
        false,
        `chain ${drop.chain} of table ${drop.family} ${drop.table} (not ours) has ${drop.what} on forwarded traffic: it can block ${name}'s guests`,
        fixForForeignDrop(drop, name),
      );
    }
    network.nat.portForwards.forEach((f) => {
      const taken = state.listeners.find(
        (l) =>
          l.protocol === f.protocol &&
          l.port === f.hostPort &&
          holdsIpv4Port(l.address) &&
          !wanted.some((a) => a.startsWith(`${l.address}/`)),
      );
      if (taken) {
        add(
          'port forward',
          false,
          `${f.protocol} port ${f.hostPort} is also used by a program listening on ${taken.address}: the forward hides it`,
          `stop that program or change the forward's host port`,
          true,
        );
      }
    });
  }
  if (network.type === 'nat') {
    // A guest with a static address works only with the gateway as its router (VMware's rule too).
    const known = new Set([
      ...wanted.map((a) => a.split('/')[0]!),
      ...network.dhcp.reservations.map((r) => r.address),
      ...leasedAddresses(ctx, name),
    ]);
    const parsed = parseCidr(network.subnet);
    for (const n of state.neighbours ?? []) {
      const value = parseIpv4(n.address);
      if (n.dev !== name || known.has(n.address) || value === undefined || !parsed.ok || !contains(parsed.cidr, value)) continue;
      checks.push({
        network: name,
        check: 'static guest',
        status: 'warning',
        detail: `guest ${n.address}${n.mac ? ` (${n.mac})` : ''} uses a static address (no DHCP lease)`,
        fix: `give it ${network.nat.gateway} as its default gateway${network.nat.dns ? ' and DNS server' : ''}, or it cannot reach the outside`,
      });
    }
  }
  const names = namesState(network, state);
  if (names) {
    add('names from the host', names.registered || (state.resolved?.running ? false : 'warning'), names.detail, names.fix);
  }
  // A NAT network's foreign-firewall fix above lets its bridged frames through as well.
  if (network.type !== 'nat') addBridgeFilteringChecks(list, network, state);
  for (const drop of state.foreignDrops.filter((d) => d.hook === 'input')) {
    add(
      'foreign firewall',
      false,
      `chain ${drop.chain} of table ${drop.family} ${drop.table} (not ours) drops incoming traffic by default: guests may not reach the host or its DHCP server`,
      fixForForeignDrop(drop, name),
      true,
    );
  }
  return checks;
}

/** Whether the host resolves the network's HOST.DOMAIN names through its gateway, and what to do if not. */
export function namesState(
  network: RoutedNetwork,
  state: HostState,
): { domain: string; server: string; registered: boolean; detail: string; fix: string } | undefined {
  const wanted = wantedNames(network);
  if (!wanted || !state.resolved || !network.domain) return undefined;
  const server = wanted.dns[0]!;
  const domain = network.domain;
  if (!state.resolved.running) {
    const detail = `${state.resolved.reason ?? 'systemd-resolved is not running'}, so the host does not ask ${server} for names in ${domain} (guests reach each other by name all the same)`;
    return { domain, server, registered: false, detail, fix: namesWithoutResolved(server, domain) };
  }
  const current = state.resolved.links.get(network.name);
  const registered = !!current && current.dns.join(' ') === wanted.dns.join(' ') && current.domains.join(' ') === wanted.domains.join(' ');
  return {
    domain,
    server,
    registered,
    detail: registered
      ? `the host asks ${server} for names in ${domain} (systemd-resolved, link ${network.name})`
      : `systemd-resolved does not send names in ${domain} to ${server} on ${network.name}`,
    fix: 'run `vnet apply` to register it again',
  };
}

export function statusRouted(network: RoutedNetwork, state: HostState, ctx: PlanContext): NetworkStatus {
  const link = state.links.get(network.name);
  const ports = [...state.links.values()].filter((l) => l.master === network.name).map((l) => l.name);
  const hostAddr = bridgeAddresses(network)[0];
  const problems = doctorRouted(network, state, ctx)
    .filter((c) => c.status === 'problem')
    .map((c) => c.detail);
  const dhcp = dhcpState(network, state);
  return {
    name: network.name,
    type: network.type,
    up: !!link && link.adminUp,
    bridge: { exists: !!link, up: !!link?.adminUp, carrier: link?.carrier, ports },
    addresses: [...(link?.addresses ?? []), ...(link?.addresses6 ?? [])],
    subnet: network.subnet,
    ...(network.ipv6 ? { prefix6: network.ipv6.prefix } : {}),
    ...(network.type === 'nat' ? { uplink: network.nat.uplink } : {}),
    hostAdapter: {
      enabled: network.hostAdapter.enabled,
      address: network.hostAdapter.address,
      present: network.hostAdapter.enabled && !!hostAddr && !!link?.addresses.includes(hostAddr),
    },
    dhcp,
    ...(network.type === 'nat' ? { nat: natState(network, state) } : {}),
    leases: activeLeaseCount(ctx, network.name),
    ...namesStatus(network, state),
    problems,
  };
}

function namesStatus(network: RoutedNetwork, state: HostState): { names?: NetworkStatus['names'] } {
  const names = namesState(network, state);
  if (!names) return {};
  const { fix, ...rest } = names;
  return { names: { ...rest, detail: names.registered ? names.detail : `${names.detail}; ${fix}` } };
}
