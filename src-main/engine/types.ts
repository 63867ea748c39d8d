// The engine's inner shapes: what inspection finds on the host, the journal of what
// the app created, and the NetworkDriver interface each network type implements.
import type { Config, Network, ValidationError } from '../../src-shared/model';
import type { DoctorCheck, NetworkStatus, PlanOperation } from '../../src-shared/api/types';
import type { Dirs } from '../paths';
import type { CommandRunner } from './runner';
import type { ResolvedState } from './resolved';
import type { NmView } from './drivers/bridged/nm/nmcli';
import type { LibvirtState } from './hypervisors/libvirt';
import type { BridgeHelperState } from './hypervisors/bridge-helper';

export interface LinkState {
  name: string;
  ifindex: number;
  /** `bridge`, `veth`, `dummy`…; undefined for plain devices. */
  kind?: string;
  adminUp: boolean;
  operState: string;
  carrier: boolean;
  mac?: string;
  master?: string;
  /** IPv4 addresses as `a.b.c.d/prefix`. */
  addresses: string[];
  /** Global IPv6 addresses, RFC 5952 text with `/length` (no link-local ones). */
  addresses6?: string[];
  mtu?: number;
  /** The link's alias (`ip link set dev X alias …`): the app marks the bridges it creates with it. */
  alias?: string;
  /** The link's group as `ip` prints it: `default` (0), a number, or a name from /etc/iproute2/group. */
  group?: string;
}

export interface RouteState {
  /** `default` or a CIDR. */
  dst: string;
  dev?: string;
  gateway?: string;
  protocol?: string;
  scope?: string;
}

/** A dnsmasq process that belongs to one of the app's networks in this network namespace. */
export interface DhcpProcess {
  network: string;
  pid: number;
  /** Epoch ms the process started (from /proc/PID/stat). */
  startedAt: number;
  /** The --conf-file it runs with. */
  confFile: string;
  /** True when its pid file in the current state folder names it. */
  fromPidFile: boolean;
}

/** A base chain of a table the app does not own that drops by default or holds a drop rule for forwarded traffic. */
export interface ForeignDropPolicy {
  family: string;
  table: string;
  chain: string;
  hook: string;
  /** `policy drop` or a description of the rule. */
  what: string;
}

export interface Listener {
  protocol: 'tcp' | 'udp';
  /** IPv4 address, `::` for the IPv6 wildcard, or `v6:HEX` for another IPv6 address. */
  address: string;
  port: number;
  /** The socket's inode, to find the program that holds it. */
  inode?: number;
  /** The program holding the socket (filled in for the DHCP and DNS ports only). */
  owner?: { pid: number; program: string };
}

export interface TableState {
  exists: boolean;
  /** Stable digest of the live table (handles stripped), to notice outside edits. */
  fingerprint?: string;
  /** Rule count per chain. */
  rules: Record<string, number>;
  /** Elements in the port-forward map. */
  portForwards: number;
  /** net.ipv4.ip_forward before the app switched it on, as kept in the port-forward map's comment. */
  forwardingBefore?: string;
}

export interface Ipv6HostState {
  /** net.ipv6.conf.all.forwarding ('0' or '1'). */
  forwarding: string;
  /** net.ipv6.conf.IF.accept_ra of every interface and of `default`. */
  acceptRa: Record<string, string>;
  /** The interfaces whose IPv6 is switched off (net.ipv6.conf.IF.disable_ipv6 = 1). */
  switchedOff?: string[];
  /** IPv6 default routes of the main table (`protocol` is `ra` for router-advertised ones). */
  defaultRoutes: RouteState[];
}

/** Everything the planner, status and doctor know about the host. */
export interface HostState {
  links: Map<string, LinkState>;
  routes: RouteState[];
  table: TableState;
  /** Live dnsmasq processes of ours, by network name (more than one means a duplicate to clean up). */
  dhcp: Map<string, DhcpProcess[]>;
  /** Value of net.ipv4.ip_forward ('0' or '1'). */
  forwarding: string;
  foreignDrops: ForeignDropPolicy[];
  /** Whether bridged IPv4 frames pass the firewall's forward hook (br_netfilter; see bridge-filtering.ts). */
  bridgeFiltering?: boolean;
  listeners: Listener[];
  /** IPv6 sysctls and default routes; missing when the host has no IPv6 (or a test leaves it out). */
  ipv6?: Ipv6HostState;
  /** IPv4 neighbours (ARP entries) seen on the host's links: guests that talked to the host. */
  neighbours?: { address: string; dev: string; mac?: string }[];
  /** Contents of the DHCP files in the state folder, by network (undefined when missing). */
  dhcpFiles: Map<string, { conf?: string; hosts?: string; names?: string; any: boolean }>;
  journal: Journal;
  /** Per network, when the engine restarted its DHCP server because it had died (epoch ms). */
  dhcpCrashes?: Map<string, number[]>;
  /** systemd-resolved's per-link DNS settings (undefined: not inspected, as in older tests). */
  resolved?: ResolvedState;
  /** libvirt's networks, where libvirtd runs (undefined: not looked at). */
  libvirt?: LibvirtState;
  /** qemu-bridge-helper's config (undefined: not looked at). */
  bridgeHelper?: BridgeHelperState;
  /** "Now" for the crash back-off, epoch ms (injectable for tests). */
  now?: number;
  /** What NetworkManager says, when it runs in this network namespace and answers. */
  networkManager?: NmView;
}

/** What one network's driver created, recorded before each creating step and cleared after each removal. */
export interface JournalNetwork {
  type: Network['type'];
  /** Driver-owned details (bridge created, addresses added, DHCP files, uplink moved…). */
  data: Record<string, unknown>;
}

export interface Journal {
  version: 1;
  networks: Record<string, JournalNetwork>;
  /** The app's nftables table exists because the app loaded it. */
  table?: { loaded: boolean; textDigest?: string; fingerprint?: string };
  /** net.ipv4.ip_forward before the app switched it on. */
  forwarding?: { previous: string };
  /**
   * net.ipv6.conf.all.forwarding before the app switched it on, and the accept_ra values
   * the app changed from 1 to 2 so that those interfaces keep their router-advertised routes.
   */
  forwarding6?: { previous: string; acceptRa: Record<string, string> };
}

export interface ExecContext {
  runner: CommandRunner;
  dirs: Dirs;
  /**
   * Changes the journal; the change is on disk (atomically, see journal.ts) before the plan's
   * next command runs: a progress mark that outlives this process. `durable` writes it at once
   * and so that it also survives a power cut, for records of what a reboot keeps
   * (NetworkManager's profiles).
   */
  record(change: (journal: Journal) => void, opts?: { durable?: boolean }): void;
  /**
   * Lets the step finish while `work` (waiting for a process to exit) goes on; the plan waits
   * for all such work before its next rollback, before it ends, and whenever a step calls settle.
   */
  inBackground?(work: Promise<void>): void;
  /**
   * Lets the plan end while `work` goes on that its outcome does not depend on (recording the
   * table's fingerprint): waited for only before the journal's last write, and before a rollback's
   * undos; a failure leaves the record unmade, which the next plan sees.
   */
  afterSteps?(work: Promise<void>): void;
  /**
   * Queues `ip ARGS` (a change that needs no answer) to run with the ip commands queued right
   * after it in one `ip -batch -` process, before the next command of any other kind and at the
   * plan's end; a failure is reported as the queuing step's. Without it, run `ip ARGS` at once.
   */
  queueIp?(args: string[]): void;
  /**
   * Writes kernel setting `key` (see CommandRunner.writeSysctl) right after the ip changes queued
   * so far have run, in the same flush and before the servers waiting for them start: a setting
   * of a link those changes create. A failure is ignored (a kernel without IPv6 has no
   * net/ipv6). Without it, write it at once.
   */
  queueSysctl?(key: string, value: string): void;
  /**
   * Hands link `name` over to be deleted with the plan's other links marked to go together (one
   * group delete, see link-group.ts); the plan goes on meanwhile, and waits for it before its next
   * `ip` command, at its end and before a rollback. False (or missing): delete it at once.
   */
  deleteTogether?(name: string): Promise<boolean>;
  /** Runs `then` once link `name` is gone: when its deletion together has run, or at once when none is pending. */
  whenGone?(name: string, then: () => void): void;
  /** Waits for the work handed to inBackground so far. */
  settle?(): Promise<void>;
  /**
   * Runs `argv` at the next command of any kind or at the plan's end, after the ip changes queued
   * so far (and those the next steps queue into the same batch), together with the other commands
   * waiting then (start-together.ts: one xargs when each has a `running` check), and lets the plan
   * go on while it finishes: the plan waits for every such command at its end and before a
   * rollback, and a failure is reported as this step's; a batch that fails starts none of the
   * commands waiting for it. Without it, run `argv` and wait for it.
   */
  startInBackground?(argv: string[], opts?: { running?: () => boolean }): Promise<void>;
  /** Registers how to undo the step just carried out, for rollback. */
  onUndo(undo: () => Promise<void>): void;
  signal?: AbortSignal;
}

export interface PlanContext {
  dirs: Dirs;
  config: Config;
}

/**
 * One network type's backend. Host-only and NAT live in drivers/routed/, bridged in
 * drivers/bridged/. Registered in drivers/index.ts.
 */
export interface NetworkDriver<N extends Network = Network> {
  readonly type: N['type'];
  /** The `op` kinds this driver carries out. */
  readonly ops: readonly string[];
  /** Checks that need the live host, reported like validation errors (path + message). */
  check(network: N, index: number, state: HostState, ctx: PlanContext): ValidationError[];
  /** Ordered ops that make the host match `network`; empty when it already does. */
  plan(network: N, state: HostState, ctx: PlanContext): PlanOperation[];
  /** Plan warnings about the live host that do not stop the plan (optional). */
  warnings?(network: N, state: HostState, ctx: PlanContext): string[];
  /** Ops that remove what the journal says was created for a network no longer wanted (or being taken down). */
  planRemoval(name: string, recorded: JournalNetwork, state: HostState, ctx: PlanContext): PlanOperation[];
  /** Carries out one op of this driver and registers its undo with ctx.onUndo. */
  execute(op: PlanOperation, ctx: ExecContext): Promise<void>;
  status(network: N, state: HostState, ctx: PlanContext): NetworkStatus;
  doctor(network: N, state: HostState, ctx: PlanContext): DoctorCheck[];
}

export function emptyJournal(): Journal {
  return { version: 1, networks: {} };
}
