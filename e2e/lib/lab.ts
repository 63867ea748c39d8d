// One test's private world: network namespaces (a "host" that runs `vnet serve` or the
// desktop app, guests plugged into its bridges, an "outside" or a "lan" next to it),
// temporary config/state folders, and a browser (or Electron) started inside the host
// namespace through a generated wrapper, so 127.0.0.1 is the host namespace's.
// close() removes all of it, also when the test failed.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, ElectronApplication, LaunchOptions, Page } from '@playwright/test';
import { _electron, chromium } from '@playwright/test';
import type { Config } from '../../src-shared/model';
import {
  cliBundle,
  repoRoot,
  Sandbox,
  vnet,
  vnetDirs,
  waitFor,
  Netns,
  type DhcpLease,
  type Result,
  type VnetDirs,
} from '../../test/integration/lib/netns';
import { startNmLab, type NmLab } from '../../test/integration/lib/nm-lab';
import { electronBinary } from './electron';

export type FrontDoor = 'web' | 'electron';

/** Addresses of the two neighbour topologies (see natHost and lanHost). */
export const OUTSIDE = { host: '10.99.0.1', outside: '10.99.0.2' } as const;
export const LAN = { host: '10.88.0.10', router: '10.88.0.1', prefix: 24 } as const;

/**
 * Namespaces of this run start with this tag (global teardown checks none is left). The
 * run's id (set once in playwright.config.ts, inherited by the workers) keeps a second run
 * on the same machine from counting, or deleting, this run's namespaces.
 */
export const NS_TAG = `e2${process.env.VNE_E2E_RUN ?? ''}`;

export class Lab {
  readonly sandbox = new Sandbox();
  readonly dirs: VnetDirs;
  host!: Netns;
  outside?: Netns;
  lan?: Netns;
  private serve?: ChildProcess;
  private serveLog = '';
  /** A real NetworkManager managing the host's eth0 (see networkManagerHost). */
  networkManager?: NmLab;
  private browser?: Browser;
  private context?: BrowserContext;
  private electronApp?: ElectronApplication;
  private readonly bin: string;

  constructor(
    readonly frontDoor: FrontDoor,
    private readonly launchOptions: LaunchOptions,
  ) {
    this.dirs = vnetDirs(this.sandbox);
    this.bin = this.sandbox.tempDir('bin');
  }

  private ns(tag: string): Promise<Netns> {
    return this.sandbox.netns(`${NS_TAG}${tag}`);
  }

  /** A host namespace with nothing but loopback. */
  async bareHost(): Promise<void> {
    this.host = await this.ns('host');
  }

  /**
   * host ── up0 (10.99.0.1) ══ o0 (10.99.0.2) ── outside, the host's default route.
   * The outside knows the way back to every 192.168.0.0/16 subnet, so only the
   * host's own rules decide what gets through (as on a real LAN behind a router).
   */
  async natHost(): Promise<void> {
    [this.host, this.outside] = await Promise.all([this.ns('host'), this.ns('outside')]);
    await this.sandbox.veth(this.host, 'up0', this.outside, 'o0', `${OUTSIDE.host}/24`, `${OUTSIDE.outside}/24`);
    await this.host.ip('route', 'add', 'default', 'via', OUTSIDE.outside);
    await this.outside.ip('route', 'add', '192.168.0.0/16', 'via', OUTSIDE.host);
  }

  /** host ── up0 (10.88.0.10/24, static, default via the router) ══ lan (router 10.88.0.1): a bridged uplink. */
  async lanHost(): Promise<void> {
    [this.host, this.lan] = await Promise.all([this.ns('host'), this.ns('lan')]);
    await this.sandbox.veth(this.host, 'up0', this.lan, 'r0', `${LAN.host}/${LAN.prefix}`, `${LAN.router}/${LAN.prefix}`);
    await this.host.ip('route', 'add', 'default', 'via', LAN.router);
  }

  /**
   * A desktop: the host's eth0 is cabled to a LAN (router 198.51.100.1 with its own DHCP
   * server) and kept by a real NetworkManager, confined to the host namespace with its own
   * system bus, with the DHCP profile "Wired connection 1" active on it.
   */
  async networkManagerHost(): Promise<NmLab> {
    const nm = await startNmLab();
    this.networkManager = nm;
    // The lab's namespaces are the NetworkManager lab's own; it deletes them in close().
    this.host = new Netns(nm.host.name, this.sandbox);
    await nm.uplinkProfile('ipv4.method', 'auto');
    return nm;
  }

  /** Writes the stored config (networks.json), as if saved by an earlier session. */
  storeConfig(config: Config): void {
    fs.writeFileSync(path.join(this.dirs.config, 'networks.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  storedConfig(): Config {
    return JSON.parse(fs.readFileSync(path.join(this.dirs.config, 'networks.json'), 'utf8')) as Config;
  }

  /** Runs the real `vnet` CLI in the host namespace with this lab's folders. */
  cli(...args: string[]): Promise<Result> {
    return vnet(this.host, this.dirs, args, { timeoutMs: 90_000 });
  }

  /** Applies the stored config with the CLI (the state a test starts from). */
  async applyStored(): Promise<void> {
    const r = await this.cli('apply');
    if (r.code !== 0) throw new Error(`vnet apply failed (${r.code}): ${r.stderr || r.stdout}`);
  }

  /** A guest namespace whose eth0 is plugged into `network`'s bridge on the host. */
  guest(tag: string, network: string, mac?: string): Promise<Netns> {
    return this.sandbox.guest(`${NS_TAG}${tag}`, this.host, network, mac);
  }

  /**
   * busybox udhcpc in the guest: a real DHCP exchange with the network's dnsmasq, starting
   * with a DISCOVER every time (udhcpc keeps no lease file between runs).
   */
  dhcp(guest: Netns, opts: { request?: string } = {}): Promise<DhcpLease> {
    return this.sandbox.dhcp(guest, 'eth0', { tries: 8, ...opts });
  }

  /**
   * Makes `network`'s dnsmasq forget every lease: killed (so it writes nothing more), its
   * lease file removed, then started again with `vnet services restart`.
   */
  async forgetLeases(network: string): Promise<void> {
    const dir = path.join(this.dirs.state, 'dhcp');
    const pid = Number(fs.readFileSync(path.join(dir, `${network}.pid`), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await waitFor(`the DHCP server of ${network} (pid ${pid}) to exit`, () => {
      try {
        return /\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return true;
      }
    });
    fs.rmSync(path.join(dir, `${network}.leases`), { force: true });
    const r = await this.cli('services', 'restart', network, 'dhcp');
    if (r.code !== 0) throw new Error(`vnet services restart ${network} dhcp failed (${r.code}): ${r.stderr || r.stdout}`);
  }

  /** A real HTTP server (busybox httpd) in `ns` on `port` that serves `body` at /. */
  async httpServer(ns: Netns, port: number, body: string): Promise<void> {
    const root = this.sandbox.tempDir('www');
    fs.writeFileSync(path.join(root, 'index.html'), body);
    const child = ns.spawn(['busybox', 'httpd', '-f', '-p', String(port), '-h', root]);
    child.stderr?.on('data', (d: Buffer) => (this.serveLog += `[httpd ${ns.name}] ${d.toString()}`));
    await waitFor(`httpd on port ${port} in ${ns.name}`, async () =>
      (await ns.exec(['ss', '-Hltn', `sport = :${port}`])).stdout.includes(`:${port}`),
    );
  }

  /** GET http://address:port/ from `ns` with curl; the body, or '' when nothing answered. */
  async httpGet(ns: Netns, address: string, port: number): Promise<string> {
    const r = await ns.exec(['curl', '-s', '--max-time', '3', `http://${address}:${port}/`], { timeoutMs: 8000 });
    return r.code === 0 ? r.stdout : '';
  }

  /** One ICMP echo from `ns` to `address`. */
  async ping(ns: Netns, address: string): Promise<boolean> {
    return (await ns.exec(['busybox', 'ping', '-c', '1', '-W', '2', address], { timeoutMs: 8000 })).code === 0;
  }

  /** Starts `vnet serve` in the host namespace and returns the URL with the token from its first line. */
  async startConsole(): Promise<string> {
    const child = this.host.spawn([
      'env',
      `VNET_CONFIG_DIR=${this.dirs.config}`,
      `VNET_STATE_DIR=${this.dirs.state}`,
      ...(this.networkManager ? [`DBUS_SYSTEM_BUS_ADDRESS=${this.networkManager.bus}`] : []),
      process.execPath,
      cliBundle,
      'serve',
    ]);
    this.serve = child;
    child.stderr?.on('data', (d: Buffer) => (this.serveLog += d.toString()));
    return new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`vnet serve printed no URL within 20 s: ${this.serveLog}`)), 20_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const first = out.split('\n')[0]!;
        if (out.includes('\n')) {
          clearTimeout(timer);
          if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/.test(first)) resolve(first);
          else reject(new Error(`vnet serve's first line is not its URL: ${first}`));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`vnet serve exited (${code}): ${this.serveLog}`));
      });
    });
  }

  /** A wrapper that runs `program` inside the host namespace (used as Playwright's executablePath). */
  private wrapper(name: string, program: string[]): string {
    const file = path.join(this.bin, name);
    const quoted = program.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${this.host.name} ${quoted} "$@"\n`, { mode: 0o755 });
    return file;
  }

  /**
   * Opens the editor: Chromium on `vnet serve`'s URL, or the Electron app, both inside
   * the host namespace, at the 1024×700 size the layout must hold.
   */
  /** `beforeLoad`: runs on the browser's page before it navigates (to hold back a request, say); web only. */
  async openPage(beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
    if (this.frontDoor === 'electron') return this.openElectron();
    const url = await this.startConsole();
    // The browser starts once the host's new links are past DAD (the test applied just before):
    // else the page's first requests can be aborted with ERR_NETWORK_CHANGED, which the
    // editor retries for its chunks and reads, but not for the page itself.
    await this.host.addressesSettled();
    const chromiumPath = this.launchOptions.executablePath ?? '/usr/bin/chromium';
    this.browser = await chromium.launch({ ...this.launchOptions, executablePath: this.wrapper('chromium', [chromiumPath]) });
    this.context = await this.browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme: 'light', acceptDownloads: true });
    const page = await this.context.newPage();
    await beforeLoad?.(page);
    await page.goto(url);
    return page;
  }

  private async openElectron(): Promise<Page> {
    const binary = electronBinary();
    if (!binary.path) throw new Error(binary.reason);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, { VNET_CONFIG_DIR: this.dirs.config, VNET_STATE_DIR: this.dirs.state });
    const program = binary.xvfb ? ['xvfb-run', '-a', binary.path] : [binary.path];
    this.electronApp = await _electron.launch({
      executablePath: this.wrapper('electron', program),
      args: ['--no-sandbox', repoRoot],
      env,
    });
    const page = await this.electronApp.firstWindow();
    await page.setViewportSize({ width: 1024, height: 700 });
    return page;
  }

  get electron(): ElectronApplication | undefined {
    return this.electronApp;
  }

  /** What `vnet serve` and helpers wrote on stderr (attached to failed tests). */
  get log(): string {
    return this.serveLog;
  }

  /** Closes the browser or app, stops the console, then deletes namespaces, processes and folders. */
  async close(): Promise<void> {
    const quietly = async (what: () => Promise<unknown> | undefined) => {
      try {
        await what();
      } catch {
        // Cleanup goes on; the namespace deletion below kills whatever is left.
      }
    };
    await quietly(() => this.context?.close());
    await quietly(() => this.browser?.close());
    await quietly(() => this.electronApp?.close());
    if (this.serve?.pid && this.serve.exitCode === null) {
      const exited = new Promise((resolve) => this.serve!.once('exit', resolve));
      await quietly(async () => {
        process.kill(-this.serve!.pid!, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      });
    }
    await this.sandbox.cleanup();
    this.networkManager?.destroy();
  }
}

export { repoRoot };
