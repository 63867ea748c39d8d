// Switching a host adapter on or off. Switching a link off makes the kernel drop its
// routes (and its IPv6 addresses), which `ip link set up` does not bring back; so the
// routes and IPv6 addresses are saved first (VNET_STATE_DIR/adapters/NAME.json) and put
// back when the adapter is switched on again. An adapter NetworkManager manages is
// switched through NetworkManager instead (see ./network-manager.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Dirs } from '../paths';
import { writeFileAtomic } from '../store/atomic-write';
import { readAddresses, readLinks, readRoutes, type IpAddrInfo, type IpLink, type IpRoute } from './ip-json';
import { addressArgv, isKernelRoute, isMovableAddress, routeArgv, sameRoute } from './routes';
import type { CommandRunner } from '../engine/runner';
import { connectThroughNetworkManager, disconnectThroughNetworkManager, networkManagerProfileOn } from './network-manager';

export class UnknownAdapterError extends Error {
  constructor(readonly adapter: string) {
    super(`there is no host adapter named "${adapter}"; \`vnet adapter list\` shows them`);
  }
}

/** What an adapter carried before it was switched off. */
export interface AdapterSnapshot {
  name: string;
  adminUp: boolean;
  routes: (IpRoute & { family: 4 | 6 })[];
  ipv6Addresses: IpAddrInfo[];
  /** The NetworkManager profile active on it, when NetworkManager manages it (its addresses and routes are NetworkManager's). */
  networkManagerProfile?: string;
}

function snapshotFile(dirs: Dirs, name: string): string {
  return path.join(dirs.state, 'adapters', `${name}.json`);
}

export async function findLink(runner: CommandRunner, name: string): Promise<IpLink> {
  const link = (await readLinks(runner)).find((l) => l.ifname === name);
  if (!link) throw new UnknownAdapterError(name);
  return link;
}

export async function takeSnapshot(runner: CommandRunner, name: string): Promise<AdapterSnapshot> {
  const link = await findLink(runner, name);
  const [routes4, routes6, addresses, networkManagerProfile] = await Promise.all([
    readRoutes(runner, 4),
    readRoutes(runner, 6).catch(() => []),
    readAddresses(runner),
    networkManagerProfileOn(runner, name),
  ]);
  const own = (routes: IpRoute[], family: 4 | 6) =>
    routes.filter((r) => r.dev === name && !isKernelRoute(r)).map((r) => ({ ...r, family }));
  const infos = addresses.find((a) => a.ifname === name)?.addr_info ?? [];
  return {
    name,
    adminUp: link.flags.includes('UP'),
    routes: [...own(routes4, 4), ...own(routes6, 6)],
    ipv6Addresses: infos.filter((i) => i.family === 'inet6' && isMovableAddress(i)),
    ...(networkManagerProfile ? { networkManagerProfile } : {}),
  };
}

/** Puts back addresses and routes of SNAPSHOT that are missing; returns what could not be restored. */
export async function restoreSnapshot(runner: CommandRunner, snapshot: AdapterSnapshot): Promise<string[]> {
  const problems: string[] = [];
  const present = (await readAddresses(runner)).find((a) => a.ifname === snapshot.name)?.addr_info ?? [];
  for (const info of snapshot.ipv6Addresses) {
    if (present.some((p) => p.local === info.local && p.prefixlen === info.prefixlen)) continue;
    await runner.run(['ip', ...addressArgv('add', info, snapshot.name)]).catch((e: Error) => problems.push(e.message));
  }
  const current = [...(await readRoutes(runner, 4)), ...(await readRoutes(runner, 6).catch(() => []))];
  for (const route of snapshot.routes) {
    if (current.some((c) => c.dev === snapshot.name && sameRoute(c, route))) continue;
    await runner.run(['ip', ...routeArgv('add', route, snapshot.name, route.family)]).catch((e: Error) => problems.push(e.message));
  }
  return problems;
}

export function forgetSnapshot(dirs: Dirs, name: string): void {
  fs.rmSync(snapshotFile(dirs, name), { force: true });
}

export function saveSnapshot(dirs: Dirs, snapshot: AdapterSnapshot): void {
  writeFileAtomic(snapshotFile(dirs, snapshot.name), `${JSON.stringify(snapshot, null, 2)}\n`);
}

export function loadSnapshot(dirs: Dirs, name: string): AdapterSnapshot | undefined {
  try {
    return JSON.parse(fs.readFileSync(snapshotFile(dirs, name), 'utf8')) as AdapterSnapshot;
  } catch {
    return undefined;
  }
}

export interface SwitchResult {
  /** Restoring saved routes that did not come back, in plain words. */
  warnings: string[];
}

/** Switches adapter NAME on or off; off saves what it carries, on puts that back. */
export async function switchAdapter(runner: CommandRunner, dirs: Dirs, name: string, up: boolean): Promise<SwitchResult> {
  if (!up) {
    const snapshot = await takeSnapshot(runner, name);
    saveSnapshot(dirs, snapshot);
    if (snapshot.networkManagerProfile) {
      await disconnectThroughNetworkManager(runner, name);
      // A device NetworkManager made itself (a bridge of its profile) is gone once disconnected.
      if (!(await readLinks(runner)).some((l) => l.ifname === name)) return { warnings: [] };
    }
    await runner.run(['ip', 'link', 'set', 'dev', name, 'down']);
    return { warnings: [] };
  }
  const snapshot = loadSnapshot(dirs, name);
  if (snapshot?.networkManagerProfile) {
    await connectThroughNetworkManager(runner, snapshot.networkManagerProfile);
    forgetSnapshot(dirs, name);
    return { warnings: [] };
  }
  await findLink(runner, name);
  await runner.run(['ip', 'link', 'set', 'dev', name, 'up']);
  if (!snapshot) return { warnings: [] };
  const problems = await restoreSnapshot(runner, snapshot);
  forgetSnapshot(dirs, name);
  return { warnings: problems.map((p) => `could not restore on ${name}: ${p}`) };
}
