// The editor's Content-Security-Policy, shared by the desktop window and the web
// console: no inline or remote script; MUI's emotion needs inline styles.

/** `formAction` differs: the web console's sign-in redirect is a same-origin form target. */
export function editorCsp(formAction: "'self'" | "'none'"): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
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
