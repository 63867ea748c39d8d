// The one way the engine touches the host: argv arrays through a CommandRunner, plus
// the two changes that need no process of their own (a signal, a /proc/sys setting).
// Integration tests and the real app use ExecRunner; unit tests record argv with
// RecordingRunner and answer inspection commands from canned output.
import { execFile } from 'node:child_process';
import fs from 'node:fs';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text written to the command's standard input (e.g. an nftables ruleset for `nft -f -`). */
  input?: string;
  /** Return a non-zero exit as a result instead of throwing CommandError. */
  allowFailure?: boolean;
}

export interface CommandRunner {
  run(argv: string[], opts?: RunOptions): Promise<CommandResult>;
  /** Sends `signal` to `pid` (what `kill` does, without starting it); false when there is no such process. */
  signal(pid: number, signal: NodeJS.Signals): Promise<boolean>;
  /**
   * Writes a kernel setting such as `net/ipv4/ip_forward` to /proc/sys (what `sysctl -w` does, without
   * starting it); with allowFailure a refused write returns false instead of throwing.
   */
  writeSysctl(key: string, value: string, opts?: { allowFailure?: boolean }): Promise<boolean>;
}

/**
 * `runner` with `before` run ahead of each of its commands (`argv` for a run, none for a signal
 * or a sysctl write). A `before` that returns nothing runs the command at once, in the same tick,
 * so commands keep the order their callers started them in.
 */
export function beforeEachCommand(runner: CommandRunner, before: (argv?: string[]) => void | Promise<void>): CommandRunner {
  const then = <T>(ahead: void | Promise<void>, command: () => Promise<T>): Promise<T> => (ahead ? ahead.then(command) : command());
  return {
    run: (argv, opts) => then(before(argv), () => runner.run(argv, opts)),
    signal: (pid, sig) => then(before(), () => runner.signal(pid, sig)),
    writeSysctl: (key, value, opts) => then(before(), () => runner.writeSysctl(key, value, opts)),
  };
}

/** `net/ipv4/conf/vmnet1/promote_secondaries`: slash-separated words (interface names may hold dots), never `..`. */
export function sysctlPath(key: string): string {
  const parts = key.split('/');
  if (parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p) || p === '.' || p === '..')) throw new Error(`not a kernel setting: ${key}`);
  return `/proc/sys/${key}`;
}

/** A command that exited non-zero; the message names the command and quotes its stderr. */
export class CommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: CommandResult,
  ) {
    const why = result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`;
    super(`\`${argv.join(' ')}\` failed: ${why.split('\n').slice(0, 5).join('; ')}`);
    this.name = 'CommandError';
  }
}

/** Runs real commands with execFile (no shell), each with a timeout so a stuck tool cannot hang an apply. */
export class ExecRunner implements CommandRunner {
  constructor(private readonly timeoutMs = 30_000) {}

  run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const [file, ...args] = argv;
    if (!file) return Promise.reject(new Error('empty command'));
    return new Promise((resolve, reject) => {
      const child = execFile(
        file,
        args,
        { encoding: 'utf8', timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
        (error, stdout, stderr) => {
          let code = 0;
          if (error) {
            const e = error as NodeJS.ErrnoException & { code?: number | string };
            if (typeof e.code === 'number') code = e.code;
            else if (e.code === 'ENOENT') {
              reject(new Error(`\`${file}\` is not installed or not on PATH`));
              return;
            } else code = 1;
          }
          const result = { code, stdout, stderr };
          if (code !== 0 && !opts.allowFailure) reject(new CommandError(argv, result));
          else resolve(result);
        },
      );
      // A command that exits without reading its input (a usage error) would make the write fail
      // with EPIPE, an error event nobody listens to: its exit code says what went wrong instead.
      child.stdin?.on('error', () => undefined);
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      else child.stdin?.end();
    });
  }

  signal(pid: number, signal: NodeJS.Signals): Promise<boolean> {
    try {
      process.kill(pid, signal);
      return Promise.resolve(true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return Promise.resolve(false);
      return Promise.reject(new Error(`cannot send ${signal} to process ${pid}: ${(error as Error).message}`));
    }
  }

  async writeSysctl(key: string, value: string, opts: { allowFailure?: boolean } = {}): Promise<boolean> {
    const file = sysctlPath(key);
    try {
      await fs.promises.writeFile(file, `${value}\n`);
      return true;
    } catch (error) {
      if (opts.allowFailure) return false;
      throw new Error(`cannot set ${key.replaceAll('/', '.')} to ${value} (${file}): ${(error as Error).message}`);
    }
  }
}

function isXargs(argv: readonly string[]): boolean {
  return argv.length === 7 && argv.slice(0, 6).join(' ') === 'xargs -0 -n 1 -P 0';
}

function xargsItems(input: string): string[] {
  return input.split('\0').filter((a) => a !== '');
}

/** The lines of an `ip -batch -` input, each without its `ip`. */
function batchLines(input: string): string[] {
  return input.split('\n').filter((l) => l !== '');
}

export interface RecordedCommand {
  argv: string[];
  input?: string;
}

type Responder = (argv: string[], input?: string) => CommandResult | undefined;

/**
 * Records every command instead of running it. Inspection commands are answered
 * by responders (first match wins); anything unanswered succeeds with empty output.
 * Signals and kernel settings are recorded as `signal TERM PID` and `sysctl KEY=VALUE`.
 */
export class RecordingRunner implements CommandRunner {
  readonly commands: RecordedCommand[] = [];
  private readonly responders: Responder[] = [];

  /** Answers commands whose argv starts with `prefix`. */
  respond(prefix: string[], result: Partial<CommandResult> | ((argv: string[], input?: string) => Partial<CommandResult>)): this {
    this.responders.push((argv, input) => {
      if (prefix.some((part, i) => argv[i] !== part)) return undefined;
      const r = typeof result === 'function' ? result(argv, input) : result;
      return { code: r.code ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    });
    return this;
  }

  run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
    this.commands.push(opts.input === undefined ? { argv } : { argv, input: opts.input });
    const result =
      argv.join(' ') === 'ip -batch -'
        ? this.answerBatch(opts.input ?? '')
        : isXargs(argv)
          ? this.answerXargs(argv.at(-1)!, opts.input ?? '')
          : this.answer(argv, opts.input);
    if (result.code !== 0 && !opts.allowFailure) return Promise.reject(new CommandError(argv, result));
    return Promise.resolve(result);
  }

  private answer(argv: string[], input?: string): CommandResult {
    for (const responder of this.responders) {
      const r = responder(argv, input);
      if (r) return r;
    }
    return { code: 0, stdout: '', stderr: '' };
  }

  /** As `ip -batch -` does: each line answered as `ip LINE`, stopping at the first failure, which it names. */
  private answerBatch(input: string): CommandResult {
    for (const [i, line] of batchLines(input).entries()) {
      const r = this.answer(['ip', ...line.split(' ')]);
      if (r.code !== 0) return { ...r, stderr: `${r.stderr.trimEnd()}\nCommand failed -:${i + 1}\n` };
    }
    return { code: 0, stdout: '', stderr: '' };
  }

  /** As `xargs -0 -n 1 -P 0 PROGRAM` does: each argument answered as `PROGRAM ARG`; 123 when any failed, with their stderr. */
  private answerXargs(program: string, input: string): CommandResult {
    const failed = xargsItems(input)
      .map((arg) => this.answer([program, arg]))
      .filter((r) => r.code !== 0);
    return failed.length === 0
      ? { code: 0, stdout: '', stderr: '' }
      : { code: 123, stdout: '', stderr: failed.map((r) => r.stderr).join('') };
  }

  /**
   * The recorded commands with each `ip -batch -` spelled out as its lines, each as `ip LINE`,
   * and each xargs start as its commands, `PROGRAM ARG` (indented).
   */
  expandedLines(): string[] {
    return this.commands.flatMap((c) => {
      const line = c.argv.join(' ');
      if (line === 'ip -batch -') return [line, ...batchLines(c.input ?? '').map((l) => `  ip ${l}`)];
      if (isXargs(c.argv)) return [line, ...xargsItems(c.input ?? '').map((arg) => `  ${c.argv.at(-1)!} ${arg}`)];
      return [line];
    });
  }

  // Recorded and answered like commands, so a responder can make them fail.
  async signal(pid: number, signal: NodeJS.Signals): Promise<boolean> {
    return (await this.run(['signal', signal.replace(/^SIG/, ''), String(pid)], { allowFailure: true })).code === 0;
  }

  async writeSysctl(key: string, value: string, opts: { allowFailure?: boolean } = {}): Promise<boolean> {
    sysctlPath(key);
    return (await this.run(['sysctl', `${key}=${value}`], opts)).code === 0;
  }

  /** The recorded commands as single strings, handy in assertions. */
  lines(): string[] {
    return this.commands.map((c) => c.argv.join(' '));
  }
}
