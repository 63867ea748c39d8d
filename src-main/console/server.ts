// `vnet serve`: the editor and its API for a browser, on 127.0.0.1 only.
//   GET  /?token=T      → session cookie, redirect to /
//   GET  /…             → the built editor (dist/renderer); its page carries the settings and
//                          the first screen drawn from them (first-page.ts)
//   POST /api/<channel> → the same operations as window.vnet, JSON in and out
//   GET  /api/events    → pushes as server-sent events
// Every request passes the Guard (Host, Origin, session) first; WebSocket upgrades too.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ApiError, Envelope } from '../../src-shared/ipc/contract';
import type { Dispatcher } from '../service/dispatch';
import type { EventHub } from '../service/events';
import { Guard, newSecret } from './auth';
import { peerOf } from './peer';
import { NOT_BUILT_PAGE, staticFile } from './static';
import { sendEditorPage, type FirstScreen } from './first-page';
import { editorCsp } from '../../src-shared/ipc/csp';
import { inlineScriptHashes } from '../inline-scripts';

/** No remote script, and no inline script (the editor's page adds its own one's hash); MUI's emotion needs inline styles. */
export const CONSOLE_CSP = editorCsp("'self'");

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ConsoleOptions {
  dispatcher: Dispatcher;
  events: EventHub;
  rendererDir: string;
  /** Draws the editor's first screen into its page (first-page.ts); without it the editor draws it in the browser. */
  firstScreen?: FirstScreen;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  maxFailures?: number;
}

export interface ConsoleServer {
  url: string;
  port: number;
  token: string;
  server: http.Server;
  close(): Promise<void>;
}

const STATUS: Record<ApiError['code'], number> = { invalid: 400, denied: 403, failed: 500, unavailable: 503 };

/**
 * No Cross-Origin-Opener-Policy: it would keep a page of another site that opens the console
 * from holding a reference to its window, and that page gets nothing from one. The session
 * cookie is SameSite=Strict, so a window another site opens is not signed in (every answer
 * is a 401); the console frames nothing and is framed by nothing (X-Frame-Options, CSP
 * frame-ancestors), listens to no messages, and site isolation keeps other sites in other
 * processes. What the header costs is measured: Chromium swaps the tab to a new browsing
 * context group, ~30–45 ms before the page can start (bench/analysis.md).
 */
function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const code: ApiError['code'] = status === 400 || status === 413 || status === 415 ? 'invalid' : status === 404 ? 'unavailable' : 'denied';
  sendJson(res, status, { ok: false, error: { code, message } } satisfies Envelope<never>);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The Guard's way to ask who is on a connection: looked up once per connection, and only if asked. */
function askPeer(peers: WeakMap<Socket, string>, socket: Socket): () => string {
  return () => {
    let peer = peers.get(socket);
    if (peer === undefined) peers.set(socket, (peer = peerOf(socket)));
    return peer;
  };
}

export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const token = options.token ?? newSecret();
  // The Guard needs the port, known only once listening; no request arrives before that.
  const state: { guard?: Guard } = {};
  const peers = new WeakMap<Socket, string>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const g = state.guard!;
    const site = g.checkSite(req);
    if (!site.ok) return refuse(res, site.status, site.reason);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';

    const offered = url.searchParams.get('token');
    if (offered !== null && (method === 'GET' || method === 'HEAD')) {
      const verdict = g.exchangeToken(offered, askPeer(peers, req.socket));
      if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
      url.searchParams.delete('token');
      // Redirect so the token leaves the address bar and history.
      res.writeHead(303, {
        'Set-Cookie': g.sessionCookie(verdict.session!),
        Location: `${url.pathname}${url.search}`,
        'Cache-Control': 'no-store',
      });
      return res.end();
    }

    const session = g.checkSession(req, askPeer(peers, req.socket));
    if (!session.ok) return refuse(res, session.status, session.reason);

    if (url.pathname === '/api/events') {
      if (method !== 'GET') return refuse(res, 405, 'use GET');
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      const unsubscribe = options.events.subscribe((event, payload) => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
      return;
    }

    if (url.pathname.startsWith('/api/')) {
      if (method !== 'POST') return refuse(res, 405, 'API calls use POST');
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
        return refuse(res, 415, 'send JSON (Content-Type: application/json)');
      const text = await readBody(req);
      if (text === undefined) return refuse(res, 413, `request larger than ${MAX_BODY_BYTES} bytes`);
      let payload: unknown;
      try {
        payload = text === '' ? {} : JSON.parse(text);
      } catch {
        return refuse(res, 400, 'the request body is not valid JSON');
      }
      const envelope = await options.dispatcher.call(url.pathname.slice('/api/'.length), payload);
      return sendJson(res, envelope.ok ? 200 : STATUS[envelope.error.code], envelope);
    }

    if (method !== 'GET' && method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const file = staticFile(options.rendererDir, url.pathname);
    if (file && (url.pathname === '/' || url.pathname === '/index.html')) {
      // The page's own inline script (early.ts) is allowed by its hash, taken from the file.
      res.setHeader('Content-Security-Policy', editorCsp("'self'", inlineScriptHashes(file.body.toString('utf8'))));
      return sendEditorPage(res, file.body, () => options.dispatcher.call('getConfig', {}), method === 'HEAD', options.firstScreen);
    }
    if (file) {
      res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' });
      return res.end(method === 'HEAD' ? undefined : file.body);
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(NOT_BUILT_PAGE);
    }
    return refuse(res, 404, 'not found');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.end();
    });
  });

  // The console has no WebSocket endpoint (events are server-sent); an upgrade is
  // still checked like any request, so a missing session is a 401 and not a 404.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const g = state.guard!;
    const site = g.checkSite(req);
    const verdict = site.ok ? g.checkSession(req, askPeer(peers, req.socket)) : site;
    const status = verdict.ok ? 404 : verdict.status;
    const text = verdict.ok ? 'Not Found' : status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Forbidden';
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  state.guard = new Guard({ token, port, ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}) });
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
