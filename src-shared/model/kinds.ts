// Questions about a network's kind, without the schema (zod): the editor's first screen
// uses them before the validation code has loaded. schema.ts re-exports them.
import type { DhcpSettings, Network, RoutedNetwork } from './schema';

export function hasSubnet(network: Network): network is RoutedNetwork {
  return network.type !== 'bridged';
}

/** The DHCP range, or undefined when only reservations get addresses. */
export function dhcpRange(dhcp: DhcpSettings): { start: string; end: string } | undefined {
  return dhcp.rangeStart !== undefined && dhcp.rangeEnd !== undefined ? { start: dhcp.rangeStart, end: dhcp.rangeEnd } : undefined;
}
