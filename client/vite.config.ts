import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

export default defineConfig({
  // Preact's JSX runtime (STYLE: pages render from state); no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The manifest lets the page bench count each route's JavaScript (bench/page.ts).
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', manifest: true },
  plugins: [precompress()],
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
