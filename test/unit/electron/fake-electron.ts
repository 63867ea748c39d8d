// A fake `electron` module: records what the main process asks of Electron, so the
// window's security settings, handlers and IPC checks can be asserted without the binary.
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';

type Listener = (...args: never[]) => unknown;

class FakeEmitter {
  listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  }
}

export class FakeWebContents extends FakeEmitter {
  sent: unknown[][] = [];
  windowOpenHandler?: (details: { url: string }) => { action: string };
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return false;
  }
}

export function createFakeElectron(options: { singleInstance?: boolean } = {}) {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const windows: FakeWindow[] = [];
  const record = {
    quit: 0,
    menu: undefined as MenuItemConstructorOptions[] | undefined,
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
    headersListener: undefined as undefined | ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    permissionRequest: undefined as undefined | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheck: undefined as undefined | ((wc: unknown, permission: string) => boolean),
    dialogs: [] as string[],
  };
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));

  class FakeWindow extends FakeEmitter {
    webContents = new FakeWebContents();
    loaded: string[] = [];
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      windows.push(this);
    }
    async loadURL(url: string) {
      this.loaded.push(url);
    }
    show() {}
    focus() {}
    isMinimized() {
      return false;
    }
    restore() {}
  }

  const app = Object.assign(new FakeEmitter(), {
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    quit: () => {
      record.quit += 1;
    },
    whenReady: () => readyPromise,
    getVersion: () => '0.1.0',
  });

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, listener),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => template,
      setApplicationMenu: (menu: never) => {
        record.menu = menu as unknown as MenuItemConstructorOptions[];
      },
    },
    dialog: {
      showOpenDialog: async () => {
        record.dialogs.push('open');
        return { canceled: true, filePaths: [] };
      },
      showSaveDialog: async () => {
        record.dialogs.push('save');
        return { canceled: true };
      },
      showMessageBox: async () => {
        record.dialogs.push('about');
        return {};
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => record.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => record.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (listener: typeof record.headersListener) => {
            record.headersListener = listener;
          },
        },
        setPermissionRequestHandler: (h: typeof record.permissionRequest) => {
          record.permissionRequest = h;
        },
        setPermissionCheckHandler: (h: typeof record.permissionCheck) => {
          record.permissionCheck = h;
        },
      },
    },
  };
  return { electron, handlers, windows, record, ready };
}
