// Turning routes and addresses read with `ip -j` back into `ip` argv, so that what
// was on an interface can be put back exactly (same metric, source, protocol, scope).
import type { IpAddrInfo, IpRoute } from './ip-json';

export type Family = 4 | 6;

export function routeFamily(route: IpRoute): Family {
  if (route.dst.includes(':') || (route.gateway ?? '').includes(':') || route.dst === '::/0') return 6;
  return 4;
}

/** `ip -4|-6 route VERB …` for ROUTE on DEV; VERB is add, replace or del. */
export function routeArgv(verb: 'add' | 'replace' | 'del', route: IpRoute, dev: string, family: Family = routeFamily(route)): string[] {
  const argv = [`-${family}`, 'route', verb];
  if (route.type && route.type !== 'unicast') argv.push(route.type);
  argv.push(route.dst);
  if (route.gateway) argv.push('via', route.gateway);
  argv.push('dev', dev);
  if (route.protocol && verb !== 'del') argv.push('proto', route.protocol);
  if (route.scope && verb !== 'del') argv.push('scope', route.scope);
  if (route.prefsrc && verb !== 'del') argv.push('src', route.prefsrc);
  if (route.metric !== undefined) argv.push('metric', String(route.metric));
  if (route.flags?.includes('onlink') && verb !== 'del') argv.push('onlink');
  return argv;
}

/** `ip addr add|del ADDRESS dev DEV`, keeping broadcast, scope and remaining lifetimes. */
export function addressArgv(verb: 'add' | 'del', info: IpAddrInfo, dev: string): string[] {
  const argv = [info.family === 'inet6' ? '-6' : '-4', 'addr', verb, `${info.local}/${info.prefixlen}`];
  if (verb === 'add') {
    if (info.broadcast) argv.push('broadcast', info.broadcast);
    if (info.scope && info.scope !== 'global') argv.push('scope', info.scope);
    if (info.noprefixroute) argv.push('noprefixroute');
    const forever = 4294967295;
    if (info.valid_life_time !== undefined && info.valid_life_time < forever) {
      argv.push(
        'valid_lft',
        String(info.valid_life_time),
        'preferred_lft',
        String(Math.min(info.preferred_life_time ?? 0, info.valid_life_time)),
      );
    }
  }
  argv.push('dev', dev);
  return argv;
}

/** Routes the kernel adds by itself for an address (proto kernel) come back with the address; the rest must be moved. */
export function isKernelRoute(route: IpRoute): boolean {
  return route.protocol === 'kernel';
}

/** Addresses that belong to the interface's configuration (IPv4 and global IPv6), not link-local ones. */
export function isMovableAddress(info: IpAddrInfo): boolean {
  if (info.family === 'inet') return true;
  return info.scope === 'global' || info.scope === undefined;
}

export function sameRoute(a: IpRoute, b: IpRoute): boolean {
  return (
    a.dst === b.dst &&
    (a.gateway ?? '') === (b.gateway ?? '') &&
    (a.metric ?? 0) === (b.metric ?? 0) &&
    (a.type ?? 'unicast') === (b.type ?? 'unicast')
  );
}
