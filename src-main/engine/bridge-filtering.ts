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

/** A foreign chain that can cut the guests of a network off: what it does, and the rule that fixes it. */
export interface BridgedFrameProblem {
  detail: string;
  fix: string;
}

/**
 * What each foreign chain met by bridged IPv4 frames does to the guests of `network` (bridged
 * ones also lose their LAN), with the rule that lets the frames between its bridge's ports
 * through. None without br_netfilter. For plan's warnings and doctor's checks alike.
 */
export function bridgedFrameProblems(network: { name: string; type: string }, state: HostState): BridgedFrameProblem[] {
  if (!state.bridgeFiltering) return [];
  const whom = network.type === 'bridged' ? 'from each other and from the LAN' : 'from each other';
  return state.foreignDrops
    .filter((d) => d.hook === 'forward' && (d.family === 'ip' || d.family === 'inet'))
    .map((drop) => ({
      detail: `chain ${drop.chain} of table ${drop.family} ${drop.table} (not ours) has ${drop.what} on forwarded traffic, and frames bridged between guests pass through it (bridge-nf-call-iptables = 1): it can cut off the guests of ${network.name} ${whom}`,
      fix: fixForBridgedFrames(drop, network.name),
    }));
}

/** The rule that lets frames between the ports of `bridge` through that chain. */
function fixForBridgedFrames(drop: ForeignDropPolicy, bridge: string): string {
  if (drop.family === 'ip' && drop.table === 'filter' && drop.chain === 'FORWARD') {
    // iptables-nft (Docker, ufw) owns this chain; DOCKER-USER exists when Docker does.
    return `allow the bridge in iptables, e.g. \`iptables -I DOCKER-USER -i ${bridge} -o ${bridge} -j ACCEPT\` (or \`iptables -I FORWARD …\` without Docker)`;
  }
  return `add an accept rule for the bridge to that chain, e.g. \`nft insert rule ${drop.family} ${drop.table} ${drop.chain} iifname "${bridge}" oifname "${bridge}" accept\``;
}
