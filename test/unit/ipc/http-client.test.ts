// The web console's browser client: same VnetApi, over POST /api/<channel> and SSE.
import { describe, expect, it } from 'vitest';
import { createHttpClient, VnetApiError } from '../../../src-shared/ipc/http-client';
import { CHANNELS } from '../../../src-shared/ipc/contract';

function fakeFetch(answer: (url: string, body: unknown) => { status: number; body: unknown }) {
  const calls: { url: string; init: { method: string; headers: Record<string, string>; body: string; credentials: string } }[] = [];
  const fetch = async (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string; credentials: 'same-origin' },
  ) => {
    calls.push({ url, init });
    const reply = answer(url, JSON.parse(init.body));
    return { status: reply.status, json: async () => reply.body };
  };
  return { fetch, calls };
}

class FakeEventSource {
  static last: FakeEventSource | undefined;
  listeners = new Map<string, ((e: { data: string }) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (e: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  fire(type: string, data: unknown) {
    for (const l of this.listeners.get(type) ?? []) l({ data: JSON.stringify(data) });
  }
}

describe('createHttpClient', () => {
  it('has one function per channel and posts JSON to /api/<channel>', async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 200, body: { ok: true, result: [{ name: 'vmnet8' }] } }));
    const api = createHttpClient({ baseUrl: 'http://127.0.0.1:9/', fetch });
    for (const c of CHANNELS) expect(typeof api[c]).toBe('function');
    const result = await api.leases({ network: 'vmnet8' });
    expect(result).toEqual([{ name: 'vmnet8' }]);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/api/leases');
    expect(calls[0]!.init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(calls[0]!.init.body)).toEqual({ network: 'vmnet8' });
    await api.status();
    expect(JSON.parse(calls[1]!.init.body)).toEqual({});
  });

  it('rejects with the API error, its code and field paths', async () => {
    const error = {
      code: 'invalid',
      message: 'invalid plan request',
      errors: [{ path: ['config', 'networks', 0, 'name'], message: 'bad' }],
    };
    const { fetch } = fakeFetch(() => ({ status: 400, body: { ok: false, error } }));
    const api = createHttpClient({ baseUrl: '', fetch });
    const failure = await api.plan({ config: { version: 1, networks: [] } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VnetApiError);
    expect(failure).toMatchObject({ code: 'invalid', message: 'invalid plan request', errors: error.errors });
  });

  it('turns unreachable servers and odd bodies into clear errors', async () => {
    const down = createHttpClient({
      baseUrl: '',
      fetch: async () => {
        throw new Error('connection refused');
      },
    });
    await expect(down.status()).rejects.toMatchObject({ code: 'unavailable', message: /cannot be reached.*connection refused/ });
    const odd = createHttpClient({ baseUrl: '', fetch: fakeFetch(() => ({ status: 502, body: '<html>' })).fetch });
    await expect(odd.status()).rejects.toMatchObject({ code: 'failed', message: /502/ });
  });

  it('asks a read once more when the browser drops it, and never repeats a change', async () => {
    // Chromium drops requests in flight with ERR_NETWORK_CHANGED when the host's addresses change.
    const calls: string[] = [];
    const waits: number[] = [];
    const flaky = createHttpClient({
      baseUrl: '',
      wait: async (ms) => {
        waits.push(ms);
      },
      fetch: async (url) => {
        // The first request to each channel is dropped.
        const dropped = !calls.includes(url);
        calls.push(url);
        if (dropped) throw new TypeError('Failed to fetch');
        return { status: 200, json: async () => ({ ok: true, result: 'answer' }) };
      },
    });
    await expect(flaky.status()).resolves.toBe('answer');
    await expect(flaky.apply({ config: { version: 1, networks: [] } })).rejects.toMatchObject({ code: 'unavailable' });
    await expect(flaky.setAdapter({ name: 'vmnet1', up: false })).rejects.toMatchObject({ code: 'unavailable' });
    expect(calls).toEqual(['/api/status', '/api/status', '/api/apply', '/api/setAdapter']);
    expect(waits).toEqual([250]);
  });

  it('delivers server-sent events to the listeners of that event only, and closes the stream when none are left', () => {
    const api = createHttpClient({ baseUrl: '', fetch: fakeFetch(() => ({ status: 200, body: {} })).fetch, EventSource: FakeEventSource });
    const progress: unknown[] = [];
    const statuses: unknown[] = [];
    const offProgress = api.on('applyProgress', (p) => progress.push(p));
    const offStatus = api.on('status', (s) => statuses.push(s));
    const source = FakeEventSource.last!;
    expect(source.url).toBe('/api/events');
    source.fire('applyProgress', { step: 1, total: 3, description: 'create bridge vmnet8', phase: 'running' });
    source.fire('status', []);
    expect(progress).toEqual([{ step: 1, total: 3, description: 'create bridge vmnet8', phase: 'running' }]);
    expect(statuses).toEqual([[]]);
    offProgress();
    expect(source.closed).toBe(false);
    offStatus();
    expect(source.closed).toBe(true);
  });

  it('replays the latest state to a listener that subscribes later, after on() returns', async () => {
    const api = createHttpClient({ baseUrl: '', fetch: fakeFetch(() => ({ status: 200, body: {} })).fetch, EventSource: FakeEventSource });
    const first: unknown[] = [];
    api.on('status', (s) => first.push(s));
    FakeEventSource.last!.fire('status', [{ name: 'vmnet8' }]);
    FakeEventSource.last!.fire('applyProgress', { step: 1, total: 1, description: 'x', phase: 'done' });
    const late: unknown[] = [];
    const progress: unknown[] = [];
    const off = api.on('status', (s) => {
      late.push(s);
      off();
    });
    api.on('applyProgress', (p) => progress.push(p));
    expect(late).toEqual([]);
    await Promise.resolve();
    expect(late).toEqual([[{ name: 'vmnet8' }]]);
    // Progress is a stream of steps, not state: nothing is replayed.
    expect(progress).toEqual([]);
  });

  it("replays a pending trial, never an ended one's outcome (it would close the next trial's dialog at once)", async () => {
    const api = createHttpClient({ baseUrl: '', fetch: fakeFetch(() => ({ status: 200, body: {} })).fetch, EventSource: FakeEventSource });
    api.on('status', () => undefined);
    const pending = { trial: { deadline: 1, seconds: 30 }, remainingSeconds: 30 };
    FakeEventSource.last!.fire('trial', pending);
    const first: unknown[] = [];
    api.on('trial', (p) => first.push(p));
    await Promise.resolve();
    expect(first).toEqual([pending]);
    // The trial was reverted; the next trial's dialog subscribes before any push about the new one.
    FakeEventSource.last!.fire('trial', { trial: null, remainingSeconds: 0, outcome: 'reverted' });
    const next: unknown[] = [];
    api.on('trial', (p) => next.push(p));
    await Promise.resolve();
    expect(next).toEqual([]);
  });
});
