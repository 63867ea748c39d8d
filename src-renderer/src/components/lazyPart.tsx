// Parts of the editor that are not on screen when it opens (dialogs, the views of other
// tabs) come in chunks of their own, so the first load parses less. Each part loads the
// first time it is shown, or earlier through preloadParts() once the editor is up; after
// that it renders at once, without a Suspense fallback.
import { lazy, Suspense, useState, type ComponentType, type ReactElement, type ReactNode } from 'react';

const preloads: (() => Promise<unknown>)[] = [];

/** `fallback`: shown while the code loads the first time (nothing, for a dialog). */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>, fallback: ReactNode = null): (props: P) => ReactElement {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const preload = (): Promise<ComponentType<P>> =>
    (pending ??= load().then((component) => {
      loaded = component;
      return component;
    }));
  preloads.push(preload);
  const Suspending = lazy(async () => ({ default: await preload() }));
  return function Part(props: P) {
    // Chosen once per mount: switching from the suspending wrapper to the loaded component would remount it and lose its state.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Suspending);
    return (
      <Suspense fallback={fallback}>
        <Component {...props} />
      </Suspense>
    );
  };
}

/** Loads every part's code in the background, so opening a dialog later waits for nothing. */
export function preloadParts(): Promise<unknown> {
  return Promise.all(preloads.map((preload) => preload().catch(() => undefined)));
}
