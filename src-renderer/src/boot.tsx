// The editor's code proper (React and the app), loaded by main.tsx: connects to the host,
// reads the settings and renders — or, when `vnet serve` sent the first screen with the
// page, hydrates that screen (the same tree, see root.tsx) instead of drawing it again.
import { startTransition } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { connectHost } from './host/connect';
import { askFirstConfig } from './host/firstConfig';
import type { EarlyClicks } from './earlyClicks';
import { EditorRoot } from './root';

// The settings are usually here at once (the web console sends them with the page; the
// desktop app's preload answers quickly): rendering after them makes the first render the
// editor with its networks.
// A host slower than this gets the window with "Loading…" instead.
const PATIENCE_MS = 1000;

/** `served`: the root holds the first screen `vnet serve` rendered; `clicks`: held until the editor has its handlers. */
export async function boot(root: HTMLElement, served: boolean, clicks?: EarlyClicks): Promise<void> {
  const api = connectHost();
  const first = await askFirstConfig(() => api.getConfig(), PATIENCE_MS);
  // The moment the editor has its handlers, as a performance mark (DevTools, and the bench's explanation of a load).
  const shown = () => {
    performance.mark('vnet:editor-ready');
    clicks?.replay();
  };
  const element = <EditorRoot api={api} first={first} onShown={shown} />;
  // The first screen was rendered from the settings the page carries: hydrate only with them.
  if (served && first.settled !== undefined && 'loaded' in first.settled) {
    // As a transition: React hydrates in slices of a few milliseconds and lets the browser
    // answer in between, instead of holding the page for the whole tree at once.
    startTransition(() => void hydrateRoot(root, element));
    return;
  }
  root.replaceChildren();
  createRoot(root).render(element);
}
