// The editor's page as `vnet serve` sends it: the built index.html, with the answer to the
// editor's first getConfig at the end of its body (a JSON data block, which the CSP allows:
// it is not a script). The page's head goes out first, so the browser fetches the editor's
// code while the settings are read; the code runs once the whole page has arrived, and takes
// the answer from the page instead of asking over the network (src-renderer/src/api).
import type { ServerResponse } from 'node:http';

/** The id of the data block; src-renderer/src/api/index.ts reads it. */
export const FIRST_CONFIG_ID = 'vnet-first-config';

/** JSON that cannot end the element it sits in (`</script>`, `<!--`) wherever it appears in the settings. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** A host slower than this sends the page without the settings; the editor then asks for them itself. */
const PATIENCE_MS = 1000;

export async function sendEditorPage(res: ServerResponse, html: Buffer, firstConfig: () => Promise<unknown>, head: boolean): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  if (head) return void res.end();
  const text = html.toString('utf8');
  const end = text.lastIndexOf('</body>');
  const at = end < 0 ? text.length : end;
  res.write(text.slice(0, at));
  let timer: NodeJS.Timeout | undefined;
  const envelope = await Promise.race([
    firstConfig().catch(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PATIENCE_MS))),
  ]);
  clearTimeout(timer);
  const block = envelope === undefined ? '' : `<script type="application/json" id="${FIRST_CONFIG_ID}">${inertJson(envelope)}</script>\n`;
  res.end(block + text.slice(at));
}
