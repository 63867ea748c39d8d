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
const MUTATING: ReadonlySet<PrivilegedChannel> = new Set(['apply', 'confirmTrial', 'revertTrial', 'setAdapter', 'restartService', 'setBridgeHelper']);

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
 * The socket folder belongs to the helper (root), not to the user it serves: that user may
 * connect (the socket is theirs, 0600) but can never rename, unlink or swap anything in it,
 * so nothing the helper does to the socket path afterwards can be turned onto another file.
 * The folder above must be the helper's own and closed to others; it is never created
 * through, or removed across, anything another user controls.
 */
function prepareSocketFolder(dir: string): void {
  const me = process.getuid?.() ?? 0;
  const root = path.dirname(dir);
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  const rootStat = fs.lstatSync(root);
  if (!isOwnFolder(rootStat, me)) {
    throw new Error(`refusing the helper's runtime folder ${root}: it must be a folder owned by uid ${me} that no one else can write`);
  }
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (stat && !isOwnFolder(stat, me)) setAside(dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  // The folder is ours inside a folder that is ours: no one else can swap these paths.
  fs.chmodSync(dir, 0o711);
}

function isOwnFolder(stat: fs.Stats, uid: number): boolean {
  return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0;
}

/**
 * Moves a folder someone else owns (an older helper's user-owned folder, or anything planted)
 * out of the way, then removes only its top-level entries: unlink never follows a link, and
 * the helper never descends into a folder whose contents another user can change under it.
 */
function setAside(dir: string): void {
  const aside = path.join(path.dirname(dir), `.stale-${path.basename(dir)}-${process.pid}-${Date.now()}`);
  fs.renameSync(dir, aside);
  for (const entry of fs.readdirSync(aside)) {
    const entryPath = path.join(aside, entry);
    if (!fs.lstatSync(entryPath).isDirectory()) fs.unlinkSync(entryPath);
  }
  try {
    fs.rmdirSync(aside);
  } catch {
    // It still holds a folder of the other user's: left where it is, harmless and out of the way.
  }
}

/** Prepares the socket folder (see prepareSocketFolder), listens, and serves connections. */
export async function startHelperServer(options: HelperServerOptions): Promise<{ server: net.Server; close(): Promise<void> }> {
  const dir = path.dirname(options.socketPath);
  prepareSocketFolder(dir);
  fs.rmSync(options.socketPath, { force: true });

  const serial = serialQueue();
  let connections = 0;
  // Requests still running: a client that sent an apply and hung up must not see the helper
  // exit half-way through it (that would leave the host half-changed until the next apply).
  let inFlight = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (ms: number | undefined) => {
    if (!ms || !options.onIdle) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (connections === 0 && inFlight === 0) options.onIdle?.();
    }, ms);
  };
  const idleNow = () => connections === 0 && inFlight === 0;

  const server = net.createServer((socket) => {
    connections += 1;
    clearTimeout(idleTimer);
    socket.setEncoding('utf8');
    const send = (frame: ResponseFrame) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`);
    };
    const reader = new LineReader(
      (line) => {
        inFlight += 1;
        void handleLine(options.handlers, line, send, serial).finally(() => {
          inFlight -= 1;
          if (idleNow()) armIdle(options.idleMs);
        });
      },
      () => {
        send({ id: -1, ok: false, error: { code: 'invalid', message: 'request too large' } });
        socket.destroy();
      },
    );
    socket.on('data', (chunk: string) => reader.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      connections -= 1;
      if (idleNow()) armIdle(options.idleMs);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  // Safe by path: only the helper can change entries of its own folder. lchown all the same.
  fs.chmodSync(options.socketPath, 0o600);
  fs.lchownSync(options.socketPath, options.ownerUid, options.ownerGid ?? -1);
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
