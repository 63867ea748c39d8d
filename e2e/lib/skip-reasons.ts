// Prints, after the list, why tests were skipped (the list reporter shows only "-"),
// grouped by reason: a skipped test must never pass for a run that did not happen.
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasons implements Reporter {
  private readonly reasons = new Map<string, string[]>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const reason = [...result.annotations, ...test.annotations].find((a) => a.type === 'skip')?.description ?? 'no reason given';
    const project = test.parent.project()?.name ?? '';
    const key = `[${project}] ${reason}`;
    this.reasons.set(key, [...(this.reasons.get(key) ?? []), test.title]);
  }

  onEnd(): void {
    for (const [reason, titles] of this.reasons) {
      console.log(`\nSKIPPED ${titles.length} test${titles.length === 1 ? '' : 's'} ${reason}`);
    }
  }

  printsToStdio(): boolean {
    return true;
  }
}
