// Links, addresses, routes and neighbours from one `ip -j -d -batch -` process instead of
// six: each child a Node process starts costs it 3–5 ms of its own time here (the fork
// copies its address space), more than `ip` then needs. A batch line cannot carry `-4` or
// `-6`, so each line lists every family and this module keeps what the single commands
// (`ip -j -d link`, `ip -j -4 addr`, `ip -j -6 addr show scope global`, `ip -j -4 route show
// table main`, `ip -j -4 neigh`, `ip -j -6 route show default`) used to return, field for field.
import type { CommandRunner } from './runner';
import { CommandError } from './runner';
import { splitJsonDocuments } from './json-documents';
import { canonicalIpv6 } from '../../src-shared/model/ip6';
import { DELETE_GROUP } from './link-group';
import { daemonRunsHere } from './proc';
import type { LinkState, RouteState } from './types';

export interface Neighbour {
  address: string;
  dev: string;
  mac?: string;
}

/** What the batch reads. */
export interface IpView {
  links: Map<string, LinkState>;
  /** IPv4 routes of the main table. */
  routes: RouteState[];
  /** IPv4 neighbours that answered. */
  neighbours: Neighbour[];
  /** IPv6 default routes of the main table. */
  defaultRoutes6: RouteState[];
}

/**
 * The batch, one line per listing, in the order of its output. `addr show` lists every link with
 * the same fields as `link show` (with `-d`, the kind) plus its addresses of both families;
 * `route show table main` lists IPv4 (a table's default family); `exact ::/0` keeps only IPv6
 * routes, of every table, so the main table's are picked here.
 */
export const IP_BATCH = ['addr show', 'route show table main', 'neigh show', 'route show table all exact ::/0'] as const;
/** Lines whose failure fails the inspection (the others read as empty, as before). */
const REQUIRED = new Set<string>(['addr show', 'route show table main']);

export const IP_BATCH_ARGV = ['ip', '-j', '-d', '-batch', '-'];

interface IpLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  operstate?: string;
  address?: string;
  master?: string;
  mtu?: number;
  ifalias?: string;
  group?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string }[];
}

interface IpRoute {
  dst: string;
  dev?: string;
  gateway?: string;
  protocol?: string;
  scope?: string;
  table?: string;
}

function asArray<T>(value: unknown, what: string): T[] {
  if (!Array.isArray(value)) throw new Error(`cannot read the output of ip ${what}`);
  return value as T[];
}

export function linksFrom(listing: unknown): Map<string, LinkState> {
  const byName = new Map<string, LinkState>();
  for (const l of asArray<IpLink>(listing, 'addr')) {
    const flags = l.flags ?? [];
    const addresses: string[] = [];
    const addresses6: string[] = [];
    for (const info of l.addr_info ?? []) {
      if (!info.local) continue;
      if (info.family === 'inet') addresses.push(`${info.local}/${info.prefixlen ?? 32}`);
      // What `ip -6 addr show scope global` listed: no link-local or host addresses.
      else if (info.family === 'inet6' && info.scope === 'global') addresses6.push(`${canonicalIpv6(info.local)}/${info.prefixlen ?? 128}`);
    }
    byName.set(l.ifname, {
      name: l.ifname,
      ifindex: l.ifindex,
      kind: l.linkinfo?.info_kind,
      adminUp: flags.includes('UP'),
      operState: l.operstate ?? 'UNKNOWN',
      carrier: flags.includes('LOWER_UP'),
      mac: l.address,
      master: l.master,
      addresses,
      ...(typeof l.mtu === 'number' ? { mtu: l.mtu } : {}),
      ...(l.ifalias ? { alias: l.ifalias } : {}),
      ...(l.group ? { group: l.group } : {}),
      ...(addresses6.length > 0 ? { addresses6 } : {}),
    });
  }
  return byName;
}

/**
 * A route as `ip -j` prints it without `-d`: that leaves out the protocol when it is `boot`
 * (no protocol given) and the scope when it is `global`, which `-d` spells out.
 */
function routeState(r: IpRoute): RouteState {
  return {
    dst: r.dst,
    dev: r.dev,
    gateway: r.gateway,
    protocol: r.protocol === 'boot' ? undefined : r.protocol,
    scope: r.scope === 'global' ? undefined : r.scope,
  };
}

export function routesFrom(listing: unknown): RouteState[] {
  return asArray<IpRoute>(listing, 'route').map(routeState);
}

/** The main table's routes of an `exact ::/0` listing of every table, as `ip -j -6 route show default` gave them. */
export function defaultRoutes6From(listing: unknown): RouteState[] {
  return asArray<IpRoute>(listing, '-6 route')
    .filter((r) => (r.table ?? 'main') === 'main')
    .map(({ dst, dev, gateway, protocol }) => ({ dst, dev, gateway, protocol: protocol === 'boot' ? undefined : protocol }));
}

/** `ip -j neigh` output without the entries that never got an answer (no MAC to trust). */
export function neighboursFrom(listing: unknown): Neighbour[] {
  return asArray<{ dst: string; dev?: string; lladdr?: string; state?: string[] }>(listing, 'neigh')
    .filter((n) => n.lladdr && !(n.state ?? []).includes('FAILED') && !(n.state ?? []).includes('INCOMPLETE'))
    .map((n) => ({ address: n.dst, dev: n.dev ?? '', mac: n.lladdr }));
}

const isIpv4 = (address: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(address);

function viewFrom(listings: unknown[]): IpView {
  const [addrs, routes, neigh, routes6] = listings;
  return {
    links: linksFrom(addrs),
    routes: routesFrom(routes),
    neighbours: neighboursFrom(neigh).filter((n) => isIpv4(n.address)),
    defaultRoutes6: defaultRoutes6From(routes6),
  };
}

/**
 * Runs each listing as a process of its own: when the batch fails (ip stops at the first line
 * that fails, and its output then cannot be trusted), so a failing optional listing reads as
 * empty and a failing required one fails with its own command, as the single commands did.
 */
async function oneByOne(runner: CommandRunner): Promise<unknown[]> {
  return Promise.all(
    IP_BATCH.map(async (line) => {
      const argv = ['ip', '-j', '-d', ...line.split(' ')];
      const result = await runner.run(argv, { allowFailure: !REQUIRED.has(line) });
      if (result.code !== 0) return [];
      try {
        return JSON.parse(result.stdout || '[]') as unknown;
      } catch {
        throw new Error(`cannot read the output of ${argv.join(' ')}`);
      }
    }),
  );
}

/** The host's links with their addresses, IPv4 routes and neighbours, IPv6 default routes: one `ip` process. */
export async function inspectIp(runner: CommandRunner): Promise<IpView> {
  const result = await runner.run(IP_BATCH_ARGV, { input: `${IP_BATCH.join('\n')}\n`, allowFailure: true });
  if (result.code === 0) {
    let listings: unknown[] | undefined;
    try {
      listings = splitJsonDocuments(result.stdout);
    } catch {
      listings = undefined;
    }
    if (listings?.length === IP_BATCH.length) return viewFrom(listings);
    throw new CommandError(IP_BATCH_ARGV, {
      ...result,
      stderr: `expected ${IP_BATCH.length} JSON listings (${IP_BATCH.join('; ')}), got ${listings ? listings.length : 'unreadable output'}`,
    });
  }
  return viewFrom(await oneByOne(runner));
}

/** True when a link is in the app's delete group (link-group.ts): a `vnet down` is deleting it. */
export const beingDeleted = (links: ReadonlyMap<string, LinkState>): boolean =>
  [...links.values()].some((link) => Number(link.group) === DELETE_GROUP);

/**
 * Waits for the links in the delete group to go. A `vnet down` killed with SIGKILL leaves its
 * `ip -batch` deleting the bridges for the few hundred ms the kernel takes: a plan made from a
 * reading in that moment would count on bridges about to vanish. While an `ip` runs here the
 * host is read again every `everyMs`, for at most `patienceMs`. Links that stay are leftovers
 * nobody is deleting (an `ip` stopped between moving and deleting them), which the plans take
 * as the app's bridges (a down deletes them as its own). Returns the last reading.
 */
export async function untilDeleted(
  runner: CommandRunner,
  {
    patienceMs = 1000,
    everyMs = 20,
    deleter = () => daemonRunsHere(['ip']),
  }: { patienceMs?: number; everyMs?: number; deleter?: () => boolean } = {},
): Promise<IpView> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const deleting = deleter();
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    const view = await inspectIp(runner);
    if (!deleting || !beingDeleted(view.links) || Date.now() >= deadline) return view;
  }
}
