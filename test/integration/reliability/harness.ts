// A stand-in for the CLI and the front doors, run inside a test namespace, that drives
// the real engine through a command runner which can crash or fail on purpose:
//   node harness.cjs apply FILE            the engine facade's applyConfig
//   node harness.cjs down                  the engine facade's down (every network)
//   node harness.cjs service CHANNEL JSON  the service dispatcher the GUI and web console use
//   node harness.cjs service --batch       many {channel, payload} requests (a JSON array on stdin)
// Faults, by environment variable (N counts host-changing commands, from 1):
//   VNE_CRASH_BEFORE=N  SIGKILL this process just before command N runs
//   VNE_CRASH_AFTER=N   SIGKILL this process just after command N finished
//   VNE_CRASH_BEFORE_MATCH=RE  SIGKILL this process just before the first command whose
//                       argv (joined by spaces) matches RE: a kill at a named step
//   VNE_FAIL_AT=N       command N fails (the runner throws), so apply rolls back
//   VNE_NFT_REJECT=1    the first ruleset load gets a line the kernel refuses appended
// Prints one JSON line: the result plus timestamps (ms) of the failure and of the end.
import fs from 'node:fs';
import * as engine from '../../../src-main/engine';
import { CommandError, ExecRunner, type CommandResult, type CommandRunner, type RunOptions } from '../../../src-main/engine';
import { dirsFromEnv } from '../../../src-main/paths';
import { createFrontDoor } from '../../../src-main/service/front-door';
import * as migration from '../../../src-main/import';
import { parseConfigText } from '../../../src-shared/model';

/** Commands that only read the host (inspection); everything else changes it. */
export function readsOnly(argv: readonly string[]): boolean {
  if (argv[0] === 'ip') return argv.includes('-j');
  if (argv[0] === 'nft') return argv[1] === '-j' || argv[1] === 'list';
  return false;
}

class FaultRunner implements CommandRunner {
  count = 0;
  failedAt: number | undefined;
  private rejected = false;
  constructor(
    private readonly inner: CommandRunner,
    private readonly faults: { crashBefore?: number; crashBeforeMatch?: RegExp; crashAfter?: number; failAt?: number; nftReject?: boolean },
  ) {}

  async run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
    if (readsOnly(argv)) return this.inner.run(argv, opts);
    let input = opts.input;
    if (this.faults.nftReject && !this.rejected && argv[0] === 'nft' && input?.includes('table inet vnet_editor {')) {
      this.rejected = true;
      // A rule naming a chain that does not exist: nft refuses the whole file, in one transaction.
      input = `${input}add rule inet vnet_editor no_such_chain counter accept\n`;
    }
    // A batch is named with its lines (an xargs start with its arguments), so a kill can be aimed at the batch that holds a given change.
    const what =
      argv.join(' ') === 'ip -batch -'
        ? [...argv, `(${(input ?? '').trim().split('\n').join('; ')})`]
        : argv[0] === 'xargs'
          ? [...argv, `(${(input ?? '').split('\0').filter(Boolean).join('; ')})`]
          : argv;
    return this.change(what, () => this.inner.run(argv, { ...opts, ...(input !== undefined ? { input } : {}) }));
  }

  // A signal and a kernel setting change the host without a process: they count as commands too.
  signal(pid: number, signal: NodeJS.Signals): Promise<boolean> {
    return this.change(['signal', signal, String(pid)], () => this.inner.signal(pid, signal));
  }

  writeSysctl(key: string, value: string, opts?: { allowFailure?: boolean }): Promise<boolean> {
    return this.change(['sysctl', `${key}=${value}`], () => this.inner.writeSysctl(key, value, opts));
  }

  /** One host-changing command: counted, and crashed or failed at when the faults say so. */
  private async change<T>(what: string[], action: () => Promise<T>): Promise<T> {
    this.count += 1;
    const n = this.count;
    process.stderr.write(`harness: command ${n}: ${what.join(' ')}\n`);
    if (this.faults.crashBefore === n || this.faults.crashBeforeMatch?.test(what.join(' '))) process.kill(process.pid, 'SIGKILL');
    if (this.faults.failAt === n) {
      this.failedAt = Date.now();
      // Thrown even for commands allowed to exit non-zero, as a runner that cannot start the tool does.
      throw new CommandError(what, { code: 1, stdout: '', stderr: 'injected failure' });
    }
    try {
      return await action();
    } catch (error) {
      this.failedAt ??= Date.now();
      throw error;
    } finally {
      if (this.faults.crashAfter === n) process.kill(process.pid, 'SIGKILL');
    }
  }
}

function envNumber(name: string): number | undefined {
  const value = process.env[name];
  return value ? Number(value) : undefined;
}

function readConfig(file: string) {
  const parsed = parseConfigText(fs.readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`harness: ${file} is not a valid config`);
  return parsed.config;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const dirs = dirsFromEnv(process.env);
  const started = Date.now();
  if (command === 'apply' || command === 'down') {
    const crashBefore = envNumber('VNE_CRASH_BEFORE');
    const crashAfter = envNumber('VNE_CRASH_AFTER');
    const failAt = envNumber('VNE_FAIL_AT');
    const crashBeforeMatch = process.env.VNE_CRASH_BEFORE_MATCH;
    const runner = new FaultRunner(new ExecRunner(), {
      ...(crashBefore !== undefined ? { crashBefore } : {}),
      ...(crashAfter !== undefined ? { crashAfter } : {}),
      ...(crashBeforeMatch ? { crashBeforeMatch: new RegExp(crashBeforeMatch) } : {}),
      ...(failAt !== undefined ? { failAt } : {}),
      nftReject: process.env.VNE_NFT_REJECT === '1',
    });
    try {
      const result =
        command === 'apply'
          ? await engine.applyConfig(readConfig(args[0]!), { dirs, runner })
          : { ok: true, applied: await engine.down({ dirs, runner }) };
      process.stdout.write(`${JSON.stringify({ result, started, failedAt: runner.failedAt, finishedAt: Date.now() })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ thrown: (error as Error).message, started, finishedAt: Date.now() })}\n`);
      process.exitCode = 2;
    }
    return;
  }
  if (command === 'service') {
    const door = createFrontDoor({
      frontDoor: 'web',
      version: 'test',
      dirs,
      importer: migration,
      launch: { execPath: process.execPath, script: '/nonexistent', runAsNode: false },
    });
    try {
      if (args[0] === '--batch') {
        // Many requests, one after the other, from a JSON array of {channel, payload} on stdin.
        const requests = JSON.parse(fs.readFileSync(0, 'utf8')) as { channel: unknown; payload: unknown }[];
        const envelopes = [];
        for (const r of requests) envelopes.push(await door.dispatcher.call(r.channel, r.payload));
        process.stdout.write(`${JSON.stringify({ envelopes, started, finishedAt: Date.now() })}\n`);
        return;
      }
      const payload = args[1] === '-' ? JSON.parse(fs.readFileSync(0, 'utf8')) : JSON.parse(args[1] ?? '{}');
      const envelope = await door.dispatcher.call(args[0], payload);
      process.stdout.write(`${JSON.stringify({ envelope, started, finishedAt: Date.now() })}\n`);
    } finally {
      door.close();
    }
    return;
  }
  throw new Error(`harness: unknown command ${command}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`harness: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
});
