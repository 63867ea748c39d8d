// The window's security settings in one place, so they can be asserted by tests:
// an isolated, sandboxed renderer without Node, a CSP without remote script or any
// inline script but the page's own (by hash), no navigation away from the app, no new
// windows, no permissions.
import type { WebPreferences } from 'electron';
import { editorCsp } from '../../src-shared/ipc/csp';
import { staticFile } from '../console/static';
import { inlineScriptHashes } from '../inline-scripts';

/** The app's own origin: files of dist/renderer served by the `app:` protocol. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'vnet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const APP_CSP = editorCsp("'none'");

/** The CSP for the page `rendererDir` holds: APP_CSP with the hashes of its own inline scripts. */
export function appCsp(rendererDir: string): string {
  const file = staticFile(rendererDir, '/index.html');
  return file ? editorCsp("'none'", inlineScriptHashes(file.body.toString('utf8'))) : APP_CSP;
}

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** True for URLs of the app's own pages (and nothing else: not file:, not http:). */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

interface HeadersDetails {
  responseHeaders?: Record<string, string | string[]>;
}
export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void) => void,
    ): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** CSP on every response, and every permission (camera, notifications, …) denied. */
export function hardenSession(session: SessionLike, csp = APP_CSP): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface ContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** No navigation to anything else, no new windows, no webviews. */
export function hardenContents(contents: ContentsLike): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
