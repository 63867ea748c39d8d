// Consecutive `ip` changes of a plan run as one `ip -batch -` process instead of one process
// each: creating ten networks' bridges and addresses otherwise starts forty processes, and on
// this kind of host each start of a child from a large Node process costs several ms.
// Without -force, ip stops at the first line that fails and names it ("Command failed -:N"),
// so the lines before it took effect and those after it did not: the failure is reported as
// the failing line's own command and step, and rollback undoes what those steps registered.
import { CommandError, type CommandRunner } from './runner';

/** One queued change: the words after `ip`, and the plan step that queued it. */
interface Line {
  args: string[];
  step: number;
}

/** A batch line that failed, with the step that queued it. */
export class IpLineError extends Error {
  constructor(
    readonly step: number,
    readonly failure: CommandError,
  ) {
    super(failure.message);
    this.name = 'IpLineError';
  }
}

/**
 * ip -batch splits a line at blanks and reads quotes, backslashes and `#` itself, so a word
 * holding one of those could change the command: such words (never seen from validated
 * names and addresses) are refused rather than quoted.
 */
function batchable(args: readonly string[]): boolean {
  return args.length > 0 && args.every((a) => /^[^\s"'\\#]+$/.test(a));
}

export class IpBatch {
  private lines: Line[] = [];

  constructor(private readonly runner: CommandRunner) {}

  get pending(): boolean {
    return this.lines.length > 0;
  }

  queue(args: string[], step: number): void {
    if (!batchable(args)) throw new Error(`refusing to pass \`ip ${args.join(' ')}\` to ip -batch`);
    this.lines.push({ args: [...args], step });
  }

  /** Forgets the queued lines (a rollback: they never ran). */
  discard(): void {
    this.lines = [];
  }

  /** Runs the queued lines: one `ip` when there is one, else one `ip -batch -`. Throws IpLineError. */
  async flush(): Promise<void> {
    const lines = this.lines;
    this.lines = [];
    if (lines.length === 0) return;
    if (lines.length === 1) {
      const argv = ['ip', ...lines[0]!.args];
      try {
        await this.runner.run(argv);
      } catch (error) {
        throw error instanceof CommandError ? new IpLineError(lines[0]!.step, error) : error;
      }
      return;
    }
    try {
      await this.runner.run(['ip', '-batch', '-'], { input: `${lines.map((l) => l.args.join(' ')).join('\n')}\n` });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      // "Command failed -:N" names the line (from 1); without it (ip did not start) the first line is the one that failed.
      const n = Number(/Command failed -:(\d+)/.exec(error.result.stderr)?.[1] ?? 1);
      const failed = lines[Math.min(Math.max(n, 1), lines.length) - 1]!;
      const stderr = error.result.stderr.replace(/^Command failed -:\d+\n?/m, '');
      throw new IpLineError(failed.step, new CommandError(['ip', ...failed.args], { ...error.result, stderr }));
    }
  }
}
