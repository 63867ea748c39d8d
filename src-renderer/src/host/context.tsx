// The host is handed down through context so views and dialogs never look at `window`.
import { createContext, useContext, useEffect, useState } from 'react';
import type { EditorHost, HostEvents } from './host';

const HostContext = createContext<EditorHost | undefined>(undefined);

export const HostProvider = HostContext.Provider;

export function useHost(): EditorHost {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost outside HostProvider');
  return host;
}

export interface Live<T> {
  value: T | undefined;
  error: unknown;
  reload: () => void;
}

type EventsCarrying<T> = { [E in keyof HostEvents]: HostEvents[E] extends T ? E : never }[keyof HostEvents];

/**
 * Data from the host: fetched once, replaced on every push of `event` (when the
 * host pushes it), and polled every `pollMs` as a fallback when pushes are not coming.
 */
export function useLive<T>(fetch: (host: EditorHost) => Promise<T>, event?: EventsCarrying<T>, pollMs = 5000): Live<T> {
  const host = useHost();
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    const load = (): void => {
      fetch(host).then(
        (v) => {
          if (!alive) return;
          setValue(v);
          setError(undefined);
        },
        (e: unknown) => alive && setError(e),
      );
    };
    load();
    const off = event
      ? host.on(event, (v) => {
          setValue(v as T);
          setError(undefined);
        })
      : () => undefined;
    const timer = pollMs > 0 ? setInterval(load, pollMs) : undefined;
    return () => {
      alive = false;
      off();
      if (timer) clearInterval(timer);
    };
    // `fetch` is deliberately left out: call sites pass inline arrows, and reloading on each render would loop.
  }, [host, event, pollMs, tick]);
  return { value, error, reload: () => setTick((t) => t + 1) };
}
