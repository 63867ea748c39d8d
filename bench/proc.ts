// Running commands (argv arrays, never a shell string) and long-lived daemons.
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(
      `${argv.join(' ')} failed (${typeof code === 'number' ? `exit ${code}` : (code ?? 'killed')}): ${reasonLine(stderr.trim() || stdout.trim())}`,
    );
  }
}

/** The line of a command's output that says why it failed: the first naming an error, else the last with words in it. */
export function reasonLine(output: string): string {
  const lines = output.split('\n').filter((line) => /[A-Za-z]/.test(line));
  return (lines.find((line) => /error/i.test(line)) ?? lines.at(-1) ?? '').trim();
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException & { code?: number | string }).code ?? error.signal ?? null;
          reject(new CommandFailed([cmd, ...args], code, stdout, stderr));
        } else resolve({ stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a command and returns its wall time in milliseconds (from spawn to exit). */
export async function timedRun(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<number> {
  return (await timedRunWithOutput(cmd, args, opts)).ms;
}

/** Wall time in milliseconds and the output, so a caller can check the work was done without running it again. */
export async function timedRunWithOutput(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult & { ms: number }> {
  const start = process.hrtime.bigint();
  const result = await run(cmd, args, opts);
  return { ...result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export interface Daemon {
  pid: number;
  /** Output so far (last 64 KiB), for error messages. */
  output: () => string;
  exited: () => boolean;
  stop: () => Promise<void>;
}

/** Starts a long-lived process; `stop` sends SIGTERM, then SIGKILL after two seconds. */
export function startDaemon(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv } = {}): Daemon {
  // Its own process group: Ctrl-C reaches only the bench, which then stops daemons in order (libvirtd must
  // still answer while its networks are destroyed).
  const child: ChildProcess = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      done = true;
      resolve();
    });
    child.on('error', (error) => {
      out += `\n${error.message}`;
      done = true;
      resolve();
    });
  });
  return {
    pid: child.pid ?? -1,
    output: () => out,
    exited: () => done,
    stop: async () => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; throws `what` on timeout. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
