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
import fs from 'node:fs';
import { ConfigError, hasSubnet, type Config, type Network } from '../../src-shared/model';
import { parseLooseCidr, type Cidr } from '../../src-shared/model/ip';
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
import { ConfigStore } from '../store/config-store';
import { ExecRunner, type CommandRunner } from './runner';
import { planDown, planSteps, runSteps } from './core';
import { inspectHost, inspectNeighbours6, inspectRoutes } from './inspect';
import { withIpv6 } from './lease-ipv6';
import { driverFor } from './drivers';
import { withLock } from './lock';
import { dhcpFiles, parseLeases } from './dnsmasq';
import { bridgeAddresses } from './drivers/routed/plan';
import { stopDnsmasq } from './drivers/routed/exec';
import type { JournalNetwork, PlanContext } from './types';
import { readJournal } from './journal';
import { resetCrashHistory } from './dhcp-crashes';
import { TABLE_FAMILY, TABLE_NAME } from './nft';
import { applyAsTrial } from '../trial/apply-trial';
import { hypervisorReport } from './hypervisors/status';
import { libvirtGuests } from './hypervisors/libvirt';
import { allowBridgeHelper, bridgeHelperFiles, forgetBridgeHelper } from './hypervisors/bridge-helper';

export type { CommandRunner, CommandResult, RunOptions } from './runner';
export { ExecRunner, RecordingRunner, CommandError } from './runner';
export type { NetworkDriver, HostState, ExecContext, Journal, JournalNetwork } from './types';
export { generateRuleset } from './nft';
export { generateDnsmasqConf, generateHostsFile } from './dnsmasq';

export interface EngineOptions {
  dirs: Dirs;
  /** Defaults to a real ExecRunner. */
  runner?: CommandRunner;
  onProgress?: (p: ApplyProgress) => void;
  signal?: AbortSignal;
}

function runnerOf(opts: EngineOptions): CommandRunner {
  return opts.runner ?? new ExecRunner();
}

/** Live-host checks and the ordered operations apply would run. Throws ConfigError (exit 2) for live-host conflicts. */
export async function planConfig(config: Config, opts: EngineOptions): Promise<PlanResult> {
  const state = await inspectHost(runnerOf(opts), opts.dirs);
  const plan = planSteps(config, state, opts.dirs);
  if (plan.errors.length > 0) throw new ConfigError(plan.errors);
  const operations = plan.steps.map((s) => s.operation);
  return { operations, warnings: plan.warnings, risky: operations.some((o) => o.risky) };
}

/**
 * Makes the host match `config`, all-or-nothing; stores the config on success.
 * Throws ConfigError when a live-host check fails (nothing changed). With `trySeconds`
 * the change is a trial (src-main/trial) that reverts unless confirmed.
 */
export async function applyConfig(
  config: Config,
  opts: EngineOptions & { trySeconds?: number; /** false: leave the stored config as it is (a trial's revert). */ storeConfig?: boolean },
): Promise<ApplyResult> {
  if (opts.trySeconds !== undefined) {
    const previous = storedConfig(opts.dirs) ?? null;
    return applyAsTrial(opts.dirs, runnerOf(opts), opts.trySeconds, previous, config, (beforeChange) =>
      applyNow(config, { ...opts, beforeChange }),
    );
  }
  return applyNow(config, opts);
}

async function applyNow(
  config: Config,
  opts: EngineOptions & { storeConfig?: boolean; beforeChange?: (operations: PlanOperation[]) => Promise<void> },
): Promise<ApplyResult> {
  const runner = runnerOf(opts);
  return withLock(opts.dirs, async () => {
    const state = await inspectHost(runner, opts.dirs);
    const plan = planSteps(config, state, opts.dirs);
    if (plan.errors.length > 0) throw new ConfigError(plan.errors);
    await opts.beforeChange?.(plan.steps.map((s) => s.operation));
    const store = opts.storeConfig !== false ? () => new ConfigStore(opts.dirs).write(config) : undefined;
    const outcome = await runSteps(plan.steps, runner, opts.dirs, state.journal, opts.onProgress, opts.signal, store);
    return {
      ok: outcome.ok,
      applied: outcome.applied,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}),
    };
  });
}

function storedConfig(dirs: Dirs): Config | undefined {
  const stored = new ConfigStore(dirs).read();
  return stored.kind === 'ok' ? stored.config : undefined;
}

/** The networks status and doctor look at: those of the stored config. */
function knownNetworks(dirs: Dirs): Network[] {
  return storedConfig(dirs)?.networks ?? [];
}

function planContext(dirs: Dirs, networks: Network[]): PlanContext {
  return { dirs, config: { version: 1, networks } };
}

export async function getStatus(opts: EngineOptions): Promise<NetworkStatus[]> {
  // Status shows the running server of each network, never extra copies: the pid files are enough when they account for all.
  const inspecting = inspectHost(runnerOf(opts), opts.dirs, { trustPidFiles: true });
  // Handled by the await below; this only keeps it from being reported as unhandled if reading the config throws first.
  inspecting.catch(() => undefined);
  // The stored config is read and validated while the inspection's commands run.
  const stored = storedConfig(opts.dirs);
  const networks = stored?.networks ?? [];
  const state = await inspecting;
  const ctx = planContext(opts.dirs, networks);
  const out: NetworkStatus[] = [];
  for (const network of networks) {
    const driver = driverFor(network.type);
    if (driver) {
      const status = driver.status(network, state, ctx);
      const report = hypervisorReport(network, stored, state, opts.dirs.qemu);
      if (report.views.length > 0) status.hypervisors = report.views;
      status.problems.push(...report.problems);
      out.push(status);
    } else {
      out.push({
        name: network.name,
        type: network.type,
        up: false,
        bridge: { exists: state.links.has(network.name), up: !!state.links.get(network.name)?.adminUp, ports: [] },
        addresses: state.links.get(network.name)?.addresses ?? [],
        leases: 0,
        problems: [`${network.type} networks are not supported yet`],
      });
    }
  }
  return out;
}

export async function getLeases(opts: EngineOptions, network?: string): Promise<Lease[]> {
  const names = new Set<string>();
  const subnets = new Map<string, string>();
  const stored = storedConfig(opts.dirs);
  for (const n of stored?.networks ?? []) {
    if (!hasSubnet(n)) continue;
    names.add(n.name);
    subnets.set(n.name, n.subnet);
  }
  for (const name of Object.keys(readJournal(opts.dirs).networks)) names.add(name);
  if (network !== undefined && !names.has(network)) throw new Error(`there is no host-only or NAT network named "${network}"`);
  const leases: Lease[] = [];
  const runner = runnerOf(opts);
  for (const name of [...names].sort()) {
    if (network !== undefined && name !== network) continue;
    let found: Lease[];
    try {
      found = parseLeases(name, fs.readFileSync(dhcpFiles(opts.dirs, name).leases, 'utf8'), subnets.get(name));
    } catch {
      continue; // no lease file: no leases yet
    }
    // The network's bridge has the network's name.
    leases.push(...(found.length > 0 ? withIpv6(found, await inspectNeighbours6(runner, name)) : found));
  }
  if (leases.length === 0) return leases;
  const guests = await libvirtGuests(runner, opts.dirs.libvirt);
  return leases.map((l) => {
    const vm = guests.get(l.mac.toLowerCase());
    return vm ? { ...l, vm } : l;
  });
}

export async function runDoctor(opts: EngineOptions, network?: string): Promise<DoctorCheck[]> {
  const state = await inspectHost(runnerOf(opts), opts.dirs);
  const networks = knownNetworks(opts.dirs);
  if (network !== undefined && !networks.some((n) => n.name === network))
    throw new Error(`there is no network named "${network}" in the stored config`);
  const ctx = planContext(opts.dirs, networks);
  const checks: DoctorCheck[] = [];
  if (networks.length === 0) {
    checks.push({
      network: '-',
      check: 'config',
      status: 'warning',
      detail: 'no config has been applied yet',
      fix: 'run `vnet apply` to create the default networks',
    });
  }
  for (const n of networks) {
    if (network !== undefined && n.name !== network) continue;
    const driver = driverFor(n.type);
    if (driver) checks.push(...driver.doctor(n, state, ctx));
    else
      checks.push({
        network: n.name,
        check: 'support',
        status: 'warning',
        detail: `${n.type} networks are not supported yet`,
        fix: 'update vnet',
      });
  }
  return checks;
}

/** Removes what the app created for the named networks (all when none named); returns what was done. */
export async function down(opts: EngineOptions, names?: string[]): Promise<PlanOperation[]> {
  const runner = runnerOf(opts);
  return withLock(opts.dirs, async () => {
    const state = await inspectHost(runner, opts.dirs);
    let stored: Network[];
    try {
      stored = storedConfig(opts.dirs)?.networks ?? [];
    } catch (error) {
      // A damaged stored config: taking everything down needs only the journal; taking down
      // some networks would need the others' config to keep their firewall rules.
      if (names && names.length > 0) throw error;
      stored = [];
    }
    // A network of the stored config whose bridge exists but is not in the journal (state folder lost) is still ours.
    const recordedFor = (name: string): JournalNetwork | undefined => {
      const recorded = state.journal.networks[name];
      if (recorded) return recorded;
      const network = stored.find((n) => n.name === name);
      if (!network || !driverFor(network.type)) return undefined;
      const link = state.links.get(name);
      const present = (link && link.kind === 'bridge') || (state.dhcp.get(name) ?? []).length > 0 || state.dhcpFiles.get(name)?.any;
      if (!present) return undefined;
      return {
        type: network.type,
        data: { bridge: link?.kind === 'bridge', addresses: hasSubnet(network) ? bridgeAddresses(network) : [] },
      };
    };
    const all = [...new Set([...Object.keys(state.journal.networks), ...stored.map((n) => n.name)])];
    const targets = names && names.length > 0 ? names : all;
    for (const name of targets) {
      if (!all.includes(name)) throw new Error(`there is no network named "${name}"`);
    }
    const remaining = stored.filter((n) => !targets.includes(n.name) && (state.journal.networks[n.name] || state.links.has(n.name)));
    const steps = planDown(targets, remaining, state, opts.dirs, recordedFor);
    const outcome = await runSteps(steps, runner, opts.dirs, state.journal, opts.onProgress, opts.signal);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.applied;
  });
}

export async function getServices(opts: EngineOptions): Promise<ServiceStatus[]> {
  const status = await getStatus(opts);
  return status
    .filter((s) => s.type !== 'bridged')
    .map((s) => ({
      network: s.name,
      ...(s.dhcp ? { dhcp: { ...s.dhcp, leases: s.leases } } : {}),
      ...(s.nat ? { nat: s.nat } : {}),
    }));
}

/** Restarts one network's DHCP server, or reloads the NAT rules, as the stored config says. */
export async function restartService(opts: EngineOptions, network: string, service: 'dhcp' | 'nat'): Promise<void> {
  const config = storedConfig(opts.dirs);
  const target = config?.networks.find((n) => n.name === network);
  if (!config || !target || !hasSubnet(target))
    throw new Error(`there is no host-only or NAT network named "${network}" in the stored config`);
  if (service === 'nat' && target.type !== 'nat') throw new Error(`network ${network} is host-only and has no NAT service`);
  const runner = runnerOf(opts);
  await withLock(opts.dirs, async () => {
    const state = await inspectHost(runner, opts.dirs);
    if (service === 'dhcp') {
      // An explicit restart by the user clears the crash history (and so the "gave up" state).
      resetCrashHistory(opts.dirs, network);
      // Stopping it first makes the next plan start a fresh one.
      const ctx = { runner, dirs: opts.dirs, record: () => undefined, onUndo: () => undefined };
      for (const p of state.dhcp.get(network) ?? []) await stopDnsmasq(ctx, p.pid);
    } else {
      // Forget the recorded ruleset so the plan reloads it.
      delete state.journal.table;
    }
    const fresh = service === 'dhcp' ? await inspectHost(runner, opts.dirs) : state;
    const plan = planSteps(config, fresh, opts.dirs);
    if (plan.errors.length > 0) throw new ConfigError(plan.errors);
    const outcome = await runSteps(plan.steps, runner, opts.dirs, fresh.journal, opts.onProgress, opts.signal);
    // The server this restart stopped looked dead to the plan; that start is not a crash.
    if (service === 'dhcp') resetCrashHistory(opts.dirs, network);
    if (!outcome.ok) throw new Error(outcome.error);
  });
}

/** The host's routes that the app does not own, for defaultConfig(). */
export async function takenRoutes(opts: EngineOptions): Promise<Cidr[]> {
  const routes = await inspectRoutes(runnerOf(opts));
  // A bridged network's bridge carries the host's LAN routes, which are taken like any other.
  const own = new Set(
    Object.entries(readJournal(opts.dirs).networks)
      .filter(([, recorded]) => recorded.type !== 'bridged')
      .map(([name]) => name),
  );
  const taken: Cidr[] = [];
  for (const route of routes) {
    if (route.dst === 'default' || (route.dev && own.has(route.dev))) continue;
    const cidr = parseLooseCidr(route.dst);
    if (cidr && cidr.prefix > 0) taken.push(cidr);
  }
  return taken;
}

/**
 * The user's consent for QEMU's bridge helper: writes the app's ACL (the stored config's
 * networks) and adds its include line to bridge.conf, once. `allowed: false` takes both away.
 */
export async function setBridgeHelper(opts: EngineOptions, allowed: boolean): Promise<{ changed: boolean; conf: string }> {
  const qemuDir = opts.dirs.qemu;
  if (!qemuDir) throw new Error('the QEMU bridge helper is switched off for this process (VNET_QEMU_DIR=none)');
  return withLock(opts.dirs, async () => {
    const result = allowed ? allowBridgeHelper(qemuDir, knownNetworks(opts.dirs)) : forgetBridgeHelper(qemuDir);
    return { ...result, conf: bridgeHelperFiles(qemuDir).conf };
  });
}

/** Name of the app's nftables table, for tools and tests. */
export const APP_TABLE = `${TABLE_FAMILY} ${TABLE_NAME}`;
