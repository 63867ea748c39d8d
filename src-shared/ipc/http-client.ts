// The browser side of the web console: the same VnetApi as the preload's, over
// `POST /api/<channel>` and one server-sent-events stream at `/api/events`. It uses
// only fetch and EventSource, passed in, so it runs in any browser and in tests.
import type { VnetApi } from './api';
// The names come from names.ts, not the contract: the contract's schemas (zod) stay out of
// the web editor's first screen.
import type { ApiError, Channel, Envelope, EventName } from './contract';
import { CHANNEL_NAMES as CHANNELS, EVENT_NAME_LIST as EVENT_NAMES, isReplayableState, READ_ONLY_CHANNELS } from './names';

/** How long a dropped read waits before it is asked again: the browser's network change settles first. */
const RETRY_AFTER_MS = 250;

/** The parts of fetch's Response this client uses. */
interface FetchResponseLike {
  status: number;
  json(): Promise<unknown>;
}
type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; credentials: 'same-origin' },
) => Promise<FetchResponseLike>;

interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}
type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

export interface HttpClientOptions {
  /** Where the console is, e.g. `''` (same origin) or `http://127.0.0.1:8080`. */
  baseUrl: string;
  fetch: FetchLike;
  EventSource?: EventSourceConstructor;
  /** Waits before a dropped read is asked again (the browser's setTimeout); at once without it. */
  wait?: (ms: number) => Promise<void>;
}

/** An Error carrying the API's failure code and, for invalid requests, each error's path. */
export class VnetApiError extends Error {
  readonly code: ApiError['code'];
  readonly errors: ApiError['errors'];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'VnetApiError';
    this.code = error.code;
    this.errors = error.errors;
  }
}

export function createHttpClient(options: HttpClientOptions): VnetApi {
  const base = options.baseUrl.replace(/\/+$/, '');
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  // Latest state pushes, handed to listeners that subscribe later (status, leases, rates, a pending trial).
  const latest = new Map<EventName, unknown>();
  let source: EventSourceLike | undefined;

  const send = (channel: Channel, request: unknown) =>
    options.fetch(`${base}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request ?? {}),
      credentials: 'same-origin',
    });

  const call = async (channel: Channel, request: unknown): Promise<unknown> => {
    let response: FetchResponseLike;
    try {
      try {
        response = await send(channel, request);
      } catch (error) {
        if (!READ_ONLY_CHANNELS.has(channel)) throw error;
        await options.wait?.(RETRY_AFTER_MS);
        response = await send(channel, request);
      }
    } catch (error) {
      throw new VnetApiError({ code: 'unavailable', message: `the web console cannot be reached (${(error as Error).message})` });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new VnetApiError({ code: 'failed', message: `the web console answered ${response.status} without a readable body` });
    }
    const envelope = body as Envelope<unknown> | undefined;
    if (envelope && typeof envelope === 'object' && envelope.ok === true) return envelope.result;
    if (envelope && typeof envelope === 'object' && envelope.ok === false && envelope.error) throw new VnetApiError(envelope.error);
    throw new VnetApiError({ code: 'failed', message: `the web console answered ${response.status} with an unexpected body` });
  };

  const openStream = () => {
    if (source || !options.EventSource) return;
    const stream = new options.EventSource(`${base}/api/events`, { withCredentials: true });
    for (const name of EVENT_NAMES) {
      stream.addEventListener(name, (event) => {
        let payload: unknown;
        try {
          payload = JSON.parse(event.data);
        } catch {
          return;
        }
        if (isReplayableState(name, payload)) latest.set(name, payload);
        else latest.delete(name);
        for (const listener of listeners.get(name) ?? []) (listener as (p: unknown) => void)(payload);
      });
    }
    source = stream;
  };

  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) api[channel] = (request?: unknown) => call(channel, request);
  api.on = (event: EventName, listener: (payload: never) => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    openStream();
    // Replayed after `on` returns, so the listener may already call the unsubscribe function.
    if (latest.has(event)) {
      const payload = latest.get(event);
      void Promise.resolve().then(() => {
        if (set.has(listener)) (listener as (p: unknown) => void)(payload);
      });
    }
    return () => {
      set.delete(listener);
      if ([...listeners.values()].every((s) => s.size === 0) && source) {
        source.close();
        source = undefined;
        latest.clear();
      }
    };
  };
  return api as VnetApi;
}
