// The runner's closing line tells the truth: a file whose beforeAll (or afterAll) throws is
// counted as failed, not as skipped. Proven on a real vitest run of deliberately broken files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closing, countPlaywright, countVitest, everyStageRequired, type Counts } from '../../../scripts/lib/test-counts.mjs';

const repo = path.resolve(__dirname, '../../..');
const fixtures = path.join(repo, 'test/fixtures/runner');

/** Runs vitest on the fixture suite as test-all.mjs runs a project, and returns its JSON report. */
function runFixtureSuite(): unknown {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vne-runner-')), 'report.json');
  // The child must not think it is a worker of this run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  const result = spawnSync(
    process.execPath,
    [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', fixtures, '--reporter=json', `--outputFile.json=${out}`],
    { cwd: fixtures, env: { ...env, NODE_ENV: 'test' }, encoding: 'utf8' },
  );
  if (!fs.existsSync(out)) throw new Error(`vitest wrote no report (exit ${result.status}): ${result.stderr}`);
  expect(result.status).not.toBe(0);
  const report: unknown = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return report;
}

describe('a real vitest run with a broken beforeAll and a broken afterAll', () => {
  let report: { numFailedTests: number; numPendingTests: number };
  let counts: Counts;
  beforeAll(() => {
    report = runFixtureSuite() as typeof report;
    counts = countVitest(report);
  }, 60_000);

  it('is what vitest reports as no failures (the lie this guards against)', () => {
    expect(report.numFailedTests).toBe(0);
    expect(report.numPendingTests).toBe(3);
  });

  it('counts the tests the broken beforeAll kept from running, and the file whose afterAll broke, as failed', () => {
    expect(counts).toMatchObject({ passed: 3, failed: 3, skipped: 1 });
    expect(counts.brokenFiles.map((file) => path.basename(file)).sort()).toEqual([
      'broken-after-all.fixture.ts',
      'broken-before-all.fixture.ts',
    ]);
  });

  it('ends the run red, with the count alone on the last line', () => {
    const { lines, exitCode } = closing({ counted: { unit: counts }, failedStages: [], notRun: [], requireAll: false });
    expect(exitCode).toBe(1);
    expect(lines.at(-1)).toBe('3 passed, 3 failed, 1 skipped');
    expect(lines.at(-2)).toBe('By stage: unit 3 passed, 3 failed, 1 skipped');
    expect(lines.filter((line) => line.includes('setup or teardown failed'))).toHaveLength(2);
  });
});

describe('the closing lines', () => {
  const healthy = (passed: number, skipped = 0): Counts => ({ passed, failed: 0, skipped, brokenFiles: [] });
  const integrationNotRun = [{ name: 'integration', why: 'it needs root' }];

  it('name each stage and end with the total alone on its line', () => {
    const { lines, exitCode } = closing({
      counted: { unit: healthy(600, 2), integration: healthy(150), e2e: healthy(40, 6) },
      failedStages: [],
      notRun: [],
      requireAll: true,
    });
    expect(exitCode).toBe(0);
    expect(lines).toEqual([
      'By stage: unit 600 passed, 0 failed, 2 skipped; integration 150 passed, 0 failed; e2e 40 passed, 0 failed, 6 skipped',
      '790 passed, 0 failed, 8 skipped',
    ]);
  });

  it('fail the run when a stage did not run under CI, and only say so otherwise', () => {
    const local = closing({ counted: { unit: healthy(10) }, failedStages: [], notRun: integrationNotRun, requireAll: false });
    expect(local.exitCode).toBe(0);
    expect(local.lines[0]).toBe('NOT RUN: integration: it needs root');
    const ci = closing({ counted: { unit: healthy(10) }, failedStages: [], notRun: integrationNotRun, requireAll: true });
    expect(ci.exitCode).toBe(1);
    expect(ci.lines).toContain('Failed stages: integration (not run)');
    expect(ci.lines.at(-1)).toBe('10 passed, 0 failed');
  });

  it('fail the run when a check failed though every test passed', () => {
    expect(closing({ counted: { unit: healthy(10) }, failedStages: ['lint'], notRun: [], requireAll: false }).exitCode).toBe(1);
  });
});

it('requires every stage under CI=true and under .ci/run, not on a developer machine', () => {
  expect(everyStageRequired({ CI: 'true' })).toBe(true);
  expect(everyStageRequired({ CI: '1' })).toBe(true);
  expect(everyStageRequired({ VNE_CI_RUN: '1' })).toBe(true);
  expect(everyStageRequired({})).toBe(false);
  expect(everyStageRequired({ CI: 'false' })).toBe(false);
});

it('counts Playwright errors outside any test (a broken global setup) as failed', () => {
  const counts = countPlaywright({
    stats: { expected: 5, unexpected: 0, flaky: 1, skipped: 2 },
    errors: [{ message: 'globalSetup threw' }],
  });
  expect(counts).toMatchObject({ passed: 6, failed: 1, skipped: 2 });
});

it('fails a stray .only in every run, not only under CI', async () => {
  // Loaded by path: the configs belong to no TypeScript project of their own.
  const load = async (file: string) => ((await import(path.join(repo, file))) as { default: Record<string, unknown> }).default;
  const vitestConfig = (await load('vitest.config.mts')) as { test?: { allowOnly?: boolean } };
  expect(vitestConfig.test?.allowOnly).toBe(false);
  expect((await load('e2e/playwright.config.ts')).forbidOnly).toBe(true);
});
