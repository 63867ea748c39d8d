// Whether the system asks for dark colours (`prefers-color-scheme`), followed live. The
// first screen's colours follow it in plain.css; MUI's theme for the dialogs reads it here.
import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

function query(): MediaQueryList | undefined {
  return typeof window.matchMedia === 'function' ? window.matchMedia(QUERY) : undefined;
}

function subscribe(changed: () => void): () => void {
  const list = query();
  list?.addEventListener('change', changed);
  return () => list?.removeEventListener('change', changed);
}

export function usePrefersDark(): boolean {
  // Drawn on the server (firstScreen.tsx) as light; the browser's own answer follows at once.
  return useSyncExternalStore(
    subscribe,
    () => query()?.matches ?? false,
    () => false,
  );
}
