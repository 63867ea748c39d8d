// The root side of the helper: trusts nothing it is sent. Every line is parsed as a
// request frame, the channel must be one of the privileged channels (anything else
// is refused), and the request is validated again with the same contract schema the
// front door used, before the handler (which adds the ownership rules) runs.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isPrivilegedChannel, parseRequest, type PrivilegedChannel } from '../../src-shared/ipc/contract';
import type { HandlerContext, PrivilegedHandlers } from '../service/privileged';
import { toApiError } from '../service/errors';
import { LineReader, RequestFrameSchema, type ResponseFrame } from './protocol';

/** Channels that change the host; they run one at a time. */
const MUTATING: ReadonlySet<PrivilegedChannel> = new Set(['apply', 'confirmTrial', 'revertTrial', 'setAdapter', 'restartService']);

/** Answers one request line; `send` receives the response and any progress frames. */
export async function handleLine(
  handlers: PrivilegedHandlers,
  line: string,
  send: (frame: ResponseFrame) => void,
  serial = serialQueue(),
): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    send({ id: -1, ok: false, error: { code: 'invalid', message: 'the helper accepts one JSON request per line' } });
    return;
  }
  const frame = RequestFrameSchema.safeParse(raw);
  if (!frame.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    send({ id, ok: false, error: { code: 'invalid', message: 'malformed helper request (expected {id, channel, request})' } });
    return;
  }
  const { id, channel, request } = frame.data;
  if (!isPrivilegedChannel(channel)) {
    send({ id, ok: false, error: { code: 'denied', message: `the helper does not do "${channel.slice(0, 64)}"` } });
    return;
  }
  const parsed = parseRequest(channel, request);
  if (!parsed.ok) {
    send({ id, ok: false, error: { code: 'invalid', message: parsed.message, errors: parsed.errors } });
    return;
  }
  const context: HandlerContext = { onProgress: (payload) => send({ id, event: 'applyProgress', payload }) };
  const run = () => (handlers[channel] as (r: unknown, c: HandlerContext) => Promise<unknown>)(parsed.value, context);
  try {
    const result = MUTATING.has(channel) ? await serial(run) : await run();
    send({ id, ok: true, result });
  } catch (error) {
    send({ id, ok: false, error: toApiError(error) });
  }
}

/** Runs tasks one after another. */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const next = tail.then(task, task);
    tail = next.catch(() => undefined);
    return next;
  };
}

export interface HelperServerOptions {
  handlers: PrivilegedHandlers;
  socketPath: string;
  /** The user the helper serves: owner of the socket folder. */
  ownerUid: number;
  ownerGid?: number;
  /** Exit after this long once the last connection closed. */
  idleMs?: number;
  /** Exit after this long if no one connects at all (the app connects right after starting it). */
  firstConnectionMs?: number;
  onIdle?: () => void;
}

/**
 * Makes the socket folder private to the user (recreating it when it is not a plain
 * 0700 folder owned by them), listens, and serves connections.
 */
export async function startHelperServer(options: HelperServerOptions): Promise<{ server: net.Server; close(): Promise<void> }> {
  const dir = path.dirname(options.socketPath);
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (stat && (!stat.isDirectory() || stat.uid !== options.ownerUid || (stat.mode & 0o777) !== 0o700)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  fs.chownSync(dir, options.ownerUid, options.ownerGid ?? -1);
  fs.rmSync(options.socketPath, { force: true });

  const serial = serialQueue();
  let connections = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (ms: number | undefined) => {
    if (!ms || !options.onIdle) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (connections === 0) options.onIdle?.();
    }, ms);
  };

  const server = net.createServer((socket) => {
    connections += 1;
    clearTimeout(idleTimer);
    socket.setEncoding('utf8');
    const send = (frame: ResponseFrame) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`);
    };
    const reader = new LineReader(
      (line) => void handleLine(options.handlers, line, send, serial),
      () => {
        send({ id: -1, ok: false, error: { code: 'invalid', message: 'request too large' } });
        socket.destroy();
      },
    );
    socket.on('data', (chunk: string) => reader.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      connections -= 1;
      if (connections === 0) armIdle(options.idleMs);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  fs.chmodSync(options.socketPath, 0o600);
  fs.chownSync(options.socketPath, options.ownerUid, options.ownerGid ?? -1);
  armIdle(options.firstConnectionMs ?? options.idleMs);
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(idleTimer);
        server.close(() => resolve());
        fs.rmSync(options.socketPath, { force: true });
      }),
  };
}
