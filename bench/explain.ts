// Where a CLI run spends its time: each line it prints, stamped with the time since the
// process started. `vnet apply` and `vnet down` print one line per finished step, so the
// gaps between lines are the steps' durations (the first one also holds start-up, reading
// the config, inspecting the host and planning).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface StampedLine {
  ms: number;
  text: string;
}

export interface StampedRun {
  totalMs: number;
  code: number | null;
  lines: StampedLine[];
}

/** Runs a command, stamping every line of its stdout and stderr. */
export function stampedRun(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<StampedRun> {
  return new Promise((resolve, reject) => {
    const begin = process.hrtime.bigint();
    const since = (): number => Number(process.hrtime.bigint() - begin) / 1e6;
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: StampedLine[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (text) => lines.push({ ms: since(), text }));
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ totalMs: since(), code, lines: lines.sort((a, b) => a.ms - b.ms) }));
  });
}

/** A few lines for the log: when the first step finished, the slowest steps, and the exit. */
export function explainRun(label: string, run: StampedRun, slowest = 4): string[] {
  const steps = run.lines.filter((l) => /^\[\d+\/\d+\]/.test(l.text));
  if (steps.length === 0) return [`${label}: ${run.totalMs.toFixed(0)} ms, no step lines (exit ${run.code})`];
  const durations = steps.map((s, i) => ({ text: s.text, ms: s.ms - (i === 0 ? 0 : steps[i - 1]!.ms) }));
  const first = durations[0]!;
  const rest = durations.slice(1).sort((a, b) => b.ms - a.ms);
  const stepTotal = rest.reduce((sum, d) => sum + d.ms, 0);
  const tail = run.totalMs - steps.at(-1)!.ms;
  const out = [
    `${label}: ${run.totalMs.toFixed(0)} ms in all, ${steps.length} steps`,
    `  ${first.ms.toFixed(0).padStart(6)} ms  start-up, config, inspection, plan and ${first.text.slice(0, 90)}`,
    `  ${stepTotal.toFixed(0).padStart(6)} ms  the other ${rest.length} steps; slowest:`,
    ...rest.slice(0, slowest).map((d) => `  ${d.ms.toFixed(0).padStart(9)} ms  ${d.text.slice(0, 100)}`),
    `  ${tail.toFixed(0).padStart(6)} ms  after the last step (storing the config, exit)`,
  ];
  return out;
}
