// The one script inside the page (a build puts it there, vite.config.ts; the CSP allows it by
// its hash). It runs as soon as the page is parsed, with nothing to fetch first, so the first
// screen `vnet serve` drew takes clicks at once; the editor's entry (main.tsx) is fetched only
// after that screen is painted. As a file named in the page's head, the entry was one more
// request before the first paint, which on a busy 2-core machine cost Chromium 20–45 ms
// (bench/analysis.md).
import { afterFirstPaint, HANDOVER, takeFirstScreen } from './takeOver';

/** The built entry's URL, relative to the page (set by the build). */
declare const __VNET_ENTRY__: string;

const screen = takeFirstScreen(document);
(window as unknown as Record<string, unknown>)[HANDOVER] = screen;
const load = () => void import(__VNET_ENTRY__);
if (screen.served) afterFirstPaint(load);
else load();
