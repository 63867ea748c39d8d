// Network namespaces the bench creates and always deletes. Every link, address, route,
// rule and daemon of the bench lives in one of these; the root namespace is never changed.
import { randomBytes } from 'node:crypto';
import type { Cleanup } from './cleanup';
import { run, sleep, startDaemon, timedRun, timedRunWithOutput, type Daemon, type RunOptions, type RunResult } from './proc';

/** One id per bench process, so namespaces of concurrent runs (and other helpers' tests) never collide. */
const RUN_ID = randomBytes(3).toString('hex');
let counter = 0;

export class Netns {
  private constructor(readonly name: string) {}

  /** Creates `vne-b<run id>-<role><n>` with loopback up, and registers its deletion. */
  static async create(cleanup: Cleanup, role: string): Promise<Netns> {
    counter += 1;
    const ns = new Netns(`vne-b${RUN_ID}-${role}${counter}`);
    await run('ip', ['netns', 'add', ns.name]);
    cleanup.add(`delete namespace ${ns.name}`, () => ns.destroy());
    await ns.ip(['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** argv that runs `cmd` inside this namespace. */
  argv(cmd: string, args: readonly string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name, cmd, ...args]];
  }

  exec(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
    const [c, a] = this.argv(cmd, args);
    return run(c, a, opts);
  }

  /** Wall time in ms of a fresh process run inside this namespace. */
  timedExec(cmd: string, args: readonly string[], opts?: RunOptions): Promise<number> {
    const [c, a] = this.argv(cmd, args);
    return timedRun(c, a, opts);
  }

  /** Wall time in ms of a fresh process run inside this namespace, with its output. */
  timedExecWithOutput(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult & { ms: number }> {
    const [c, a] = this.argv(cmd, args);
    return timedRunWithOutput(c, a, opts);
  }

  /** `ip -n NS ...`: iproute2 acting on this namespace only. */
  ip(args: readonly string[]): Promise<RunResult> {
    return run('ip', ['-n', this.name, ...args]);
  }

  sysctl(key: string, value: string): Promise<RunResult> {
    return this.exec('sysctl', ['-q', '-w', `${key}=${value}`]);
  }

  /** A long-lived process inside this namespace, stopped by `cleanup`. */
  daemon(cleanup: Cleanup, cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv } = {}): Daemon {
    const [c, a] = this.argv(cmd, args);
    const daemon = startDaemon(c, a, opts);
    cleanup.add(`stop ${cmd} in ${this.name}`, () => daemon.stop());
    return daemon;
  }

  /** Is something listening on this TCP port in this namespace? */
  async listening(port: number): Promise<boolean> {
    const { stdout } = await this.exec('ss', ['-Htln', `sport = :${port}`]);
    return stdout.trim().length > 0;
  }

  /** Kills whatever still runs in the namespace (daemons started by others, e.g. dnsmasq), then deletes it. */
  async destroy(): Promise<void> {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const pids = await this.pids();
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
      for (let i = 0; i < 40 && (await this.pids()).length > 0; i++) await sleep(50);
    }
    await run('ip', ['netns', 'del', this.name]);
  }

  private async pids(): Promise<number[]> {
    const { stdout } = await run('ip', ['netns', 'pids', this.name]);
    return stdout
      .split(/\s+/)
      .filter((s) => /^\d+$/.test(s))
      .map(Number);
  }
}

/** A veth pair with one end in each namespace, both ends up. Created inside `a`, so it never appears in the root namespace. */
export async function vethPair(a: Netns, aName: string, b: Netns, bName: string): Promise<void> {
  await a.ip(['link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b.name]);
  await a.ip(['link', 'set', aName, 'up']);
  await b.ip(['link', 'set', bName, 'up']);
}
