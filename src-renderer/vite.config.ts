// Builds the renderer into dist/renderer with relative paths, so the same files
// load from file:// in Electron and from the web console's server.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * The first screen's style sheet (plain.css) inside the page instead of linked: the browser
 * paints the first screen `vnet serve` draws without first asking for a second file (the CSP
 * allows inline styles). Measured: ~30 ms sooner on screen (bench/analysis.md).
 */
function inlineFirstScreenStyle(): Plugin {
  return {
    name: 'inline-first-screen-style',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        return html.replace(/<link rel="stylesheet"(?: crossorigin)? href="\.\/([^"]+\.css)">/g, (link, file: string) => {
          const asset = bundle?.[file];
          const css = asset?.type === 'asset' ? String(asset.source) : undefined;
          return css === undefined || css.includes('</style') ? link : `<style>${css}</style>`;
        });
      },
    },
  };
}

/**
 * The script that takes the first screen (src/early.ts) inside the page, allowed by its hash
 * in the page's CSP, instead of the entry's <script src> in the head: the browser paints the
 * first screen without asking for a file first (measured: 20–45 ms sooner ready,
 * bench/analysis.md). The entry itself is fetched by that script after the paint. The
 * servers (the web console, the desktop app's app: protocol) hash the page's inline scripts
 * for their CSP header the same way (src-main/inline-scripts.ts).
 */
function inlineEarlyScript(): Plugin {
  return {
    name: 'inline-early-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { chunk }) {
        if (!chunk) throw new Error('inline-early-script: no entry chunk for index.html');
        const tag = `<script type="module" crossorigin src="./${chunk.fileName}"></script>`;
        if (!html.includes(tag)) throw new Error(`inline-early-script: ${tag} is not in index.html`);
        const code = buildSync({
          entryPoints: [fileURLToPath(new URL('src/early.ts', import.meta.url))],
          bundle: true,
          format: 'esm',
          minify: true,
          write: false,
          target: 'es2022',
          define: { __VNET_ENTRY__: JSON.stringify(`./${chunk.fileName}`) },
          external: [`./${chunk.fileName}`],
        }).outputFiles[0]!.text.trim();
        if (/<\/script|<!--/i.test(code)) throw new Error('inline-early-script: the script would end its element');
        const csp = "script-src 'self'";
        if (html.split(csp).length !== 2) throw new Error(`inline-early-script: "${csp}" is not once in the page's CSP`);
        const hash = createHash('sha256').update(code).digest('base64');
        return html
          .replace(tag, '')
          .replace(csp, `${csp} 'sha256-${hash}'`)
          .replace('</body>', `<script type="module">${code}</script>\n</body>`);
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), inlineFirstScreenStyle(), inlineEarlyScript()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // No module-preload polyfill: the CSP allows only 'self' scripts and early.ts's hash.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
});
