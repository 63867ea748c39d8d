// The version-1 config: one schema for the CLI, the Electron main process, the
// privileged helper and the editor. Structure (types, unknown keys) is checked by
// zod; the field rules of DESIGN.md are checked in rules.ts so that every error can
// name its JSON path and say in plain words what is allowed.
import * as z from 'zod';

export const NETWORK_TYPES = ['bridged', 'hostonly', 'nat'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

export const PortForwardSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp']),
  hostPort: z.number().int(),
  guestAddress: z.string(),
  guestPort: z.number().int(),
  description: z.string().optional(),
});

export const ReservationSchema = z.strictObject({
  mac: z.string(),
  address: z.string(),
  hostname: z.string().optional(),
});

/** Network boot: DHCP's boot file name and next server (the TFTP server; default the gateway or host). */
export const BootSchema = z.strictObject({
  file: z.string(),
  server: z.string().optional(),
});

export const DhcpSchema = z.strictObject({
  enabled: z.boolean(),
  // Both left out: only reservations get addresses (libvirt's <dhcp> with hosts and no range).
  rangeStart: z.string().optional(),
  rangeEnd: z.string().optional(),
  leaseSeconds: z.number().int().default(1800),
  reservations: z.array(ReservationSchema).default([]),
  boot: BootSchema.optional(),
});

export const HostAdapterSchema = z.strictObject({
  enabled: z.boolean(),
  address: z.string(),
});

export const NatSchema = z.strictObject({
  gateway: z.string(),
  uplink: z.string().default('auto'),
  dns: z.boolean().default(true),
  portForwards: z.array(PortForwardSchema).default([]),
});

/** IPv6 on a host-only or NAT network (VMware's natIp6Prefix): a /64 with SLAAC. */
export const Ipv6Schema = z.strictObject({
  prefix: z.string(),
  hostAddress: z.string(),
  /** NAT only, required there. */
  gateway: z.string().optional(),
});

export const BridgeSchema = z.strictObject({
  uplink: z.string(),
  exclude: z.array(z.string()).optional(),
});

const common = {
  name: z.string(),
  label: z.string().optional(),
  /** The bridge's MTU; on host-only and NAT, DHCP offers it to guests too. */
  mtu: z.number().int().optional(),
};

const routedCommon = {
  ...common,
  /** The DNS domain of the network's guests (VMware's `localdomain`). */
  domain: z.string().optional(),
};

export const BridgedNetworkSchema = z.strictObject({
  ...common,
  type: z.literal('bridged'),
  bridge: BridgeSchema,
});

export const HostOnlyNetworkSchema = z.strictObject({
  ...routedCommon,
  type: z.literal('hostonly'),
  subnet: z.string(),
  hostAdapter: HostAdapterSchema,
  dhcp: DhcpSchema,
  ipv6: Ipv6Schema.optional(),
});

export const NatNetworkSchema = z.strictObject({
  ...routedCommon,
  type: z.literal('nat'),
  subnet: z.string(),
  hostAdapter: HostAdapterSchema,
  dhcp: DhcpSchema,
  nat: NatSchema,
  ipv6: Ipv6Schema.optional(),
});

export const NetworkSchema = z.discriminatedUnion('type', [BridgedNetworkSchema, HostOnlyNetworkSchema, NatNetworkSchema]);

export const ConfigSchema = z.strictObject({
  version: z.literal(1),
  networks: z.array(NetworkSchema),
  /** Optional; false keeps the networks out of libvirt (default: each is also a libvirt network where libvirtd runs). */
  libvirtNetworks: z.boolean().optional(),
});

export type PortForward = z.infer<typeof PortForwardSchema>;
export type Reservation = z.infer<typeof ReservationSchema>;
export type BootSettings = z.infer<typeof BootSchema>;
export type DhcpSettings = z.infer<typeof DhcpSchema>;
export type HostAdapter = z.infer<typeof HostAdapterSchema>;
export type NatSettings = z.infer<typeof NatSchema>;
export type Ipv6Settings = z.infer<typeof Ipv6Schema>;
export type BridgeSettings = z.infer<typeof BridgeSchema>;
export type BridgedNetwork = z.infer<typeof BridgedNetworkSchema>;
export type HostOnlyNetwork = z.infer<typeof HostOnlyNetworkSchema>;
export type NatNetwork = z.infer<typeof NatNetworkSchema>;
export type Network = z.infer<typeof NetworkSchema>;
/** A network that has a subnet, a host adapter and DHCP (host-only or NAT). */
export type RoutedNetwork = HostOnlyNetwork | NatNetwork;
export type Config = z.infer<typeof ConfigSchema>;

/** Which keys each network type may carry, for errors like "only NAT networks have `nat`". */
export const KEYS_BY_TYPE: Record<NetworkType, readonly string[]> = {
  bridged: ['name', 'label', 'mtu', 'type', 'bridge'],
  hostonly: ['name', 'label', 'mtu', 'domain', 'type', 'subnet', 'hostAdapter', 'dhcp', 'ipv6'],
  nat: ['name', 'label', 'mtu', 'domain', 'type', 'subnet', 'hostAdapter', 'dhcp', 'nat', 'ipv6'],
};

// Kept in kinds.ts (no zod there, so the editor's first screen can use them).
export { hasSubnet, dhcpRange } from './kinds';
