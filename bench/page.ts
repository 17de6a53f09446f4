/**
 * bench page (SPEC §13 phone arrival): the JavaScript each route of the web client downloads,
 * gzipped and brotli-compressed as the server sends it (from the Vite build's manifest and the
 * files precompressed at build time), the total of the consultation page and its booking flow
 * against the 60 kB target, and the consultation page's first screen (the expert's name and price
 * on screen) on a throttled phone network in headless Chromium against the < 2 s target.
 * Needs the built client: `npm run build:client && npm run bench -- page`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.ts';
import { startTestPlatform } from '../test/support/platform.ts';
import { setUpExpert } from '../test/support/bookings.ts';
import { solidColourPng } from '../server/demo-photo.ts';
import { systemClock } from '../server/platform/clock.ts';
import { printTable } from './support/table.ts';

const CLIENT_DIR = new URL('../client/', import.meta.url);
const DIST = new URL('dist/', CLIENT_DIR);
const MANIFEST = new URL('.vite/manifest.json', DIST);
const ROUTES_SOURCE = new URL('src/routes.ts', CLIENT_DIR);
/** The texts a French visitor downloads (the reference market); English is fetched only when shown. */
const DICTIONARY = 'src/i18n/fr.ts';
/** The consultation page, the booking flow's steps it loads, and where the flow ends ("paid, waiting"). */
const PHONE_PATH = [
  'src/pages/consultation/consultation-page.tsx',
  'src/pages/consultation/booking-flow.tsx',
  'src/pages/consultation-status/consultation-status-page.tsx',
];
const TARGET_PHONE_PATH_GZIP_BYTES = 60 * 1024;

/** Chromium's network emulation (CDP Network.emulateNetworkConditions): §13's phone network. */
const NETWORK = { downloadBitsPerSecond: 1_600_000, uploadBitsPerSecond: 750_000, latencyMs: 150 } as const;
const TARGET_FIRST_SCREEN_MS = 2_000;
const ROUNDS = 5;
const FIRST_SCREEN_TIMEOUT_MS = 30_000;
const FIRST_SCREEN_PROBE = `
  (() => {
    const visible = (testId) => {
      const element = document.querySelector('[data-testid="' + testId + '"]');
      return element !== null && (element.textContent || '').trim() !== '' && element.getBoundingClientRect().height > 0;
    };
    const observer = new MutationObserver(() => {
      if (!visible('expert-name') || !visible('expert-price')) return;
      observer.disconnect();
      // Drawn at the next frame.
      requestAnimationFrame(() => { window.firstScreenMs = performance.now(); });
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })();
`;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

export async function runPageBench(): Promise<void> {
  console.log('\n## page: JavaScript per route (gzip / brotli as sent) and the throttled first screen of the consultation page');
  if (!existsSync(MANIFEST)) {
    console.log('  client/dist/.vite/manifest.json is missing: run `npm run build:client` first.');
    return;
  }
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  printRouteSizes(manifest);
  await measureFirstScreen();
}

function printRouteSizes(manifest: Manifest): void {
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
  const routes = [...readFileSync(ROUTES_SOURCE, 'utf8').matchAll(/pattern: '([^']+)', load: \(\) => import\('\.\/([^']+)'\)/g)].map((match) => ({
    pattern: match[1]!,
    source: `src/${match[2]!}`,
  }));
  const base = [entry, DICTIONARY];
  const rows = routes.map(({ pattern, source }) => {
    const size = sizeOf(manifest, [...base, source]);
    return [pattern, size.files, kB(size.gzipBytes), kB(size.brotliBytes)];
  });
  printTable(
    'JavaScript a first visit of each address downloads (the entry, the French texts, the page and their static imports)',
    ['route', 'files', 'gzip kB', 'brotli kB'],
    rows,
  );

  const phonePath = sizeOf(manifest, [...base, ...PHONE_PATH]);
  printTable(
    'the phone path: consultation page + booking flow (account, payment) + the waiting screen, vs SPEC §13',
    ['what', 'files', 'gzip kB', 'brotli kB', 'target gzip kB', 'ratio to target', 'met'],
    [
      [
        'consultation page to "paid, waiting"',
        phonePath.files,
        kB(phonePath.gzipBytes),
        kB(phonePath.brotliBytes),
        kB(TARGET_PHONE_PATH_GZIP_BYTES),
        `${(phonePath.gzipBytes / TARGET_PHONE_PATH_GZIP_BYTES).toFixed(2)}×`,
        phonePath.gzipBytes <= TARGET_PHONE_PATH_GZIP_BYTES ? 'yes' : 'no',
      ],
    ],
    [
      "Stripe.js (js.stripe.com, with PAYMENT_PROVIDER=stripe only) is Stripe's own script and is not counted.",
      'CSS is not counted (about 6 kB gzipped for these pages).',
    ],
  );
}

/** The chunks `keys` load, following static imports only (a dynamic import is another route's or language's business). */
function sizeOf(manifest: Manifest, keys: readonly string[]): { files: number; gzipBytes: number; brotliBytes: number } {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (const file of files) {
    const path = new URL(file, DIST);
    const bytes = readFileSync(path);
    // What the server sends: the precompressed file when the build wrote one, else the file itself.
    gzipBytes += existsSync(new URL(`${file}.gz`, DIST))
      ? statSync(new URL(`${file}.gz`, DIST)).size
      : Math.min(bytes.length, gzipSync(bytes, { level: 9 }).length);
    brotliBytes += existsSync(new URL(`${file}.br`, DIST)) ? statSync(new URL(`${file}.br`, DIST)).size : bytes.length;
  }
  return { files: files.size, gzipBytes, brotliBytes };
}

const kB = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

async function measureFirstScreen(): Promise<void> {
  const platform = await startTestPlatform({ clock: systemClock });
  let browser: Browser | undefined;
  try {
    const expert = await setUpExpert(platform.http, {
      availableNow: true,
      pricing: { videoRatePerMinuteCents: 200, phoneRatePerMinuteCents: 250, packages: [{ mode: 'video', minutes: 15, priceCents: 7500 }] },
    });
    await platform.http.request('PUT', '/api/experts/me/photo', {
      token: expert.token,
      rawBody: solidColourPng(400, [60, 100, 150]),
      headers: { 'content-type': 'image/png' },
    });
    await platform.http.request('PATCH', '/api/experts/me/profile', {
      token: expert.token,
      body: { headline: 'Psychologue clinicienne, thérapies brèves', description: 'Quinze ans de pratique.' },
    });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
    // The moment the expert's name and price are both on screen, in the page's own clock (0 = navigation
    // start). Plain JavaScript: a function written here would be compiled with helpers the page lacks.
    await context.addInitScript({ content: FIRST_SCREEN_PROBE });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: NETWORK.latencyMs,
      downloadThroughput: NETWORK.downloadBitsPerSecond / 8,
      uploadThroughput: NETWORK.uploadBitsPerSecond / 8,
    });
    const samples: number[] = [];
    let transferredBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await cdp.send('Network.clearBrowserCache');
      let roundBytes = 0;
      const onLoaded = (event: { encodedDataLength: number }) => (roundBytes += event.encodedDataLength);
      cdp.on('Network.loadingFinished', onLoaded);
      await page.goto(`${platform.url}/consultation/${expert.slug}`, { waitUntil: 'commit' });
      await page.waitForFunction(() => (window as unknown as { firstScreenMs?: number }).firstScreenMs !== undefined, undefined, {
        timeout: FIRST_SCREEN_TIMEOUT_MS,
      });
      samples.push(await page.evaluate(() => (window as unknown as { firstScreenMs: number }).firstScreenMs));
      // Everything the first visit downloads, for the record (the photo and the data included).
      await page.waitForLoadState('networkidle');
      cdp.off('Network.loadingFinished', onLoaded);
      transferredBytes = roundBytes;
      console.log(`  round ${round + 1}: first screen at ${samples.at(-1)!.toFixed(0)} ms`);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)]!;
    const worst = samples.at(-1)!;
    printTable(
      `consultation page first screen (name and price visible), 390×844, ${NETWORK.downloadBitsPerSecond / 1e6} Mbit/s down, ${NETWORK.uploadBitsPerSecond / 1e3} kbit/s up, ${NETWORK.latencyMs} ms latency, cold cache`,
      ['rounds', 'median ms', 'max ms', 'target ms', 'ratio to target (median)', 'met', 'bytes of a first visit'],
      [
        [
          samples.length,
          Math.round(median),
          Math.round(worst),
          TARGET_FIRST_SCREEN_MS,
          `${(median / TARGET_FIRST_SCREEN_MS).toFixed(2)}×`,
          worst < TARGET_FIRST_SCREEN_MS ? 'yes' : 'no',
          transferredBytes,
        ],
      ],
      ['Chromium applies the latency to every request; loopback adds nothing of its own. The time starts at navigation.'],
    );
  } finally {
    await browser?.close().catch(() => undefined);
    await platform.close();
  }
}
