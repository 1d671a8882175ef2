// Builds the web UI into dashboard/built (committed; regenerate with `npm run build:dashboard`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: { outDir: 'built', emptyOutDir: true, sourcemap: false },
  logLevel: 'warn',
});
