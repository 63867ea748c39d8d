// The parts of iproute2's JSON output (`ip -j`) this app reads, and the readers.
import type { CommandRunner } from '../engine/runner';

export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu?: number;
  operstate?: string;
  link_type?: string;
  address?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string };
}

export interface IpAddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  scope?: string;
  broadcast?: string;
  label?: string;
  dynamic?: boolean;
  noprefixroute?: boolean;
  valid_life_time?: number;
  preferred_life_time?: number;
}

export interface IpAddrEntry {
  ifname: string;
  addr_info: IpAddrInfo[];
}

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  type?: string;
  table?: string;
  flags?: string[];
}

function parseJson<T>(text: string): T {
  const trimmed = text.trim();
  return (trimmed === '' ? [] : JSON.parse(trimmed)) as T;
}

export async function readLinks(runner: CommandRunner): Promise<IpLink[]> {
  return parseJson<IpLink[]>((await runner.run(['ip', '-j', '-d', 'link', 'show'])).stdout);
}

export async function readAddresses(runner: CommandRunner): Promise<IpAddrEntry[]> {
  return parseJson<IpAddrEntry[]>((await runner.run(['ip', '-j', 'addr', 'show'])).stdout);
}

/** Routes of the main table for one family. */
export async function readRoutes(runner: CommandRunner, family: 4 | 6 = 4): Promise<IpRoute[]> {
  return parseJson<IpRoute[]>((await runner.run(['ip', '-j', `-${family}`, 'route', 'show', 'table', 'main'])).stdout);
}

export function isDefaultRoute(route: IpRoute): boolean {
  return route.dst === 'default' || route.dst === '0.0.0.0/0' || route.dst === '::/0';
}
