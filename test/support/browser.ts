// One way to start headless Chromium for browser tests, with a fake camera and
// microphone that need no permission prompt.
import fs from 'node:fs';

import sparticuzChromium from '@sparticuz/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's own chromium, when installed, is built for the system's libraries;
// otherwise the pinned @sparticuz/chromium binary (self-contained, unpacked to
// the temp directory on first use) is used.
const DEBIAN_CHROMIUM_PATH = '/usr/bin/chromium';

const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

export async function launchBrowser(): Promise<Browser> {
  if (fs.existsSync(DEBIAN_CHROMIUM_PATH)) {
    return chromium.launch({
      executablePath: DEBIAN_CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', ...FAKE_MEDIA_ARGS],
    });
  }

  return chromium.launch({
    executablePath: await sparticuzChromium.executablePath(),
    args: [...sparticuzChromium.args, ...FAKE_MEDIA_ARGS],
  });
}

/**
 * Collects a page's console errors and uncaught errors: a journey must produce none. With
 * `ignoreRequested4xx`, Chromium's line for a 4xx the page asked for (a declined card, a wrong
 * password) is not a fault. With `warnings`, its console warnings too (what a failed test prints).
 */
export function recordPageProblems(page: Page, problems: string[], options: { ignoreRequested4xx: boolean; warnings?: boolean }): void {
  page.on('console', (message) => {
    if (message.type() !== 'error' && !(options.warnings && message.type() === 'warning')) return;
    if (options.ignoreRequested4xx && /status of 4\d\d/.test(message.text())) return;
    problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
}

/**
 * Waits until the web client has drawn the page for the address: its code is loaded on
 * first visit (route-level splitting), so a page is ready a moment after the `load` event.
 */
export async function waitForAppReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return (
      main !== null && main.querySelector('h1') !== null && !main.matches('[aria-busy="true"]') && main.querySelector('[aria-busy="true"]:not(form)') === null
    );
  });
}

/** After a navigation the focus goes to the new page's heading once it is drawn, which a loaded machine delays. */
export async function expectFocusOnHeading(page: Page): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 5000 });
}
