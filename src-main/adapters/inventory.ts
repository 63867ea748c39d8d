// The host adapter list: every interface with its kind, state, addresses and whether
// switching it off is risky. Inventory comes from `ip -j` (systeminformation leaves out
// links without addresses, such as bridge ports).
import type { Adapter } from '../../src-shared/api/types';
import type { Dirs } from '../paths';
import { ConfigStore } from '../store/config-store';
import { readJournal } from '../engine/journal';
import { bridgedData } from '../engine/drivers/bridged/data';
import { classifyAdapters, type SysFacts } from './classify';
import { readAddresses, readLinks, readRoutes } from './ip-json';
import type { CommandRunner } from '../engine/runner';
import { readSysFacts, SYS_NET } from './sysfs';

export interface Ownership {
  ownBridges: Set<string>;
  bridgedUplinks: Set<string>;
}

/** The interfaces this app owns: bridges named after stored networks, and what the bridged journal recorded. */
export function readOwnership(dirs: Dirs): Ownership {
  const ownBridges = new Set<string>();
  const bridgedUplinks = new Set<string>();
  try {
    const stored = new ConfigStore(dirs).read();
    if (stored.kind === 'ok') for (const network of stored.config.networks) ownBridges.add(network.name);
  } catch {
    // A corrupt stored config is reported by the commands that need it; the journal still counts.
  }
  let networks: ReturnType<typeof readJournal>['networks'] = {};
  try {
    networks = readJournal(dirs).networks;
  } catch {
    // An unreadable journal is reported by status and doctor; the listing still works.
  }
  for (const [name, recorded] of Object.entries(networks)) {
    ownBridges.add(name);
    const uplink = bridgedData(recorded)?.uplink;
    if (uplink) bridgedUplinks.add(uplink);
  }
  return { ownBridges, bridgedUplinks };
}

export async function listAdapters(runner: CommandRunner, dirs: Dirs, sysRoot = SYS_NET): Promise<Adapter[]> {
  const [links, addresses, routes4, routes6] = await Promise.all([
    readLinks(runner),
    readAddresses(runner),
    readRoutes(runner, 4),
    readRoutes(runner, 6).catch(() => []),
  ]);
  const sys = new Map<string, SysFacts>(links.map((link) => [link.ifname, readSysFacts(link.ifname, sysRoot)]));
  return classifyAdapters({ links, addresses, routes: [...routes4, ...routes6], sys, ...readOwnership(dirs) });
}
