// How test-all.mjs reads the test reports and words its closing lines. Kept apart from the
// runner so a unit test can feed it the reports of real (deliberately broken) runs.

const skippedStates = new Set(['skipped', 'pending']);

/**
 * Counts one vitest JSON report. When a file's setup or teardown throws (beforeAll, afterAll,
 * an import error), vitest marks the file "failed" but lists its tests as skipped (or passed),
 * so those tests are counted as failed here; a broken file with no such tests counts as one.
 */
export function countVitest(report) {
  const counts = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    brokenFiles: [],
  };
  for (const file of report.testResults ?? []) {
    if (file.status !== 'failed') continue;
    const tests = file.assertionResults ?? [];
    if (tests.some((test) => test.status === 'failed')) continue;
    const notRun = tests.filter((test) => skippedStates.has(test.status)).length;
    counts.skipped -= notRun;
    counts.failed += Math.max(notRun, 1);
    counts.brokenFiles.push(file.name);
  }
  return counts;
}

/** Counts one Playwright JSON report; errors outside any test (global setup, a spec that fails to load) count as failed. */
export function countPlaywright(report) {
  const stats = report.stats ?? {};
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: (stats.unexpected ?? 0) + (report.errors ?? []).length,
    skipped: stats.skipped ?? 0,
    brokenFiles: [],
  };
}

/** Whether a stage that cannot run (no root, no e2e config) fails the run: always under CI and under .ci/run. */
export function everyStageRequired(env) {
  const ci = (env.CI ?? '').toLowerCase();
  return (ci !== '' && ci !== '0' && ci !== 'false') || env.VNE_CI_RUN === '1';
}

export function countLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

/**
 * The closing lines: what did not run, which stages failed, each stage's count, and last,
 * alone on its line, the total `N passed, N failed[, N skipped]`. Returns the lines and the exit code.
 */
export function closing({ counted, failedStages, notRun, requireAll }) {
  const lines = [];
  const failed = [...failedStages];
  for (const { name, why } of notRun) {
    lines.push(`NOT RUN: ${name}: ${why}${requireAll ? ' (under CI every stage must run, so this fails the run)' : ''}`);
    if (requireAll) failed.push(`${name} (not run)`);
  }
  for (const [name, counts] of Object.entries(counted)) {
    for (const file of counts.brokenFiles) lines.push(`${name}: setup or teardown failed in ${file}; its tests count as failed`);
  }
  if (failed.length > 0) lines.push(`Failed stages: ${failed.join(', ')}`);
  const stages = Object.entries(counted);
  if (stages.length > 0) lines.push(`By stage: ${stages.map(([name, counts]) => `${name} ${countLine(counts)}`).join('; ')}`);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const [, counts] of stages) for (const key of Object.keys(totals)) totals[key] += counts[key];
  lines.push(countLine(totals));
  return { lines, exitCode: failed.length > 0 || totals.failed > 0 ? 1 : 0 };
}
