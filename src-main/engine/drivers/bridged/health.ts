// Status and doctor for bridged networks: the bridge, its uplink port, the host's
// addresses and default route on the bridge, and the uplink's link (carrier).
import type { BridgedNetwork } from '../../../../src-shared/model';
import type { DoctorCheck, NetworkStatus } from '../../../../src-shared/api/types';
import type { HostState, PlanContext } from '../../types';
import { bridgedData, type BridgedData } from './data';
import { portProfileName } from './nm/exec';
import { addBridgeCheck, addBridgeFilteringChecks, APPLY_FIX, checkList } from '../../doctor-checks';
import type { HostProbe } from './probe';
import { unconnectedReason } from './uplink';

/** The uplink as recorded (what was moved), or as configured when nothing was moved yet. */
function uplinkName(network: BridgedNetwork, state: HostState): string | undefined {
  const recorded = bridgedData(state.journal.networks[network.name])?.uplink;
  if (recorded) return recorded;
  return network.bridge.uplink === 'auto' ? undefined : network.bridge.uplink;
}

export function doctorBridged(network: BridgedNetwork, state: HostState, ctx: PlanContext, probe: HostProbe): DoctorCheck[] {
  const name = network.name;
  const list = checkList(name);
  const { checks, add } = list;
  const uplink = uplinkName(network, state);
  const unconnected = uplink ? undefined : unconnectedReason(network, state, ctx, probe);
  if (unconnected) {
    // Nothing was created for it: one failing check that says why and what to do.
    add('uplink', false, unconnected, 'connect a wired adapter, or name the uplink in the editor (Bridged to) or the config, then apply');
    return checks;
  }
  const data = bridgedData(state.journal.networks[name]);
  const link = state.links.get(name);
  addBridgeCheck(list, name, link);
  if (data?.via === 'networkmanager') addNetworkManagerChecks(list, data, state);
  const uplinkLink = uplink ? state.links.get(uplink) : undefined;
  add(
    'uplink',
    !!uplinkLink && uplinkLink.master === name,
    !uplink
      ? 'no uplink has been bridged yet'
      : !uplinkLink
        ? `the uplink ${uplink} has disappeared`
        : uplinkLink.master === name
          ? `${uplink} is a port of ${name}`
          : `${uplink} is not a port of ${name}${uplinkLink.master ? ` (it is a port of ${uplinkLink.master})` : ''}`,
    uplinkLink ? APPLY_FIX : `plug the uplink back in or set networks[].bridge.uplink to another interface, then run \`vnet apply\``,
  );
  if (uplinkLink) {
    add(
      'carrier',
      uplinkLink.carrier && uplinkLink.adminUp ? true : 'warning',
      !uplinkLink.adminUp
        ? `the uplink ${uplink} is switched off`
        : uplinkLink.carrier
          ? `${uplink} has a link to the LAN`
          : `${uplink} has no link (cable unplugged or switch port off)`,
      !uplinkLink.adminUp ? `switch it on: \`vnet adapter up ${uplink}\`` : `check the cable and the switch port of ${uplink}`,
    );
  }
  // Through NetworkManager, the lease check above says where the address is.
  if (data?.via !== 'networkmanager') addAddressChecks(list, name, data, state, uplink);
  addBridgeFilteringChecks(list, network, state);
  return checks;
}

function addAddressChecks(
  { add }: ReturnType<typeof checkList>,
  name: string,
  data: BridgedData | undefined,
  state: HostState,
  uplink: string | undefined,
): void {
  const link = state.links.get(name);
  const uplinkLink = uplink ? state.links.get(uplink) : undefined;
  const moved = (data?.addresses ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
  const onBridge = link?.addresses ?? [];
  const missing = moved.filter((a) => !onBridge.includes(a));
  const leftBehind = uplinkLink?.addresses ?? [];
  add(
    'addresses',
    missing.length === 0 && leftBehind.length === 0,
    missing.length > 0
      ? `the host's address ${missing.join(', ')} is not on ${name}`
      : leftBehind.length > 0
        ? `${uplink} still carries ${leftBehind.join(', ')}; a bridge port's own addresses are unreachable`
        : moved.length > 0
          ? `the host's address ${moved.join(', ')} is on ${name}`
          : `${name} carries ${onBridge.join(', ') || 'no IPv4 address'} (the uplink had none)`,
    APPLY_FIX,
  );
  const movedDefault = (data?.routes ?? []).find((r) => r.family === 4 && r.dst === 'default');
  if (movedDefault) {
    const live = state.routes.find((r) => r.dst === 'default');
    add(
      'default route',
      live?.dev === name,
      live?.dev === name
        ? `the default route goes through ${name} (via ${live.gateway ?? 'the link'})`
        : live
          ? `the default route goes through ${live.dev ?? '?'} instead of ${name}`
          : 'there is no default route; the host cannot reach beyond the LAN',
      APPLY_FIX,
    );
  }
}

/** NetworkManager's view of the app's two profiles, and the lease it keeps on the bridge. */
function addNetworkManagerChecks(list: ReturnType<typeof checkList>, data: BridgedData, state: HostState): void {
  const view = state.networkManager;
  if (!view) {
    list.add(
      'NetworkManager',
      false,
      `${data.bridge} was bridged through NetworkManager, which is not running or does not answer`,
      'start NetworkManager (`systemctl start NetworkManager`), then run `vnet apply`',
    );
    return;
  }
  for (const [what, uuid] of [
    [data.bridge, data.nm?.bridgeProfile],
    [portProfileName(data.bridge), data.nm?.portProfile],
  ] as const) {
    const profile = view.profiles.find((p) => p.uuid === uuid);
    list.add(
      `profile ${what}`,
      !!profile?.active,
      !profile
        ? `NetworkManager profile ${what} was deleted outside the app`
        : profile.active
          ? `NetworkManager profile ${what} is ${profile.state ?? 'active'} on ${profile.device ?? '?'}`
          : `NetworkManager profile ${what} is not active (deactivated outside the app)`,
      APPLY_FIX,
    );
  }
  const lease = state.links.get(data.bridge)?.addresses ?? [];
  list.add(
    'lease',
    lease.length > 0,
    lease.length > 0
      ? `NetworkManager keeps ${lease.join(', ')} on ${data.bridge}`
      : `${data.bridge} has no IPv4 address from NetworkManager`,
    `check \`nmcli device show ${data.bridge}\` and the LAN's DHCP server, then run \`vnet apply\``,
  );
}

/** How a bridged network is connected, in NetworkManager's words, for status. */
function networkManagerStatus(data: BridgedData | undefined, state: HostState): NetworkStatus['networkManager'] {
  if (data?.via !== 'networkmanager') return undefined;
  const profile = state.networkManager?.profiles.find((p) => p.uuid === data.nm?.bridgeProfile);
  return { profile: data.bridge, state: profile ? (profile.active ? (profile.state ?? 'active') : 'inactive') : 'deleted' };
}

export function statusBridged(network: BridgedNetwork, state: HostState, ctx: PlanContext, probe: HostProbe): NetworkStatus {
  const link = state.links.get(network.name);
  const ports = [...state.links.values()].filter((l) => l.master === network.name).map((l) => l.name);
  const uplink = uplinkName(network, state);
  const unconnected = uplink ? undefined : unconnectedReason(network, state, ctx, probe);
  // Unconnected is said once, as its own warning, not again as a problem.
  const problems = unconnected
    ? []
    : doctorBridged(network, state, ctx, probe)
        .filter((c) => c.status === 'problem')
        .map((c) => c.detail);
  const nm = networkManagerStatus(bridgedData(state.journal.networks[network.name]), state);
  return {
    ...(unconnected ? { unconnected } : {}),
    ...(nm ? { networkManager: nm } : {}),
    name: network.name,
    type: 'bridged',
    up: !!link && link.adminUp && !!uplink && state.links.get(uplink)?.master === network.name,
    bridge: { exists: !!link, up: !!link?.adminUp, carrier: link?.carrier, ports },
    addresses: link?.addresses ?? [],
    ...(uplink ? { uplink } : {}),
    leases: 0,
    problems,
  };
}
