// Builds the screenshot harness into a folder given by HARNESS_OUT (default /tmp/vne-harness).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: { outDir: process.env.HARNESS_OUT ?? '/tmp/vne-harness', emptyOutDir: true, modulePreload: { polyfill: false } },
});
