#!/usr/bin/env node
// Looks at the real editor served by the real web console (`vnet serve`) on the
// real engine, confined to a network namespace this script creates and deletes:
//   node test/unit/renderer/harness/console-shots.mjs [OUTDIR]
// Needs root (ip netns), dist/cli.cjs and dist/renderer (node scripts/build.mjs cli renderer).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../..');
const out = path.resolve(process.argv[2] ?? '/tmp/vne-console-shots');
mkdirSync(out, { recursive: true });

if (process.env.VNE_INSIDE_NS !== '1') {
  // Outside: make the namespace, re-run this script inside it, always clean up.
  const ns = `vne-ed-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vne-ed-'));
  let status = 1;
  try {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    // A stand-in wired uplink with a default route, so "Automatic" bridging has something to pick.
    execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0-peer', 'up']);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.77.0.2/24', 'dev', 'eth0']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    execFileSync('ip', ['-n', ns, 'route', 'add', 'default', 'via', '10.77.0.1']);
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, fileURLToPath(import.meta.url), out], {
      stdio: 'inherit',
      env: { ...process.env, VNE_INSIDE_NS: '1', VNET_CONFIG_DIR: path.join(tmp, 'config'), VNET_STATE_DIR: path.join(tmp, 'state') },
    });
    status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    try {
      execFileSync('ip', ['netns', 'exec', ns, process.execPath, path.join(root, 'bin/vnet.cjs'), 'down'], {
        stdio: 'ignore',
        env: { ...process.env, VNET_CONFIG_DIR: path.join(tmp, 'config'), VNET_STATE_DIR: path.join(tmp, 'state') },
      });
    } catch {
      // Nothing to take down, or the namespace is going away anyway.
    }
    execFileSync('ip', ['netns', 'del', ns]);
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(status);
}

const { chromium } = await import('playwright-core');
mkdirSync(process.env.VNET_CONFIG_DIR, { recursive: true });
mkdirSync(process.env.VNET_STATE_DIR, { recursive: true });
const server = spawn(process.execPath, [path.join(root, 'bin/vnet.cjs'), 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let text = '';
  server.stdout.on('data', (chunk) => {
    text += chunk;
    const line = text.split('\n')[0];
    if (text.includes('\n')) resolve(line.trim());
  });
  server.on('exit', (code) => reject(new Error(`vnet serve exited with ${code}`)));
});

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
    await page.goto(url);
    const shot = (name) => page.screenshot({ path: path.join(out, `console-${name}-${scheme}.png`) });
    await page.getByRole('table', { name: 'Virtual networks' }).getByText('vmnet8').click();
    await shot('networks');
    if (scheme === 'light') {
      // Apply the defaults for real (inside the namespace) and watch plan and progress.
      await page
        .getByRole('contentinfo')
        .getByRole('button', { name: 'Apply' })
        .click()
        .catch(() => undefined);
      const dialog = page.getByRole('dialog', { name: 'Apply changes' });
      const applyButton = dialog.getByRole('button', { name: /Apply changes|Apply as trial/ });
      await applyButton.or(dialog.getByRole('alert')).first().waitFor({ timeout: 60_000 });
      await shot('apply-plan');
      if (await applyButton.isVisible()) {
        await applyButton.click();
        const keep = page.getByRole('button', { name: 'Keep changes' });
        await keep
          .or(dialog.getByRole('alert'))
          .or(page.getByText(/^Applied \d+ change/))
          .first()
          .waitFor({ timeout: 120_000 });
        await shot('apply-result');
        if (await keep.isVisible()) {
          await keep.click();
          await page.waitForTimeout(1000);
          await shot('trial-kept');
        }
      }
      const close = dialog.getByRole('button', { name: /Close|Cancel/ });
      if (await close.isVisible()) await close.click();
    }
    for (const tab of ['Leases', 'Adapters', 'Services', 'Topology']) {
      await page.getByRole('tab', { name: tab }).click();
      await page
        .getByText(/^Reading|^Loading/)
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 })
        .catch(() => undefined);
      await page.waitForTimeout(2500);
      await shot(tab.toLowerCase());
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`screenshots in ${out}`);
if (problems.length > 0) console.log(problems.join('\n'));
