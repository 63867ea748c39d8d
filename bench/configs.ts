// The configs and libvirt network definitions the bench applies. Pure functions, so the
// unit tests can check that they are valid and that ours and libvirt's are equivalent.
import { formatError, natNetwork, validateConfig, type Config, type NatNetwork, type PortForward } from '../src-shared/model';

/** The subnet of the i-th of the ten bring-up networks: 192.168.(100+i).0/24. */
export function bringupSubnet(i: number): string {
  return `192.168.${100 + i}.0/24`;
}

export const BRINGUP_COUNT = 10;

/** Ten NAT networks with DHCP and DNS, VMware's layout (host .1, gateway .2, DHCP .128–.254), no forwards. */
export function tenNatNetworks(uplink: string): Config {
  const networks: NatNetwork[] = [];
  for (let i = 0; i < BRINGUP_COUNT; i++) {
    const n = natNetwork(`vnbench${i}`, bringupSubnet(i));
    networks.push({ ...n, nat: { ...n.nat, uplink } });
  }
  return { version: 1, networks };
}

/** The equivalent libvirt network: NAT forward mode, a bridge with the host address, DHCP over the same range (dnsmasq serves DNS by default). */
export function libvirtNetworkXml(i: number): string {
  const third = 100 + i;
  return [
    '<network>',
    `  <name>lvbench${i}</name>`,
    "  <forward mode='nat'/>",
    `  <bridge name='lvbench${i}' stp='off' delay='0'/>`,
    `  <ip address='192.168.${third}.1' netmask='255.255.255.0'>`,
    '    <dhcp>',
    `      <range start='192.168.${third}.128' end='192.168.${third}.254'/>`,
    '    </dhcp>',
    '  </ip>',
    '</network>',
    '',
  ].join('\n');
}

/** The throughput topology's NAT network: the guest sits at .50 and runs iperf3 on 5201. */
export const GUEST = { network: 'vmnet8', subnet: '192.168.133.0/24', address: '192.168.133.50', prefix: 24, gateway: '192.168.133.2' };
export const IPERF_PORT = 5201;
/** The forward under test: host port 8080 → guest's iperf3. */
export const FORWARD_PORT = 8080;
/** Where the userspace proxy (socat) listens on the host, forwarding to the same guest port. */
export const PROXY_PORT = 9080;

/**
 * `count` port forwards: the one under test (tcp/8080 → guest:5201) plus count-1 others, half
 * TCP and half UDP, to other guests, as a busy host would have.
 */
export function portForwards(count: number): PortForward[] {
  const forwards: PortForward[] = [
    { protocol: 'tcp', hostPort: FORWARD_PORT, guestAddress: GUEST.address, guestPort: IPERF_PORT, description: 'iperf3 on the guest' },
  ];
  for (let i = 1; i < count; i++) {
    forwards.push({
      protocol: i % 2 === 0 ? 'udp' : 'tcp',
      hostPort: 20000 + i,
      guestAddress: `192.168.133.${10 + (i % 100)}`,
      guestPort: 1000 + i,
      description: `bench forward ${i}`,
    });
  }
  return forwards;
}

/** One NAT network (the throughput topology's) with `forwards` port forwards, its uplink named explicitly. */
export function natWithForwards(forwards: number, uplink: string): Config {
  const n = natNetwork(GUEST.network, GUEST.subnet);
  return { version: 1, networks: [{ ...n, nat: { ...n.nat, uplink, portForwards: portForwards(forwards) } }] };
}

/** The NAT66 entry's guest: a static address in the network's IPv6 prefix. */
export const GUEST6 = {
  prefix: 'fd15:4ba5:5a2b:1008::/64',
  address: 'fd15:4ba5:5a2b:1008::50',
  host: 'fd15:4ba5:5a2b:1008::1',
  gateway: 'fd15:4ba5:5a2b:1008::2',
};

/** The throughput topology's NAT network with IPv6 (NAT66) and its one forward. */
export function nat66Config(uplink: string): Config {
  const [n] = natWithForwards(1, uplink).networks as NatNetwork[];
  return { version: 1, networks: [{ ...n!, ipv6: { prefix: GUEST6.prefix, hostAddress: GUEST6.host, gateway: GUEST6.gateway } }] };
}

/** Validates with the app's own rules, so a bench config the app would refuse fails here, clearly. */
export function checkedConfig(config: Config): Config {
  const result = validateConfig(config);
  if (!result.ok) throw new Error(`bench config is invalid: ${result.errors.map(formatError).join('; ')}`);
  return result.config;
}
