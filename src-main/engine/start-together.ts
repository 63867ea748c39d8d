// A plan's daemons (its DHCP servers) started by one process instead of one each:
// `xargs -0 -n 1 -P 0 PROGRAM` runs PROGRAM once per argument, all at once. Each start of a
// child from the large Node process blocks it for the fork and until the child has called exec
// (3–5 ms each here, 35–60 ms for ten at load 10, when every child waits to be scheduled first);
// xargs is small, so its forks are cheap, and they happen while the plan goes on.
// xargs exits 123 when any of them failed without saying which: each start says whether its
// daemon runs, and those that do not fail with xargs' stderr (the failed ones' own messages).
// No shell: xargs executes PROGRAM with each argument as one argv word, and -0 reads them
// literally (no quotes, backslashes or end-of-file string).
import { CommandError, type CommandRunner } from './runner';

export interface Start {
  argv: string[];
  /** Whether the daemon it starts runs (asked only after a failure, to tell which start failed). */
  running?: () => boolean;
}

/** The xargs command line that starts PROGRAM once for each of `args`, all at once. */
export function xargsArgv(program: string): string[] {
  return ['xargs', '-0', '-n', '1', '-P', '0', program];
}

/**
 * Starts `starts`; one promise per start, in their order, each settling once its command has
 * exited (a daemon's first process exits once the daemon is up) and rejecting with its own
 * command's error. Starts of one program with one argument each and a `running` check go as
 * one xargs; any others one by one.
 */
export function startTogether(runner: CommandRunner, starts: readonly Start[]): Promise<void>[] {
  const program = starts[0]?.argv[0];
  const together =
    program !== undefined &&
    starts.length > 1 &&
    starts.every((s) => s.argv.length === 2 && s.argv[0] === program && !s.argv[1]!.includes('\0') && s.running);
  if (!together) return starts.map((s) => runner.run(s.argv).then(() => undefined));
  const outcome = runner.run(xargsArgv(program), { input: starts.map((s) => `${s.argv[1]}\0`).join('') }).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof CommandError)) throw error;
      const failed = starts.map((s) => !s.running!());
      // A failure no daemon accounts for is still a failure: the first start's, not none.
      if (!failed.includes(true)) failed[0] = true;
      // The failed ones' messages, together (dnsmasq ends each with an empty line).
      const stderr = error.result.stderr
        .split('\n')
        .filter((l) => l.trim() !== '')
        .join('\n');
      return { result: { ...error.result, stderr }, failed };
    },
  );
  return starts.map((s, i) =>
    outcome.then((o) => {
      if (o?.failed[i]) throw new CommandError(s.argv, o.result);
    }),
  );
}
