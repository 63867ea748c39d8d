// The engine core: plans every network through its driver plus the shared parts (the
// app's nftables table and the forwarding sysctl), and runs plans all-or-nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { hasSubnet, type Config, type Network, type RoutedNetwork, type ValidationError } from '../../src-shared/model';
import type { ApplyProgress, PlanOperation } from '../../src-shared/api/types';
import type { Dirs } from '../paths';
import { beforeEachCommand, type CommandRunner } from './runner';
import { driverFor } from './drivers';
import { deleteTableText, generateRuleset, TABLE_FAMILY, TABLE_NAME } from './nft';
import { inspectTable } from './inspect';
import { recordedFingerprint } from './table-fingerprint';
import { dhcpDir, dnsmasqReadableDir } from './dnsmasq';
import { fixForForeignDrop } from './drivers/routed/health';
import { bridgedFrameProblems } from './bridge-filtering';
import { ipv6ForwardingSteps } from './ipv6-forwarding';
import { JournalWriter } from './journal';
import { IpBatch, IpLineError } from './ip-batch';
import { startTogether, type Start } from './start-together';
import { canDeleteTogether, GroupDeletion } from './link-group';
import type { ExecContext, HostState, Journal, JournalNetwork, PlanContext } from './types';
import { hypervisorSteps } from './hypervisors/steps';

/** A planned operation together with how to carry it out. */
export interface Step {
  operation: PlanOperation;
  run(ctx: ExecContext): Promise<void>;
  /** The network whose record the step may write, named in the journal before the plan starts (see runSteps). */
  network?: { name: string; type: Network['type'] };
  /** The link this step deletes together with the plan's other such steps' (one group delete, see link-group.ts). */
  deletesLinkTogether?: string;
}

export interface CorePlan {
  steps: Step[];
  warnings: string[];
  errors: ValidationError[];
}

function digest(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Networks the app's ruleset covers: host-only and NAT networks with a registered driver. */
function rulesetNetworks(networks: readonly Network[]): RoutedNetwork[] {
  return networks.filter(hasSubnet).filter((n) => driverFor(n.type));
}

function driverSteps(type: Network['type'], ops: PlanOperation[]): Step[] {
  const driver = driverFor(type)!;
  return ops.map((operation) => ({
    operation,
    ...(operation.network ? { network: { name: operation.network, type } } : {}),
    run: async (ctx) => {
      // Record the network (with its type) before its first change, so a crash leaves a trace.
      if (operation.network) {
        ctx.record((j) => {
          j.networks[operation.network!] ??= { type, data: {} };
        });
      }
      await driver.execute(operation, ctx);
    },
  }));
}

/** Steps for the app's nftables table and net.ipv4.ip_forward, given the networks that stay. */
export function sharedSteps(networks: readonly Network[], state: HostState): Step[] {
  const steps: Step[] = [];
  const covered = rulesetNetworks(networks);
  const wantForwarding = covered.some((n) => n.type === 'nat');
  // What forwarding was before the app: from the journal, else from the table (state folder lost).
  const recordedBefore = state.journal.forwarding?.previous ?? state.table.forwardingBefore;
  const forwardingBefore = wantForwarding ? (recordedBefore ?? state.forwarding) : undefined;
  if (covered.length === 0) {
    if (state.table.exists) {
      steps.push({
        operation: {
          op: 'delete-ruleset',
          target: `${TABLE_FAMILY} ${TABLE_NAME}`,
          description: `Remove the firewall table ${TABLE_FAMILY} ${TABLE_NAME}`,
        },
        run: (ctx) => loadRuleset(ctx, deleteTableText(), undefined, true),
      });
    }
  } else {
    const text = generateRuleset(covered, forwardingBefore === undefined ? {} : { forwardingBefore });
    const textDigest = digest(text);
    const recorded = state.journal.table;
    const fingerprint = recordedFingerprint(state.journal);
    const changedText = recorded?.textDigest !== textDigest;
    const stale = !state.table.exists || changedText || fingerprint !== state.table.fingerprint;
    if (stale) {
      const why = !state.table.exists
        ? 'load'
        : changedText
          ? 'update'
          : recorded?.fingerprint !== undefined && fingerprint === undefined
            ? 'reload (last recorded by an older version of the app)'
            : 'repair (changed outside the app)';
      steps.push({
        operation: {
          op: 'load-ruleset',
          target: `${TABLE_FAMILY} ${TABLE_NAME}`,
          description: `${why[0]!.toUpperCase()}${why.slice(1)} the firewall table ${TABLE_FAMILY} ${TABLE_NAME} (NAT, isolation, port forwards for ${covered.map((n) => n.name).join(', ')})`,
          details: { ruleset: text },
        },
        run: (ctx) => loadRuleset(ctx, text, textDigest, state.table.exists),
      });
    }
  }
  if (wantForwarding && state.forwarding !== '1') {
    const previous = forwardingBefore ?? state.forwarding;
    steps.push({
      operation: {
        op: 'set-forwarding',
        target: 'net.ipv4.ip_forward',
        description: 'Switch on IPv4 forwarding (net.ipv4.ip_forward = 1) for NAT',
        details: { value: '1', previous },
      },
      run: (ctx) => setForwarding(ctx, '1', previous, state.forwarding),
    });
  } else if (!wantForwarding && recordedBefore !== undefined && (state.journal.forwarding || recordedBefore !== state.forwarding)) {
    const previous = recordedBefore;
    steps.push({
      operation: {
        op: 'restore-forwarding',
        target: 'net.ipv4.ip_forward',
        description: `Restore IPv4 forwarding to its previous value (${previous})`,
        details: { value: previous },
      },
      run: (ctx) => setForwarding(ctx, previous, undefined, state.forwarding),
    });
  }
  steps.push(...ipv6ForwardingSteps(covered, state, new Set(covered.map((n) => n.name))));
  return steps;
}

/** The table as nft text, protocols as numbers (see NFT_JSON), which `nft -f` reads back as the same table. */
async function currentTableText(runner: CommandRunner): Promise<string | undefined> {
  const result = await runner.run(['nft', '-p', 'list', 'table', TABLE_FAMILY, TABLE_NAME], { allowFailure: true });
  return result.code === 0 ? result.stdout : undefined;
}

/**
 * Loads a ruleset in one transaction; the undo puts back the table exactly as it was listed before.
 * A table the inspection found missing is not listed again (one `nft` process less on a first
 * load): the plan holds the apply lock, and its undo deletes the table, as it would after a listing found none.
 */
async function loadRuleset(ctx: ExecContext, text: string, textDigest: string | undefined, existed: boolean): Promise<void> {
  const before = existed ? await currentTableText(ctx.runner) : undefined;
  let previousRecord: Journal['table'];
  ctx.record((j) => {
    previousRecord = j.table;
    j.table = { loaded: true, ...(j.table?.fingerprint ? { fingerprint: j.table.fingerprint } : {}) };
  });
  ctx.onUndo(async () => {
    const restore = before === undefined ? deleteTableText() : `${deleteTableText()}${before}`;
    await ctx.runner.run(['nft', '-f', '-'], { input: restore, allowFailure: true });
    ctx.record((j) => {
      j.table = previousRecord;
    });
  });
  await ctx.runner.run(['nft', '-f', '-'], { input: text });
  if (textDigest === undefined) {
    ctx.record((j) => {
      delete j.table;
    });
    return;
  }
  // The fingerprint of the table as loaded: listed while the plan goes on (its last steps, the servers
  // still starting, storing the config), recorded before the plan's last journal write. Without it the
  // record keeps no digest, so the next plan reloads the table.
  const recording = inspectTable(ctx.runner).then((live) => {
    ctx.record((j) => {
      j.table = { loaded: true, textDigest, ...(live.fingerprint ? { fingerprint: live.fingerprint } : {}) };
    });
  });
  if (ctx.afterSteps) ctx.afterSteps(recording);
  else await recording;
}

/** Writes net.ipv4.ip_forward through the runner (so unit tests never touch the real sysctl). */
async function writeForwarding(runner: CommandRunner, value: string): Promise<void> {
  await runner.writeSysctl('net/ipv4/ip_forward', value);
}

async function setForwarding(ctx: ExecContext, value: string, rememberPrevious: string | undefined, before: string): Promise<void> {
  let previousRecord: Journal['forwarding'];
  ctx.record((j) => {
    previousRecord = j.forwarding;
    if (rememberPrevious !== undefined) j.forwarding ??= { previous: rememberPrevious };
  });
  ctx.onUndo(async () => {
    await writeForwarding(ctx.runner, before);
    ctx.record((j) => {
      j.forwarding = previousRecord;
    });
  });
  await writeForwarding(ctx.runner, value);
  if (rememberPrevious === undefined) {
    ctx.record((j) => {
      delete j.forwarding;
    });
  }
}

/**
 * Marks the plan's bridge deletions to run as one group delete, when the host allows it (see
 * link-group.ts), and moves them first: the deletion starts once the last bridge is handed over,
 * and the other removal steps (stopping the DHCP servers, their files) run while the kernel
 * deletes. Only a step that needs its bridge still there (resolved's link settings) goes before.
 * A DHCP server still running on a bridge that goes is harmless (it binds dynamically), and so is
 * one a rollback starts again before its bridge is back.
 */
function deleteBridgesTogether(removals: Step[], state: HostState): Step[] {
  const deletions = removals.filter((s) => s.operation.op === 'delete-bridge' && s.operation.network);
  const names = deletions.map((s) => s.operation.network!);
  if (!canDeleteTogether(names, state.links)) return removals;
  deletions.forEach((step, i) => (step.deletesLinkTogether = names[i]));
  const before = removals.filter((s) => s.operation.op === 'unregister-names');
  return [...before, ...deletions, ...removals.filter((s) => !before.includes(s) && !deletions.includes(s))];
}

/** (desired config, actual host) → ordered steps. Pure apart from the steps' run closures. */
export function planSteps(config: Config, state: HostState, dirs: Dirs): CorePlan {
  const ctx: PlanContext = { dirs, config };
  const steps: Step[] = [];
  const warnings: string[] = [];
  const errors: ValidationError[] = [];
  const wanted = new Map(config.networks.map((n) => [n.name, n]));

  // First remove what the journal says we created for networks no longer wanted (or changing driver).
  const removals: Step[] = [];
  for (const [name, recorded] of Object.entries(state.journal.networks)) {
    const desired = wanted.get(name);
    // Host-only ⇄ NAT is a change within one driver (same executor), not a removal.
    if (desired && driverFor(desired.type)?.execute === driverFor(recorded.type)?.execute) continue;
    const driver = driverFor(recorded.type);
    if (!driver) {
      warnings.push(`network ${name} was created as ${recorded.type}, which this version cannot remove; it was left as it is`);
      continue;
    }
    removals.push(...driverSteps(recorded.type, driver.planRemoval(name, recorded, state, ctx)));
  }
  steps.push(...deleteBridgesTogether(removals, state));
  config.networks.forEach((network, index) => {
    const driver = driverFor(network.type);
    if (!driver) {
      warnings.push(`network ${network.name}: ${network.type} networks are not supported yet; nothing is planned for it`);
      return;
    }
    errors.push(...driver.check(network, index, state, ctx));
    warnings.push(...(driver.warnings?.(network, state, ctx) ?? []));
    steps.push(...driverSteps(network.type, driver.plan(network, state, ctx)));
  });
  steps.push(...sharedSteps(config.networks, state));
  const hypervisors = hypervisorSteps(
    state,
    config.libvirtNetworks === false ? [] : config.networks,
    () => true,
    config.networks,
    dirs.qemu,
  );
  steps.push(...hypervisors.steps);
  warnings.push(...foreignDropWarnings(config, state), ...hypervisors.warnings);
  return { steps, warnings, errors };
}

/**
 * A foreign chain dropping forwarded traffic by default blocks NAT guests; with br_netfilter it
 * also cuts off the guests of host-only and bridged networks (bridge-filtering.ts). Said before
 * the apply, with doctor's fix.
 */
function foreignDropWarnings(config: Config, state: HostState): string[] {
  const supported = config.networks.filter((n) => driverFor(n.type));
  const nat = supported.filter((n) => n.type === 'nat');
  const warnings =
    nat.length === 0
      ? []
      : state.foreignDrops
          .filter((d) => d.hook === 'forward')
          .map(
            (d) =>
              `chain ${d.chain} of table ${d.family} ${d.table} (not ours) has ${d.what} on forwarded traffic: it can block the guests of ${nat.map((n) => n.name).join(', ')}; to fix: ${nat.map((n) => fixForForeignDrop(d, n.name)).join('; ')}`,
          );
  // A NAT network's fix above lets its bridged frames through as well.
  for (const network of supported.filter((n) => n.type !== 'nat')) {
    warnings.push(...bridgedFrameProblems(network, state).map((p) => `${p.detail}; to fix: ${p.fix}`));
  }
  return warnings;
}

/** Plan for taking networks down: each one's removal, then the shared parts for what stays. */
export function planDown(
  names: string[],
  remaining: Network[],
  state: HostState,
  dirs: Dirs,
  recordedFor: (name: string) => JournalNetwork | undefined,
): Step[] {
  const ctx: PlanContext = { dirs, config: { version: 1, networks: remaining } };
  const removals: Step[] = [];
  for (const name of names) {
    const recorded = recordedFor(name);
    if (!recorded) continue;
    const driver = driverFor(recorded.type);
    if (!driver) continue;
    removals.push(...driverSteps(recorded.type, driver.planRemoval(name, recorded, state, ctx)));
  }
  const steps = deleteBridgesTogether(removals, state);
  steps.push(...sharedSteps(remaining, state));
  // Each network taken down leaves libvirt too; the bridge helper keeps allowing only what stays.
  steps.push(...hypervisorSteps(state, [], (name) => names.includes(name), remaining, dirs.qemu).steps);
  return steps;
}

/** A command started in the background by a step failed: the failure is that step's. */
class BackgroundStepError extends Error {
  constructor(
    readonly step: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'BackgroundStepError';
  }
}

export interface RunOutcome {
  ok: boolean;
  applied: PlanOperation[];
  error?: string;
}

/** Runs steps in order; on a failure undoes what ran, newest first, and says which step failed and why. */
export async function runSteps(
  steps: Step[],
  runner: CommandRunner,
  dirs: Dirs,
  journal: Journal,
  onProgress?: (p: ApplyProgress) => void,
  signal?: AbortSignal,
  /** Runs once every step has succeeded (storing the config), while the work handed to afterSteps finishes. */
  onSuccess?: () => void,
): Promise<RunOutcome> {
  // Each undo remembers the step that registered it, so a rollback that fails can say which.
  assertClosedFolder(dirs.state, 'state');
  assertClosedFolder(dirs.config, 'config');
  const undo: { fn: () => Promise<void>; step: number }[] = [];
  let current = 0;
  // The journal is written durably twice per plan, not twice per record (journal.ts says why
  // that keeps every crash guarantee): first the intent, every network the steps may record
  // already named, so that even after a power cut the next apply or down looks at each of them
  // (their DHCP files are the part a reboot keeps); then, after the last step, the outcome.
  const background: Promise<void>[] = [];
  // Work the plan does not wait for until its end (afterSteps); never rejects.
  const late: Promise<void>[] = [];
  // Commands still finishing (DHCP servers starting), each with its step.
  const starting: { done: Promise<unknown>; step: number }[] = [];
  /** Waits for every command started so far, then throws the first failure by step order. */
  const startsDone = async (): Promise<void> => {
    const outcomes = await Promise.allSettled(starting.splice(0).map((s) => s.done));
    const failed = outcomes.findIndex((o) => o.status === 'rejected');
    if (failed >= 0) throw (outcomes[failed] as PromiseRejectedResult).reason;
  };
  const writer = new JournalWriter(dirs, journal);
  // No command reaches the host before the journal on disk covers what the steps recorded so far:
  // their records go as one progress mark before the next command (journal.ts), whichever part of
  // the plan runs it (a batch, the servers' start, a group deletion, a step's own command).
  const host = beforeEachCommand(runner, () => writer.flush());
  // Only steps record, so a plan without steps leaves the journal as it is.
  const begun = steps.length > 0;
  if (begun) {
    for (const { network } of steps) if (network) journal.networks[network.name] ??= { type: network.type, data: {} };
    writer.begin();
  }
  // Queued ip changes run before any other command, so every command sees the host as the steps before it left it.
  const batch = new IpBatch(host);
  /** Settings of links the queued ip changes create, written once they have run (queueSysctl). */
  const settingsAfterBatch: { key: string; value: string }[] = [];
  // Servers to start, waiting for the next command of any kind or the plan's end. They start then, all
  // together (start-together.ts), once the queued ip changes have run, not when their step ends the batch:
  // the next network's bridge then joins the same batch, so ten networks are one `ip -batch` and one start
  // of their ten servers instead of twenty processes, and a batch that fails starts none of them (they never
  // ran, nothing to undo).
  const waiting: (Start & { step: number })[] = [];
  /** Starts the waiting servers in the background, each tracked as its step's (see startsDone). */
  const startWaiting = (): void => {
    const starts = waiting.splice(0);
    startTogether(host, starts).forEach((started, i) => {
      const done = started.catch((error: unknown) => {
        throw new BackgroundStepError(starts[i]!.step, error);
      });
      // Handled when awaited (startsDone); until then a failure must not count as an unhandled rejection.
      done.catch(() => undefined);
      starting.push({ done, step: starts[i]!.step });
    });
  };
  // Bridges deleted together (link-group.ts) go once the last is handed over, and the steps after
  // them go on meanwhile (the kernel's part is waiting, not work): every later `ip` command waits.
  const together = new GroupDeletion(
    host,
    steps.flatMap((s) => (s.deletesLinkTogether ? [s.deletesLinkTogether] : [])),
  );
  /** Starts the deletion of what was handed over (tracked like a server starting) and waits for it. */
  const linksGone = async (): Promise<void> => {
    const started = together.start();
    if (started) {
      started.catch(() => undefined);
      starting.push({ done: started, step: current });
    }
    await together.underway;
  };
  /**
   * Runs the queued ip changes (queued after the links handed over so far, see deleteTogether, they wait
   * for their deletion), writes the settings queued for the links they made, then starts the waiting servers.
   */
  const flushIp = async (): Promise<void> => {
    if (batch.pending) {
      await linksGone();
      await batch.flush();
    }
    for (const { key, value } of settingsAfterBatch.splice(0)) await host.writeSysctl(key, value, { allowFailure: true });
    if (waiting.length > 0) startWaiting();
  };
  const inOrder = beforeEachCommand(host, async (argv) => {
    if (argv?.[0] === 'ip') await linksGone();
    await flushIp();
  });
  const ctx: ExecContext = {
    runner: inOrder,
    dirs,
    queueIp(args) {
      batch.queue(args, current);
    },
    queueSysctl(key, value) {
      settingsAfterBatch.push({ key, value });
    },
    async deleteTogether(name) {
      // What was queued before this step runs before the deletion.
      await flushIp();
      if (!together.handOver(name, current)) return false;
      if (together.ready) void linksGone().catch(() => undefined);
      return true;
    },
    whenGone(name, then) {
      together.whenGone(name, then);
    },
    record(change, opts) {
      change(journal);
      writer.record(opts?.durable);
    },
    onUndo(fn) {
      undo.push({ fn, step: current });
    },
    inBackground(work) {
      // Handled when awaited (settle); until then a failure must not count as an unhandled rejection.
      work.catch(() => undefined);
      background.push(work);
    },
    afterSteps(work) {
      late.push(work.catch(() => undefined));
    },
    async settle() {
      while (background.length > 0) await background.shift();
    },
    startInBackground(argv, opts) {
      waiting.push({ argv, ...(opts?.running ? { running: opts.running } : {}), step: current });
      return Promise.resolve();
    },
    ...(signal ? { signal } : {}),
  };
  const applied: PlanOperation[] = [];
  const total = steps.length;
  const prune = (): void => {
    // A network whose record ended up empty (rolled back, or removed) leaves no trace.
    const empty = Object.entries(journal.networks).filter(
      ([, r]) => !Object.values(r.data).some((v) => (Array.isArray(v) ? v.length > 0 : !!v)),
    );
    if (empty.length > 0) {
      ctx.record((j) => {
        for (const [name] of empty) delete j.networks[name];
      });
    }
  };
  for (const [i, step] of steps.entries()) {
    current = i;
    onProgress?.({ step: i + 1, total, description: step.operation.description, phase: 'running' });
    try {
      if (signal?.aborted) throw new Error('cancelled');
      await step.run(ctx);
      if (i === steps.length - 1) {
        // The last step's queued ip changes, the servers waiting for them and background work (servers still
        // exiting, links being deleted) are part of it.
        await flushIp();
        await linksGone();
        await ctx.settle!();
        await startsDone();
      }
      applied.push(step.operation);
      onProgress?.({ step: i + 1, total, description: step.operation.description, phase: 'done' });
    } catch (error) {
      batch.discard();
      settingsAfterBatch.length = 0;
      waiting.length = 0;
      together.discard();
      // Every server still starting has started or failed before the rollback looks (its undo stops one that started).
      await startsDone().catch(() => undefined);
      // A queued ip change fails when its batch runs, and a background start when it is waited for, during a
      // later step: the failure is the step's that queued or started it.
      const failed = error instanceof IpLineError || error instanceof BackgroundStepError ? error.step : i;
      const failedStep = steps[failed]!;
      const cause = error instanceof Error ? error.message : String(error);
      onProgress?.({ step: failed + 1, total, description: failedStep.operation.description, phase: 'failed' });
      onProgress?.({ step: failed + 1, total, description: 'Rolling back', phase: 'rolling-back' });
      // A server still exiting must be gone before an undo starts it again (its failure was the step's to report),
      // and a late record made before the undo that puts back the one before it.
      await ctx.settle!().catch(() => undefined);
      await Promise.all(late);
      const rollbackErrors: string[] = [];
      for (const { fn, step: owner } of undo.reverse()) {
        try {
          await fn();
        } catch (e) {
          const what = `step ${owner + 1} "${steps[owner]!.operation.description}"`;
          rollbackErrors.push(`could not undo ${what}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      prune();
      if (begun) writer.commit();
      removeEmptyDhcpDir(dirs, journal);
      onProgress?.({ step: failed + 1, total, description: 'Rolled back', phase: 'rolled-back' });
      const rolled =
        rollbackErrors.length === 0
          ? 'the changes made so far were rolled back'
          : `the rollback was incomplete, so the host may still hold part of this change (${rollbackErrors.join('; ')})`;
      return {
        ok: false,
        applied: [],
        error: `step ${failed + 1}/${total} "${failedStep.operation.description}" failed: ${cause}; ${rolled}`,
      };
    }
  }
  try {
    onSuccess?.();
  } finally {
    await Promise.all(late);
    prune();
    if (begun) writer.commit();
    removeEmptyDhcpDir(dirs, journal);
  }
  return { ok: true, applied };
}

/** With no network left, the DHCP folder goes too (rmdir only succeeds when it is empty). */
function removeEmptyDhcpDir(dirs: Dirs, journal: Journal): void {
  if (Object.keys(journal.networks).length > 0) return;
  for (const dir of [dhcpDir(dirs), dnsmasqReadableDir(dirs)]) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty or not there
    }
  }
}

/**
 * Refuses a config or state folder that others can write (or that is a link): anyone who
 * can write there could plant files root then trusts, or links root then writes through.
 */
export function assertClosedFolder(dir: string, what: string): void {
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isSymbolicLink() || !stat.isDirectory()) throw new Error(`refusing the ${what} folder ${dir}: it is not a plain folder`);
  if ((stat.mode & 0o002) !== 0 || ((stat.mode & 0o020) !== 0 && stat.gid !== 0)) {
    throw new Error(
      `refusing the ${what} folder ${dir}: others can write it (mode 0${(stat.mode & 0o777).toString(8)}); make it 0755 or tighter (chmod go-w)`,
    );
  }
}
