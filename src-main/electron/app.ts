// The Electron main process as a plain module: everything Electron-specific comes in
// through `electron` (the real module in main.ts, a fake in unit tests). Main is not
// privileged: host changes go through the dispatcher to the helper (or run in-process
// when the app itself runs as root).
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import { IPC_EVENT_CHANNEL } from '../../src-shared/ipc/api';
import type { ResponseOf } from '../../src-shared/ipc/contract';
import type { ImportResult } from '../../src-shared/api/types';
import type { Config } from '../../src-shared/model';
import { NOT_BUILT_PAGE, staticFile } from '../console/static';
import type { FrontDoor } from '../service/front-door';
import type { Importer } from '../service/local';
import { registerIpc, type IpcMainLike } from './ipc';
import { buildMenu, type MenuActions } from './menu';
import {
  appCsp,
  APP_HOST,
  APP_SCHEME,
  APP_URL,
  hardenContents,
  hardenSession,
  isAppUrl,
  webPreferences,
  type ContentsLike,
  type SessionLike,
} from './security';

export interface WindowLike {
  webContents: ContentsLike & { send(channel: string, ...args: unknown[]): void; isDestroyed?(): boolean };
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
}

interface OpenDialogResult {
  canceled: boolean;
  filePaths: string[];
}
interface SaveDialogResult {
  canceled: boolean;
  filePath?: string;
}

/** The parts of the `electron` module the main process uses. */
export interface ElectronLike {
  app: {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    whenReady(): Promise<unknown>;
    on(event: string, listener: (...args: never[]) => void): unknown;
    getVersion(): string;
  };
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  ipcMain: IpcMainLike;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): unknown; setApplicationMenu(menu: never): void };
  dialog: {
    showOpenDialog(window: never, options: Electron.OpenDialogOptions): Promise<OpenDialogResult>;
    showSaveDialog(window: never, options: Electron.SaveDialogOptions): Promise<SaveDialogResult>;
    showMessageBox(window: never, options: Electron.MessageBoxOptions): Promise<unknown>;
  };
  protocol: {
    registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  session: { defaultSession: SessionLike };
}

export interface MainAppOptions {
  /** dist/ (preload.cjs, renderer/) */
  distDir: string;
  iconPath: string;
  importer: Importer;
  /** Builds the front door once native dialogs are known (see service/front-door.ts). */
  createFrontDoor(dialogs: {
    openImportFile: () => Promise<ResponseOf<'openImportFile'>>;
    saveExportFile: (r: { config: Config }) => Promise<ResponseOf<'saveExportFile'>>;
  }): FrontDoor;
}

/** Tells a VMware `networking` file from a libvirt network XML by its first character. */
export function importFormat(text: string): 'vmware' | 'libvirt' {
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<')
    ? 'libvirt'
    : 'vmware';
}

export function createMainApp(electron: ElectronLike, options: MainAppOptions) {
  const { app, dialog } = electron;
  let window: WindowLike | undefined;
  let door: FrontDoor | undefined;
  let unsubscribe: (() => void) | undefined;

  const openImportFile = async (): Promise<ResponseOf<'openImportFile'>> => {
    const picked = await dialog.showOpenDialog(window as never, {
      title: 'Import virtual network settings',
      properties: ['openFile'],
      filters: [
        { name: "VMware 'networking' file or libvirt network XML", extensions: ['*'] },
        { name: 'libvirt network XML', extensions: ['xml'] },
      ],
    });
    const file = picked.filePaths[0];
    if (picked.canceled || !file) return null;
    const head = fs.readFileSync(file, 'utf8').slice(0, 4096);
    const result: ImportResult =
      importFormat(head) === 'libvirt' ? await options.importer.importLibvirt(file) : await options.importer.importVmware(file);
    return { result, path: file };
  };

  const saveExportFile = async ({ config }: { config: Config }): Promise<ResponseOf<'saveExportFile'>> => {
    const picked = await dialog.showSaveDialog(window as never, {
      title: 'Export virtual network settings',
      defaultPath: 'networks.json',
      filters: [{ name: 'Network config (JSON)', extensions: ['json'] }],
    });
    if (picked.canceled || !picked.filePath) return null;
    fs.writeFileSync(picked.filePath, options.importer.exportConfig(config));
    return { path: picked.filePath };
  };

  const send = (event: string, payload: unknown) => {
    if (window && !window.webContents.isDestroyed?.()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  };

  const menuActions: MenuActions = {
    importSettings: () => send('menu', { action: 'import' }),
    exportSettings: () => send('menu', { action: 'export' }),
    restoreDefaults: () => send('menu', { action: 'restoreDefaults' }),
    quit: () => app.quit(),
    about: () =>
      void dialog.showMessageBox(window as never, {
        type: 'info',
        title: 'About Virtual Network Editor',
        message: `Virtual Network Editor ${app.getVersion()}`,
        detail:
          "Manages this host's virtual networks (bridged, host-only and NAT, with DHCP and port forwards) the way VMware's Virtual Network Editor does.\nChanges to the host are made by a small privileged helper; the app itself runs without privileges.",
        icon: options.iconPath,
      }),
  };

  const rendererDir = path.join(options.distDir, 'renderer');
  // Read once: the page's own inline script is allowed by its hash (security.ts).
  let csp: string | undefined;
  const pageCsp = () => (csp ??= appCsp(rendererDir));

  /** Serves dist/renderer under app://vnet/, with the CSP header. */
  const serveApp = (request: Request): Response => {
    const url = new URL(request.url);
    const headers = { 'Content-Security-Policy': pageCsp(), 'X-Content-Type-Options': 'nosniff' };
    if (url.host !== APP_HOST) return new Response('not found', { status: 404, headers });
    const file = staticFile(rendererDir, url.pathname);
    if (file) return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.type } });
    if (url.pathname === '/index.html' || url.pathname === '/') {
      return new Response(NOT_BUILT_PAGE, { status: 200, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
    }
    return new Response('not found', { status: 404, headers });
  };

  const createWindow = async () => {
    const win = new electron.BrowserWindow({
      width: 1100,
      height: 760,
      minWidth: 760,
      minHeight: 520,
      show: false,
      title: 'Virtual Network Editor',
      icon: options.iconPath,
      webPreferences: webPreferences(path.join(options.distDir, 'preload.cjs')),
    });
    window = win;
    hardenContents(win.webContents);
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      unsubscribe?.();
      unsubscribe = undefined;
      if (window === win) window = undefined;
    });
    unsubscribe = door!.events.subscribe((event, payload) => send(event, payload));
    await win.loadURL(APP_URL);
  };

  return {
    /** Starts the app; false when another instance already runs (it gets focused instead). */
    start(): boolean {
      if (!app.requestSingleInstanceLock()) {
        app.quit();
        return false;
      }
      electron.protocol.registerSchemesAsPrivileged([
        { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false } },
      ]);
      app.on('second-instance', () => {
        if (!window) return;
        if (window.isMinimized()) window.restore();
        window.focus();
      });
      app.on('web-contents-created', ((_event: unknown, contents: ContentsLike) => hardenContents(contents)) as never);
      app.on('window-all-closed', () => app.quit());
      app.on('before-quit', () => door?.close());
      void app.whenReady().then(async () => {
        hardenSession(electron.session.defaultSession, pageCsp());
        electron.protocol.handle(APP_SCHEME, serveApp);
        door = options.createFrontDoor({ openImportFile, saveExportFile });
        registerIpc(electron, {
          dispatcher: door.dispatcher,
          isAppWindow: (sender) => window !== undefined && sender === window.webContents,
          isAppUrl,
        });
        electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(buildMenu(menuActions)) as never);
        await createWindow();
      });
      return true;
    },
    /** For tests: the window, the front door and the app-protocol handler. */
    get window() {
      return window;
    },
    get frontDoor() {
      return door;
    },
    serveApp,
  };
}
