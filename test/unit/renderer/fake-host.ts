// An in-memory host for component tests and the screenshot harness: it behaves
// like the real one closely enough to drive every view (plans, progress events,
// trials, leases, adapters with traffic), and records what the editor asked for.
import { defaultConfig, validateConfig, type Config } from '../../../src-shared/model';
import type { VnetApi } from '../../../src-shared/ipc/api';
import type { Channel, EventName, EventOf, ResponseOf, TrialOutcomeKind } from '../../../src-shared/ipc/contract';
import type {
  Adapter,
  AdapterRates,
  ApplyResult,
  DoctorCheck,
  Lease,
  NetworkStatus,
  PlanOperation,
  PlanResult,
  ServiceStatus,
  TrialState,
} from '../../../src-shared/api/types';

type Listener = (payload: never) => void;

export interface FakeHostOptions {
  config?: Config;
  stored?: boolean;
  leases?: Lease[];
  adapters?: Adapter[];
  /** Operations the plan reports; by default one per network whose settings differ. */
  plan?: (desired: Config, actual: Config) => PlanOperation[];
  /** Makes apply fail at this step (1-based). */
  failAtStep?: number;
  /** Makes the named channel reject with this message. */
  fail?: Partial<Record<Channel, string>>;
  frontDoor?: 'desktop' | 'web';
  /** Bridged networks the host reports as not connected, with the reason. */
  unconnected?: Record<string, string>;
  /** Bridged networks the host reports as bridged through NetworkManager, with the profile's state. */
  networkManager?: Record<string, string>;
  /** The host runs libvirtd and has QEMU's bridge helper (not yet allowed). */
  hypervisors?: boolean;
}

export interface FakeHost extends VnetApi {
  calls: { channel: string; request: unknown }[];
  readonly applied: Config;
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  listenerCount(event: EventName): number;
  options: FakeHostOptions;
  /** The host's watchdog claims the pending trial and starts putting things back (`reverting`). */
  startWatchdogRevert(options?: { silent?: boolean }): void;
  /** The watchdog finished: the backup is back; `silent` skips the pushed event (a lost event). */
  finishWatchdogRevert(options?: { silent?: boolean; error?: string }): void;
}

export const sampleAdapters: Adapter[] = [
  {
    name: 'eth0',
    kind: 'physical',
    mac: '52:54:00:aa:bb:01',
    mtu: 1500,
    adminUp: true,
    operState: 'up',
    addresses: ['10.0.2.15/24'],
    speedMbps: 1000,
    defaultRoute: true,
    managed: false,
    risky: true,
  },
  {
    name: 'eth1',
    kind: 'physical',
    mac: '52:54:00:aa:bb:02',
    mtu: 1500,
    adminUp: true,
    operState: 'up',
    addresses: [],
    defaultRoute: false,
    managed: false,
    risky: false,
  },
  {
    name: 'wlan0',
    kind: 'wireless',
    mac: '52:54:00:aa:bb:03',
    adminUp: false,
    operState: 'down',
    addresses: [],
    defaultRoute: false,
    managed: false,
    risky: false,
  },
  {
    name: 'vmnet8',
    kind: 'bridge',
    adminUp: true,
    operState: 'up',
    addresses: ['192.168.133.1/24'],
    defaultRoute: false,
    managed: true,
    risky: false,
  },
];

export const sampleLeases: Lease[] = [
  {
    network: 'vmnet8',
    mac: '52:54:00:12:34:56',
    address: '192.168.133.130',
    hostname: 'web',
    expires: new Date(Date.now() + 1500_000).toISOString(),
  },
  {
    network: 'vmnet8',
    mac: '52:54:00:12:34:57',
    address: '192.168.133.131',
    hostname: 'db',
    expires: new Date(Date.now() + 600_000).toISOString(),
  },
  { network: 'vmnet1', mac: '52:54:00:65:43:21', address: '192.168.56.128', hostname: '', expires: null },
];

function defaultPlan(desired: Config, actual: Config): PlanOperation[] {
  const ops: PlanOperation[] = [];
  for (const network of desired.networks) {
    const before = actual.networks.find((n) => n.name === network.name);
    if (!before) {
      ops.push({ op: 'create-bridge', network: network.name, target: network.name, description: `Create bridge ${network.name}` });
      if (network.type === 'bridged')
        ops.push({ op: 'enslave-uplink', network: network.name, description: `Move eth0 into bridge ${network.name}`, risky: true });
    } else if (JSON.stringify(before) !== JSON.stringify(network)) {
      ops.push({ op: 'update-network', network: network.name, description: `Update settings of ${network.name}` });
    }
  }
  for (const network of actual.networks) {
    if (!desired.networks.some((n) => n.name === network.name))
      ops.push({ op: 'delete-bridge', network: network.name, description: `Remove bridge ${network.name}` });
  }
  return ops;
}

export function createFakeHost(options: FakeHostOptions = {}): FakeHost {
  const listeners = new Map<string, Set<Listener>>();
  const calls: { channel: string; request: unknown }[] = [];
  let stored = options.config ?? defaultConfig();
  // A copy per fake host, so switching an adapter in one test does not leak into the next.
  const adapters = structuredClone(options.adapters ?? sampleAdapters);
  let trial: { backup: Config; state: TrialState } | undefined;
  let bridgeHelperAllowed = false;
  let reverting: { backup: Config; state: TrialState } | undefined;
  let ended: ResponseOf<'getTrial'>['ended'];
  const end = (state: TrialState, outcome: TrialOutcomeKind, error?: string) => {
    ended = { outcome, deadline: state.deadline, at: Date.now(), ...(error ? { error } : {}) };
  };
  const record = (channel: Channel, request?: unknown) => {
    calls.push({ channel, request });
    const failure = options.fail?.[channel];
    if (failure) throw new Error(failure);
  };
  const emit = <E extends EventName>(event: E, payload: EventOf<E>) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: EventOf<E>) => void)(payload);
  };
  const planFor = (config: Config): PlanResult => {
    const operations = (options.plan ?? defaultPlan)(config, stored);
    return { operations, warnings: [], risky: operations.some((op) => op.risky) };
  };

  const host: FakeHost = {
    calls,
    options,
    emit,
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
    get applied() {
      return stored;
    },
    async getConfig() {
      record('getConfig');
      return { config: structuredClone(stored), source: options.stored === false ? 'defaults' : 'stored', warnings: [] };
    },
    async validateConfig(request) {
      record('validateConfig', request);
      const result = validateConfig(request.config);
      return result.ok
        ? { ok: true, errors: [] }
        : { ok: false, errors: result.errors.map((e) => ({ path: [...e.path], message: e.message })) };
    },
    async defaultConfig() {
      record('defaultConfig');
      return defaultConfig();
    },
    async plan(request) {
      record('plan', request);
      return planFor(request.config as Config);
    },
    async apply(request) {
      record('apply', request);
      const config = request.config as Config;
      const plan = planFor(config);
      const total = plan.operations.length;
      for (let i = 0; i < total; i++) {
        const description = plan.operations[i]!.description;
        emit('applyProgress', { step: i + 1, total, description, phase: 'running' });
        if (options.failAtStep === i + 1) {
          emit('applyProgress', { step: i + 1, total, description, phase: 'failed' });
          for (let j = i; j >= 1; j--)
            emit('applyProgress', { step: j, total, description: plan.operations[j - 1]!.description, phase: 'rolled-back' });
          return {
            ok: false,
            applied: [],
            error: `Step ${i + 1} (${description}) failed: RTNETLINK answers: File exists; the host was rolled back.`,
          };
        }
        emit('applyProgress', { step: i + 1, total, description, phase: 'done' });
      }
      const result: ApplyResult = { ok: true, applied: plan.operations };
      if (request.trySeconds) {
        const state = { deadline: Date.now() + request.trySeconds * 1000, seconds: request.trySeconds };
        trial = { backup: stored, state };
        result.trial = state;
      }
      stored = structuredClone(config);
      return result;
    },
    async getTrial() {
      record('getTrial');
      return ended ? { trial: trial?.state ?? null, ended } : { trial: trial?.state ?? null };
    },
    startWatchdogRevert({ silent } = {}) {
      if (!trial) throw new Error('no trial to revert');
      reverting = trial;
      trial = undefined;
      end(reverting.state, 'reverting');
      if (!silent) emit('trial', { trial: null, remainingSeconds: 0, outcome: 'reverting' });
    },
    finishWatchdogRevert({ silent, error } = {}) {
      if (!reverting) throw new Error('no revert running');
      if (!error) stored = reverting.backup;
      end(reverting.state, error ? 'revert-failed' : 'reverted', error);
      reverting = undefined;
      if (!silent)
        emit('trial', { trial: null, remainingSeconds: 0, outcome: error ? 'revert-failed' : 'reverted', ...(error ? { error } : {}) });
    },
    async confirmTrial() {
      record('confirmTrial');
      const confirmed = trial !== undefined;
      if (trial) end(trial.state, 'confirmed');
      trial = undefined;
      if (confirmed) emit('trial', { trial: null, remainingSeconds: 0, outcome: 'confirmed' });
      return { confirmed };
    },
    async revertTrial() {
      record('revertTrial');
      const reverted = trial !== undefined;
      if (trial) stored = trial.backup;
      if (trial) end(trial.state, 'reverted');
      trial = undefined;
      if (reverted) emit('trial', { trial: null, remainingSeconds: 0, outcome: 'reverted' });
      return { reverted };
    },
    async status(): Promise<NetworkStatus[]> {
      record('status');
      return stored.networks.map((n) => ({
        name: n.name,
        type: n.type,
        up: !(n.type === 'bridged' && options.unconnected?.[n.name]),
        bridge: { exists: true, up: true, ports: [] },
        addresses: n.type === 'bridged' ? [] : [n.hostAdapter.address],
        ...(n.type === 'bridged'
          ? options.unconnected?.[n.name]
            ? { unconnected: options.unconnected[n.name]! }
            : {
                uplink: 'eth0',
                ...(options.networkManager?.[n.name]
                  ? { networkManager: { profile: n.name, state: options.networkManager[n.name]! } }
                  : {}),
              }
          : { subnet: n.subnet }),
        leases: (options.leases ?? sampleLeases).filter((l) => l.network === n.name).length,
        problems: [],
        ...(options.hypervisors
          ? {
              hypervisors: [
                { hypervisor: 'libvirt' as const, sees: true, detail: `libvirt network ${n.name} on qemu:///system` },
                bridgeHelperAllowed
                  ? { hypervisor: 'qemu-bridge-helper' as const, sees: true, detail: 'allowed' }
                  : { hypervisor: 'qemu-bridge-helper' as const, sees: false, detail: 'not allowed yet' },
              ],
            }
          : {}),
      }));
    },
    async leases(request) {
      record('leases', request);
      return (options.leases ?? sampleLeases).filter((l) => !request?.network || l.network === request.network);
    },
    async doctor(request): Promise<DoctorCheck[]> {
      record('doctor', request);
      return [
        { network: 'vmnet8', check: 'bridge', status: 'ok', detail: 'bridge vmnet8 is up' },
        {
          network: 'vmnet8',
          check: 'forwarding',
          status: 'problem',
          detail: 'net.ipv4.ip_forward is 0, so guests cannot reach the outside',
          fix: 'Apply the settings again, or run: sysctl -w net.ipv4.ip_forward=1',
        },
      ];
    },
    async listAdapters() {
      record('listAdapters');
      return structuredClone(adapters);
    },
    async setAdapter(request) {
      record('setAdapter', request);
      const adapter = adapters.find((a) => a.name === request.name);
      if (!adapter) return { ok: false, error: `there is no adapter named ${request.name}` };
      adapter.adminUp = request.up;
      if (!request.trySeconds) return { ok: true };
      const state = { deadline: Date.now() + request.trySeconds * 1000, seconds: request.trySeconds };
      trial = { backup: stored, state };
      return { ok: true, trial: state };
    },
    async adapterRates() {
      record('adapterRates');
      return rateSample(0);
    },
    async listServices(): Promise<ServiceStatus[]> {
      record('listServices');
      return servicesOf(stored);
    },
    async restartService(request) {
      record('restartService', request);
      return servicesOf(stored);
    },
    async setBridgeHelper(request) {
      record('setBridgeHelper', request);
      bridgeHelperAllowed = request.allowed;
      return { changed: true, conf: '/etc/qemu/bridge.conf' };
    },
    async importConfig(request) {
      record('importConfig', request);
      return { config: defaultConfig(), notes: [`Converted ${request.from} settings.`] };
    },
    async exportConfig(request) {
      record('exportConfig', request);
      return { text: `${JSON.stringify(request.config, null, 2)}\n`, fileName: 'networks.json' };
    },
    async openImportFile() {
      record('openImportFile');
      return { result: { config: defaultConfig(), notes: [] }, path: '/home/user/networks.json' };
    },
    async saveExportFile(request) {
      record('saveExportFile', request);
      return { path: '/home/user/networks.json' };
    },
    async appInfo() {
      record('appInfo');
      const frontDoor = options.frontDoor ?? 'web';
      return { version: '0.1.0', frontDoor, nativeDialogs: frontDoor === 'desktop', privilege: 'root' as const };
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as Listener);
      listeners.set(event, set);
      return () => set.delete(listener as Listener);
    },
  };
  return host;
}

function servicesOf(config: Config): ServiceStatus[] {
  return config.networks.flatMap((n) =>
    n.type === 'bridged'
      ? []
      : [
          {
            network: n.name,
            dhcp: { service: 'dhcp' as const, running: n.dhcp.enabled, since: Date.now() - 3_600_000, pid: 4242, leases: 1 },
            ...(n.type === 'nat'
              ? {
                  nat: {
                    service: 'nat' as const,
                    running: true,
                    since: Date.now() - 3_600_000,
                    rules: 6,
                    portForwards: n.nat.portForwards.length,
                  },
                }
              : {}),
          },
        ],
  );
}

/** A burst of traffic samples for the sparklines. */
export function rateSample(t: number): AdapterRates[] {
  return [
    { name: 'eth0', rxBytesPerSecond: 40_000 + 30_000 * Math.sin(t / 3), txBytesPerSecond: 9_000 + 5_000 * Math.cos(t / 2) },
    { name: 'eth1', rxBytesPerSecond: 0, txBytesPerSecond: 0 },
    { name: 'vmnet8', rxBytesPerSecond: 2_000 + 1_500 * Math.sin(t), txBytesPerSecond: 1_000 },
  ];
}
