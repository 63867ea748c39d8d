// Types for test-counts.mjs, so the unit tests of the runner typecheck.
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  brokenFiles: string[];
}
export interface NotRun {
  name: string;
  why: string;
}
export function countVitest(report: unknown): Counts;
export function countPlaywright(report: unknown): Counts;
export function everyStageRequired(env: Record<string, string | undefined>): boolean;
export function countLine(counts: { passed: number; failed: number; skipped: number }): string;
export function closing(input: { counted: Record<string, Counts>; failedStages: string[]; notRun: NotRun[]; requireAll: boolean }): {
  lines: string[];
  exitCode: 0 | 1;
};
