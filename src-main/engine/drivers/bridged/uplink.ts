// Which interface a bridged network takes as its uplink, and why a candidate cannot be
// one. Every refusal names networks[i].bridge.uplink and says what to do instead.
import type { BridgedNetwork, ValidationError } from '../../../../src-shared/model';
import type { HostState, PlanContext } from '../../types';
import { bridgedData } from './data';
import type { HostProbe } from './probe';
import { uplinkProfileOf } from './nm/plan';

/**
 * `auto` means "bridge whatever wired uplink there is": when there is none, the network
 * stays unconnected (a warning) instead of blocking the other networks. A named uplink
 * that cannot be used is an error.
 */
export type UplinkChoice = { ok: true; uplink: string } | { ok: false; error: ValidationError; auto: boolean };

const pathOf = (index: number): (string | number)[] => ['networks', index, 'bridge', 'uplink'];

/** Names the app uses for its own bridges: every network in the config and in the journal. */
function ownBridgeNames(state: HostState, ctx: PlanContext): Set<string> {
  return new Set([...ctx.config.networks.map((n) => n.name), ...Object.keys(state.journal.networks)]);
}

/** The uplink this network has already taken (recorded in the journal and still a port of its bridge). */
export function attachedUplink(network: BridgedNetwork, state: HostState): string | undefined {
  const data = bridgedData(state.journal.networks[network.name]);
  if (!data?.uplink || !data.attached) return undefined;
  return state.links.get(data.uplink)?.master === network.name ? data.uplink : undefined;
}

/** Why NAME cannot be this network's uplink, or undefined when it can. */
export function uplinkProblem(
  name: string,
  network: BridgedNetwork,
  state: HostState,
  ctx: PlanContext,
  probe: HostProbe,
): string | undefined {
  const link = state.links.get(name);
  if (!link) return `there is no interface named "${name}" on this host`;
  if (name === 'lo' || link.kind === 'loopback') return `${name} is the loopback interface, which cannot be bridged`;
  if (probe.isWireless(name)) {
    return (
      `${name} is a wireless adapter, and Linux cannot bridge Wi-Fi: the access point only accepts frames from ` +
      `${name}'s own MAC address, so guests would not be heard. Use a NAT network for guests on Wi-Fi, or a wired uplink`
    );
  }
  if (name !== network.name && ownBridgeNames(state, ctx).has(name)) {
    return `${name} is another virtual network of this app; a bridged network needs a physical (wired) uplink`;
  }
  if (link.kind === 'bridge')
    return `${name} is itself a bridge; Linux cannot make a bridge a port of another bridge, so name one of its wired ports instead`;
  if (link.master && link.master !== network.name)
    return `${name} is already a port of ${link.master}; take it out of ${link.master} first, or pick another uplink`;
  const other = ctx.config.networks.find(
    (n) =>
      n.type === 'bridged' &&
      n.name !== network.name &&
      (n.bridge.uplink === name || bridgedData(state.journal.networks[n.name])?.uplink === name),
  );
  if (other) return `${name} is already the uplink of bridged network ${other.name}; each uplink can carry one bridged network`;
  if (link.master !== network.name) {
    const manager = probe.addressManager(name, link.ifindex);
    // NetworkManager with an active profile on the uplink: bridged through NetworkManager itself.
    if (manager === 'NetworkManager' && uplinkProfileOf(name, state)) return undefined;
    if (manager?.startsWith('NetworkManager')) {
      return (
        `the address of ${name} is managed by ${manager}, and the app bridges such an uplink through NetworkManager ` +
        `only when NetworkManager answers and has a profile active on ${name}. Check that it runs and answers ` +
        `(\`nmcli device status\`), activate a profile on ${name} (\`nmcli device connect ${name}\`), and apply again`
      );
    }
    if (manager) {
      return (
        `the address of ${name} is managed by ${manager}, which would put it back on ${name} and undo the bridge. ` +
        `Give ${name} a static address (stop the DHCP client or mark ${name} unmanaged), ` +
        `or let NetworkManager manage ${name} (the app then bridges it through NetworkManager), and apply again`
      );
    }
  }
  return undefined;
}

/** `auto`: the interface of the default route, or else another wired interface with a link, skipping bridge.exclude. */
function autoCandidates(network: BridgedNetwork, state: HostState, probe: HostProbe): { candidates: string[]; defaultDev?: string } {
  const defaultDev = state.routes.find((r) => r.dst === 'default' && r.dev)?.dev;
  const wired = [...state.links.values()]
    .filter((l) => l.kind === undefined && probe.hasDevice(l.name) && !probe.isWireless(l.name) && l.carrier && !l.master)
    .map((l) => l.name)
    .sort();
  // The network's own bridge carries the default route once bridged; it is never a candidate.
  const ordered = [...new Set([...(defaultDev ? [defaultDev] : []), ...wired])].filter((n) => n !== network.name);
  const exclude = new Set(network.bridge.exclude ?? []);
  return { candidates: ordered.filter((n) => !exclude.has(n)), ...(defaultDev ? { defaultDev } : {}) };
}

export function chooseUplink(network: BridgedNetwork, index: number, state: HostState, ctx: PlanContext, probe: HostProbe): UplinkChoice {
  const requested = network.bridge.uplink;
  const fail = (message: string): UplinkChoice => ({ ok: false, error: { path: pathOf(index), message }, auto: requested === 'auto' });
  if (requested !== 'auto') {
    const problem = uplinkProblem(requested, network, state, ctx, probe);
    return problem ? fail(`cannot bridge ${requested}: ${problem}`) : { ok: true, uplink: requested };
  }
  // Already bridged (the default route now goes through our own bridge), or bridged
  // before and taken out of it since: the recorded uplink stays the choice.
  const attached = attachedUplink(network, state);
  if (attached) return { ok: true, uplink: attached };
  const recorded = bridgedData(state.journal.networks[network.name])?.uplink;
  if (recorded && !(network.bridge.exclude ?? []).includes(recorded) && !uplinkProblem(recorded, network, state, ctx, probe)) {
    return { ok: true, uplink: recorded };
  }
  const { candidates, defaultDev } = autoCandidates(network, state, probe);
  const problems: string[] = [];
  for (const name of candidates) {
    const problem = uplinkProblem(name, network, state, ctx, probe);
    if (!problem) return { ok: true, uplink: name };
    problems.push(problem);
  }
  if (candidates.length === 0) {
    if (defaultDev && (network.bridge.exclude ?? []).includes(defaultDev)) {
      return fail(
        `"auto" found no uplink: the default route goes through ${defaultDev}, which bridge.exclude lists, and there is no other wired interface; name the uplink explicitly`,
      );
    }
    return fail('"auto" found no uplink: this host has no default route and no wired interface with a link; name the uplink explicitly');
  }
  return fail(`"auto" found no usable uplink: ${problems.join('; ')}`);
}

/** Why an `auto` bridged network stays unconnected, with what to do; undefined when it can be connected (or names its uplink). */
export function unconnectedReason(network: BridgedNetwork, state: HostState, ctx: PlanContext, probe: HostProbe): string | undefined {
  const index = ctx.config.networks.findIndex((n) => n.name === network.name);
  const choice = chooseUplink(network, index, state, ctx, probe);
  if (choice.ok || !choice.auto) return undefined;
  return (
    `${network.name} is not connected: ${choice.error.message}. The other networks are not affected; ` +
    `to connect it, fix that and apply again, or name the uplink in networks[${index}].bridge.uplink`
  );
}
