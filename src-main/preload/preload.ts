// The sandboxed preload: exposes `window.vnet` as named functions built from the
// contract (never ipcRenderer itself). Each function sends one request on its own
// channel and unwraps the envelope; pushes arrive on one event channel and are
// handed only to listeners of that event name.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, EVENT_NAME_LIST, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../../src-shared/ipc/names';
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

api.on = (event: unknown, listener: unknown) => {
  if (!(EVENT_NAME_LIST as readonly unknown[]).includes(event) || typeof listener !== 'function') {
    throw new Error(`unknown event "${String(event)}"; events: ${EVENT_NAME_LIST.join(', ')}`);
  }
  const wrapped = (_e: unknown, name: unknown, payload: unknown) => {
    if (name === event) listener(payload);
  };
  ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  };
};

contextBridge.exposeInMainWorld('vnet', api);
