// Carrying out the routed driver's ops. Each creating step is written to the journal
// before it runs (so a crash still leaves a record of it) and registers its undo.
import fs from 'node:fs';
import type { PlanOperation } from '../../../../src-shared/api/types';
import { writeFileAtomic } from '../../../store/atomic-write';
import { dhcpFiles, type DhcpFiles } from '../../dnsmasq';
import { processCmdline, processStartTicks } from '../../proc';
import { recordCrashRestart, resetCrashHistory } from '../../dhcp-crashes';
import { CommandError } from '../../runner';
import type { ExecContext, Journal } from '../../types';
import { executeSetMtu } from '../../mtu';
import { registerArgv, unregisterArgv } from '../../resolved';
import { APP_BRIDGE_MARK, type RoutedRecord } from './plan';

function recordOf(journal: Journal, network: string, type: 'hostonly' | 'nat' = 'hostonly'): RoutedRecord {
  journal.networks[network] ??= { type, data: {} };
  return journal.networks[network].data as RoutedRecord;
}

/**
 * Runs one undo command. A failure is the rollback's to report, unless the host is already
 * as the undo wants it (what failed never got made, so there is nothing to take back).
 */
async function undoRun(ctx: ExecContext, argv: string[], alreadyUndone: RegExp): Promise<void> {
  const result = await ctx.runner.run(argv, { allowFailure: true });
  if (result.code !== 0 && !alreadyUndone.test(result.stderr)) throw new CommandError(argv, result);
}

const NO_SUCH_LINK = /Cannot find device|does not exist/;
// IPv4 says `Address not found`, IPv6 `ipv6: address not found`.
const NO_SUCH_ADDRESS = /Cannot assign requested address|[Aa]ddress not found/;
const ALREADY_THERE = /File exists/;
const NO_ADDRESS_THERE = new RegExp(`${NO_SUCH_ADDRESS.source}|${NO_SUCH_LINK.source}`);

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `ip ARGS`, a change whose output nobody reads: queued into the plan's next `ip -batch` when there is one. */
async function ipChange(ctx: ExecContext, args: string[]): Promise<void> {
  if (ctx.queueIp) ctx.queueIp(args);
  else await ctx.runner.run(['ip', ...args]);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Waits until `pid` has exited, looking often at first (dnsmasq exits within a millisecond or two of SIGTERM); false at the deadline. */
async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (let pause = 1; processStartTicks(pid) !== undefined; pause = Math.min(pause * 2, 20)) {
    if (Date.now() > deadline) return false;
    await sleep(pause);
  }
  return true;
}

/**
 * Sends SIGTERM to a dnsmasq of ours and returns the wait for it to be gone (SIGKILL if it
 * lingers a second); undefined, without a signal, for a pid that is no longer dnsmasq.
 */
async function signalDnsmasq(ctx: ExecContext, pid: number): Promise<{ exit: Promise<void> } | undefined> {
  const argv = processCmdline(pid);
  if (!argv || !argv[0]?.endsWith('dnsmasq') || processStartTicks(pid) === undefined) return undefined;
  await ctx.runner.signal(pid, 'SIGTERM');
  // In an object: an async function handing back a bare promise would wait for it, and every
  // stop of a `down` would wait for the server before it to exit.
  const exit = (async () => {
    if (await exited(pid, 1000)) return;
    await ctx.runner.signal(pid, 'SIGKILL');
    await exited(pid, 1000);
  })();
  return { exit };
}

/** Stops a dnsmasq of ours: SIGTERM, then SIGKILL if it lingers. Skips a pid that is no longer dnsmasq. */
export async function stopDnsmasq(ctx: ExecContext, pid: number): Promise<void> {
  const signalled = await signalDnsmasq(ctx, pid);
  await signalled?.exit;
}

/**
 * The DHCP folder is created private (what dnsmasq opens as root: config, pid, leases) and
 * the state folder is left exactly as it is; what dnsmasq rereads as nobody goes to its own
 * folder, which must be ours and closed to writers other than us.
 */
function prepareDhcpDir(files: DhcpFiles): void {
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(files.readable, { recursive: true, mode: 0o755 });
  const stat = fs.lstatSync(files.readable);
  const me = process.getuid?.() ?? 0;
  if (!stat.isDirectory() || stat.uid !== me || (stat.mode & 0o022) !== 0) {
    throw new Error(`refusing ${files.readable}: it must be a folder owned by uid ${me} that no one else can write`);
  }
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes through a fresh temp file renamed over the target, so a link planted there is replaced, never followed.
 * Not fsync'd: every apply compares these files with the config and rewrites them, so one a power cut lost or tore
 * is only rewritten by the next apply (the rename still keeps dnsmasq from ever reading half a file).
 */
function writeOrRemove(file: string, text: string | undefined): void {
  if (text === undefined) fs.rmSync(file, { force: true });
  else writeFileAtomic(file, text, { mode: 0o644, durable: false });
}

/** A dnsmasq runs under the network's pid file (it writes the file before its first process exits). */
function dnsmasqRuns(files: DhcpFiles): boolean {
  const pid = Number((readOr(files.pid) ?? '').trim());
  return pid > 0 && processStartTicks(pid) !== undefined && processCmdline(pid)?.[0]?.endsWith('dnsmasq') === true;
}

async function startDnsmasq(ctx: ExecContext, files: DhcpFiles, opts: { together?: boolean } = {}): Promise<void> {
  // A server this plan stopped must be gone first: it holds the ports, and on exit it removes the pid file.
  await ctx.settle?.();
  fs.rmSync(files.pid, { force: true });
  // dnsmasq daemonises itself; its parent exits only once the daemon is set up (or failed).
  const argv = ['dnsmasq', `--conf-file=${files.conf}`];
  // A plan's servers start together, by one process (each start ~15 ms, ten one after another were a
  // good part of a bring-up), once the batch that creates their bridges has run (the next networks'
  // bridges join it): the plan waits for them all at its end, and before a rollback undoes them.
  if (opts.together && ctx.startInBackground) await ctx.startInBackground(argv, { running: () => dnsmasqRuns(files) });
  else await ctx.runner.run(argv);
}

/** The names file only exists while there are names to answer (an op planned before it existed has none). */
function namesText(op: PlanOperation): string | undefined {
  const names = str(op.details?.names);
  return names === '' ? undefined : names;
}

/**
 * Switches IPv6 off on the bridge of a network without an IPv6 subnet, as libvirt does for its
 * IPv4-only networks: the host gets no link-local address there, and guests no IPv6 path to
 * it. It also makes the bridge quicker to delete: the kernel's IPv6 teardown of each link is
 * part of the RCU waits an `ip link del` sits through (ten bridges: 186–192 ms instead of
 * 244–258 ms, kernel 6.18), while switching it off once the bridge is up costs well under a
 * millisecond. Written right after the batch that creates the bridge; a kernel without IPv6
 * has nothing to switch off. A subnet added later switches it on again (set-bridge-ipv6).
 */
async function switchOffIpv6(ctx: ExecContext, name: string): Promise<void> {
  const key = ipv6Switch(name);
  if (ctx.queueSysctl) ctx.queueSysctl(key, '1');
  else await ctx.runner.writeSysctl(key, '1', { allowFailure: true });
}

/** The kernel setting that switches IPv6 off (1) or on (0) on one link. */
function ipv6Switch(name: string): string {
  return `net/ipv6/conf/${name}/disable_ipv6`;
}

export async function executeRouted(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const name = op.network ?? '';
  const { runner } = ctx;
  const files = dhcpFiles(ctx.dirs, name);
  switch (op.op) {
    case 'create-bridge': {
      ctx.record((j) => {
        recordOf(j, name).bridge = true;
      });
      // The undo is registered before acting, so a step that fails half-way is undone too.
      ctx.onUndo(async () => {
        await undoRun(ctx, ['ip', 'link', 'del', 'dev', name], NO_SUCH_LINK);
        ctx.record((j) => {
          recordOf(j, name).bridge = false;
        });
      });
      await ipChange(ctx, ['link', 'add', 'name', name, 'type', 'bridge']);
      // The mark proves the bridge is the app's even if the journal is lost (see checkRouted).
      await ipChange(ctx, ['link', 'set', 'dev', name, 'alias', APP_BRIDGE_MARK, 'up']);
      if (op.details?.ipv6 === false) await switchOffIpv6(ctx, name);
      return;
    }
    case 'adopt-bridge': {
      const type = op.details?.type === 'nat' ? 'nat' : 'hostonly';
      const adopted = Array.isArray(op.details?.addresses) ? (op.details.addresses as string[]) : [];
      let before: Journal['networks'][string] | undefined;
      ctx.record((j) => {
        before = j.networks[name] ? structuredClone(j.networks[name]) : undefined;
        const record = recordOf(j, name, type);
        j.networks[name]!.type = type;
        record.bridge = true;
        record.addresses = [...new Set([...(record.addresses ?? []), ...adopted])];
      });
      ctx.onUndo(async () => {
        ctx.record((j) => {
          if (before) j.networks[name] = before;
          else delete j.networks[name];
        });
      });
      return;
    }
    case 'set-link-up': {
      ctx.onUndo(async () => {
        await undoRun(ctx, ['ip', 'link', 'set', 'dev', name, 'down'], NO_SUCH_LINK);
      });
      await ipChange(ctx, ['link', 'set', 'dev', name, 'up']);
      return;
    }
    case 'add-address': {
      const address = str(op.target);
      ctx.record((j) => {
        const r = recordOf(j, name);
        r.addresses = [...new Set([...(r.addresses ?? []), address])];
      });
      ctx.onUndo(async () => {
        // No bridge, no address: a batch that failed before the bridge's line never added it either.
        await undoRun(ctx, ['ip', 'addr', 'del', address, 'dev', name], NO_ADDRESS_THERE);
        ctx.record((j) => {
          const r = recordOf(j, name);
          r.addresses = (r.addresses ?? []).filter((a) => a !== address);
        });
      });
      // The app owns the prefix, so duplicate address detection would only delay the address.
      await ipChange(ctx, ['addr', 'add', address, 'dev', name, ...(address.includes(':') ? ['nodad'] : [])]);
      return;
    }
    case 'set-bridge-ipv6': {
      const previous = str(op.details?.previous) || '1';
      ctx.onUndo(async () => {
        await runner.writeSysctl(`net/ipv6/conf/${name}/accept_ra`, previous, { allowFailure: true });
        if (op.details?.switchOn === true) await runner.writeSysctl(ipv6Switch(name), '1', { allowFailure: true });
      });
      // A bridge made while the network had no IPv6 subnet has IPv6 switched off (switchOffIpv6).
      if (op.details?.switchOn === true) await runner.writeSysctl(ipv6Switch(name), '0');
      await runner.writeSysctl(`net/ipv6/conf/${name}/accept_ra`, '0');
      await runner.writeSysctl(`net/ipv6/conf/${name}/autoconf`, '0');
      return;
    }
    case 'remove-address': {
      const address = str(op.target);
      // Deleting a bridge's first address would take its other addresses (the NAT gateway)
      // along unless the kernel promotes them; slashes keep dotted names intact for sysctl.
      await runner.writeSysctl(`net/ipv4/conf/${name}/promote_secondaries`, '1');
      await runner.run(['ip', 'addr', 'del', address, 'dev', name]);
      ctx.record((j) => {
        const r = recordOf(j, name);
        r.addresses = (r.addresses ?? []).filter((a) => a !== address);
      });
      ctx.onUndo(async () => {
        ctx.record((j) => {
          const r = recordOf(j, name);
          r.addresses = [...new Set([...(r.addresses ?? []), address])];
        });
        await undoRun(ctx, ['ip', 'addr', 'add', address, 'dev', name, ...(address.includes(':') ? ['nodad'] : [])], ALREADY_THERE);
      });
      return;
    }
    case 'set-mtu':
      return executeSetMtu(op, ctx, (j, mtu) => {
        const r = recordOf(j, name);
        const before = r.mtu;
        if (mtu === undefined) delete r.mtu;
        else r.mtu = mtu;
        return before;
      });
    case 'register-names': {
      const server = str(op.details?.server);
      const domain = str(op.details?.domain);
      let before: boolean | undefined;
      ctx.record((j) => {
        before = recordOf(j, name).names;
        recordOf(j, name).names = true;
      });
      ctx.onUndo(async () => {
        await runner.run(unregisterArgv(name), { allowFailure: true });
        ctx.record((j) => {
          recordOf(j, name).names = before;
        });
      });
      for (const argv of registerArgv(name, server, domain)) await runner.run(argv);
      return;
    }
    case 'unregister-names': {
      await runner.run(unregisterArgv(name), { allowFailure: true });
      ctx.record((j) => {
        if (j.networks[name]) delete recordOf(j, name).names;
      });
      return;
    }
    case 'stop-dhcp': {
      const pids = Array.isArray(op.details?.pids) ? (op.details.pids as number[]) : [];
      const conf = readOr(files.conf);
      // Signalled now, waited for in the background: `down` stops every network's server at once.
      const exits: Promise<void>[] = [];
      for (const pid of pids) {
        const signalled = await signalDnsmasq(ctx, pid);
        if (signalled) exits.push(signalled.exit);
      }
      const gone = Promise.all(exits).then(() => undefined);
      if (ctx.inBackground) ctx.inBackground(gone);
      else await gone;
      ctx.onUndo(async () => {
        // Bring back the server this step stopped, when its config is still there.
        if (conf !== undefined && fs.existsSync(files.conf)) await startDnsmasq(ctx, files);
      });
      return;
    }
    case 'start-dhcp': {
      prepareDhcpDir(files);
      const previous = {
        conf: readOr(files.conf),
        hosts: readOr(files.hosts),
        names: readOr(files.names),
        leases: fs.existsSync(files.leases),
      };
      let wasRecorded: boolean | undefined;
      ctx.record((j) => {
        wasRecorded = recordOf(j, name).dhcp;
        recordOf(j, name).dhcp = true;
      });
      ctx.onUndo(async () => {
        const pid = Number((readOr(files.pid) ?? '').trim());
        if (pid > 0) await stopDnsmasq(ctx, pid);
        writeOrRemove(files.conf, previous.conf);
        writeOrRemove(files.hosts, previous.hosts);
        writeOrRemove(files.names, previous.names);
        if (!previous.leases) fs.rmSync(files.leases, { force: true });
        if (previous.conf === undefined) fs.rmSync(files.pid, { force: true });
        ctx.record((j) => {
          if (j.networks[name]) recordOf(j, name).dhcp = wasRecorded;
        });
      });
      writeOrRemove(files.hosts, str(op.details?.hosts));
      writeOrRemove(files.names, namesText(op));
      writeOrRemove(files.conf, str(op.details?.conf));
      const crash = op.details?.crashRestart as { delayMs?: number } | undefined;
      if (crash) {
        // A server that died: back off before restarting it, and remember the restart (see ../dhcp-crashes.ts).
        if (crash.delayMs) await sleep(crash.delayMs);
        recordCrashRestart(ctx.dirs, name, Date.now());
      }
      await startDnsmasq(ctx, files, { together: true });
      return;
    }
    case 'reload-dhcp': {
      const previous = readOr(files.hosts);
      const previousNames = readOr(files.names);
      const pid = Number(op.details?.pid);
      writeOrRemove(files.hosts, str(op.details?.hosts));
      writeOrRemove(files.names, namesText(op));
      if (!(await runner.signal(pid, 'SIGHUP')))
        throw new Error(`the DHCP server for ${name} (pid ${pid}) is gone; run \`vnet apply\` again`);
      ctx.onUndo(async () => {
        writeOrRemove(files.hosts, previous);
        writeOrRemove(files.names, previousNames);
        await runner.signal(pid, 'SIGHUP');
      });
      return;
    }
    case 'remove-dhcp-files': {
      for (const file of [files.conf, files.hosts, files.names, files.leases, files.pid]) fs.rmSync(file, { force: true });
      ctx.record((j) => {
        if (j.networks[name]) recordOf(j, name).dhcp = false;
      });
      return;
    }
    case 'delete-bridge': {
      const addresses = Array.isArray(op.details?.addresses) ? (op.details.addresses as string[]) : [];
      const group = str(op.details?.group);
      let before: RoutedRecord | undefined;
      const deleted = (): void =>
        ctx.record((j) => {
          const r = recordOf(j, name);
          before = { ...r };
          r.bridge = false;
          r.addresses = [];
        });
      const undo = async (): Promise<void> => {
        ctx.record((j) => {
          Object.assign(recordOf(j, name), before);
        });
        await undoRun(ctx, ['ip', 'link', 'add', 'name', name, 'type', 'bridge'], ALREADY_THERE);
        await runner.run(['ip', 'link', 'set', 'dev', name, 'alias', APP_BRIDGE_MARK, 'up']);
        if (op.details?.ipv6 === false) await runner.writeSysctl(ipv6Switch(name), '1', { allowFailure: true });
        for (const a of addresses) await undoRun(ctx, ['ip', 'addr', 'add', a, 'dev', name], ALREADY_THERE);
      };
      if (await ctx.deleteTogether?.(name)) {
        // Deleted later with the plan's other bridges; a rollback may come before or after that,
        // and a bridge still there may already be in the deletion's group: put its own group back.
        ctx.whenGone!(name, deleted);
        ctx.onUndo(async () => {
          await undo();
          if (group) await runner.run(['ip', 'link', 'set', 'dev', name, 'group', group]);
        });
        return;
      }
      await runner.run(['ip', 'link', 'del', 'dev', name]);
      deleted();
      ctx.onUndo(undo);
      return;
    }
    case 'forget-network': {
      let before: Journal['networks'][string] | undefined;
      // Once the bridge is gone: until then the record is what tells the next run it is ours.
      const forget = (): void =>
        ctx.record((j) => {
          before = j.networks[name];
          delete j.networks[name];
        });
      if (ctx.whenGone) ctx.whenGone(name, forget);
      else forget();
      resetCrashHistory(ctx.dirs, name);
      ctx.onUndo(async () => {
        ctx.record((j) => {
          if (before) j.networks[name] = before;
        });
      });
      return;
    }
    default:
      throw new Error(`the host-only/NAT driver has no step "${op.op}"`);
  }
}

export const ROUTED_OPS = [
  'create-bridge',
  'adopt-bridge',
  'set-link-up',
  'set-mtu',
  'register-names',
  'unregister-names',
  'add-address',
  'set-bridge-ipv6',
  'remove-address',
  'stop-dhcp',
  'start-dhcp',
  'reload-dhcp',
  'remove-dhcp-files',
  'delete-bridge',
  'forget-network',
] as const;
