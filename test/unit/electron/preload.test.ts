// The preload exposes named functions built from the contract, never ipcRenderer.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_NAMES } from '../../../src-shared/ipc/contract';

const exposed = new Map<string, Record<string, unknown>>();
const invoked: unknown[][] = [];
const eventListeners = new Set<(...args: unknown[]) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push([channel, payload]);
      return channel === 'vnet:status'
        ? { ok: true, result: [] }
        : { ok: false, error: { code: 'invalid', message: 'invalid plan request:\nconfig.networks[0].name: bad' } };
    },
    on: (_channel: string, listener: (...args: unknown[]) => void) => eventListeners.add(listener),
    removeListener: (_channel: string, listener: (...args: unknown[]) => void) => eventListeners.delete(listener),
  },
}));

describe('preload', () => {
  beforeAll(async () => {
    await import('../../../src-main/preload/preload');
  });

  it('exposes window.vnet with one function per channel plus on, and nothing else', () => {
    const api = exposed.get('vnet')!;
    expect([...exposed.keys()]).toEqual(['vnet']);
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.values(api)).not.toContainEqual(expect.objectContaining({ invoke: expect.anything() }));
  });

  it('sends each call on its own channel and unwraps the envelope', async () => {
    const api = exposed.get('vnet') as Record<string, (r?: unknown) => Promise<unknown>>;
    await expect(api.status!()).resolves.toEqual([]);
    expect(invoked.at(-1)).toEqual(['vnet:status', {}]);
    await expect(api.plan!({ config: {} })).rejects.toThrow(/config\.networks\[0\]\.name: bad/);
  });

  it('hands pushes only to listeners of that event, replays the latest state, and unsubscribes', async () => {
    const api = exposed.get('vnet') as { on(e: string, l: (p: unknown) => void): () => void };
    expect(eventListeners.size).toBe(1);
    const push = (name: string, payload: unknown) => {
      for (const l of eventListeners) l({}, name, payload);
    };
    const got: unknown[] = [];
    const off = api.on('trial', (p) => got.push(p));
    push('status', []);
    push('trial', { trial: null, remainingSeconds: 0 });
    push('shell', 'rm -rf /');
    expect(got).toEqual([{ trial: null, remainingSeconds: 0 }]);
    const late: unknown[] = [];
    api.on('status', (p) => late.push(p));
    expect(late).toEqual([]);
    await Promise.resolve();
    expect(late).toEqual([[]]);
    off();
    push('trial', { trial: null, remainingSeconds: 1 });
    expect(got).toHaveLength(1);
    expect(() => api.on('shell', () => undefined)).toThrow(new RegExp(EVENT_NAMES.join(', ')));
  });

  it("replays a pending trial, never an ended one's outcome (it would close the next trial's dialog at once)", async () => {
    const api = exposed.get('vnet') as { on(e: string, l: (p: unknown) => void): () => void };
    const push = (name: string, payload: unknown) => {
      for (const l of eventListeners) l({}, name, payload);
    };
    const pending = { trial: { deadline: 1, seconds: 30 }, remainingSeconds: 30 };
    push('trial', pending);
    const first: unknown[] = [];
    api.on('trial', (p) => first.push(p));
    await Promise.resolve();
    expect(first).toEqual([pending]);
    push('trial', { trial: null, remainingSeconds: 0, outcome: 'reverted' });
    const next: unknown[] = [];
    api.on('trial', (p) => next.push(p));
    await Promise.resolve();
    expect(next).toEqual([]);
  });
});
