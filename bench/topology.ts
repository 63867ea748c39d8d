// The throughput path: outside ⇄ host ⇄ guest, three namespaces joined by veth pairs,
// the guest on a bridge in the host. "routed" is the physical limit (a plain Linux
// router, no firewall, no NAT); "vnet" is the same path with the network applied by the app.
import type { Cleanup } from './cleanup';
import { FORWARD_PORT, GUEST, GUEST6, IPERF_PORT, nat66Config, natWithForwards } from './configs';
import { Netns, vethPair } from './netns';
import { waitFor } from './proc';
import { VnetHost } from './vnet';
import { hasSubnet, type Config } from '../src-shared/model';
import { generateRuleset } from '../src-main/engine/nft';

/** The host's uplink to the outside namespace. */
export const UPLINK = { hostIf: 'up0', host: '10.200.0.1', outsideIf: 'wan0', outside: '10.200.0.2', prefix: 24 };
const GUEST_PORT_IN_HOST = 'gv0';
/** The uplink's IPv6 addresses (documentation prefix), for the NAT66 entry. */
export const UPLINK6 = { host: '2001:db8:200::1', outside: '2001:db8:200::2', prefix: 64 };

export interface Topology {
  outside: Netns;
  host: Netns;
  guest: Netns;
  vnet?: VnetHost;
}

/**
 * IPv6 on the same links: static addresses (no DAD wait), the host's default route to the outside,
 * and the guest at GUEST6 with the gateway as its router; the guest ignores router
 * advertisements so both paths configure it the same way.
 */
async function addIpv6(t: Topology): Promise<void> {
  await t.host.ip(['-6', 'addr', 'add', `${UPLINK6.host}/${UPLINK6.prefix}`, 'dev', UPLINK.hostIf, 'nodad']);
  await t.outside.ip(['-6', 'addr', 'add', `${UPLINK6.outside}/${UPLINK6.prefix}`, 'dev', UPLINK.outsideIf, 'nodad']);
  await t.host.ip(['-6', 'route', 'add', 'default', 'via', UPLINK6.outside]);
  await t.guest.sysctl('net.ipv6.conf.eth0.accept_ra', '0');
  await t.guest.ip(['-6', 'addr', 'add', `${GUEST6.address}/64`, 'dev', 'eth0', 'nodad']);
}

async function links(cleanup: Cleanup, tag: string): Promise<Topology> {
  const outside = await Netns.create(cleanup, `${tag}out`);
  const host = await Netns.create(cleanup, `${tag}host`);
  const guest = await Netns.create(cleanup, `${tag}guest`);
  await vethPair(host, UPLINK.hostIf, outside, UPLINK.outsideIf);
  await host.ip(['addr', 'add', `${UPLINK.host}/${UPLINK.prefix}`, 'dev', UPLINK.hostIf]);
  await outside.ip(['addr', 'add', `${UPLINK.outside}/${UPLINK.prefix}`, 'dev', UPLINK.outsideIf]);
  // The outside namespace plays the internet: the host's default route points at it.
  await host.ip(['route', 'add', 'default', 'via', UPLINK.outside]);
  await vethPair(guest, 'eth0', host, GUEST_PORT_IN_HOST);
  await guest.ip(['addr', 'add', `${GUEST.address}/${GUEST.prefix}`, 'dev', 'eth0']);
  return { outside, host, guest };
}

async function startIperfServers(cleanup: Cleanup, t: Topology): Promise<void> {
  for (const ns of [t.guest, t.outside]) {
    const server = ns.daemon(cleanup, 'iperf3', ['-s', '-p', String(IPERF_PORT)]);
    await waitFor(`iperf3 server in ${ns.name}`, async () => {
      if (server.exited()) throw new Error(server.output());
      return ns.listening(IPERF_PORT);
    });
  }
}

async function attachGuest(t: Topology, bridge: string, ipv6: boolean): Promise<void> {
  await t.host.ip(['link', 'set', GUEST_PORT_IN_HOST, 'master', bridge]);
  await t.guest.ip(['route', 'add', 'default', 'via', GUEST.gateway]);
  if (ipv6) await t.guest.ip(['-6', 'route', 'add', 'default', 'via', GUEST6.gateway]);
}

/**
 * What NAT and port forwards cannot do without: connection tracking, here switched on by one
 * rule that matches on it (the kernel then tracks every packet of the namespace, as it does for
 * the app's NAT), accepting everything. No NAT, no filtering: the routed path plus conntrack.
 */
const CONNTRACK_ONLY = `table inet bench_conntrack {
  chain forward {
    type filter hook forward priority filter; policy accept;
    ct state established,related accept
  }
}
`;

/**
 * The least NAT and a port forward can be in the kernel: connection tracking plus the address
 * rewriting of every packet, by one masquerade rule and one DNAT rule, and nothing else (no
 * filtering, no maps). What the app's NAT, NAT66 and forwards are measured against as their floor.
 */
const NAT_ONLY = `table inet bench_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${UPLINK.hostIf}" masquerade
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "${UPLINK.hostIf}" tcp dport ${FORWARD_PORT} dnat ip to ${GUEST.address}:${IPERF_PORT}
  }
}
`;

/** What the routed path carries besides routing: nothing, connection tracking alone, or bare NAT. */
export type Floor = 'none' | 'conntrack' | 'nat';
/** Each floor's rules and the tag of its namespaces' names. */
const FLOORS: Record<Floor, { tag: string; rules?: string }> = {
  none: { tag: 'r' },
  conntrack: { tag: 'c', rules: CONNTRACK_ONLY },
  nat: { tag: 'n', rules: NAT_ONLY },
};

/**
 * The physical limit: a bridge with the same addresses, IPv4 forwarding, no nftables at all; the
 * outside routes to the guests' subnet. With a floor, the same with its rules loaded, in namespaces of its own.
 */
export async function routedTopology(cleanup: Cleanup, ipv6 = false, floor: Floor = 'none'): Promise<Topology> {
  const { tag, rules } = FLOORS[floor];
  const t = await links(cleanup, `${tag}${ipv6 ? '6' : ''}`);
  if (ipv6) {
    await addIpv6(t);
    await t.host.sysctl('net.ipv6.conf.all.forwarding', '1');
    await t.outside.ip(['-6', 'route', 'add', GUEST6.prefix, 'via', UPLINK6.host]);
  }
  await t.host.ip(['link', 'add', GUEST.network, 'type', 'bridge']);
  await t.host.ip(['addr', 'add', `192.168.133.1/${GUEST.prefix}`, 'dev', GUEST.network]);
  await t.host.ip(['addr', 'add', `${GUEST.gateway}/${GUEST.prefix}`, 'dev', GUEST.network]);
  if (ipv6) {
    await t.host.ip(['-6', 'addr', 'add', `${GUEST6.host}/64`, 'dev', GUEST.network, 'nodad']);
    await t.host.ip(['-6', 'addr', 'add', `${GUEST6.gateway}/64`, 'dev', GUEST.network, 'nodad']);
  }
  await t.host.ip(['link', 'set', GUEST.network, 'up']);
  await t.host.sysctl('net.ipv4.ip_forward', '1');
  await attachGuest(t, GUEST.network, ipv6);
  await t.outside.ip(['route', 'add', GUEST.subnet, 'via', UPLINK.host]);
  // A failing load rejects (CommandFailed names the command and its error).
  if (rules) await t.host.exec('nft', ['-f', '-'], { input: rules });
  await startIperfServers(cleanup, t);
  return t;
}

/**
 * The app's own ruleset (as `vnet apply` would load it for `config`) in place of a floor's rules,
 * on that floor's host: the switch wraps a measurement so that it runs with either loaded, and the
 * app's rules and the bare NAT are measured in the very same namespaces, links and CPU placement:
 * only the rules differ. Flushing the whole ruleset is safe: the namespace is the bench's.
 */
export function rulesSwitch(
  t: Topology,
  floor: Floor,
  config: Config,
): (which: 'floor' | 'app', measure: () => Promise<number>) => () => Promise<number> {
  const rules = { floor: FLOORS[floor].rules ?? '', app: generateRuleset(config.networks.filter(hasSubnet), { forwardingBefore: '0' }) };
  let loaded: 'floor' | 'app' = 'floor';
  return (which, measure) => async () => {
    if (which !== loaded) {
      await t.host.exec('nft', ['-f', '-'], { input: `flush ruleset\n${rules[which]}` });
      loaded = which;
    }
    return measure();
  };
}

/**
 * The same path, with the NAT network applied by `vnet apply` (real CLI) with `forwards`
 * port forwards. The outside has no route to the guests: only NAT and forwards reach across.
 */
export async function vnetTopology(cleanup: Cleanup, repoRoot: string, forwards: number, ipv6 = false): Promise<Topology> {
  const t = await links(cleanup, ipv6 ? 'v6' : forwards > 1 ? 'f' : 'v');
  if (ipv6) await addIpv6(t);
  const vnet = VnetHost.create(cleanup, t.host, repoRoot);
  const config = ipv6 ? nat66Config(UPLINK.hostIf) : natWithForwards(forwards, UPLINK.hostIf);
  await vnet.cli(['apply', '--config', vnet.writeConfig(config)]);
  await attachGuest(t, GUEST.network, ipv6);
  await startIperfServers(cleanup, t);
  return { ...t, vnet };
}

/** A host namespace with only an uplink to an outside namespace (and its default route there), for bring-up and apply timings. */
export async function hostWithUplink(cleanup: Cleanup, tag: string): Promise<{ host: Netns; outside: Netns }> {
  const outside = await Netns.create(cleanup, `${tag}out`);
  const host = await Netns.create(cleanup, `${tag}host`);
  await vethPair(host, UPLINK.hostIf, outside, UPLINK.outsideIf);
  await host.ip(['addr', 'add', `${UPLINK.host}/${UPLINK.prefix}`, 'dev', UPLINK.hostIf]);
  await outside.ip(['addr', 'add', `${UPLINK.outside}/${UPLINK.prefix}`, 'dev', UPLINK.outsideIf]);
  await host.ip(['route', 'add', 'default', 'via', UPLINK.outside]);
  return { host, outside };
}
