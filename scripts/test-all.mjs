#!/usr/bin/env node
// Runs every test stage and ends with one line `N passed, N failed` that counts
// every test that ran. Checks (typecheck, lint, build) fail the run if they fail.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const isRoot = process.getuid?.() === 0;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedStages = [];
const notRun = [];

function stage(name, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s ===`);
  if (!ok) failedStages.push(name);
  return ok;
}

function countVitest(file, name) {
  if (!existsSync(file)) {
    failedStages.push(`${name} (no report)`);
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A file that failed to load has no tests counted; count it as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) totals.failed += 1;
  }
}

function countPlaywright(file) {
  if (!existsSync(file)) {
    failedStages.push('e2e (no report)');
    return;
  }
  const stats = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  totals.failed += stats.unexpected ?? 0;
  totals.skipped += stats.skipped ?? 0;
}

function vitestProject(project) {
  const out = path.join(reports, `${project}.json`);
  stage(project, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  countVitest(out, project);
}

stage('typecheck', bin('tsc'), ['-b']);
stage('lint', bin('eslint'), ['.', '--max-warnings=0']);
stage('build', process.execPath, ['scripts/build.mjs']);
vitestProject('unit');
if (isRoot) {
  vitestProject('integration');
  if (existsSync(path.join(root, 'e2e/playwright.config.ts'))) {
    const out = path.join(reports, 'e2e.json');
    stage('e2e', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
    countPlaywright(out);
  }
} else {
  notRun.push('integration and end-to-end tests (they create network namespaces, which needs root: run `sudo npm test`)');
}

console.log('');
for (const what of notRun) console.log(`NOT RUN: ${what}`);
if (failedStages.length > 0) console.log(`Failed stages: ${failedStages.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failedStages.length > 0 || totals.failed > 0 ? 1 : 0);
