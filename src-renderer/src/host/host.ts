// What the editor needs from the host, in one small interface with the editor's
// own words. `hostFromVnet` (vnet-host.ts) builds it from `window.vnet` (the
// Electron preload or the web console's HTTP client); nothing in the editor
// reaches the host any other way.
import type { Config } from '../../../src-shared/model';
import type { EventName, EventOf, ResponseOf } from '../../../src-shared/ipc/contract';
import type {
  Adapter,
  AdapterRates,
  ApplyResult,
  DoctorCheck,
  ImportResult,
  Lease,
  LoadedConfig,
  NetworkStatus,
  PlanResult,
  ServiceStatus,
  TrialState,
} from '../../../src-shared/api/types';

export type ImportSource = 'vmware' | 'libvirt';

/** Pushes from the host, by event name (the contract's events). */
export type HostEvents = { [E in EventName]: EventOf<E> };

export type AppInfo = ResponseOf<'appInfo'>;

export interface EditorHost {
  getConfig(): Promise<LoadedConfig>;
  /** VMware's defaults for this host (free subnets picked around the host's routes). */
  defaults(): Promise<Config>;
  plan(config: Config): Promise<PlanResult>;
  /** Applies `config`; with `trySeconds` the host reverts by itself unless `confirm` runs first. */
  apply(config: Config, options?: { trySeconds?: number }): Promise<ApplyResult>;
  /** The trial waiting for Keep or Revert, if any (e.g. after the window was reloaded). */
  pendingTrial(): Promise<TrialState | null>;
  /** The pending trial and how the last one ended (`reverting` while the host puts things back). */
  trialStatus(): Promise<ResponseOf<'getTrial'>>;
  confirm(): Promise<void>;
  revert(): Promise<void>;
  status(): Promise<NetworkStatus[]>;
  leases(): Promise<Lease[]>;
  doctor(network?: string): Promise<DoctorCheck[]>;
  adapters(): Promise<Adapter[]>;
  /** Switches an adapter; with `trySeconds` it is a trial whose state counts down. Warnings: what could not be put back. */
  setAdapter(name: string, up: boolean, trySeconds?: number): Promise<{ trial?: TrialState; warnings: string[] }>;
  /** Current traffic per adapter, for when rates are not pushed. */
  rates(): Promise<AdapterRates[]>;
  services(): Promise<ServiceStatus[]>;
  restartService(network: string, service: 'dhcp' | 'nat'): Promise<void>;
  /** Consent for QEMU's bridge helper: one include line in /etc/qemu/bridge.conf (false removes it). */
  setBridgeHelper(allowed: boolean): Promise<{ changed: boolean; conf: string }>;
  /** Converts an uploaded VMware `networking` file or libvirt network XML. */
  importConfig(from: ImportSource, text: string, fileName?: string): Promise<ImportResult>;
  /** Converts a VMware settings folder sent as {relativePath: text} (networking, vmnetN/nat/nat.conf, vmnetN/dhcpd/dhcpd.conf). */
  importFolder(folder: string, files: Record<string, string>): Promise<ImportResult>;
  appInfo(): Promise<AppInfo>;
  /** Desktop: native Open dialog then import; null when cancelled. */
  openImportFile(): Promise<{ result: ImportResult; path: string } | null>;
  /** Desktop: native Save dialog; null when cancelled. */
  saveExportFile(config: Config): Promise<{ path: string } | null>;
  /** The config as the text of a networks.json file, for a browser download. */
  exportText(config: Config): Promise<{ text: string; fileName: string }>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}
