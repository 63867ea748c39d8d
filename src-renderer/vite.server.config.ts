// Builds the first screen's renderer (src/firstScreen.tsx) for Node into
// dist/renderer-server, next to dist/renderer: `vnet serve` requires it to send the
// editor's page with its first screen drawn. Everything is bundled (React included):
// the packaged app has no node_modules.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  plugins: [
    react(),
    {
      // The parts loaded on demand (dialogs, other tabs, MUI) are never drawn in the first
      // screen: their import() stays as written and is never run on the server.
      name: 'no-parts-on-the-server',
      resolveDynamicImport: () => false,
    },
  ],
  // React's production build: Node would otherwise pick its development build at run time.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: fileURLToPath(new URL('src/firstScreen.tsx', import.meta.url)),
    outDir: fileURLToPath(new URL('../dist/renderer-server', import.meta.url)),
    emptyOutDir: true,
    minify: true,
    rollupOptions: {
      output: { format: 'cjs', entryFileNames: 'first-screen.cjs', chunkFileNames: '[name]-[hash].cjs' },
    },
  },
});
