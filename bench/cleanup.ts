// Undo actions registered as things are created (namespaces, daemons, temp folders),
// run newest first when a benchmark ends, fails, or the run is interrupted.

type Undo = { label: string; action: () => Promise<void> | void };

export class Cleanup {
  private readonly undos: Undo[] = [];
  private running: Promise<string[]> | undefined;

  add(label: string, action: () => Promise<void> | void): void {
    this.undos.push({ label, action });
  }

  /**
   * Runs every undo, newest first; one failing undo does not stop the others. Returns the
   * failures. A second call while one is running (Ctrl-C during a case's own cleanup) waits
   * for the same run instead of racing it.
   */
  run(): Promise<string[]> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<string[]> {
    const failures: string[] = [];
    while (this.undos.length > 0) {
      const undo = this.undos.pop()!;
      try {
        await undo.action();
      } catch (error) {
        failures.push(`${undo.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}

/** Everything still open in the run, so Ctrl-C and fatal errors can undo it. */
const open = new Set<Cleanup>();
let interruptedBy: NodeJS.Signals | undefined;

/** The signal that interrupted the run, if any: the run stops starting new work and lets the signal handler exit. */
export function interrupted(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** Runs `body` with a fresh Cleanup that is always run afterwards (also on Ctrl-C via runAllOnSignal). */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>, warn: (line: string) => void): Promise<T> {
  const cleanup = new Cleanup();
  open.add(cleanup);
  try {
    return await body(cleanup);
  } finally {
    for (const failure of await cleanup.run()) warn(`cleanup: ${failure}`);
    open.delete(cleanup);
  }
}

/** On SIGINT/SIGTERM: undo everything that is open, then exit 130/143. */
export function runAllOnSignal(warn: (line: string) => void): void {
  const stop = (signal: NodeJS.Signals, code: number): void => {
    if (interruptedBy) return;
    interruptedBy = signal;
    warn(`\n${signal}: cleaning up…`);
    void (async () => {
      for (const cleanup of [...open].reverse()) {
        for (const failure of await cleanup.run()) warn(`cleanup: ${failure}`);
      }
      warn(`${signal}: cleaned up; no results written`);
      process.exit(code);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT', 130));
  process.on('SIGTERM', () => stop('SIGTERM', 143));
}
