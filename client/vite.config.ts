import { defineConfig } from 'vite';

export default defineConfig({
  // Preact's JSX runtime (STYLE: pages render from state); no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
