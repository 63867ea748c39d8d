// The operations that need root, as the helper (or a root front door) runs them.
// Requests arrive already validated against the contract; this layer adds the rules
// about what the app owns: it acts only on its own networks, refuses to switch off an
// adapter that carries the host's connection without a trial, and never touches
// anything it was not asked for by name.
import { defaultConfig, type Config } from '../../src-shared/model';
import type { Cidr } from '../../src-shared/model/ip';
import type {
  Adapter,
  AdapterRates,
  ApplyProgress,
  ApplyResult,
  DoctorCheck,
  Lease,
  LoadedConfig,
  NetworkStatus,
  PlanResult,
  ServiceStatus,
  TrialState,
} from '../../src-shared/api/types';
import type { ParsedRequestOf, PrivilegedChannel, ResponseOf } from '../../src-shared/ipc/contract';
import type { StoredConfig } from '../store/config-store';
import { ApiFailure, denied } from './errors';

/** What the privileged operations need from the host; the real one is in host.ts, tests pass fakes. */
export interface HostDeps {
  /** The stored config; throws ConfigError when the file is corrupt. */
  readStored(): StoredConfig;
  takenRoutes(): Promise<Cidr[]>;
  plan(config: Config): Promise<PlanResult>;
  apply(config: Config, options: { trySeconds?: number; onProgress?: (p: ApplyProgress) => void }): Promise<ApplyResult>;
  pendingTrial(): TrialState | undefined;
  /** How the last trial ended (`reverting` while a revert runs); absent in hosts that do not record it. */
  trialOutcome?(): ResponseOf<'getTrial'>['ended'];
  confirmTrial(): boolean;
  revertTrial(): Promise<boolean>;
  status(): Promise<NetworkStatus[]>;
  leases(network?: string): Promise<Lease[]>;
  doctor(network?: string): Promise<DoctorCheck[]>;
  listAdapters(): Promise<Adapter[]>;
  switchAdapter(name: string, up: boolean, trySeconds?: number): Promise<{ warnings: string[]; trial?: TrialState }>;
  adapterRates(names: string[]): Promise<AdapterRates[]>;
  services(): Promise<ServiceStatus[]>;
  restartService(network: string, service: 'dhcp' | 'nat'): Promise<void>;
  setBridgeHelper(allowed: boolean): Promise<{ changed: boolean; conf: string }>;
}

export interface HandlerContext {
  /** Apply's step-by-step progress, streamed to whoever asked. */
  onProgress?: (p: ApplyProgress) => void;
  /**
   * A background poll (live status, rates): it must never be the thing that asks for
   * the administrator password; it fails quietly until the user's own action elevated.
   */
  background?: boolean;
}

export type PrivilegedHandlers = {
  [C in PrivilegedChannel]: (request: ParsedRequestOf<C>, context: HandlerContext) => Promise<ResponseOf<C>>;
};

export function createPrivilegedHandlers(host: HostDeps): PrivilegedHandlers {
  const defaults = async (): Promise<{ config: Config; warnings: string[] }> => {
    try {
      return { config: defaultConfig(await host.takenRoutes()), warnings: [] };
    } catch (error) {
      return {
        config: defaultConfig([]),
        warnings: [`could not read the host's routes (${(error as Error).message}); default subnets may collide with existing ones`],
      };
    }
  };

  /** The app's networks: those in the stored config. Anything else is not the app's to touch. */
  const ownedNetwork = (name: string | undefined): void => {
    if (name === undefined) return;
    let stored: StoredConfig;
    try {
      stored = host.readStored();
    } catch {
      throw denied(`cannot tell whether "${name}" is one of this app's networks: the stored config is unusable`);
    }
    const names = stored.kind === 'ok' ? stored.config.networks.map((n) => n.name) : [];
    if (!names.includes(name)) {
      throw denied(
        `"${name}" is not a network this app manages${names.length ? ` (its networks: ${names.join(', ')})` : ' (nothing is applied yet)'}`,
      );
    }
  };

  return {
    async getConfig(): Promise<LoadedConfig> {
      let stored: StoredConfig;
      try {
        stored = host.readStored();
      } catch (error) {
        const d = await defaults();
        return {
          config: d.config,
          source: 'defaults',
          warnings: [(error as Error).message, 'the defaults are shown instead', ...d.warnings],
        };
      }
      if (stored.kind === 'ok') return { config: stored.config, source: 'stored', warnings: [] };
      const d = await defaults();
      return { config: d.config, source: 'defaults', warnings: d.warnings };
    },
    async defaultConfig() {
      return (await defaults()).config;
    },
    plan: ({ config }) => host.plan(config),
    apply: ({ config, trySeconds }, { onProgress }) => host.apply(config, { trySeconds, onProgress }),
    async getTrial() {
      const trial = host.pendingTrial() ?? null;
      // Read after the pending trial: if the record vanished in between, its outcome is already written.
      const ended = host.trialOutcome?.();
      return ended ? { trial, ended } : { trial };
    },
    async confirmTrial() {
      return { confirmed: host.confirmTrial() };
    },
    async revertTrial() {
      return { reverted: await host.revertTrial() };
    },
    status: () => host.status(),
    async leases({ network }) {
      ownedNetwork(network);
      return host.leases(network);
    },
    async doctor({ network }) {
      ownedNetwork(network);
      return host.doctor(network);
    },
    listAdapters: () => host.listAdapters(),
    async setAdapter({ name, up, trySeconds }) {
      const adapter = (await host.listAdapters()).find((a) => a.name === name);
      if (!adapter) throw denied(`there is no host adapter named "${name}"`);
      if (adapter.kind === 'loopback') throw denied(`${name} is the loopback adapter; the app does not switch it`);
      if (!up && adapter.risky && trySeconds === undefined) {
        throw denied(
          `switching ${name} off can cut this host off the network (it carries the default route or a bridged uplink); switch it off as a trial so it comes back unless you confirm`,
        );
      }
      try {
        const result = await host.switchAdapter(name, up, trySeconds);
        return {
          ok: true,
          ...(result.trial ? { trial: result.trial } : {}),
          ...(result.warnings.length ? { warnings: result.warnings } : {}),
        };
      } catch (error) {
        if (error instanceof ApiFailure) throw error;
        return { ok: false, error: `Failed to switch ${name} ${up ? 'on' : 'off'}: ${(error as Error).message}` };
      }
    },
    async adapterRates() {
      const adapters = await host.listAdapters();
      return host.adapterRates(adapters.map((a) => a.name));
    },
    listServices: () => host.services(),
    async restartService({ network, service }) {
      ownedNetwork(network);
      const stored = host.readStored();
      const target = stored.kind === 'ok' ? stored.config.networks.find((n) => n.name === network) : undefined;
      if (service === 'nat' && target?.type !== 'nat') throw denied(`${network} is not a NAT network; it has no NAT service`);
      if (service === 'dhcp' && target?.type === 'bridged')
        throw denied(`${network} is bridged; its DHCP comes from the LAN, not from this app`);
      await host.restartService(network, service);
      return host.services();
    },
    setBridgeHelper: ({ allowed }) => host.setBridgeHelper(allowed),
  };
}
