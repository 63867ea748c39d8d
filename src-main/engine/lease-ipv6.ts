// Guests' IPv6 addresses beside their DHCP leases. SLAAC hands out no lease, so the host
// learns a guest's IPv6 address only from the bridge's neighbour table, once the guest has
// talked to it; the entries are matched to the DHCPv4 leases by MAC.
import type { Lease } from '../../src-shared/api/types';
import type { Neighbour } from './inspect';

/** Link-local addresses are left out: every guest has one, and without `%bridge` it cannot be used. */
function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** The leases, each with the global IPv6 addresses its MAC has in `neighbours` (in table order), if any. */
export function withIpv6(leases: Lease[], neighbours: Neighbour[]): Lease[] {
  const byMac = new Map<string, string[]>();
  for (const n of neighbours) {
    if (!n.mac || isLinkLocal(n.address)) continue;
    const mac = n.mac.toLowerCase();
    const list = byMac.get(mac) ?? [];
    if (!list.includes(n.address)) list.push(n.address);
    byMac.set(mac, list);
  }
  return leases.map((l) => {
    const ipv6 = byMac.get(l.mac.toLowerCase());
    return ipv6 ? { ...l, ipv6 } : l;
  });
}
