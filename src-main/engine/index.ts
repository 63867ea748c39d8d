// The engine facade: the one module the CLI, the privileged helper, the Electron main
// process and the web console call. Everything here runs as root on the real host
// (or, in tests, inside a network namespace).
//
// Extension point for network types (bridged networks plug in here):
//
//   interface NetworkDriver<N extends Network> {          // see ./types.ts
//     type: N['type'];                                    // 'bridged' | 'hostonly' | 'nat'
//     ops: readonly string[];                             // op kinds it executes, e.g. 'create-bridge'
//     check(network, index, state, ctx): ValidationError[];  // live-host checks at plan time (exit 2, JSON path)
//     plan(network, state, ctx): PlanOperation[];         // ordered ops; [] when the host already matches
//     planRemoval(name, recorded, state, ctx): PlanOperation[]; // undo what the journal says it created
//     execute(op, ctx: ExecContext): Promise<void>;       // run one op via ctx.runner, ctx.record() the journal
//                                                         // BEFORE creating, ctx.onUndo() after each step
//     status(network, state, ctx): NetworkStatus;
//     doctor(network, state, ctx): DoctorCheck[];
//   }
//
// Drivers are registered in one place, ./drivers/index.ts (`DRIVERS`). `state` is the
// HostState from ./inspect.ts (links, routes, the app's nft table, dnsmasq processes,
// forwarding sysctl, foreign drop policies, listeners, and the journal). A network
// whose type has no registered driver is planned as nothing and named in `warnings`.
// The nftables table (`inet vnet_editor`) and net.ipv4.ip_forward are shared by all
// networks and planned by the engine core after the per-network ops.
import type { Config } from '../../src-shared/model';
import type { Cidr } from '../../src-shared/model/ip';
import type {
  ApplyProgress,
  ApplyResult,
  DoctorCheck,
  Lease,
  NetworkStatus,
  PlanOperation,
  PlanResult,
  ServiceStatus,
} from '../../src-shared/api/types';
import type { Dirs } from '../paths';
import type { CommandRunner } from './runner';

export type { CommandRunner, CommandResult, RunOptions } from './runner';
export { ExecRunner, RecordingRunner, CommandError } from './runner';
export type { NetworkDriver, HostState, ExecContext, Journal, JournalNetwork } from './types';

export interface EngineOptions {
  dirs: Dirs;
  /** Defaults to a real ExecRunner. */
  runner?: CommandRunner;
  onProgress?: (p: ApplyProgress) => void;
  signal?: AbortSignal;
}

const notYet = (what: string): Promise<never> => Promise.reject(new Error(`engine: ${what} is being built`));

/** Live-host checks and the ordered operations apply would run. Throws ConfigError (exit 2) for live-host conflicts. */
export function planConfig(config: Config, opts: EngineOptions): Promise<PlanResult> {
  void config;
  void opts;
  return notYet('plan');
}

/** Makes the host match `config`, all-or-nothing; stores the config on success. */
export function applyConfig(config: Config, opts: EngineOptions & { trySeconds?: number }): Promise<ApplyResult> {
  void config;
  void opts;
  return notYet('apply');
}

export function getStatus(opts: EngineOptions): Promise<NetworkStatus[]> {
  void opts;
  return notYet('status');
}

export function getLeases(opts: EngineOptions, network?: string): Promise<Lease[]> {
  void opts;
  void network;
  return notYet('leases');
}

export function runDoctor(opts: EngineOptions, network?: string): Promise<DoctorCheck[]> {
  void opts;
  void network;
  return notYet('doctor');
}

/** Removes what the app created for the named networks (all when none named); returns what was done. */
export function down(opts: EngineOptions, names?: string[]): Promise<PlanOperation[]> {
  void opts;
  void names;
  return notYet('down');
}

export function getServices(opts: EngineOptions): Promise<ServiceStatus[]> {
  void opts;
  return notYet('services');
}

export function restartService(opts: EngineOptions, network: string, service: 'dhcp' | 'nat'): Promise<void> {
  void opts;
  void network;
  void service;
  return notYet('restart');
}

/** The host's routes that the app does not own, for defaultConfig(). */
export function takenRoutes(opts: EngineOptions): Promise<Cidr[]> {
  void opts;
  return notYet('takenRoutes');
}
