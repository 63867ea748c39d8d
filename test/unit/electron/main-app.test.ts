// The Electron main process with a fake `electron` module: window security settings,
// CSP, navigation/new-window/permission handlers, IPC sender checks, menu, app protocol.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMainApp, importFormat } from '../../../src-main/electron/app';
import { APP_CSP, APP_URL } from '../../../src-main/electron/security';
import { CHANNELS } from '../../../src-shared/ipc/contract';
import { createFakeElectron, FakeWebContents } from './fake-electron';
import { exampleConfig, fakeFrontDoor, fakeImporter } from '../helper/fakes';

const flush = () => new Promise((r) => setTimeout(r, 20));

async function startApp(page = '<!doctype html><title>editor</title>') {
  const fake = createFakeElectron();
  const door = fakeFrontDoor();
  const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-dist-'));
  fs.mkdirSync(path.join(distDir, 'renderer'));
  fs.writeFileSync(path.join(distDir, 'renderer', 'index.html'), page);
  const main = createMainApp(fake.electron as never, {
    distDir,
    iconPath: '/x/assets/icon.png',
    importer: fakeImporter,
    createFrontDoor: () => door,
  });
  expect(main.start()).toBe(true);
  fake.ready();
  await flush();
  return { fake, door, main, distDir };
}

describe('Electron main process', () => {
  let ctx: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => {
    ctx.door.events.close();
    fs.rmSync(ctx.distDir, { recursive: true, force: true });
  });

  const invoke = (channel: string, event: { sender: unknown; senderFrame: { url: string; parent: unknown } | null }, payload: unknown) =>
    ctx.fake.handlers.get(`vnet:${channel}`)!(event, payload) as Promise<{
      ok: boolean;
      error?: { code: string; message: string };
      result?: unknown;
    }>;
  const own = () => ({ sender: ctx.fake.windows[0]!.webContents, senderFrame: { url: APP_URL, parent: null } });

  it('opens one isolated, sandboxed window without Node, on the app page', () => {
    expect(ctx.fake.windows).toHaveLength(1);
    const win = ctx.fake.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(win.options.webPreferences!.preload).toBe(path.join(ctx.distDir, 'preload.cjs'));
    expect(win.options.icon).toBe('/x/assets/icon.png');
    expect(win.loaded).toEqual(['app://vnet/index.html']);
    expect(ctx.fake.record.schemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  it('takes the single-instance lock and quits when another instance has it', () => {
    const second = createFakeElectron({ singleInstance: false });
    const main = createMainApp(second.electron as never, {
      distDir: '/x',
      iconPath: '/x',
      importer: fakeImporter,
      createFrontDoor: () => fakeFrontDoor(),
    });
    expect(main.start()).toBe(false);
    expect(second.record.quit).toBe(1);
    expect(second.windows).toHaveLength(0);
  });

  it('sets a strict CSP header on every response, without inline or remote script', () => {
    expect(APP_CSP).toContain("default-src 'self'");
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|http|\*)/);
    expect(APP_CSP).toContain("object-src 'none'");
    let response: { responseHeaders?: Record<string, string[]> } = {};
    ctx.fake.record.headersListener!(
      { responseHeaders: { 'Content-Security-Policy': ["script-src 'unsafe-inline'"], 'X-Other': ['1'] } },
      (r) => {
        response = r as typeof response;
      },
    );
    expect(response.responseHeaders!['Content-Security-Policy']).toEqual([APP_CSP]);
    expect(response.responseHeaders!['X-Other']).toEqual(['1']);
  });

  it('denies every permission request and check', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      ctx.fake.record.permissionRequest!({}, permission, (granted) => answers.push(granted));
      answers.push(ctx.fake.record.permissionCheck!({}, permission));
    }
    expect(answers.every((a) => a === false)).toBe(true);
  });

  it('blocks navigation, redirects, webviews and window.open', () => {
    const contents = ctx.fake.windows[0]!.webContents;
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      contents.emit(event, { preventDefault: () => (prevented = true) }, 'https://evil.example/');
      expect(prevented, event).toBe(true);
    }
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('hardens every web contents created later too', () => {
    const other = new FakeWebContents();
    ctx.fake.electron.app.emit('web-contents-created', {}, other);
    expect(other.windowOpenHandler!({ url: 'https://x' })).toEqual({ action: 'deny' });
    expect(other.listeners.get('will-navigate')).toHaveLength(1);
  });

  it('registers one IPC handler per contract channel', () => {
    expect([...ctx.fake.handlers.keys()].sort()).toEqual(CHANNELS.map((c) => `vnet:${c}`).sort());
  });

  it('answers the app window', async () => {
    const reply = await invoke('plan', own(), { config: exampleConfig() });
    expect(reply).toMatchObject({ ok: true, result: { operations: [{ op: 'create-bridge' }] } });
  });

  it('refuses unknown senders: other web contents, foreign pages, sub-frames, vanished frames', async () => {
    const cases = [
      { sender: {}, senderFrame: { url: APP_URL, parent: null } },
      { sender: ctx.fake.windows[0]!.webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: ctx.fake.windows[0]!.webContents, senderFrame: { url: 'file:///etc/passwd', parent: null } },
      { sender: ctx.fake.windows[0]!.webContents, senderFrame: { url: 'app://other/index.html', parent: null } },
      { sender: ctx.fake.windows[0]!.webContents, senderFrame: { url: APP_URL, parent: { url: APP_URL } } },
      { sender: ctx.fake.windows[0]!.webContents, senderFrame: null },
    ];
    for (const event of cases) {
      const reply = await invoke('apply', event, { config: exampleConfig() });
      expect(reply).toMatchObject({ ok: false, error: { code: 'denied', message: expect.stringMatching(/^refused: /) } });
    }
    expect(ctx.door.calls.filter((c) => c.startsWith('apply'))).toEqual([]);
  });

  it('validates payloads before anything runs', async () => {
    for (const payload of [
      { config: { version: 1, networks: [{ name: 'x y', type: 'nat' }] } },
      { config: exampleConfig(), extra: 1 },
      'apply',
      null,
    ]) {
      const reply = await invoke('apply', own(), payload);
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
    expect(ctx.door.calls.filter((c) => c.startsWith('apply'))).toEqual([]);
  });

  it('pushes events to the window on one channel', async () => {
    await new Promise((r) => setTimeout(r, 120));
    const sent = ctx.fake.windows[0]!.webContents.sent;
    expect(sent.some(([channel, name]) => channel === 'vnet:event' && name === 'adapterRates')).toBe(true);
    await invoke('apply', own(), { config: exampleConfig() });
    expect(sent.filter(([, name]) => name === 'applyProgress').map(([, , p]) => (p as { phase: string }).phase)).toEqual([
      'running',
      'done',
    ]);
  });

  it('has the menu: Import…, Export…, Restore Defaults, Quit; Help → About', async () => {
    const menu = ctx.fake.record.menu!;
    const file = (menu.find((m) => m.label === '&File')!.submenu as { label?: string; click?: () => void }[]).filter((i) => i.label);
    expect(file.map((i) => i.label)).toEqual(['&Import…', '&Export…', '&Restore Defaults', '&Quit']);
    const help = menu.find((m) => m.label === '&Help')!.submenu as { label?: string; click?: () => void }[];
    expect(help.map((i) => i.label)).toEqual(['&About Virtual Network Editor']);
    const sent = ctx.fake.windows[0]!.webContents.sent;
    file[0]!.click!();
    file[1]!.click!();
    file[2]!.click!();
    expect(sent.filter(([, name]) => name === 'menu').map(([, , p]) => p)).toEqual([
      { action: 'import' },
      { action: 'export' },
      { action: 'restoreDefaults' },
    ]);
    help[0]!.click!();
    expect(ctx.fake.record.dialogs).toContain('about');
    file[3]!.click!();
    expect(ctx.fake.record.quit).toBe(1);
  });

  it('serves the editor under app://vnet with the CSP, and nothing outside dist/renderer', async () => {
    const serve = ctx.fake.record.protocolHandlers.get('app')!;
    const page = await serve(new Request('app://vnet/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await page.text()).toContain('<title>editor</title>');
    expect((await serve(new Request('app://vnet/../../etc/passwd'))).status).toBe(404);
    expect((await serve(new Request('app://vnet/%2e%2e/%2e%2e/etc/passwd'))).status).toBe(404);
    expect((await serve(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('tells libvirt XML from a VMware networking file', () => {
    expect(importFormat('\uFEFF  <network>')).toBe('libvirt');
    expect(importFormat('VERSION=1,0\nanswer VNET_1_DHCP yes')).toBe('vmware');
  });
});

describe("Electron main process, with the built page's own inline script", () => {
  it('allows that script by its hash in the CSP of the app protocol and of every response, and nothing else inline', async () => {
    const early = 'import("./assets/index-x.js");';
    const ctx = await startApp(
      `<!doctype html><title>editor</title><body><div id="root"></div><script type="module">${early}</script></body>`,
    );
    try {
      const hash = `'sha256-${crypto.createHash('sha256').update(early).digest('base64')}'`;
      const expected = APP_CSP.replace("script-src 'self'", `script-src 'self' ${hash}`);
      expect(expected).not.toBe(APP_CSP);
      const page = await ctx.fake.record.protocolHandlers.get('app')!(new Request('app://vnet/index.html'));
      expect(page.headers.get('content-security-policy')).toBe(expected);
      let response: { responseHeaders?: Record<string, string[]> } = {};
      ctx.fake.record.headersListener!({ responseHeaders: {} }, (r) => {
        response = r as typeof response;
      });
      expect(response.responseHeaders!['Content-Security-Policy']).toEqual([expected]);
      expect(expected).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|http|\*)/);
    } finally {
      ctx.door.events.close();
      fs.rmSync(ctx.distDir, { recursive: true, force: true });
    }
  });
});
