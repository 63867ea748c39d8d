// Time until the editor is interactive in Chromium, loaded from `vnet serve` (the web
// console) running in a namespace of the bench. "Interactive" means: the "Virtual networks"
// table shows the vmnet8 row (the stored config came from the API and was rendered) and the
// "Add Network…" button is enabled. Baseline: the same browser loading a blank page with
// one button from a tiny HTTP server in the same namespace (the floor of any page load).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type * as Playwright from 'playwright-core';
import type { BenchCase, BenchContext, Outcome } from '../context';
import { checkedConfig } from '../configs';
import { defaultConfig } from '../../src-shared/model';
import { alternate } from '../harness';
import { Netns } from '../netns';
import { waitFor, type Daemon } from '../proc';
import { makeResult } from '../results';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Chromium 156 starts a renderer for its omnibox popup (a WebUI page of lit, mojo and
  // search-box modules) with every new window: ~250 ms of CPU, traced running beside the
  // first 300 ms of each load on this 2-core VM. It is the browser's chrome, not either
  // page's cost, and a headless run never shows an omnibox. Its "AI mode" popup is a
  // feature of its own: with WebUIOmniboxPopup alone, the trace of a new window still
  // loads chrome://omnibox-popup.top-chrome; with both, no WebUI renderer starts.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,PreloadTopChromeWebUI',
];

/** The console's URL from the first line `vnet serve` prints. */
export function consoleUrl(output: string): string | null {
  return /^(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)\s*$/m.exec(output)?.[1] ?? null;
}

const BLANK_SERVER = `
const http = require('node:http');
const page = '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body><button>Add Network…</button></body></html>';
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }); res.end(page); });
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port + '/'));
`;

async function firstUrl(daemon: Daemon, pattern: (output: string) => string | null, what: string): Promise<string> {
  let url: string | null = null;
  await waitFor(
    what,
    async () => {
      if (daemon.exited()) throw new Error(`${what}: exited: ${daemon.output().trim()}`);
      url = pattern(daemon.output());
      return url !== null;
    },
    30_000,
  );
  return url!;
}

/** Loads `url` in a fresh browser context (no cache, no cookies) and returns ms until `ready` resolves. */
async function timedLoad(browser: Browser, url: string, ready: (page: Page) => Promise<void>): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const begin = process.hrtime.bigint();
    await page.goto(url, { waitUntil: 'commit' });
    await ready(page);
    return Number(process.hrtime.bigint() - begin) / 1e6;
  } finally {
    await context.close();
  }
}

async function editorReady(page: Page): Promise<void> {
  const table = page.getByRole('table', { name: 'Virtual networks' });
  await table.getByRole('row').filter({ hasText: 'vmnet8' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const add = page.getByRole('button', { name: 'Add Network…' });
  await add.waitFor({ state: 'visible', timeout: 30_000 });
  // Enabled: poll until the button accepts clicks (MUI disables buttons while loading).
  const deadline = Date.now() + 30_000;
  while (!(await add.isEnabled())) {
    if (Date.now() > deadline) throw new Error("the editor's Add Network… button stayed disabled for 30 s");
    await page.waitForTimeout(5);
  }
}

/** Not part of the numbers: where one load of the editor spends its time, from the browser's own timings. */
async function explainEditor(browser: Browser, url: string, log: (line: string) => void): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const begin = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await editorReady(page);
    const readyAt = Date.now() - begin;
    // The editor's code takes over the drawn screen after it is shown (src-renderer/src/boot.tsx marks the moment).
    await page.waitForFunction(() => performance.getEntriesByName('vnet:editor-ready').length > 0, undefined, { timeout: 30_000 });
    const timings = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
        name: new URL(r.name).pathname,
        start: r.startTime,
        end: r.responseEnd,
        bytes: r.encodedBodySize,
      }));
      return {
        html: nav?.responseEnd ?? 0,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? 0,
        painted: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
        takenOver: performance.getEntriesByName('vnet:editor-ready')[0]?.startTime ?? 0,
        resources,
      };
    });
    log(`editor: where one load spends its time (ms from navigation; ready at about ${readyAt} ms by the bench's clock)`);
    log(`  ${timings.html.toFixed(0).padStart(6)}  page received`);
    for (const r of timings.resources)
      log(
        `  ${r.start.toFixed(0).padStart(6)}–${r.end.toFixed(0)}  ${r.name}${r.bytes > 0 ? ` (${(r.bytes / 1024).toFixed(0)} KiB)` : ''}`,
      );
    log(`  ${timings.domContentLoaded.toFixed(0).padStart(6)}  DOMContentLoaded (the page parsed, its entry script ran)`);
    log(`  ${timings.painted.toFixed(0).padStart(6)}  first contentful paint (the drawn networks on screen)`);
    log(
      `  ${timings.takenOver.toFixed(0).padStart(6)}  the editor's code has taken the screen over (hydrated; clicks held until then are given again)`,
    );
  } finally {
    await context.close();
  }
}

async function blankReady(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'Add Network…' });
  await button.waitFor({ state: 'visible', timeout: 30_000 });
  if (!(await button.isEnabled())) throw new Error('blank page button disabled');
}

export const editorCase: BenchCase = {
  id: 'editor',
  entries: ['editor-load-ms'],
  async run(ctx: BenchContext): Promise<Outcome> {
    const { cleanup, repoRoot, log } = ctx;
    const ns = await Netns.create(cleanup, 'e');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vne-bench-editor-'));
    cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const env = { ...process.env, VNET_CONFIG_DIR: path.join(dir, 'config'), VNET_STATE_DIR: path.join(dir, 'state') };

    // A host that has been set up before: VMware's three default networks stored (not applied; loading the editor changes nothing).
    mkdirSync(env.VNET_CONFIG_DIR, { recursive: true });
    writeFileSync(path.join(env.VNET_CONFIG_DIR, 'networks.json'), `${JSON.stringify(checkedConfig(defaultConfig()), null, 2)}\n`);
    const serve = ns.daemon(cleanup, process.execPath, [path.join(repoRoot, 'bin', 'vnet.cjs'), 'serve'], { env });
    const editorUrl = await firstUrl(serve, consoleUrl, 'vnet serve to print its URL');
    const blankFile = path.join(dir, 'blank-server.cjs');
    writeFileSync(blankFile, BLANK_SERVER);
    const blank = ns.daemon(cleanup, process.execPath, [blankFile]);
    const blankUrl = await firstUrl(blank, (out) => /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)?.[1] ?? null, 'the blank page server');

    // Chromium runs inside the namespace too, so it reaches the console's 127.0.0.1 there and nothing of the host.
    const wrapper = path.join(dir, 'chromium-in-namespace');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns.name} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const { chromium } = createRequire(path.join(repoRoot, 'package.json'))('playwright-core') as typeof Playwright;
    const browser = await chromium.launch({ executablePath: wrapper, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    cleanup.add('close Chromium', () => browser.close());

    // One untimed load of each first: Chromium's own start-up cost is paid before any measurement.
    await timedLoad(browser, blankUrl, blankReady);
    await timedLoad(browser, editorUrl, editorReady);
    log(`editor: ${ctx.settings.editorReps} loads of the editor and of a blank page, alternated, each in a fresh browser context`);
    const [editor, blankPage] = await alternate(
      [
        { label: 'editor (vnet serve)', measure: () => timedLoad(browser, editorUrl, editorReady) },
        { label: 'blank page', measure: () => timedLoad(browser, blankUrl, blankReady) },
      ],
      ctx.settings.editorReps,
      log,
    );
    await explainEditor(browser, editorUrl, log);
    return {
      skipped: [],
      results: [
        makeResult(
          { name: 'editor-load-ms', unit: 'ms', baseline: 'blank page, same browser', targets: [{ of: 'ratio', op: '<=', limit: 2 }] },
          editor!,
          blankPage!,
        ),
      ],
    };
  },
};
