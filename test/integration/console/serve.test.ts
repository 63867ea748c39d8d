// The web console end to end: `vnet serve` runs inside a network namespace, Debian's
// Chromium (run inside the same namespace) loads the editor from it, signs in with the
// printed token and calls the API through window.vnet (the web console's HTTP client),
// which reaches the real engine: plan, apply (a real bridge appears), status and events.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src-shared/model';
import { hostOnlyNetwork, natNetwork } from '../../../src-shared/model';
import type { VnetApi } from '../../../src-shared/ipc/api';
import { cliBundle, ensureCliBuilt, must, repoRoot, Sandbox, vnetDirs, waitFor, type Netns, type VnetDirs } from '../lib/netns';

declare global {
  interface Window {
    vnet?: VnetApi;
  }
}

const sandbox = new Sandbox();
let host: Netns;
let dirs: VnetDirs;
let server: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;

function config(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')] };
}

/** Starts `vnet serve` inside the namespace and returns the URL from its first stdout line. */
async function startServe(): Promise<string> {
  server = spawn('ip', ['netns', 'exec', host.name, process.execPath, cliBundle, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      ...process.env,
      VNET_CONFIG_DIR: dirs.config,
      VNET_STATE_DIR: dirs.state,
      VNET_RENDERER_DIR: path.join(repoRoot, 'dist/renderer'),
    },
  });
  sandbox.track(server);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`vnet serve printed no URL: ${err}`)), 20_000);
    server.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline));
      }
    });
    server.on('exit', (code) => reject(new Error(`vnet serve exited (${code}): ${err}`)));
  });
}

beforeAll(async () => {
  await ensureCliBuilt();
  if (!fs.existsSync(path.join(repoRoot, 'dist/renderer/index.html'))) {
    await must([process.execPath, path.join(repoRoot, 'scripts/build.mjs'), 'renderer'], { timeoutMs: 180_000 });
  }
  const outside = await sandbox.netns('cout');
  host = await sandbox.netns('console');
  await sandbox.veth(host, 'up0', outside, 'o0', '10.98.0.1/24', '10.98.0.2/24');
  await host.ip('route', 'add', 'default', 'via', '10.98.0.2');
  dirs = vnetDirs(sandbox);
  url = await startServe();
  // Chromium aborts requests in flight with ERR_NETWORK_CHANGED when an address changes, and
  // up0's IPv6 link-local address leaves its tentative state (DAD) a second or two after it
  // comes up: under load that landed on the second test's first request. Start the browser
  // once the namespace's addresses are settled.
  await host.addressesSettled();

  // Chromium must run in the namespace to reach the server's 127.0.0.1 there.
  const wrapper = path.join(sandbox.tempDir('chromium'), 'chromium-in-netns');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${host.name} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
  browser = await chromium.launch({
    executablePath: wrapper,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 60_000,
  });
  page = await browser.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  // Take down what apply created (inside the namespace) before the namespace goes.
  if (host && dirs) {
    await host.exec([process.execPath, cliBundle, 'down'], {
      env: { ...process.env, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state },
    });
  }
  await sandbox.cleanup();
});

describe('web console in Chromium', () => {
  it('prints the loopback URL with a token first', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('signs in with the token, drops it from the address and loads the editor', async () => {
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(url.replace(/\?token=.*$/, ''));
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: `vnet_session_${new URL(url).port}`, httpOnly: true, sameSite: 'Strict' })]);
    // The page's own title, or the editor's once React has the defaults (unsaved, so marked "• ").
    expect(await page.title()).toMatch(/^(• )?Virtual Network Editor$/);
    await page.waitForFunction(() => window.vnet !== undefined, undefined, { timeout: 20_000 });
  });

  it('reaches the real engine: defaults, plan, apply, status, and pushes', async () => {
    const info = await page.evaluate(() => window.vnet!.appInfo());
    expect(info).toMatchObject({ frontDoor: 'web', nativeDialogs: false, privilege: 'root' });

    const loaded = await page.evaluate(() => window.vnet!.getConfig());
    expect(loaded.source).toBe('defaults');
    expect(loaded.config.networks.map((n) => n.name)).toEqual(['vmnet0', 'vmnet1', 'vmnet8']);

    const plan = await page.evaluate((c) => window.vnet!.plan({ config: c }), config());
    expect(plan.operations.length).toBeGreaterThan(0);
    expect(plan.operations.some((op) => op.network === 'vmnet8')).toBe(true);

    // Apply progress arrives as server-sent events while the apply request runs.
    const [progress, result] = await page.evaluate(async (c) => {
      const steps: string[] = [];
      let lastStepDone: () => void = () => undefined;
      const allDone = new Promise<void>((resolve) => (lastStepDone = resolve));
      const off = window.vnet!.on('applyProgress', (p) => {
        steps.push(`${p.step}/${p.total} ${p.phase}`);
        if (p.step === p.total && p.phase !== 'running') lastStepDone();
      });
      // The stream is connected once the first status push arrives through it.
      await new Promise<void>((resolve) => {
        const offStatus = window.vnet!.on('status', () => {
          offStatus();
          resolve();
        });
      });
      const applied = await window.vnet!.apply({ config: c });
      // Events and the response travel separately: wait for the last step's event itself.
      const timedOut = await Promise.race([allDone.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 30_000))]);
      off();
      return [timedOut ? [...steps, 'no event for the last step within 30 s'] : steps, applied] as const;
    }, config());
    expect(result.ok, result.error).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/^(\d+)\/\1 done$/);
    const links = JSON.parse(await host.ip('-j', 'link', 'show', 'type', 'bridge')) as { ifname: string }[];
    expect(links.map((l) => l.ifname).sort()).toEqual(['vmnet1', 'vmnet8']);

    const status = await page.evaluate(() => window.vnet!.status());
    expect(status.find((n) => n.name === 'vmnet8')).toMatchObject({ up: true, subnet: '192.168.133.0/24' });

    // Pushes: a listener that subscribes now gets the current status at once (then changes).
    const pushed = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const off = window.vnet!.on('status', (networks) => {
            off();
            resolve(networks.map((n) => n.name));
          });
        }),
    );
    expect(pushed.sort()).toEqual(['vmnet1', 'vmnet8']);

    const stored = await page.evaluate(() => window.vnet!.getConfig());
    expect(stored.source).toBe('stored');
    await waitFor(
      'the plan to be empty',
      async () => (await page.evaluate((c) => window.vnet!.plan({ config: c }), config())).operations.length === 0,
    );
  });

  it('refuses what the contract and the app do not allow, with clear messages', async () => {
    const refused = await page.evaluate(async () => {
      const messages: string[] = [];
      for (const call of [
        () => window.vnet!.leases({ network: 'docker0' }),
        () => window.vnet!.plan({ config: { version: 1, networks: [{ name: 'bad name', type: 'bridged', bridge: { uplink: 'auto' } }] } }),
        () => window.vnet!.openImportFile(),
      ]) {
        await call().then(
          () => messages.push('accepted'),
          (e: Error) => messages.push(e.message),
        );
      }
      return messages;
    });
    expect(refused[0]).toMatch(/"docker0" is not a network this app manages/);
    expect(refused[1]).toMatch(/config\.networks\[0\]\.name/);
    expect(refused[2]).toMatch(/only available in the desktop app/);
  });

  it('refuses another site on the same machine, even though the browser sends the session cookie', async () => {
    // Another web app on 127.0.0.1 (a different port: same site, so SameSite=Strict still
    // sends the cookie) tries CSRF. The console refuses foreign Origins (asserted request by
    // request in test/unit/console); here, in a real browser, the attack must change nothing.
    const other = host.spawn([
      process.execPath,
      '-e',
      "require('node:http').createServer((q, s) => s.end('<title>other app</title>')).listen(0, '127.0.0.1', function () { console.log(this.address().port); });",
    ]);
    const otherPort = await new Promise<number>((resolve) =>
      other.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    const page2 = await browser.newPage();
    try {
      await page2.goto(`http://127.0.0.1:${otherPort}/`);
      expect(await page2.title()).toBe('other app');
      const target = new URL(url).origin;
      const attack = {
        config: {
          version: 1,
          networks: [
            {
              name: 'evil0',
              type: 'hostonly',
              subnet: '10.66.0.0/24',
              hostAdapter: { enabled: true, address: '10.66.0.1' },
              dhcp: { enabled: false, rangeStart: '10.66.0.100', rangeEnd: '10.66.0.200' },
            },
          ],
        },
      };
      const outcomes = await page2.evaluate(
        async ({ t, body }) => {
          const tries = [
            // A "simple" request (no preflight), as a form or CSRF script would send it.
            () =>
              fetch(`${t}/api/apply`, {
                method: 'POST',
                mode: 'no-cors',
                headers: { 'content-type': 'text/plain' },
                body,
                credentials: 'include',
              }),
            // A JSON request (the browser asks first with a preflight).
            () =>
              fetch(`${t}/api/apply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, credentials: 'include' }),
          ];
          const results: string[] = [];
          for (const attempt of tries) {
            try {
              const r = await attempt();
              results.push(r.type === 'opaque' ? 'opaque' : `read ${r.status}`);
            } catch {
              results.push('blocked');
            }
          }
          return results;
        },
        { t: target, body: JSON.stringify(attack) },
      );
      // Nothing was readable by the other site, and nothing changed on the host.
      expect(
        outcomes.every((o) => o === 'blocked' || o === 'opaque'),
        outcomes.join(),
      ).toBe(true);
      const links = JSON.parse(await host.ip('-j', 'link', 'show')) as { ifname: string }[];
      expect(links.map((l) => l.ifname)).not.toContain('evil0');
      const stored = await page.evaluate(() => window.vnet!.getConfig());
      expect(stored.config.networks.map((n) => n.name)).toEqual(['vmnet1', 'vmnet8']);
    } finally {
      await page2.close();
      other.kill('SIGKILL');
    }
  });
});
