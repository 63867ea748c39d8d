// Parts of the editor that are not on screen when it opens (dialogs, the views of other
// tabs, and MUI, which only they use) come in chunks of their own, so the first load
// parses less. Each loads the first time it is needed, or earlier through preloadParts()
// once the editor is up.
import { lazy, Suspense, useState, type ComponentType, type ReactElement, type ReactNode } from 'react';

const preloads: (() => Promise<unknown>)[] = [];

/** A module loaded on demand: `current` once it has arrived. */
export interface LazyModule<M> {
  readonly current: M | undefined;
  /** Loads it (once; a failed load is tried again next time). */
  load(): Promise<M>;
}

export function lazyModule<M>(load: () => Promise<M>): LazyModule<M> {
  let current: M | undefined;
  let pending: Promise<M> | undefined;
  const part: LazyModule<M> = {
    get current() {
      return current;
    },
    load: () =>
      (pending ??= load().then(
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
