// The unprivileged side of the helper: a PrivilegedBackend that forwards each call
// over the private socket. The first call connects to a helper already running for
// this user or elevates once to start one; later calls reuse the connection.
import net from 'node:net';
import type { ParsedRequestOf, PrivilegedChannel, ResponseOf } from '../../src-shared/ipc/contract';
import type { ApplyProgress } from '../../src-shared/api/types';
import type { PrivilegedBackend } from '../service/backend';
import { ApiFailure } from '../service/errors';
import type { HandlerContext } from '../service/privileged';
import type { Elevation } from './elevate';
import { LineReader, type ResponseFrame } from './protocol';

export interface HelperClientOptions {
  socketPath: string;
  /** Starts the helper as root; absent means "connect only" (e.g. tests). */
  elevate?: () => Elevation;
  /** How long to wait for the helper after elevating (the user may be typing a password). */
  startTimeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (p: ApplyProgress) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connect(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export function helperBackend(options: HelperClientOptions): PrivilegedBackend {
  let socket: net.Socket | undefined;
  let connecting: Promise<net.Socket> | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const attach = (s: net.Socket): net.Socket => {
    // Two connects raced (a poll and a user action): keep the first connection.
    if (socket && !socket.destroyed) {
      s.destroy();
      return socket;
    }
    s.setEncoding('utf8');
    const reader = new LineReader(
      (line) => {
        let frame: ResponseFrame;
        try {
          frame = JSON.parse(line) as ResponseFrame;
        } catch {
          return;
        }
        const waiting = pending.get(frame.id);
        if (!waiting) return;
        if ('event' in frame) {
          waiting.onProgress?.(frame.payload as ApplyProgress);
          return;
        }
        pending.delete(frame.id);
        if (frame.ok) waiting.resolve(frame.result);
        else waiting.reject(new ApiFailure(frame.error.code, frame.error.message, frame.error.errors));
      },
      () => s.destroy(),
    );
    s.on('data', (chunk: string) => reader.push(chunk));
    s.on('error', () => undefined);
    s.on('close', () => {
      if (socket === s) socket = undefined;
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new ApiFailure('unavailable', 'the privileged helper went away; try again to restart it'));
      }
    });
    socket = s;
    return s;
  };

  const establish = async (): Promise<net.Socket> => {
    try {
      return attach(await connect(options.socketPath));
    } catch {
      if (!options.elevate) throw new ApiFailure('unavailable', `the privileged helper is not running (no ${options.socketPath})`);
    }
    let elevation: Elevation;
    try {
      elevation = options.elevate();
    } catch (error) {
      throw new ApiFailure('unavailable', (error as Error).message);
    }
    let failure: Error | undefined;
    void elevation.failed.then((error) => {
      failure = error;
    });
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      if (failure) throw new ApiFailure('unavailable', `Elevation failed: ${failure.message}`);
      try {
        return attach(await connect(options.socketPath));
      } catch {
        await sleep(200);
      }
    }
    throw new ApiFailure('unavailable', 'the privileged helper did not start in time; nothing was changed');
  };

  const ready = (background: boolean): Promise<net.Socket> => {
    if (socket && !socket.destroyed) return Promise.resolve(socket);
    if (background && !connecting) {
      // Polls only use a helper that is already there (started by the user's own action, or
      // still running from earlier); they never open a password prompt.
      return connect(options.socketPath).then(attach, () => {
        throw new ApiFailure('unavailable', 'the privileged helper is not running yet');
      });
    }
    connecting ??= establish().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    async call<C extends PrivilegedChannel>(channel: C, request: ParsedRequestOf<C>, context: HandlerContext = {}): Promise<ResponseOf<C>> {
      const s = await ready(context.background === true);
      const id = nextId++;
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: context.onProgress });
        s.write(`${JSON.stringify({ id, channel, request })}\n`);
      });
    },
    privilege: () => (socket && !socket.destroyed ? 'helper' : 'not-elevated'),
    close() {
      socket?.end();
      socket = undefined;
    },
  };
}
