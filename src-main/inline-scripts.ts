// The hashes of the scripts inside the editor's page (index.html, as built: the one that takes
// the first screen, src-renderer/src/early.ts), for the CSP header of whoever serves it. Taken
// from the file as it is on disk, never from the page as sent: what `vnet serve` draws into
// the page from the settings must not be able to bring a script of its own.
import { createHash } from 'node:crypto';

/** `'sha256-…'` sources for each inline script (not data blocks) of the page's template. */
export function inlineScriptHashes(template: string): string[] {
  const hashes: string[] = [];
  for (const match of template.matchAll(/<script((?:\s[^>]*)?)>([\s\S]*?)<\/script>/gi)) {
    const attributes = match[1] ?? '';
    if (/\ssrc\s*=/i.test(attributes)) continue;
    const type = /\stype\s*=\s*"([^"]*)"/i.exec(attributes)?.[1]?.toLowerCase();
    if (type !== undefined && type !== 'module' && type !== 'text/javascript') continue;
    hashes.push(
      `'sha256-${createHash('sha256')
        .update(match[2] ?? '')
        .digest('base64')}'`,
    );
  }
  return hashes;
}
