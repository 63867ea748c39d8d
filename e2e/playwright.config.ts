// End-to-end tests: the editor in Debian's Chromium (never a downloaded browser) against
// `vnet serve` and the real engine, each test in namespaces of its own; and the same
// flows in the Electron app where an Electron binary is installed.
import crypto from 'node:crypto';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import type { Options } from './lib/fixtures';

// One id per run, read by lab.ts in every worker (they inherit the runner's environment).
process.env.VNE_E2E_RUN ??= crypto.randomBytes(2).toString('hex').slice(0, 3);

export default defineConfig<Options>({
  testDir: './specs',
  outputDir: './test-results',
  globalSetup: './lib/global-setup.ts',
  globalTeardown: './lib/global-teardown.ts',
  // Namespace setup, apply and DHCP are real; a test takes 10–60 s on a busy 2-core machine.
  timeout: 150_000,
  // Host changes are real and this machine is shared: give the UI time to show them.
  expect: { timeout: 30_000 },
  // Every test has its own namespaces and folders, so tests of one file may run side by side.
  fullyParallel: true,
  // Two workers halve the wall time on 2 cores; each test's namespaces are its own.
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  // A stray `.only` must fail the run, not quietly shrink it: always, not only under CI.
  forbidOnly: true,
  // test-all.mjs sets PLAYWRIGHT_JSON_OUTPUT_NAME and counts the JSON report.
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? path.join(__dirname, 'test-results', 'report.json') }],
    ['./lib/skip-reasons.ts'],
  ],
  use: {
    actionTimeout: 20_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'web', use: { frontDoor: 'web' } },
    { name: 'electron', use: { frontDoor: 'electron' } },
  ],
});
