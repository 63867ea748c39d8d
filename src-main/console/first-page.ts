// The editor's page as `vnet serve` sends it: the built index.html, with the editor's first
// screen drawn inside its root (the networks table, from dist/renderer-server, see
// src-renderer/src/firstScreen.tsx) and the answer to the editor's first getConfig at the
// end of its body (a JSON data block, which the CSP allows: it is not a script). The page's
// head goes out first, so the browser fetches the editor's code and style while the settings
// are read; the browser shows the first screen as soon as the page has arrived, and the
// editor's code takes it over (hydrates it) with the answer from the page instead of asking
// over the network (src-renderer/src/api).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';

/** The id of the data block; src-renderer/src/api/index.ts reads it. */
export const FIRST_CONFIG_ID = 'vnet-first-config';

/** The editor's root element in index.html: the first screen goes inside it. */
const ROOT = '<div id="root">';
/**
 * The root with a first screen in it: inert until the page's script holds clicks
 * (src-renderer/src/early.ts), so a click on the drawn buttons is never lost.
 */
const DRAWN_ROOT = '<div id="root" inert>';

/** Draws the first screen as HTML from getConfig's result. */
export type FirstScreen = (loaded: unknown) => string;

/** JSON that cannot end the element it sits in (`</script>`, `<!--`) wherever it appears in the settings. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The first screen's renderer built next to the editor (dist/renderer-server/first-screen.cjs),
 * or undefined when it is missing or does not load: the editor then draws the screen itself.
 */
export function loadFirstScreen(file: string, warn: (line: string) => void = () => undefined): FirstScreen | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const module = createRequire(file)(file) as { renderFirstScreen?: unknown };
    if (typeof module.renderFirstScreen === 'function') return module.renderFirstScreen as FirstScreen;
    warn(`${file} has no renderFirstScreen`);
  } catch (error) {
    warn(`${file} does not load: ${error instanceof Error ? error.message : String(error)}`);
  }
  return undefined;
}

/** The first screen for this answer, or '' (no answer, a refusal, or the drawing failed: the editor then draws it). */
function drawn(envelope: unknown, firstScreen: FirstScreen | undefined): string {
  const answer = envelope as { ok?: unknown; result?: unknown } | undefined;
  if (firstScreen === undefined || answer?.ok !== true) return '';
  try {
    return firstScreen(answer.result);
  } catch {
    return '';
  }
}

/** A host slower than this sends the page without the settings; the editor then asks for them itself. */
const PATIENCE_MS = 1000;

export async function sendEditorPage(
  res: ServerResponse,
  html: Buffer,
  firstConfig: () => Promise<unknown>,
  head: boolean,
  firstScreen?: FirstScreen,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  if (head) return void res.end();
  const text = html.toString('utf8');
  const end = text.lastIndexOf('</body>');
  const bodyEnd = end < 0 ? text.length : end;
  // Up to the root when there is one (the first screen goes in it), else up to </body>.
  const root = text.indexOf(ROOT);
  res.write(text.slice(0, root < 0 ? bodyEnd : root));
  let timer: NodeJS.Timeout | undefined;
  const envelope = await Promise.race([
    firstConfig().catch(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PATIENCE_MS))),
  ]);
  clearTimeout(timer);
  const screen = root < 0 ? '' : drawn(envelope, firstScreen);
  const rootTag = root < 0 ? '' : screen ? DRAWN_ROOT : ROOT;
  const rest = text.slice(root < 0 ? bodyEnd : root + ROOT.length, bodyEnd);
  const block = envelope === undefined ? '' : `<script type="application/json" id="${FIRST_CONFIG_ID}">${inertJson(envelope)}</script>\n`;
  res.end(rootTag + screen + rest + block + text.slice(bodyEnd));
}
