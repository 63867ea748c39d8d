// Planning a bridged network: create the bridge (with the uplink's MAC), then move the
// uplink in (its addresses and routes go to the bridge). Taking it down plans the
// reverse from what the journal recorded. Pure: the moves themselves read the live
// addresses and routes when they run (see exec.ts), so nothing is moved from a stale copy.
import type { BridgedNetwork, ValidationError } from '../../../../src-shared/model';
import type { PlanOperation } from '../../../../src-shared/api/types';
import type { HostState, PlanContext } from '../../types';
import { bridgedData, type BridgedData } from './data';
import type { HostProbe } from './probe';
import { chooseUplink } from './uplink';
import { planMtu } from '../../mtu';

export const KERNEL_OPS = [
  'bridged-create-bridge',
  'bridged-set-mtu',
  'bridged-switch-on',
  'bridged-attach-uplink',
  'bridged-detach-uplink',
  'bridged-delete-bridge',
] as const;

export function checkBridged(
  network: BridgedNetwork,
  index: number,
  state: HostState,
  ctx: PlanContext,
  probe: HostProbe,
): ValidationError[] {
  const errors: ValidationError[] = [];
  const link = state.links.get(network.name);
  const recorded = bridgedData(state.journal.networks[network.name]);
  if (link && !recorded?.created) {
    errors.push({
      path: ['networks', index, 'name'],
      message: `an interface named ${network.name} already exists and was not created by this app; pick another name for the network`,
    });
  } else if (link && link.kind !== 'bridge') {
    errors.push({
      path: ['networks', index, 'name'],
      message: `${network.name} exists but is not a bridge; remove it or pick another name`,
    });
  }
  const choice = chooseUplink(network, index, state, ctx, probe);
  // `auto` finding nothing is a warning (see warnings in ./index.ts), never a refusal.
  if (!choice.ok && !choice.auto) errors.push(choice.error);
  return errors;
}

function describeMove(uplink: string, state: HostState): string {
  const addresses = state.links.get(uplink)?.addresses ?? [];
  const defaultRoute = state.routes.find((r) => r.dst === 'default' && r.dev === uplink);
  const parts = [addresses.length ? `addresses ${addresses.join(', ')}` : 'its addresses'];
  parts.push(defaultRoute ? `routes (default via ${defaultRoute.gateway ?? uplink})` : 'routes');
  return parts.join(' and ');
}

export function detachOperation(name: string, data: BridgedData): PlanOperation {
  const uplink = data.uplink ?? '?';
  return {
    op: 'bridged-detach-uplink',
    network: name,
    target: uplink,
    risky: true,
    description: `Give ${uplink} back its addresses and routes and take it out of bridge ${data.bridge}`,
    details: { bridge: data.bridge, uplink },
  };
}

/** The kernel's way: create the bridge with the uplink's MAC, then move the uplink in. */
export function planKernelBridge(network: BridgedNetwork, uplink: string, state: HostState): PlanOperation[] {
  const bridge = network.name;
  const ops: PlanOperation[] = [];
  const link = state.links.get(bridge);
  const uplinkLink = state.links.get(uplink)!;
  const recorded = bridgedData(state.journal.networks[bridge]);

  // The network now has a different uplink: give the old one back first.
  if (recorded?.uplink && recorded.uplink !== uplink && (recorded.attached || state.links.get(recorded.uplink)?.master === bridge)) {
    ops.push(detachOperation(bridge, recorded));
  }
  if (!link) {
    ops.push({
      op: 'bridged-create-bridge',
      network: bridge,
      target: bridge,
      description: `Create bridge ${bridge} with ${uplink}'s MAC address ${uplinkLink.mac ?? ''}`.trim(),
      details: { bridge, uplink },
    });
  } else if (!link.adminUp) {
    ops.push({ op: 'bridged-switch-on', network: bridge, target: bridge, description: `Switch on bridge ${bridge}`, details: { bridge } });
  }
  const enslaved = uplinkLink.master === bridge;
  const leftOnUplink = uplinkLink.addresses.length > 0;
  const moved = recorded?.uplink === uplink && recorded.attached;
  if (!enslaved || leftOnUplink || !moved) {
    ops.push({
      op: 'bridged-attach-uplink',
      network: bridge,
      target: uplink,
      risky: true,
      description: `Make ${uplink} a port of bridge ${bridge} and move its ${describeMove(uplink, state)} to ${bridge}`,
      details: { bridge, uplink },
    });
  }
  // After the uplink joined, which would otherwise lower the bridge to the uplink's MTU.
  ops.push(...planMtu('bridged-set-mtu', bridge, network.mtu, link?.mtu, recorded?.mtu));
  return ops;
}

/**
 * The journal has no uplink for this network (the state folder was lost), yet the bridge
 * carries addresses: they are the host's, moved from the uplink. Rather than deleting
 * them with the bridge, move what the bridge has now back to its uplink port. With
 * more than one candidate port the step refuses at run time, so nothing is cut off.
 */
function liveDetach(name: string, bridge: string, state: HostState): PlanOperation | undefined {
  const link = state.links.get(bridge);
  const carriesHost = (link?.addresses.length ?? 0) > 0 || state.routes.some((r) => r.dst === 'default' && r.dev === bridge);
  if (!link || !carriesHost) return undefined;
  const ports = [...state.links.values()].filter((l) => l.master === bridge);
  const hardware = ports.filter((l) => l.kind === undefined);
  const uplink = ports.length === 1 ? ports[0]!.name : hardware.length === 1 ? hardware[0]!.name : undefined;
  return {
    op: 'bridged-detach-uplink',
    network: name,
    target: uplink ?? bridge,
    risky: true,
    description: uplink
      ? `Move the addresses and routes of ${bridge} back to its uplink ${uplink} and take it out of the bridge (no journal entry: read from the host)`
      : `Move the addresses and routes of ${bridge} back to its uplink (no journal entry, and more than one candidate port)`,
    details: { bridge, fromHost: true, ...(uplink ? { uplink } : { ports: ports.map((p) => p.name) }) },
  };
}

export function planKernelRemoval(name: string, data: BridgedData, state: HostState): PlanOperation[] {
  const ops: PlanOperation[] = [];
  const uplinkStillPort = data.uplink !== undefined && state.links.get(data.uplink)?.master === data.bridge;
  if (data.uplink && (data.attached || uplinkStillPort)) ops.push(detachOperation(name, data));
  else if (!data.uplink) {
    const live = liveDetach(name, data.bridge, state);
    if (live) ops.push(live);
  }
  ops.push({
    op: 'bridged-delete-bridge',
    network: name,
    target: data.bridge,
    description: state.links.has(data.bridge) ? `Delete bridge ${data.bridge}` : `Forget bridge ${data.bridge} (already gone)`,
    details: { bridge: data.bridge },
  });
  return ops;
}
