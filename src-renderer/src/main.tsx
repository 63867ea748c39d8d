// Entry point, kept small: it holds the page until the editor's code (boot.tsx, React and
// the app) has arrived. When `vnet serve` sent the first screen as HTML, that code loads
// after the browser has painted it, so the networks are on screen without waiting for it,
// and clicks meanwhile are held and given again (earlyClicks.ts).
import './plain/plain.css';
import { holdEarlyClicks } from './earlyClicks';

const root = document.getElementById('root')!;
const served = root.firstElementChild !== null;

/**
 * Runs `work` once the page has been painted (rAF, then the task after that frame) and the
 * browser has a moment to spare, or after 300 ms at the latest (a busy or hidden tab).
 */
function afterFirstPaint(work: () => void): void {
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

const clicks = served ? holdEarlyClicks(document) : undefined;
// Clicks are held from here on: the first screen may take them.
root.inert = false;
const start = () => void import('./boot').then(({ boot }) => boot(root, served, clicks));
if (served) afterFirstPaint(start);
else start();
