// The real entry point (src-main/electron/main.ts), bundled as for the app, started
// under Node with a stand-in `electron` module: it must wire everything up (window
// on app://vnet, preload next to it, one handler per channel, menu, CSP) and answer IPC.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src-shared/ipc/contract';

const root = path.resolve(__dirname, '../../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-main-bundle-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// Loaded with `node -r`: answers require('electron') with a recorder, then drives one IPC call.
const FAKE_ELECTRON = `
const Module = require('node:module');
const report = { handlers: [], windows: [], menu: null, csp: null, schemes: [] };
let ready;
const readyPromise = new Promise((r) => (ready = r));
const on = () => {};
class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.webContents = { on, send() {}, setWindowOpenHandler() {}, isDestroyed: () => false };
    report.windows.push(this);
  }
  async loadURL(url) { this.url = url; }
  once() {} on() {} show() {} focus() {} isMinimized() { return false; } restore() {}
}
const handlers = new Map();
const fake = {
  app: { isPackaged: false, getAppPath: () => '/app', getVersion: () => '0.1.0', requestSingleInstanceLock: () => true, quit() {}, on, whenReady: () => readyPromise },
  BrowserWindow,
  ipcMain: { handle: (c, f) => handlers.set(c, f), removeHandler: (c) => handlers.delete(c) },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => (report.menu = m.map((i) => i.label)) },
  dialog: {},
  protocol: { registerSchemesAsPrivileged: (s) => report.schemes.push(...s.map((x) => x.scheme)), handle() {} },
  session: { defaultSession: {
    webRequest: { onHeadersReceived: (f) => f({ responseHeaders: {} }, (r) => (report.csp = r.responseHeaders['Content-Security-Policy'][0])) },
    setPermissionRequestHandler() {}, setPermissionCheckHandler() {},
  } },
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'electron' ? 'electron' : resolve.call(this, request, ...rest); };
require.cache.electron = { id: 'electron', filename: 'electron', loaded: true, exports: fake };
process.nextTick(async () => {
  ready();
  await new Promise((r) => setTimeout(r, 200));
  const win = report.windows[0];
  report.handlers = [...handlers.keys()];
  report.window = { url: win.url, preload: win.options.webPreferences.preload, sandbox: win.options.webPreferences.sandbox, contextIsolation: win.options.webPreferences.contextIsolation, nodeIntegration: win.options.webPreferences.nodeIntegration };
  const event = { sender: win.webContents, senderFrame: { url: 'app://vnet/index.html', parent: null } };
  report.validate = await handlers.get('vnet:validateConfig')(event, { config: { version: 1, networks: [{ name: '1bad', type: 'bridged', bridge: { uplink: 'auto' } }] } });
  report.privilege = (await handlers.get('vnet:appInfo')(event, {})).result.privilege;
  report.foreign = await handlers.get('vnet:validateConfig')({ ...event, senderFrame: { url: 'https://evil.example/', parent: null } }, { config: {} });
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
});
`;

describe('dist/main.cjs entry point', () => {
  it('starts and wires the window, IPC, menu and CSP', async () => {
    const bundle = path.join(work, 'main.cjs');
    await build({
      entryPoints: [path.join(root, 'src-main/electron/main.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron'],
      logLevel: 'silent',
    });
    fs.writeFileSync(path.join(work, 'fake-electron.cjs'), FAKE_ELECTRON);
    // As an ordinary user (as the app runs): nothing reaches the engine, and the live-status
    // polls that start with the window must not try to elevate (no helper runs here).
    fs.chmodSync(work, 0o755);
    const node = [process.execPath, '-r', path.join(work, 'fake-electron.cjs'), bundle];
    const argv = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...node] : node;
    const out = execFileSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        VNET_RUNTIME_DIR: path.join(work, 'no-helper'),
        VNET_CONFIG_DIR: path.join(work, 'config'),
        VNET_STATE_DIR: path.join(work, 'state'),
      },
    });
    const report = JSON.parse(out);
    expect(report.schemes).toEqual(['app']);
    expect(report.window).toEqual({
      url: 'app://vnet/index.html',
      preload: path.join(work, 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect([...report.handlers].sort()).toEqual(CHANNELS.map((c) => `vnet:${c}`).sort());
    expect(report.menu).toEqual(['&File', '&Edit', '&Help']);
    expect(report.csp).toMatch(/script-src 'self'/);
    expect(report.validate).toMatchObject({ ok: true, result: { ok: false, errors: [{ path: ['networks', 0, 'name'] }] } });
    expect(report.privilege).toBe('not-elevated');
    expect(report.foreign).toMatchObject({ ok: false, error: { code: 'denied' } });
  });
});
