// Frames the kernel bridges — between two guests of one network, or between a bridged
// network's guests and its LAN — are not forwarded. Yet with br_netfilter loaded (Docker loads
// it) and bridge-nf-call-iptables on (its default once loaded), they pass the IPv4 forward hook
// of iptables and nftables all the same. Our own table accepts them (nft.ts), but an accept in
// one table does not outvote a drop in another: a foreign chain that drops forwarded traffic by
// default (Docker's FORWARD policy) cuts those guests off, and only a rule in that chain helps.
import fs from 'node:fs';
import type { ForeignDropPolicy, HostState } from './types';

const BRIDGE_NF_SYSCTL = '/proc/sys/net/bridge/bridge-nf-call-iptables';

/** Whether bridged IPv4 frames pass the firewall's hooks in this network namespace. */
export function readBridgeFiltering(file = BRIDGE_NF_SYSCTL): boolean {
  try {
    return fs.readFileSync(file, 'utf8').trim() === '1';
  } catch {
    return false; // br_netfilter is not loaded: bridged frames never meet iptables or nftables
  }
}

/** The foreign chains that bridged IPv4 frames meet and that drop them unless a rule lets them through. */
export function dropsOfBridgedFrames(state: HostState): ForeignDropPolicy[] {
  if (!state.bridgeFiltering) return [];
  return state.foreignDrops.filter((d) => d.hook === 'forward' && (d.family === 'ip' || d.family === 'inet'));
}

/** The rule that lets frames between the ports of `bridge` through that chain. */
export function fixForBridgedFrames(drop: ForeignDropPolicy, bridge: string): string {
  if (drop.family === 'ip' && drop.table === 'filter' && drop.chain === 'FORWARD') {
    // iptables-nft (Docker, ufw) owns this chain; DOCKER-USER exists when Docker does.
    return `allow the bridge in iptables, e.g. \`iptables -I DOCKER-USER -i ${bridge} -o ${bridge} -j ACCEPT\` (or \`iptables -I FORWARD …\` without Docker)`;
  }
  return `add an accept rule for the bridge to that chain, e.g. \`nft insert rule ${drop.family} ${drop.table} ${drop.chain} iifname "${bridge}" oifname "${bridge}" accept\``;
}

/** What such a chain does to the guests of `network`: bridged ones also lose their LAN. */
export function bridgedFramesHarm(drop: ForeignDropPolicy, network: { name: string; type: string }): string {
  const whom = network.type === 'bridged' ? 'from each other and from the LAN' : 'from each other';
  return `chain ${drop.chain} of table ${drop.family} ${drop.table} (not ours) has ${drop.what} on forwarded traffic, and frames bridged between guests pass through it (bridge-nf-call-iptables = 1): it can cut off the guests of ${network.name} ${whom}`;
}
