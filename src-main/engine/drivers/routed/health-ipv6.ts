// Doctor checks of a network's IPv6: its addresses on the bridge, router advertisements
// being sent, and on NAT, forwarding, the NAT66 rules and whether the host keeps its own
// router-advertised IPv6 route (accept_ra=2 on the interfaces that learned one).
import type { RoutedNetwork } from '../../../../src-shared/model';
import type { HostState } from '../../types';
import { APPLY_FIX, type CheckList } from '../../doctor-checks';
import { bridgeAddresses6 } from './plan';

export function addIpv6Checks(list: CheckList, network: RoutedNetwork, state: HostState, natRulesIntact: boolean): void {
  const ipv6 = network.ipv6;
  if (!ipv6) return;
  const name = network.name;
  const { add } = list;
  const live = state.links.get(name)?.addresses6 ?? [];
  const missing = bridgeAddresses6(network).filter((a) => !live.includes(a));
  add(
    'IPv6 addresses',
    missing.length === 0,
    missing.length === 0
      ? `${bridgeAddresses6(network).join(', ')} on ${name} (prefix ${ipv6.prefix})`
      : `${missing.join(', ')} missing from ${name}`,
    APPLY_FIX,
  );
  const server = (state.dhcp.get(name) ?? []).find((p) => p.fromPidFile);
  const advertising = !!server && (state.dhcpFiles.get(name)?.conf ?? '').includes('\nenable-ra\n');
  add(
    'router advertisements',
    advertising,
    advertising
      ? `dnsmasq (pid ${server.pid}) advertises ${ipv6.prefix} on ${name}${network.type === 'hostonly' ? ' with router lifetime 0 (no default route)' : ''}`
      : `nothing sends router advertisements on ${name}: guests get no IPv6 address`,
    'run `vnet apply` to restart the network’s dnsmasq',
  );
  if (network.type !== 'nat') return;
  const host = state.ipv6;
  const forwarding = host?.forwarding === '1';
  add(
    'IPv6 forwarding',
    forwarding,
    forwarding
      ? 'IPv6 forwarding is on'
      : host
        ? 'IPv6 forwarding (net.ipv6.conf.all.forwarding) is off: guests cannot reach the IPv6 outside'
        : 'this host has no IPv6',
    'run `vnet apply` to switch it on',
  );
  add(
    'NAT66 rules',
    natRulesIntact,
    natRulesIntact
      ? `guests of ${ipv6.prefix} are masqueraded to the uplink's IPv6 address`
      : `the NAT66 rules for ${name} are missing or changed in table inet vnet_editor`,
    'run `vnet apply` to reload the rules',
  );
  const routes = (host?.defaultRoutes ?? []).filter((r) => network.nat.uplink === 'auto' || r.dev === network.nat.uplink);
  if (routes.length === 0) {
    add(
      'IPv6 uplink route',
      'warning',
      `no IPv6 default route${network.nat.uplink === 'auto' ? '' : ` through ${network.nat.uplink}`}: guests reach only the host over IPv6`,
      'connect the host to an IPv6 network, or ignore this if it has none',
    );
    return;
  }
  // The libvirt/Incus trap: with forwarding on, accept_ra=1 means the kernel ignores advertisements
  // and drops router-advertised routes, so the host loses its IPv6 route when the lifetime runs out.
  for (const route of routes.filter((r) => r.protocol === 'ra' && r.dev)) {
    const acceptRa = host?.acceptRa[route.dev!];
    const keeps = acceptRa === '2' || !forwarding;
    add(
      'uplink accept_ra',
      keeps,
      keeps
        ? acceptRa === '2'
          ? `${route.dev} keeps its router-advertised IPv6 route while forwarding (accept_ra=2)`
          : `${route.dev} learned its IPv6 route by RA; apply sets accept_ra=2 on it before switching forwarding on`
        : `${route.dev} has accept_ra=${acceptRa ?? '?'} while IPv6 forwarding is on: the host ignores its router advertisements and loses its IPv6 default route when it expires`,
      `run \`vnet apply\` (it sets accept_ra=2), or \`sysctl -w net/ipv6/conf/${route.dev}/accept_ra=2\``,
    );
  }
}
