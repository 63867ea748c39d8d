// The editor's one way to the host: `window.vnet`. In the desktop app the preload
// has installed it over Electron IPC; in a browser (vnet serve) it is the web
// console's HTTP client, installed here. Both have the same VnetApi type.
import { createHttpClient } from '../../../src-shared/ipc/http-client';
import type { VnetApi } from '../../../src-shared/ipc/api';

export type { VnetApi } from '../../../src-shared/ipc/api';
export type { Channel, EventName, EventOf, RequestOf, ResponseOf, ApiError } from '../../../src-shared/ipc/contract';
export { VnetApiError } from '../../../src-shared/ipc/http-client';

declare global {
  interface Window {
    vnet?: VnetApi;
    /** Requests public/early.js sent before the bundle ran, by API path. */
    vnetEarly?: Map<string, Promise<Response>>;
  }
}

/** The answer to a request public/early.js already sent for this call (the first getConfig), taken once. */
function takeEarly(win: Window, url: string, body: string): Promise<Response> | undefined {
  const early = body === '{}' ? win.vnetEarly?.get(url) : undefined;
  win.vnetEarly?.delete(url);
  return early;
}

/** The host API: the preload's when present, else the web console's over HTTP (same origin). */
export function installVnet(win: Window = window): VnetApi {
  if (!win.vnet) {
    win.vnet = createHttpClient({
      baseUrl: '',
      fetch: (url, init) => takeEarly(win, url, init.body) ?? win.fetch(url, init),
      EventSource: (win as Window & typeof globalThis).EventSource ?? globalThis.EventSource,
      wait: (ms) => new Promise((resolve) => win.setTimeout(resolve, ms)),
    });
  }
  return win.vnet;
}
