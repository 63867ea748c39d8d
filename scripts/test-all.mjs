#!/usr/bin/env node
// Runs every test stage and ends with one line `N passed, N failed[, N skipped]` that counts
// every test that ran; the line before it gives each stage's count. Checks (typecheck, lint,
// build) fail the run if they fail. Under CI (CI=true, or .ci/run) a stage that cannot run fails too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closing, countPlaywright, countVitest, everyStageRequired } from './lib/test-counts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const isRoot = process.getuid?.() === 0;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const counted = {};
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

function count(name, file, counter) {
  if (!existsSync(file)) {
    failedStages.push(`${name} (no report)`);
    return;
  }
  counted[name] = counter(JSON.parse(readFileSync(file, 'utf8')));
}

function vitestProject(project) {
  const out = path.join(reports, `${project}.json`);
  stage(project, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  count(project, out, countVitest);
}

const needsRoot = 'it creates network namespaces, which needs root: run `sudo npm test`';
stage('typecheck', bin('tsc'), ['-b']);
stage('lint', bin('eslint'), ['.', '--max-warnings=0']);
stage('build', process.execPath, ['scripts/build.mjs']);
vitestProject('unit');
if (isRoot) vitestProject('integration');
else notRun.push({ name: 'integration', why: needsRoot });
if (!isRoot) notRun.push({ name: 'e2e', why: needsRoot });
else if (!existsSync(path.join(root, 'e2e/playwright.config.ts'))) notRun.push({ name: 'e2e', why: 'e2e/playwright.config.ts is missing' });
else {
  const out = path.join(reports, 'e2e.json');
  stage('e2e', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  count('e2e', out, countPlaywright);
}

const { lines, exitCode } = closing({ counted, failedStages, notRun, requireAll: everyStageRequired(process.env) });
console.log('');
for (const line of lines) console.log(line);
process.exit(exitCode);
