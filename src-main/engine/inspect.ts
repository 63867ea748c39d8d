// Reads the host's actual state: links, addresses and routes (`ip -j`), the app's
// nftables table and other tables' drop policies (`nft -j`), the app's dnsmasq
// processes (pid files and /proc), the forwarding sysctl and listening ports.
import fs from 'node:fs';
import path from 'node:path';
import type { Dirs } from '../paths';
import type { CommandRunner } from './runner';
import { readJournal } from './journal';
import { readNmView } from './drivers/bridged/nm/nmcli';
import { readCrashHistory } from './dhcp-crashes';
import { dhcpDir, dnsmasqReadableDir } from './dnsmasq';
import { inspectResolved } from './resolved';
import { daemonRunsHere, listPids, processCmdline, processNetns, processStartTicks, ticksToEpochMs } from './proc';
import { forwardingBeforeFromComment, PORT_FORWARD_MAP, TABLE_FAMILY, TABLE_NAME } from './nft';
import { beingDeleted, inspectIp, neighboursFrom, routesFrom, untilDeleted, type Neighbour } from './inspect-ip';
import { splitJsonDocuments } from './json-documents';
import { tableFingerprint } from './table-fingerprint';

export type { Neighbour } from './inspect-ip';
import { readBridgeFiltering } from './bridge-filtering';
import type { DhcpProcess, ForeignDropPolicy, HostState, Ipv6HostState, Journal, Listener, RouteState, TableState } from './types';
import { inspectLibvirt } from './hypervisors/libvirt';
import { inspectBridgeHelper } from './hypervisors/bridge-helper';

export const FORWARDING_SYSCTL = '/proc/sys/net/ipv4/ip_forward';

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text || '[]') as T;
  } catch {
    throw new Error(`cannot read the output of ${what}`);
  }
}

export const IPV6_CONF = '/proc/sys/net/ipv6/conf';

/** IPv6 forwarding, every interface's accept_ra and where IPv6 is off, from /proc/sys; undefined without IPv6. */
export function inspectIpv6Settings(): Omit<Ipv6HostState, 'defaultRoutes'> | undefined {
  const forwarding = readFileOrUndefined(path.join(IPV6_CONF, 'all', 'forwarding'))?.trim();
  if (forwarding === undefined) return undefined;
  const acceptRa: Record<string, string> = {};
  const switchedOff: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(IPV6_CONF);
  } catch {
    // no per-interface settings readable
  }
  for (const name of names) {
    if (name === 'all') continue;
    const value = readFileOrUndefined(path.join(IPV6_CONF, name, 'accept_ra'))?.trim();
    if (value !== undefined) acceptRa[name] = value;
    if (name !== 'default' && readFileOrUndefined(path.join(IPV6_CONF, name, 'disable_ipv6'))?.trim() === '1') switchedOff.push(name);
  }
  return { forwarding, acceptRa, switchedOff };
}

export async function inspectRoutes(runner: CommandRunner): Promise<RouteState[]> {
  const result = await runner.run(['ip', '-j', '-4', 'route', 'show', 'table', 'main']);
  return routesFrom(parseJson<unknown>(result.stdout, 'ip route'));
}

/** `ip -j neigh` output without the entries that never got an answer (no MAC to trust). */
export function parseNeighbours(stdout: string): Neighbour[] {
  return neighboursFrom(parseJson<unknown>(stdout, 'ip neigh'));
}

/**
 * The IPv6 neighbours on one bridge; none when the bridge is missing. `ip -j neigh show dev X`
 * leaves out `dev` (it is X), so it is filled in.
 */
export async function inspectNeighbours6(runner: CommandRunner, dev: string): Promise<Neighbour[]> {
  const result = await runner.run(['ip', '-j', '-6', 'neigh', 'show', 'dev', dev], { allowFailure: true });
  if (result.code !== 0) return [];
  return parseNeighbours(result.stdout).map((n) => ({ ...n, dev }));
}

export type NftItem = Record<string, Record<string, unknown>>;

/**
 * How the app has nft list its table and chains: JSON, and protocols as numbers (`-p`). Named,
 * nft looks each protocol up in /etc/protocols, opening the file again for every map element
 * and rule that has one: 1,000 port forwards cost ~8 ms more per listing, for nothing the app reads.
 */
export const NFT_JSON = ['nft', '-j', '-p'];

const NO_TABLE: TableState = { exists: false, rules: {}, portForwards: 0 };

/** The app's table from its `nft -j list table` items. */
export function tableStateFrom(items: NftItem[]): TableState {
  const rules: Record<string, number> = {};
  let portForwards = 0;
  for (const item of items) {
    if (item.chain) rules[String(item.chain.name)] ??= 0;
    if (item.rule) rules[String(item.rule.chain)] = (rules[String(item.rule.chain)] ?? 0) + 1;
    if (item.map && item.map.name === PORT_FORWARD_MAP) portForwards = Array.isArray(item.map.elem) ? item.map.elem.length : 0;
  }
  const map = items.find((item) => item.map && item.map.name === PORT_FORWARD_MAP)?.map;
  const forwardingBefore = forwardingBeforeFromComment(typeof map?.comment === 'string' ? map.comment : undefined);
  return { exists: true, fingerprint: tableFingerprint(items), rules, portForwards, ...(forwardingBefore ? { forwardingBefore } : {}) };
}

export async function inspectTable(runner: CommandRunner): Promise<TableState> {
  const result = await runner.run([...NFT_JSON, 'list', 'table', TABLE_FAMILY, TABLE_NAME], { allowFailure: true });
  if (result.code !== 0) return NO_TABLE;
  return tableStateFrom(parseJson<{ nftables?: NftItem[] }>(result.stdout, 'nft list table').nftables ?? []);
}

/** Base chains of other tables on the forward/input path that drop by default (Docker, firewalld…), from `nft -j list chains` items. */
export function foreignDropsFrom(items: NftItem[]): ForeignDropPolicy[] {
  const drops: ForeignDropPolicy[] = [];
  for (const item of items) {
    const c = item.chain;
    if (!c) continue;
    if (c.family === TABLE_FAMILY && c.table === TABLE_NAME) continue;
    if ((c.hook === 'forward' || c.hook === 'input') && c.policy === 'drop') {
      drops.push({ family: String(c.family), table: String(c.table), chain: String(c.name), hook: String(c.hook), what: 'policy drop' });
    }
  }
  return drops;
}

export async function inspectForeignDrops(runner: CommandRunner): Promise<ForeignDropPolicy[]> {
  const result = await runner.run([...NFT_JSON, 'list', 'chains'], { allowFailure: true });
  if (result.code !== 0) return [];
  return foreignDropsFrom(parseJson<{ nftables?: NftItem[] }>(result.stdout, 'nft list chains').nftables ?? []);
}

/**
 * Both listings in one `nft` process, as lines of its interactive mode: each line runs as a
 * command of its own and prints its own `{"nftables": […]}` document, or an error on stderr
 * (the exit code stays 0). Not `list table …; list chains` on the command line: nft 1.0.6 then
 * fetches only that table, so the chains of other tables would be missing; and not JSON
 * commands on standard input, which nft reads by opening /dev/stdin (a Node child's is a socket).
 */
export const FIREWALL_ARGV = [...NFT_JSON, '-i'];
export const FIREWALL_LISTINGS = `list table ${TABLE_FAMILY} ${TABLE_NAME}\nlist chains\n`;

/**
 * The app's table and other tables' drop policies: a missing table (or one that cannot be
 * listed) prints no table document and an error, as a failed `nft -j list table` did; output
 * that is not the documents expected, or a listing missing without an error (an nft whose
 * interactive mode differs), has the single listings answer.
 */
export async function inspectFirewall(runner: CommandRunner): Promise<{ table: TableState; foreignDrops: ForeignDropPolicy[] }> {
  const result = await runner.run(FIREWALL_ARGV, { input: FIREWALL_LISTINGS, allowFailure: true });
  let listings: NftItem[][] | undefined;
  try {
    listings = result.code === 0 ? splitJsonDocuments(result.stdout).map((d) => (d as { nftables?: NftItem[] }).nftables ?? []) : undefined;
  } catch {
    listings = undefined;
  }
  // A table listing holds its table; a chains listing none. At most one of each.
  const hasTable = (items: NftItem[]): boolean => items.some((item) => 'table' in item);
  // Each listing that printed nothing must have said why (nft's errors start with `Error: `).
  const explained = (result.stderr.match(/Error: /g) ?? []).length >= 2 - (listings?.length ?? 2);
  if (
    listings &&
    explained &&
    listings.length <= 2 &&
    listings.filter(hasTable).length <= 1 &&
    listings.filter((l) => !hasTable(l)).length <= 1
  ) {
    const tableItems = listings.find(hasTable);
    const chainItems = listings.find((l) => !hasTable(l));
    return { table: tableItems ? tableStateFrom(tableItems) : NO_TABLE, foreignDrops: chainItems ? foreignDropsFrom(chainItems) : [] };
  }
  const [table, foreignDrops] = await Promise.all([inspectTable(runner), inspectForeignDrops(runner)]);
  return { table, foreignDrops };
}

export function readForwarding(): string {
  try {
    return fs.readFileSync(FORWARDING_SYSCTL, 'utf8').trim();
  } catch {
    return '0';
  }
}

/** A /proc/net address column (hex, host byte order per 32-bit word) in the words the checks use. */
export function procNetAddress(hex: string): string {
  const word = (h: string): number[] => {
    const n = parseInt(h, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  };
  if (hex.length === 8) return word(hex).join('.');
  if (/^0+$/.test(hex)) return '::';
  // ::ffff:a.b.c.d (an IPv4 address on an IPv6 socket) is the IPv4 address for the checks.
  if (/^0{16}FFFF0000$/i.test(hex.slice(0, 24))) return word(hex.slice(24)).join('.');
  return `v6:${hex.toLowerCase()}`;
}

/**
 * Listening TCP and UDP sockets of this network namespace, from /proc/net (no extra tool needed).
 * Read asynchronously: the kernel walks its whole TCP hash table for /proc/net/tcp (milliseconds
 * on a large host), which then overlaps with the inspection's commands instead of blocking.
 */
export async function readListeners(): Promise<Listener[]> {
  const read = async (file: string, protocol: 'tcp' | 'udp', listenState: string): Promise<Listener[]> => {
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      return [];
    }
    const out: Listener[] = [];
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== listenState) continue;
      const [hexAddr, hexPort] = (cols[1] ?? '').split(':');
      if (!hexAddr || !hexPort) continue;
      const inode = Number(cols[9]);
      out.push({ protocol, address: procNetAddress(hexAddr), port: parseInt(hexPort, 16), ...(inode > 0 ? { inode } : {}) });
    }
    return out;
  };
  const [tcp, tcp6, udp, udp6] = await Promise.all([
    read('/proc/net/tcp', 'tcp', '0A'), // LISTEN
    read('/proc/net/tcp6', 'tcp', '0A'),
    read('/proc/net/udp', 'udp', '07'), // UNCONN (bound)
    read('/proc/net/udp6', 'udp', '07'),
  ]);
  // A TCP server on the IPv6 wildcard (sshd's `ListenAddress ::`, Node's default) or on a
  // mapped IPv4 address takes IPv4 connections too, so it holds the IPv4 port a forward would
  // shadow. One on a specific IPv6 address does not.
  return [...tcp, ...tcp6.filter((l) => !l.address.startsWith('v6:')), ...udp, ...udp6];
}

/** Ports whose holders the planner must know (DHCP and DNS): other programs there stop dnsmasq from starting. */
const OWNED_PORTS = new Set([53, 67]);

/**
 * Fills in which program holds each DHCP/DNS socket, by matching socket inodes against /proc/PID/fd links.
 * `likely` (the app's own DHCP servers) are looked at first: when they hold every such socket, the other
 * processes are not read at all.
 */
export function findSocketOwners(listeners: Listener[], likely: readonly number[] = []): void {
  const wanted = new Map<number, Listener[]>();
  for (const l of listeners) {
    if (l.protocol !== 'udp' || !OWNED_PORTS.has(l.port) || l.inode === undefined) continue;
    wanted.set(l.inode, [...(wanted.get(l.inode) ?? []), l]);
  }
  if (wanted.size === 0) return;
  const unowned = (): boolean => [...wanted.values()].some((holders) => holders.some((l) => !l.owner));
  claimSockets(likely, wanted);
  if (unowned()) claimSockets(listPids(), wanted);
}

function claimSockets(pids: readonly number[], wanted: Map<number, Listener[]>): void {
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      const holders = match ? wanted.get(Number(match[1])) : undefined;
      if (!holders) continue;
      const program = (readFileOrUndefined(`/proc/${pid}/comm`) ?? '?').trim();
      for (const l of holders) l.owner ??= { pid, program };
    }
  }
}

/** Pids named by the pid files of the DHCP folder, by network. */
function readPidFiles(ourDir: string): Map<string, number> {
  const pidFromFile = new Map<string, number>();
  try {
    for (const name of fs.readdirSync(ourDir)) {
      if (!name.endsWith('.pid')) continue;
      const pid = Number(fs.readFileSync(path.join(ourDir, name), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) pidFromFile.set(name.slice(0, -4), pid);
    }
  } catch {
    // no DHCP folder yet
  }
  return pidFromFile;
}

/**
 * `pid` as a DHCP server of ours: dnsmasq, running with a `--conf-file=` named after a network
 * inside a `dhcp` folder, in this network namespace, not a zombie; undefined for anything else.
 */
function ourDhcpProcess(
  pid: number,
  ourDir: string,
  myNetns: string | undefined,
  pidFromFile: Map<string, number>,
): DhcpProcess | undefined {
  const argv = processCmdline(pid);
  if (!argv || path.basename(argv[0] ?? '') !== 'dnsmasq') return undefined;
  const confArg = argv.find((a) => a.startsWith('--conf-file='));
  if (!confArg) return undefined;
  const confFile = confArg.slice('--conf-file='.length);
  if (path.basename(path.dirname(confFile)) !== 'dhcp' || !confFile.endsWith('.conf')) return undefined;
  // A dnsmasq run from another folder whose config still exists is someone else's (or another
  // copy of the app's): never ours to stop. Orphans of a deleted state folder have lost their config.
  if (path.dirname(confFile) !== ourDir && fs.existsSync(confFile)) return undefined;
  if (processNetns(pid) !== myNetns) return undefined;
  const start = processStartTicks(pid);
  if (start === undefined) return undefined;
  const network = path.basename(confFile, '.conf');
  return {
    network,
    pid,
    startedAt: ticksToEpochMs(start),
    confFile,
    fromPidFile: pidFromFile.get(network) === pid && path.dirname(confFile) === ourDir,
  };
}

function byNetwork(processes: DhcpProcess[]): Map<string, DhcpProcess[]> {
  const found = new Map<string, DhcpProcess[]>();
  for (const p of processes) found.set(p.network, [...(found.get(p.network) ?? []), p]);
  return found;
}

/**
 * The DHCP servers the journal and the pid files account for, or undefined when they do not
 * account for everything: no journal (a lost state folder may have left orphans), a network
 * recorded with DHCP whose pid file is missing, or a pid file that does not name a live server of ours.
 */
function dhcpFromPidFiles(journal: Journal, ourDir: string, myNetns: string | undefined, pidFromFile: Map<string, number>) {
  const recorded = Object.entries(journal.networks);
  if (recorded.length === 0) return undefined;
  if (recorded.some(([name, r]) => r.data.dhcp === true && !pidFromFile.has(name))) return undefined;
  const found: DhcpProcess[] = [];
  for (const [network, pid] of pidFromFile) {
    const p = ourDhcpProcess(pid, ourDir, myNetns, pidFromFile);
    if (!p || p.network !== network || !p.fromPidFile) return undefined;
    found.push(p);
  }
  return byNetwork(found);
}

/**
 * The app's DHCP servers (see ourDhcpProcess) by network, from every process under /proc, so
 * orphans whose pid file was lost and extra copies are found too. Not `thorough`: only the pids
 * of the pid files when the journal and the pid files account for every server.
 */
export function findDhcpProcesses(dirs: Dirs, journal: Journal = readJournal(dirs), thorough = true): Map<string, DhcpProcess[]> {
  const myNetns = processNetns('self');
  const ourDir = dhcpDir(dirs);
  const pidFromFile = readPidFiles(ourDir);
  const accounted = thorough ? undefined : dhcpFromPidFiles(journal, ourDir, myNetns, pidFromFile);
  if (accounted) return accounted;
  const found: DhcpProcess[] = [];
  for (const pid of listPids()) {
    const p = ourDhcpProcess(pid, ourDir, myNetns, pidFromFile);
    if (p) found.push(p);
  }
  return byNetwork(found);
}

export interface InspectOptions {
  /**
   * Find the app's DHCP servers from the journal and pid files alone when they account for every
   * network (see dhcpFromPidFiles), without reading every process. For status, which reports no
   * extra copies; apply, down and doctor read every process, as they stop or report extra copies.
   */
  trustPidFiles?: boolean;
}

export async function inspectHost(runner: CommandRunner, dirs: Dirs, opts: InspectOptions = {}): Promise<HostState> {
  return readHost(runner, dirs, opts, false);
}

/** `afterDeletion`: this is the reading taken once the links a killed down was deleting are gone (untilDeleted). */
async function readHost(runner: CommandRunner, dirs: Dirs, opts: InspectOptions, afterDeletion: boolean): Promise<HostState> {
  // Two processes for the whole inspection (see inspect-ip.ts); nft first, as it takes longer.
  const commands = Promise.all([
    inspectFirewall(runner),
    inspectIp(runner),
    dirs.libvirt === undefined ? undefined : inspectLibvirt(runner, dirs.libvirt),
    inspectResolved(runner),
    readListeners(),
  ]);
  // Handled below; this only keeps a failing command from being reported as unhandled if reading a file throws first.
  commands.catch(() => undefined);
  // The files and /proc are read while the commands above run.
  const journal = readJournal(dirs);
  const dhcp = findDhcpProcesses(dirs, journal, !opts.trustPidFiles);
  const dhcpFiles = readDhcpFiles(dirs);
  const dhcpCrashes = readCrashHistory(dirs);
  const bridgeHelper = inspectBridgeHelper(dirs.qemu);
  const ipv6Settings = inspectIpv6Settings();
  // Only a NetworkManager of this network namespace manages its interfaces. Looked for (every
  // process's command line) while the commands run, not after them: it was on every apply's path.
  const nmView = daemonRunsHere(['NetworkManager']) ? readNmView(runner) : undefined;
  nmView?.catch(() => undefined);
  const [{ table, foreignDrops }, { links, routes, neighbours, defaultRoutes6 }, libvirt, resolved, listeners] = await commands;
  if (!afterDeletion && beingDeleted(links)) {
    // A killed down's bridges are still on their way out: everything is read again once they are
    // gone, so the sockets, processes and links of the reading all describe the same moment.
    await untilDeleted(runner);
    return readHost(runner, dirs, opts, true);
  }
  const ipv6: Ipv6HostState | undefined = ipv6Settings && { ...ipv6Settings, defaultRoutes: defaultRoutes6 };
  findSocketOwners(
    listeners,
    [...dhcp.values()].flat().map((p) => p.pid),
  );
  const networkManager = await nmView;
  return {
    ...(networkManager ? { networkManager } : {}),
    links,
    routes,
    table,
    foreignDrops,
    dhcp,
    forwarding: readForwarding(),
    bridgeFiltering: readBridgeFiltering(),
    ...(ipv6 ? { ipv6 } : {}),
    listeners,
    neighbours,
    dhcpFiles,
    journal,
    dhcpCrashes,
    resolved,
    now: Date.now(),
    ...(libvirt ? { libvirt } : {}),
    ...(bridgeHelper ? { bridgeHelper } : {}),
  };
}

export function readFileOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** conf, hosts and names text of every network that has files in the DHCP folder (or what dnsmasq rereads, in its own folder). */
export function readDhcpFiles(dirs: Dirs): Map<string, { conf?: string; hosts?: string; names?: string; any: boolean }> {
  const files = new Map<string, { conf?: string; hosts?: string; names?: string; any: boolean }>();
  for (const [dir, kinds] of [
    [dhcpDir(dirs), ['conf', 'leases', 'pid']],
    [dnsmasqReadableDir(dirs), ['hosts', 'names']],
  ] as const) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const match = /^(.+)\.(conf|hosts|names|leases|pid)$/.exec(name);
      if (!match || !(kinds as readonly string[]).includes(match[2]!)) continue;
      const network = match[1]!;
      const entry = files.get(network) ?? { any: true };
      const kind = match[2] as 'conf' | 'hosts' | 'names' | 'leases' | 'pid';
      if (kind === 'conf' || kind === 'hosts' || kind === 'names') entry[kind] = readFileOrUndefined(path.join(dir, name));
      files.set(network, entry);
    }
  }
  return files;
}
