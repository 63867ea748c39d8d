// Lays out the topology picture: the outside network and uplinks on top, the
// host in the middle, one column per virtual network with its bridge, host
// adapter and guests (from leases) below. Pure so the layout is testable.
import type { Config } from '../../../src-shared/model';
import type { Adapter, Lease, NetworkStatus } from '../../../src-shared/api/types';

export interface TopologyNode {
  id: string;
  kind: 'outside' | 'uplink' | 'host' | 'bridge' | 'guest' | 'more';
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  lines: string[];
  up: boolean;
}

export interface TopologyEdge {
  from: string;
  to: string;
  label?: string;
  dashed?: boolean;
}

export interface Topology {
  width: number;
  height: number;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

const COLUMN = 210;
const MAX_GUESTS = 4;

/** `status` is undefined until the host answered: nothing is drawn as down before that. */
export function topologyLayout(config: Config, status: NetworkStatus[] | undefined, leases: Lease[], adapters: Adapter[]): Topology {
  const known = status !== undefined;
  const live = status ?? [];
  const columns = Math.max(config.networks.length, 1);
  const width = Math.max(760, columns * COLUMN + 40);
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  nodes.push({ id: 'outside', kind: 'outside', x: 20, y: 10, width: width - 40, height: 34, title: 'LAN / Internet', lines: [], up: true });

  const uplinkNames = new Set<string>();
  // Once an uplink is bridged the default route sits on our bridge; the uplink is then named by the network's status.
  for (const a of adapters) if (a.defaultRoute && !a.managed) uplinkNames.add(a.name);
  const ours = new Set(config.networks.map((n) => n.name));
  for (const s of live) if (s.uplink && s.uplink !== 'auto' && !ours.has(s.uplink)) uplinkNames.add(s.uplink);
  const uplinks = [...uplinkNames];
  const uplinkWidth = 150;
  const uplinkGap = uplinks.length > 0 ? (width - uplinks.length * uplinkWidth) / (uplinks.length + 1) : 0;
  const columnsLeft = (width - columns * COLUMN) / 2;
  uplinks.forEach((name, i) => {
    const adapter = adapters.find((a) => a.name === name);
    // An uplink bridged by a network sits straight above that network's column.
    const bridgedBy = config.networks.findIndex((n) => live.some((s) => s.name === n.name && s.uplink === name && n.type === 'bridged'));
    const x = bridgedBy >= 0 ? columnsLeft + bridgedBy * COLUMN + (COLUMN - uplinkWidth) / 2 : uplinkGap + i * (uplinkWidth + uplinkGap);
    nodes.push({
      id: `uplink:${name}`,
      kind: 'uplink',
      x,
      y: 70,
      width: uplinkWidth,
      height: 48,
      title: name,
      lines: [adapter?.addresses.find((a) => !a.includes(':')) ?? (adapter?.master ? `in bridge ${adapter.master}` : 'uplink')],
      up: adapter ? adapter.adminUp : true,
    });
    edges.push({ from: 'outside', to: `uplink:${name}` });
  });

  nodes.push({ id: 'host', kind: 'host', x: 20, y: 150, width: width - 40, height: 40, title: 'This host', lines: [], up: true });
  for (const name of uplinks) {
    const adapter = adapters.find((a) => a.name === name);
    if (!adapter?.master) edges.push({ from: `uplink:${name}`, to: 'host' });
  }

  const left = columnsLeft;
  config.networks.forEach((network, i) => {
    const state = live.find((s) => s.name === network.name);
    const x = left + i * COLUMN + 10;
    const id = `bridge:${network.name}`;
    const lines =
      network.type === 'bridged'
        ? [`Bridged to ${state?.uplink ?? (network.bridge.uplink === 'auto' ? 'automatic' : network.bridge.uplink)}`]
        : [
            `${network.type === 'nat' ? 'NAT' : 'Host-only'} ${network.subnet}`,
            network.type === 'nat' ? `gateway ${network.nat.gateway}` : '',
            network.ipv6 ? `IPv6 ${network.ipv6.prefix}` : '',
          ];
    nodes.push({
      id,
      kind: 'bridge',
      x,
      y: 240,
      width: COLUMN - 20,
      height: 56,
      title: network.name,
      lines: lines.filter(Boolean),
      up: state ? state.up : !known,
    });
    if (network.type === 'bridged') {
      const uplink = state?.uplink;
      if (uplink) edges.push({ from: `uplink:${uplink}`, to: id, label: 'bridged' });
      edges.push({ from: 'host', to: id, label: 'host on the LAN' });
    } else {
      if (network.hostAdapter.enabled) edges.push({ from: 'host', to: id, label: network.hostAdapter.address });
      else edges.push({ from: 'host', to: id, label: 'no host adapter', dashed: true });
    }
    const guests = leases.filter((l) => l.network === network.name);
    guests.slice(0, MAX_GUESTS).forEach((lease, j) => {
      const guestId = `guest:${network.name}:${lease.mac}`;
      nodes.push({
        id: guestId,
        kind: 'guest',
        x: x + 15,
        y: 330 + j * 52,
        width: COLUMN - 50,
        height: 42,
        // A libvirt domain's name says which VM it is better than its DHCP hostname.
        title: lease.vm ?? (lease.hostname || lease.mac),
        lines: [lease.address],
        up: true,
      });
      edges.push({ from: j === 0 ? id : `guest:${network.name}:${guests[j - 1]!.mac}`, to: guestId });
    });
    if (guests.length > MAX_GUESTS) {
      nodes.push({
        id: `more:${network.name}`,
        kind: 'more',
        x: x + 15,
        y: 330 + MAX_GUESTS * 52,
        width: COLUMN - 50,
        height: 24,
        title: `+${guests.length - MAX_GUESTS} more`,
        lines: [],
        up: true,
      });
    }
  });
  const bottom = Math.max(...nodes.map((n) => n.y + n.height));
  return { width, height: bottom + 20, nodes, edges };
}
