// A DHCP client namespace on a bridge: each measurement is a new machine (a fresh MAC)
// asking for an address with busybox udhcpc, timed from its start (DISCOVER) to its exit
// with a lease (-q quits once bound).
import { randomBytes } from 'node:crypto';
import type { Cleanup } from './cleanup';
import { Netns, vethPair } from './netns';
import { run } from './proc';

export function randomMac(): string {
  const b = randomBytes(3);
  return ['52', '54', '00', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

/** The leased address from udhcpc's output ("lease of 192.168.100.130 obtained"), or null. */
export function leasedAddress(output: string): string | null {
  return /lease of (\d+\.\d+\.\d+\.\d+) obtained/.exec(output)?.[1] ?? null;
}

export class DhcpClient {
  private constructor(
    readonly ns: Netns,
    private readonly host: Netns,
    private readonly port: string,
  ) {}

  /** A client namespace whose eth0 is wired to `port` in the host namespace (not yet on a bridge). */
  static async create(cleanup: Cleanup, host: Netns, tag: string): Promise<DhcpClient> {
    const ns = await Netns.create(cleanup, `${tag}dhcp`);
    const port = 'dc0';
    await vethPair(host, port, ns, 'eth0');
    return new DhcpClient(ns, host, port);
  }

  async attach(bridge: string): Promise<void> {
    await this.host.ip(['link', 'set', this.port, 'master', bridge]);
  }

  async detach(): Promise<void> {
    await this.host.ip(['link', 'set', this.port, 'nomaster']);
  }

  /** One lease for a fresh MAC; returns ms from udhcpc's start to its exit bound, and checks the address is in `prefix` (e.g. "192.168.100."). */
  async lease(prefix: string): Promise<number> {
    await this.ns.ip(['link', 'set', 'eth0', 'down']);
    await this.ns.ip(['link', 'set', 'eth0', 'address', randomMac()]);
    await this.ns.ip(['link', 'set', 'eth0', 'up']);
    const [cmd, args] = this.ns.argv('busybox', ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '1', '-s', '/bin/true']);
    const begin = process.hrtime.bigint();
    const { stdout, stderr } = await run(cmd, args, { timeoutMs: 20_000 });
    const ms = Number(process.hrtime.bigint() - begin) / 1e6;
    const address = leasedAddress(`${stdout}\n${stderr}`);
    if (!address?.startsWith(prefix)) throw new Error(`udhcpc did not get an address in ${prefix}0/24: ${stderr.trim() || stdout.trim()}`);
    return ms;
  }
}
