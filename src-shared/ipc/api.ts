// The `window.vnet` API the editor calls: one async function per channel and `on`
// for pushes. The preload builds it from the contract over Electron IPC; the web
// console's client builds the same shape over HTTP and server-sent events.
import type { Channel, EventName, EventOf, RequestOf, ResponseOf } from './contract';

type EmptyRequest = Record<string, never>;

/** A request function; channels without parameters may be called with no argument. */
export type ChannelFunction<C extends Channel> =
  RequestOf<C> extends EmptyRequest
    ? (request?: RequestOf<C>) => Promise<ResponseOf<C>>
    : (request: RequestOf<C>) => Promise<ResponseOf<C>>;

export type VnetApi = { [C in Channel]: ChannelFunction<C> } & {
  /** Subscribes to a push; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
};

export { IPC_PREFIX, IPC_EVENT_CHANNEL } from './names';
