// The editor's Content-Security-Policy, shared by the desktop window and the web
// console: no remote script, and no inline script but the page's own, by hash
// (src-main/inline-scripts.ts); MUI's emotion needs inline styles.

/**
 * `formAction` differs: the web console's sign-in redirect is a same-origin form target.
 * `scriptHashes`: the `'sha256-…'` sources of the page's own inline scripts.
 */
export function editorCsp(formAction: "'self'" | "'none'", scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
