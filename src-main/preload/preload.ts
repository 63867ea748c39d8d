// The sandboxed preload: exposes `window.vnet` as named functions built from the
// contract (never ipcRenderer itself). Each function sends one request on its own
// channel and unwraps the envelope; pushes arrive on one event channel and are
// handed only to listeners of that event name.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, EVENT_NAME_LIST, IPC_EVENT_CHANNEL, IPC_PREFIX, isReplayableState } from '../../src-shared/ipc/names';
import type { Envelope } from '../../src-shared/ipc/contract';

const api: Record<string, unknown> = {};

for (const channel of CHANNEL_NAMES) {
  api[channel] = async (request?: unknown) => {
    const envelope = (await ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, request ?? {})) as Envelope<unknown>;
    if (envelope.ok) return envelope.result;
    // Only the message crosses the context bridge; it names each invalid field's path.
    throw new Error(envelope.error.message);
  };
}

// One IPC listener for all pushes; the latest state pushes (status, leases, rates,
// a pending trial) are kept so a listener that subscribes later gets the current state at once.
const listeners = new Map<string, Set<(payload: unknown) => void>>();
const latest = new Map<string, unknown>();
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: unknown, name: unknown, payload: unknown) => {
  if (typeof name !== 'string' || !(EVENT_NAME_LIST as readonly string[]).includes(name)) return;
  if (isReplayableState(name, payload)) latest.set(name, payload);
  else latest.delete(name);
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

api.on = (event: unknown, listener: unknown) => {
  if (typeof event !== 'string' || !(EVENT_NAME_LIST as readonly string[]).includes(event) || typeof listener !== 'function') {
    throw new Error(`unknown event "${String(event)}"; events: ${EVENT_NAME_LIST.join(', ')}`);
  }
  const fn = listener as (payload: unknown) => void;
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(fn);
  // Replayed after `on` returns, so the listener may already call the unsubscribe function.
  if (latest.has(event)) {
    const payload = latest.get(event);
    void Promise.resolve().then(() => {
      if (set.has(fn)) fn(payload);
    });
  }
  return () => {
    set.delete(fn);
  };
};

contextBridge.exposeInMainWorld('vnet', api);
