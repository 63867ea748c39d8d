// Which host adapters can be an uplink (for "Bridged to", automatic bridging and
// NAT's outgoing adapter): wired or wireless adapters and veth ends, never the
// loopback, this app's own bridges, or another bridge's ports.
import type { Adapter } from '../../../src-shared/api/types';

const UPLINK_KINDS: ReadonlySet<Adapter['kind']> = new Set(['physical', 'wireless', 'veth', 'other']);

/** `bridgedBy`: the network whose own uplink may already sit in its bridge. */
export function uplinkCandidates(adapters: readonly Adapter[], bridgedBy?: string): Adapter[] {
  return adapters.filter((a) => UPLINK_KINDS.has(a.kind) && !a.managed && (a.master === undefined || a.master === bridgedBy));
}
