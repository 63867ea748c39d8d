// Our app under test: the real `vnet` CLI (bin/vnet.cjs), run as a fresh process inside a
// namespace of the bench, with temporary config and state folders.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../src-shared/model';
import type { Cleanup } from './cleanup';
import { checkedConfig } from './configs';
import type { Netns } from './netns';
import type { RunResult } from './proc';
import { stampedRun, type StampedRun } from './explain';

export class VnetHost {
  private configs = 0;

  private constructor(
    readonly ns: Netns,
    readonly dir: string,
    private readonly vnetBin: string,
  ) {}

  /** Temp folders for this host; cleanup runs `vnet down` and removes them. */
  static create(cleanup: Cleanup, ns: Netns, repoRoot: string): VnetHost {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vne-bench-vnet-'));
    cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const host = new VnetHost(ns, dir, path.join(repoRoot, 'bin', 'vnet.cjs'));
    cleanup.add(`vnet down in ${ns.name}`, async () => {
      await host.cli(['down'], 60_000).catch(() => undefined);
    });
    return host;
  }

  private get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      VNET_CONFIG_DIR: path.join(this.dir, 'config'),
      VNET_STATE_DIR: path.join(this.dir, 'state'),
      VNET_LIBVIRT_URI: 'none',
      VNET_QEMU_DIR: 'none',
    };
  }

  /** Writes a config the app's own validation accepts; returns its path. */
  writeConfig(config: Config): string {
    this.configs += 1;
    const file = path.join(this.dir, `config-${this.configs}.json`);
    writeFileSync(file, `${JSON.stringify(checkedConfig(config), null, 2)}\n`);
    return file;
  }

  cli(args: readonly string[], timeoutMs = 120_000): Promise<RunResult> {
    return this.ns.exec(process.execPath, [this.vnetBin, ...args], { env: this.env, timeoutMs });
  }

  /** Wall time (ms) of `vnet apply --config FILE` as a fresh process. */
  timedApply(configFile: string): Promise<number> {
    return this.ns.timedExec(process.execPath, [this.vnetBin, 'apply', '--config', configFile], { env: this.env, timeoutMs: 120_000 });
  }

  /** A run with every output line time-stamped, to see where the time goes (not used for the numbers). */
  stamped(args: readonly string[]): Promise<StampedRun> {
    const [cmd, argv] = this.ns.argv(process.execPath, [this.vnetBin, ...args]);
    return stampedRun(cmd, argv, this.env);
  }

  /** Wall time (ms) of `vnet down` (all networks) as a fresh process. */
  timedDown(): Promise<number> {
    return this.ns.timedExec(process.execPath, [this.vnetBin, 'down'], { env: this.env, timeoutMs: 120_000 });
  }
}
