#!/usr/bin/env node
// Builds the harness, serves it on 127.0.0.1 and takes screenshots of every view
// at 1024x700 in light and dark: `node test/unit/renderer/harness/screenshots.mjs [OUTDIR]`.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../..');
const site = '/tmp/vne-harness';
const out = path.resolve(process.argv[2] ?? '/tmp/vne-shots');
mkdirSync(out, { recursive: true });

const built = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(here, 'vite.config.ts'), '--logLevel', 'error'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HARNESS_OUT: site, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  },
);
if (built.status !== 0) process.exit(1);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const file = path.join(site, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
  if (!file.startsWith(site) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
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
});
const problems = [];
try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 }, colorScheme: scheme });
    page.on('console', (m) => m.type() === 'error' && problems.push(`${scheme}: console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${scheme}: page error: ${e.message}`));
    await page.goto(base);
    await page.getByRole('row', { name: /vmnet8/ }).click();
    const shot = async (name) => page.screenshot({ path: path.join(out, `${name}-${scheme}.png`) });
    await shot('networks');
    await page.getByRole('button', { name: 'NAT Settings…' }).click();
    await page.getByRole('button', { name: 'Add…' }).click();
    await page.getByLabel('Host port').fill('8080');
    await page.getByLabel('Virtual machine IP address').fill('192.168.56.5');
    await page.getByLabel('Virtual machine port').fill('80');
    await shot('port-forward-invalid');
    await page.getByLabel('Virtual machine IP address').fill('192.168.133.50');
    await page.getByRole('button', { name: 'OK' }).last().click();
    await shot('nat-settings');
    await page.getByRole('button', { name: 'OK' }).last().click();
    await page.getByRole('button', { name: 'DHCP Settings…' }).click();
    await shot('dhcp-settings');
    await page.getByRole('button', { name: 'Cancel' }).last().click();
    await page.getByLabel('Subnet IP').fill('192.168.140.0');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Apply changes' }).waitFor();
    await shot('apply-plan');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.waitForTimeout(300);
    await shot('networks-applied');
    for (const tab of ['Leases', 'Adapters', 'Services', 'Topology']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(1200);
      await shot(tab.toLowerCase());
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`screenshots in ${out}`);
if (problems.length > 0) {
  console.log(problems.join('\n'));
  process.exit(1);
}
