// What the engine reports, in the shapes every front door (CLI --json, IPC, web
// console, editor) shares. Plain data only: these travel as JSON.
import type { Config } from '../model/schema';

/** One step of a plan, in the order apply runs it. `description` is plain words for people. */
export interface PlanOperation {
  /** Machine-readable kind, e.g. `create-bridge`, `add-address`, `start-dhcp`, `load-ruleset`. */
  op: string;
  /** Network the step belongs to, when it belongs to one. */
  network?: string;
  /** Interface, address, file or other object the step acts on. */
  target?: string;
  description: string;
  /** True when this step can cut the host off the network (bridging an uplink, moving the default route). */
  risky?: boolean;
  /** Extra typed details (addresses, old/new values); free-form but JSON. */
  details?: Record<string, unknown>;
}

export interface PlanResult {
  operations: PlanOperation[];
  /** Findings from live-host checks that do not block the plan (e.g. "consider --try"). */
  warnings: string[];
  /** True when the plan contains a risky step, so the GUI runs it as a trial. */
  risky: boolean;
}

export interface ApplyProgress {
  step: number;
  total: number;
  description: string;
  phase: 'running' | 'done' | 'failed' | 'rolling-back' | 'rolled-back';
}

export interface ApplyResult {
  ok: boolean;
  /** Operations that were carried out (empty when nothing was to be done). */
  applied: PlanOperation[];
  /** On failure: which step failed and why, in plain words; the host was rolled back. */
  error?: string;
  /** The plan's warnings (foreign firewall policies, a DHCP server the engine gave up restarting…). */
  warnings?: string[];
  /** Present when the change is a trial that reverts unless confirmed. */
  trial?: TrialState;
}

export interface TrialState {
  /** Epoch milliseconds at which the watchdog reverts. */
  deadline: number;
  seconds: number;
}

export type CheckStatus = 'ok' | 'warning' | 'problem';

/** One line of `vnet doctor`: what was checked, how it went, and what to do about it. */
export interface DoctorCheck {
  network: string;
  check: string;
  status: CheckStatus;
  detail: string;
  /** What the user should do; present when status is not ok. */
  fix?: string;
}

export interface NetworkStatus {
  name: string;
  type: 'bridged' | 'hostonly' | 'nat';
  /** Bridge exists and is up. */
  up: boolean;
  bridge: { exists: boolean; up: boolean; carrier?: boolean; ports: string[] };
  addresses: string[];
  subnet?: string;
  /** The network's IPv6 prefix, when it has IPv6. */
  prefix6?: string;
  uplink?: string;
  /** Bridged with uplink `auto` and no usable uplink found: why, and what to do. The other networks still apply. */
  unconnected?: string;
  /** Bridged through NetworkManager: the app's bridge profile and its state (`activated`, `inactive`, `deleted`…). */
  networkManager?: { profile: string; state: string };
  hostAdapter?: { enabled: boolean; address?: string; present: boolean };
  dhcp?: ServiceState;
  nat?: ServiceState & { rules: number; portForwards: number };
  leases: number;
  /**
   * Guests by name from the host (a NAT network with a domain and DNS): whether the host asks
   * the gateway for HOST.DOMAIN (registered with systemd-resolved), and if not, how to get that.
   */
  names?: { domain: string; server: string; registered: boolean; detail: string };
  problems: string[];
  /** Which hypervisors on this host can attach guests to the network (absent: none looked at). */
  hypervisors?: HypervisorView[];
}

/** Whether one hypervisor sees a network, and why (or why not). */
export interface HypervisorView {
  hypervisor: 'libvirt' | 'qemu-bridge-helper' | 'virtualbox';
  sees: boolean;
  detail: string;
}

export interface ServiceState {
  service: 'dhcp' | 'nat';
  running: boolean;
  /** Epoch milliseconds the service has been running since. */
  since?: number;
  pid?: number;
  detail?: string;
}

export interface ServiceStatus {
  network: string;
  dhcp?: ServiceState & { leases: number };
  nat?: ServiceState & { rules: number; portForwards: number };
}

export interface Lease {
  network: string;
  mac: string;
  address: string;
  hostname: string;
  /** ISO 8601 time the lease expires, or null for an infinite lease. */
  expires: string | null;
  /** The libvirt domain whose interface has this MAC, when libvirt knows it. */
  vm?: string;
  /**
   * The guest's global IPv6 addresses the bridge's neighbour table holds for this MAC
   * (SLAAC gives no lease); absent when it holds none.
   */
  ipv6?: string[];
}

export type AdapterKind = 'physical' | 'wireless' | 'bridge' | 'vnet' | 'veth' | 'tap' | 'loopback' | 'other';

export interface Adapter {
  name: string;
  kind: AdapterKind;
  mac?: string;
  mtu?: number;
  /** Administratively switched on (`ip link set up`). */
  adminUp: boolean;
  /** Lower layer reports carrier/operational state. */
  operState: string;
  addresses: string[];
  speedMbps?: number;
  defaultRoute: boolean;
  master?: string;
  /** True when this app created the interface (one of its networks' bridges). */
  managed: boolean;
  /** Switching it off can cut the host off: carries the default route or is a bridged uplink. */
  risky: boolean;
}

export interface AdapterRates {
  name: string;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
}

/** The stored config plus where it came from, for the editor's first load. */
export interface LoadedConfig {
  config: Config;
  /** `stored` from networks.json; `defaults` when none is stored yet. */
  source: 'stored' | 'defaults';
  /** Anything odd about the stored file (e.g. corrupt, defaults shown instead). */
  warnings: string[];
}

export interface ImportResult {
  config: Config;
  /** Changes the importer had to make, in plain words (also printed on stderr by the CLI). */
  notes: string[];
}
