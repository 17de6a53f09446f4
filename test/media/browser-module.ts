import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';

/**
 * A module of the web client (client/src/…) bundled on its own with the client's own bundler,
 * for a browser test of an engine no page uses yet (the device check's connection test, whose
 * page comes later). The bundle exposes the module's exports as `window[globalName]`.
 */
export async function bundleClientModule(modulePath: string, globalName: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'consulto-module-'));
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        lib: { entry: fileURLToPath(new URL(`../../${modulePath}`, import.meta.url)), name: globalName, formats: ['iife'], fileName: () => 'module.js' },
      },
    });
    return readFileSync(join(outDir, 'module.js'), 'utf8');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * A page on loopback (a secure context, like the real pages) with the bundle loaded; it talks
 * to whichever platform the test names. Served by a tiny local server: the platform's own
 * Content-Security-Policy rightly refuses a script it does not serve.
 */
export async function pageWithModule(browser: Browser, bundle: string): Promise<Page> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>module</title><script>${bundle.replaceAll('</script', '<\\/script')}</script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage();
  await page.goto(`http://localhost:${(server.address() as AddressInfo).port}/`);
  server.closeAllConnections();
  server.close();
  return page;
}
