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
  }
}

/** The data block in which `vnet serve` sends the first getConfig's answer with the page (src-main/console/first-page.ts). */
const FIRST_CONFIG_ID = 'vnet-first-config';

/**
 * The answer the page came with, for the first getConfig (taken once: later calls ask the
 * host). Absent from a page not served by `vnet serve`.
 */
function takeFromPage(win: Window, url: string, body: string): Promise<Response> | undefined {
  if (url !== '/api/getConfig' || body !== '{}') return undefined;
  const block = win.document?.getElementById(FIRST_CONFIG_ID);
  if (!block) return undefined;
  block.remove();
  const text = block.textContent ?? '';
  return Promise.resolve({ status: 200, json: () => Promise.resolve(JSON.parse(text) as unknown) } as Response);
}

/** The host API: the preload's when present, else the web console's over HTTP (same origin). */
export function installVnet(win: Window = window): VnetApi {
  if (!win.vnet) {
    win.vnet = createHttpClient({
      baseUrl: '',
      fetch: (url, init) => takeFromPage(win, url, init.body) ?? win.fetch(url, init),
      EventSource: (win as Window & typeof globalThis).EventSource ?? globalThis.EventSource,
      wait: (ms) => new Promise((resolve) => win.setTimeout(resolve, ms)),
    });
  }
  return win.vnet;
}
