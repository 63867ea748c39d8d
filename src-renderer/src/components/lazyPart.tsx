// Parts of the editor that are not on screen when it opens (dialogs, the views of other
// tabs, and MUI, which only they use) come in chunks of their own, so the first load
// parses less. Each loads the first time it is needed, or earlier through preloadParts()
// once the editor is up.
import { lazy, Suspense, useState, type ComponentType, type ReactElement, type ReactNode } from 'react';

const preloads: (() => Promise<unknown>)[] = [];

/** A module loaded on demand: `current` once it has arrived. */
export interface LazyModule<M> {
  readonly current: M | undefined;
  /** Loads it (once; tried again twice when it fails, and again at the next call when those fail too). */
  load(): Promise<M>;
}

/**
 * Waits between tries of a chunk that did not load. Chromium fails the requests it has in flight
 * with ERR_NETWORK_CHANGED when the host's addresses change, which an apply does (the new
 * bridges' IPv6 link-local addresses leave DAD a second or two after it): a chunk asked for in
 * that moment fails once and loads when asked again (Chromium does not keep a failed import).
 */
const RETRY_WAITS_MS = [250, 1000];

async function loadWithRetries<M>(load: () => Promise<M>, waits: readonly number[] = RETRY_WAITS_MS): Promise<M> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      if (attempt >= waits.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, waits[attempt]));
    }
  }
}

export function lazyModule<M>(load: () => Promise<M>, retryWaitsMs?: readonly number[]): LazyModule<M> {
  let current: M | undefined;
  let pending: Promise<M> | undefined;
  const part: LazyModule<M> = {
    get current() {
      return current;
    },
    load: () =>
      (pending ??= loadWithRetries(load, retryWaitsMs).then(
        (module) => (current = module),
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      )),
  };
  preloads.push(part.load);
  return part;
}

/**
 * A component whose code loads the first time it is shown (a view of another tab), inside
 * MUI's theme. `fallback`: shown while the code loads the first time.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>, fallback: ReactNode = null): (props: P) => ReactElement {
  const module = lazyModule(() =>
    Promise.all([load(), import('../mui/Themed')]).then(([Component, { Themed }]) => {
      return function ThemedPart(props: P) {
        return (
          <Themed>
            <Component {...props} />
          </Themed>
        );
      };
    }),
  );
  const Suspending = lazy(async () => ({ default: await module.load() }));
  return function Part(props: P) {
    // Chosen once per mount: switching from the suspending wrapper to the loaded component would remount it and lose its state.
    const [Component] = useState<ComponentType<P>>(() => module.current ?? Suspending);
    return (
      <Suspense fallback={fallback}>
        <Component {...props} />
      </Suspense>
    );
  };
}

/** Runs `work` when the page is idle (at most a second from now); returns a cancel. */
export function whenIdle(work: () => void): () => void {
  const idle = window.requestIdleCallback?.(work, { timeout: 1000 });
  const timer = idle === undefined ? setTimeout(work, 200) : undefined;
  return () => {
    if (idle !== undefined) window.cancelIdleCallback(idle);
    if (timer !== undefined) clearTimeout(timer);
  };
}

/** Loads every part's code in the background, so opening a dialog later waits for nothing. */
export function preloadParts(): Promise<unknown> {
  return Promise.all(preloads.map((preload) => preload().catch(() => undefined)));
}
