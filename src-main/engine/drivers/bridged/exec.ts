// Carrying out the bridged operations. The uplink move keeps the host reachable:
// the bridge already has the uplink's MAC (so neighbours' ARP caches stay right) and is
// up before the uplink becomes its port; each address is added to the bridge before it
// leaves the uplink; each route is switched to the bridge with `ip route replace`, which
// swaps it in one step (same destination and metric) instead of delete-then-add.
import type { PlanOperation } from '../../../../src-shared/api/types';
import { readAddresses, readLinks, readRoutes, type IpAddrInfo } from '../../../adapters/ip-json';
import { addressArgv, isKernelRoute, isMovableAddress, routeArgv } from '../../../adapters/routes';
import type { CommandRunner } from '../../runner';
import type { ExecContext } from '../../types';
import { executeSetMtu } from '../../mtu';
import { bridgedData, type BridgedData, type FamilyRoute } from './data';

function detailsOf(op: PlanOperation): { bridge: string; uplink: string } {
  const d = op.details ?? {};
  return { bridge: String(d.bridge ?? op.network), uplink: String(d.uplink ?? '') };
}

function dataOf(ctx: ExecContext, network: string): BridgedData {
  let data: BridgedData | undefined;
  ctx.record((j) => {
    data = bridgedData(j.networks[network]);
  });
  return data ?? { bridge: network };
}

function writeData(ctx: ExecContext, network: string, change: (data: BridgedData) => void): void {
  ctx.record((j) => {
    const entry = (j.networks[network] ??= { type: 'bridged', data: {} });
    const data = { bridge: network, ...(entry.data as Partial<BridgedData>) } as BridgedData;
    change(data);
    entry.data = data as unknown as Record<string, unknown>;
  });
}

async function linkOf(runner: CommandRunner, name: string) {
  const link = (await readLinks(runner)).find((l) => l.ifname === name);
  if (!link) throw new Error(`interface ${name} has disappeared`);
  return link;
}

async function addressesOf(runner: CommandRunner, name: string): Promise<IpAddrInfo[]> {
  return ((await readAddresses(runner)).find((a) => a.ifname === name)?.addr_info ?? []).filter(isMovableAddress);
}

/** Routes through DEV other than the kernel's own prefix routes, IPv4 then IPv6. */
async function routesOf(runner: CommandRunner, dev: string): Promise<FamilyRoute[]> {
  const [v4, v6] = await Promise.all([readRoutes(runner, 4), readRoutes(runner, 6).catch(() => [])]);
  const pick = (routes: typeof v4, family: 4 | 6) =>
    routes
      .filter((r) => r.dev === dev && !isKernelRoute(r) && r.type !== 'multicast' && !r.dst.startsWith('fe80:'))
      .map((r) => ({ ...r, family }));
  return [...pick(v4, 4), ...pick(v6, 6)];
}

/** On-link routes first, then routes via a gateway, default routes last: each one's gateway is reachable when it is added. */
export function routeOrder(routes: FamilyRoute[]): FamilyRoute[] {
  const rank = (r: FamilyRoute) => (r.dst === 'default' ? 2 : r.gateway ? 1 : 0);
  return [...routes].sort((a, b) => rank(a) - rank(b));
}

const addArgv = (info: IpAddrInfo, dev: string): string[] => {
  const argv = addressArgv('add', info, dev);
  // The address was already checked on the LAN; a second duplicate-address detection would
  // leave it "tentative" (unusable) for a second while the host has nothing else.
  if (info.family === 'inet6') argv.splice(argv.length - 2, 0, 'nodad');
  return argv;
};

const hasAddress = (list: IpAddrInfo[], info: IpAddrInfo) => list.some((a) => a.local === info.local && a.prefixlen === info.prefixlen);

/** One `ip -batch` line from an `ip` argv. Batch lines take no -4/-6, so the family comes from the addresses. */
export function batchLine(argv: string[]): string {
  const [first, ...rest] = argv;
  if (first !== '-4' && first !== '-6') return argv.join(' ');
  return rest.map((a) => (a === 'default' ? (first === '-6' ? '::/0' : '0.0.0.0/0') : a)).join(' ');
}

/**
 * Runs the lines in one `ip -batch` process: the whole move takes a few milliseconds
 * instead of one process start per step, which is what keeps pings flowing. It stops
 * at the first failing line; the caller's undo then puts back what was there.
 */
async function runBatch(runner: CommandRunner, lines: string[][]): Promise<void> {
  if (lines.length === 0) return;
  await runner.run(['ip', '-batch', '-'], { input: `${lines.map(batchLine).join('\n')}\n` });
}

/** Makes FROM a port of TO and moves ADDRESSES and ROUTES to TO: addresses first, routes swapped in place, then FROM cleared. */
async function moveIn(
  runner: CommandRunner,
  from: string,
  to: string,
  addresses: IpAddrInfo[],
  routes: FamilyRoute[],
  enslave: boolean,
): Promise<void> {
  const present = await addressesOf(runner, to);
  const left = await addressesOf(runner, from);
  const lines: string[][] = [];
  if (enslave) lines.push(['link', 'set', 'dev', from, 'master', to]);
  for (const info of addresses) if (!hasAddress(present, info)) lines.push(addArgv(info, to));
  for (const route of routeOrder(routes)) lines.push(routeArgv('replace', route, to, route.family));
  // Secondaries (listed last) first: deleting a primary first would take its secondaries with it.
  for (const info of [...addresses].reverse()) if (hasAddress(left, info)) lines.push(addressArgv('del', info, from));
  await runBatch(runner, lines);
}

async function createBridge(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const { bridge, uplink } = detailsOf(op);
  const up = await linkOf(ctx.runner, uplink);
  writeData(ctx, bridge, (d) => {
    d.bridge = bridge;
    d.created = true;
  });
  ctx.onUndo(async () => {
    await ctx.runner.run(['ip', 'link', 'del', 'dev', bridge], { allowFailure: true });
    writeData(ctx, bridge, (d) => {
      d.created = false;
    });
  });
  const argv = ['ip', 'link', 'add', 'name', bridge];
  if (up.address) argv.push('address', up.address);
  if (up.mtu) argv.push('mtu', String(up.mtu));
  // No spanning tree and no forwarding delay: the uplink forwards (and the host is reachable) at once.
  argv.push('type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  await ctx.runner.run(argv);
  await ctx.runner.run(['ip', 'link', 'set', 'dev', bridge, 'up']);
}

async function switchOn(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const { bridge } = detailsOf(op);
  ctx.onUndo(async () => {
    await ctx.runner.run(['ip', 'link', 'set', 'dev', bridge, 'down'], { allowFailure: true });
  });
  await ctx.runner.run(['ip', 'link', 'set', 'dev', bridge, 'up']);
}

/** Puts the uplink back: addresses first (while still a port), out of the bridge, routes back, addresses off the bridge. */
export async function detach(runner: CommandRunner, data: BridgedData): Promise<void> {
  const uplink = data.uplink;
  if (!uplink) return;
  const addresses = data.addresses ?? [];
  const present = await addressesOf(runner, uplink);
  const onBridge = await addressesOf(runner, data.bridge).catch(() => []);
  const lines: string[][] = [];
  for (const info of addresses) if (!hasAddress(present, info)) lines.push(addArgv(info, uplink));
  lines.push(['link', 'set', 'dev', uplink, 'nomaster']);
  for (const route of routeOrder(data.routes ?? [])) lines.push(routeArgv('replace', route, uplink, route.family));
  for (const info of [...addresses].reverse()) if (hasAddress(onBridge, info)) lines.push(addressArgv('del', info, data.bridge));
  await runBatch(runner, lines);
}

async function attachUplink(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const { bridge, uplink } = detailsOf(op);
  const link = await linkOf(ctx.runner, uplink);
  const previous = dataOf(ctx, bridge);
  // Already a port with its addresses moved (a repair run): keep the first record, which is what was there originally.
  const resuming = previous.uplink === uplink && (previous.attached || link.master === bridge);
  const addresses = resuming ? (previous.addresses ?? []) : await addressesOf(ctx.runner, uplink);
  const routes = resuming ? (previous.routes ?? []) : await routesOf(ctx.runner, uplink);
  if (resuming) {
    // Anything that reappeared on the uplink since (added by hand) moves too.
    for (const info of await addressesOf(ctx.runner, uplink)) if (!hasAddress(addresses, info)) addresses.push(info);
  }
  const record: BridgedData = { ...previous, bridge, uplink, addresses, routes, attached: false };
  if (link.address) record.uplinkMac = link.address;
  // Recorded before the first change, so that a crash half-way can still be undone exactly.
  writeData(ctx, bridge, (d) => Object.assign(d, record));
  ctx.onUndo(async () => {
    await detach(ctx.runner, record);
    writeData(ctx, bridge, forgetUplink);
  });
  await moveIn(ctx.runner, uplink, bridge, addresses, routes, link.master !== bridge);
  writeData(ctx, bridge, (d) => {
    d.attached = true;
  });
}

/** The record of a bridge whose uplink has been given back. */
function forgetUplink(d: BridgedData): void {
  d.attached = false;
  delete d.uplink;
  delete d.addresses;
  delete d.routes;
  delete d.uplinkMac;
}

/** What the bridge carries now, as if it had been recorded (used when the journal entry is missing). */
async function fromHost(runner: CommandRunner, op: PlanOperation): Promise<BridgedData> {
  const bridge = String(op.details!.bridge);
  const uplink = op.details!.uplink;
  if (typeof uplink !== 'string') {
    const ports = (op.details!.ports as string[] | undefined)?.join(', ') ?? 'none';
    throw new Error(
      `the journal has no record of ${bridge}'s uplink and its ports (${ports}) do not tell which one it is; ` +
        `move ${bridge}'s addresses and routes to the uplink by hand (ip addr/ip route), then run \`vnet down\` again`,
    );
  }
  return { bridge, uplink, addresses: await addressesOf(runner, bridge), routes: await routesOf(runner, bridge), attached: true };
}

async function detachUplink(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const network = op.network!;
  let data = dataOf(ctx, network);
  if (!data.uplink && op.details?.fromHost) data = await fromHost(ctx.runner, op);
  if (!data.uplink) return;
  const restored = { ...data };
  await detach(ctx.runner, data);
  ctx.onUndo(async () => {
    await moveIn(ctx.runner, restored.uplink!, restored.bridge, restored.addresses ?? [], restored.routes ?? [], true);
    writeData(ctx, network, (d) => Object.assign(d, restored));
  });
  writeData(ctx, network, forgetUplink);
}

async function deleteBridge(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const network = op.network!;
  const { bridge } = detailsOf(op);
  const existed = (await readLinks(ctx.runner)).find((l) => l.ifname === bridge);
  let before: unknown;
  ctx.record((j) => {
    before = j.networks[network];
  });
  if (existed) {
    ctx.onUndo(async () => {
      const argv = ['ip', 'link', 'add', 'name', bridge];
      if (existed.address) argv.push('address', existed.address);
      await ctx.runner.run([...argv, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
      await ctx.runner.run(['ip', 'link', 'set', 'dev', bridge, 'up']);
    });
    await ctx.runner.run(['ip', 'link', 'del', 'dev', bridge]);
  }
  ctx.onUndo(async () => {
    ctx.record((j) => {
      if (before) j.networks[network] = before as (typeof j.networks)[string];
    });
  });
  ctx.record((j) => {
    delete j.networks[network];
  });
}

export async function executeKernel(op: PlanOperation, ctx: ExecContext): Promise<void> {
  switch (op.op) {
    case 'bridged-create-bridge':
      return createBridge(op, ctx);
    case 'bridged-switch-on':
      return switchOn(op, ctx);
    case 'bridged-attach-uplink':
      return attachUplink(op, ctx);
    case 'bridged-detach-uplink':
      return detachUplink(op, ctx);
    case 'bridged-delete-bridge':
      return deleteBridge(op, ctx);
    case 'bridged-set-mtu':
      return executeSetMtu(op, ctx, (j, mtu) => {
        const entry = (j.networks[op.network ?? ''] ??= { type: 'bridged', data: { bridge: op.network } });
        const data = entry.data as Partial<BridgedData>;
        const before = data.mtu;
        if (mtu === undefined) delete data.mtu;
        else data.mtu = mtu;
        return before;
      });
    default:
      throw new Error(`the bridged driver does not know the operation ${op.op}`);
  }
}
