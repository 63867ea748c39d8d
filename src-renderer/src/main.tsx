// Entry point, kept small: it loads the editor's code (boot.tsx, React and the app). In a
// build, the script inside the page (early.ts) has already taken the first screen and waited
// for its paint before fetching this file; without it (Vite's dev server) this does both.
import './plain/plain.css';
import { afterFirstPaint, HANDOVER, takeFirstScreen, type FirstScreen } from './takeOver';

const handedOver = (window as unknown as Record<string, FirstScreen | undefined>)[HANDOVER];
const screen = handedOver ?? takeFirstScreen(document);
const start = () => void import('./boot').then(({ boot }) => boot(screen.root, screen.served, screen.clicks));
if (screen.served && !handedOver) afterFirstPaint(start);
else start();
