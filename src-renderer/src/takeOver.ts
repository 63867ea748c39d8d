// The moment the page has its first screen, before any of the editor's code has arrived:
// clicks on the drawn screen are held from here on (earlyClicks.ts) and the screen stops
// being inert. Run by the script inside the page (early.ts) in a build, and by the editor's
// entry itself (main.tsx) where no such script ran (Vite's dev server).
import { holdEarlyClicks, type EarlyClicks } from './earlyClicks';

export interface FirstScreen {
  root: HTMLElement;
  /** `vnet serve` sent the first screen drawn inside the root (the editor hydrates it). */
  served: boolean;
  clicks?: EarlyClicks;
}

/** What early.ts hands over to main.tsx on the window. */
export const HANDOVER = '__vnetFirstScreen';

export function takeFirstScreen(doc: Document): FirstScreen {
  const root = doc.getElementById('root')!;
  const served = root.firstElementChild !== null;
  const clicks = served ? holdEarlyClicks(doc) : undefined;
  // Clicks are held from here on: the first screen may take them.
  root.inert = false;
  return { root, served, ...(clicks ? { clicks } : {}) };
}

/**
 * Runs `work` once the page has been painted (rAF, then the task after that frame) and the
 * browser has a moment to spare, or after 300 ms at the latest (a busy or hidden tab).
 */
export function afterFirstPaint(work: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    work();
  };
  requestAnimationFrame(() =>
    setTimeout(() => (typeof requestIdleCallback === 'function' ? requestIdleCallback(once, { timeout: 200 }) : once()), 0),
  );
  setTimeout(once, 300);
}
