import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Config } from '../../server/config.ts';
import { openPglite } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { pino } from 'pino';
import { HttpClient, isolatedConfig } from '../support/platform.ts';
import { RecordingNotifier, type Person } from '../support/bookings.ts';
import { TEST_PASSWORD } from '../support/fixtures.ts';
import { launchBrowser, recordPageProblems, waitForAppReady } from '../support/browser.ts';
import type { InboundStats } from '../../client/src/media/call.ts';
import { MovableTime, immediateVideoConsultation, waitFor } from './support.ts';

/**
 * A whole platform for the video end-to-end tests: real time the test can move forward
 * (MovableTime drives the clock and the meter's timer), an in-memory database, so DATA_DIR
 * holds only the secrets written at start, and an in-memory notifier for the booking emails.
 */
export interface VideoPlatform extends RunningPlatform {
  config: Config;
  time: MovableTime;
  http: HttpClient;
  dataDir: string;
  /** The platform's last warnings and errors: what a test that failed prints. */
  warnings: string[];
}

/** Lines kept of the platform's warnings, and shown of a page's console. */
const KEPT_LINES = 30;

function keep(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > KEPT_LINES) lines.shift();
}

export async function startVideoPlatform(environment: Record<string, string> = {}): Promise<VideoPlatform> {
  const { config, dataDir } = isolatedConfig('consulto-video', { MEDIASOUP_WORKERS: '1', ...environment });
  const time = new MovableTime();
  const warnings: string[] = [];
  const running = await startPlatform(config, {
    clock: time,
    db: await openPglite(),
    logger: pino({ level: 'warn' }, { write: (line: string) => keep(warnings, line.trim()) }),
    bookingNotifier: new RecordingNotifier(),
    mediaTimers: time,
  });
  return {
    ...running,
    config,
    time,
    http: new HttpClient(running.url),
    dataDir,
    warnings,
    close: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Each signed-in page's console warnings and errors. */
const consoleProblems = new WeakMap<Page, string[]>();

/** A browser page signed in as this person (its own browser: localStorage is per browser here). */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  http: HttpClient,
  person: Person,
  language: 'fr' | 'en',
  initScript?: string,
): Promise<Page> {
  const page = await browser.newPage();
  const problems: string[] = [];
  consoleProblems.set(page, problems);
  recordPageProblems(page, problems, { ignoreRequested4xx: true, warnings: true });
  if (initScript) await page.addInitScript(initScript);
  await signIn(page, baseUrl, http, person, language);
  return page;
}

/** Signs an open page in as this person (pages are reused: closing one can take the packaged browser down). */
export async function signIn(page: Page, baseUrl: string, http: HttpClient, person: Person, language: 'fr' | 'en'): Promise<void> {
  const login = await http.post('/api/auth/login', { email: person.email, password: TEST_PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  // Not a page of the web client: the packaged Chromium shares localStorage between its contexts, and an
  // app booting here with another test's token would refresh it and write it back over this one.
  await page.goto(baseUrl + '/api/me');
  await page.evaluate(
    ([refreshToken, lang]) => {
      localStorage.setItem('consulto.refreshToken', refreshToken!);
      localStorage.setItem('consulto.language', lang!);
    },
    [login.body.refreshToken as string, language],
  );
}

export function inboundStats(page: Page): Promise<InboundStats> {
  return page.evaluate(async () => {
    const call = (window as unknown as { consultoCall?: { inboundStats(): Promise<InboundStats> } }).consultoCall;
    return call ? call.inboundStats() : { audioBytes: 0, videoBytes: 0, framesDecoded: 0 };
  });
}

/** MEDIA-3: the other party's audio and video arrive and decode (getStats, twice, increasing). */
export async function expectMediaFlowing(page: Page): Promise<{ before: InboundStats; after: InboundStats }> {
  const before = await waitFor(
    async () => {
      const stats = await inboundStats(page);
      return stats.audioBytes > 0 && stats.videoBytes > 0 && stats.framesDecoded > 0 ? stats : undefined;
    },
    20_000,
    'remote audio and video',
  );
  const after = await waitFor(
    async () => {
      const stats = await inboundStats(page);
      return stats.audioBytes > before.audioBytes && stats.videoBytes > before.videoBytes && stats.framesDecoded > before.framesDecoded ? stats : undefined;
    },
    10_000,
    'more remote audio and video',
  );
  return { before, after };
}

export async function launchBrowsers(count: number): Promise<Browser[]> {
  const browsers: Browser[] = [];
  for (let index = 0; index < count; index++) browsers.push(await launchBrowser());
  return browsers;
}

/** Every file under a directory, with its size: what a consultation must not add to (MEDIA-2). */
export function listFiles(root: string, skip: (path: string) => boolean = () => false): Set<string> {
  const files = new Set<string>();
  const walk = (directory: string) => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return; // gone, or not ours to read
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        try {
          statSync(path);
          files.add(path);
        } catch {
          // removed meanwhile
        }
      }
    }
  };
  walk(root);
  return files;
}

/**
 * An immediate video consultation with both parties' pages in the room and the meter running
 * (BILL-4: media flows both ways), for tests that need a live call to act on.
 */
export async function liveCallInBrowsers(
  platform: VideoPlatform,
  browsers: Browser[],
  options: Parameters<typeof immediateVideoConsultation>[1] & { languages?: ['fr' | 'en', 'fr' | 'en']; initScript?: string } = {},
): Promise<Awaited<ReturnType<typeof immediateVideoConsultation>> & { expertPage: Page; clientPage: Page }> {
  const booked = await immediateVideoConsultation(platform.http, options);
  const [expertLanguage, clientLanguage] = options.languages ?? ['fr', 'en'];
  const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, booked.expert, expertLanguage, options.initScript);
  const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, booked.client, clientLanguage, options.initScript);
  await enterRoom(expertPage, platform.url, booked.consultationId);
  await enterRoom(clientPage, platform.url, booked.consultationId);
  await expectMediaFlowing(expertPage);
  await expectMediaFlowing(clientPage);
  await waitFor(() => platform.media.reading(booked.consultationId)?.running, 10_000, 'meter running');
  return { ...booked, expertPage, clientPage };
}

/**
 * Opens `/salle/<id>` and enters the room from its device check (MEDIA-5) at once, as someone who
 * trusts their camera would: the call client starts on the click.
 */
export async function enterRoom(page: Page, baseUrl: string, consultationId: string): Promise<void> {
  await page.goto(`${baseUrl}/salle/${consultationId}`);
  await waitForAppReady(page);
  await page
    .getByTestId('enter-room')
    .click({ timeout: 10_000 })
    .catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await page.locator('main').innerText()}`);
    });
  await page.getByTestId('call-screen').waitFor();
}

/** The end button asks for a confirmation first (a paid call is not ended by a slip of the thumb). */
export async function endCall(page: Page): Promise<void> {
  await page.getByTestId('end-call').click();
  await page.getByTestId('end-call-confirm').click();
}

/** What the room page's status line says: the call client's status, always true (MEDIA-3). */
export async function roomStatus(page: Page): Promise<string | null> {
  return page.getByTestId('room-status').getAttribute('data-status');
}

export async function waitForStatus(page: Page, status: string, timeoutMs = 30_000): Promise<void> {
  try {
    await waitFor(async () => ((await roomStatus(page)) === status ? true : undefined), timeoutMs, `status ${status}`);
  } catch (error) {
    const lines = (consoleProblems.get(page) ?? []).slice(-KEPT_LINES).join('\n  ');
    throw new Error(`${(error as Error).message}; the call reads ${await callFacts(page)}\n  ${lines || 'no console warning'}`, { cause: error });
  }
}

/** What the page's call client knows, for a test that timed out waiting on it. */
function callFacts(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const call = (window as unknown as { consultoCall?: { state: Record<string, unknown> } }).consultoCall;
      if (!call) return 'no call client';
      const { status, party, presence, reconnecting, problem, meterRunning } = call.state;
      return JSON.stringify({ status, party, presence, reconnecting, problem, meterRunning });
    })
    .catch((error: unknown) => `nothing (${String(error)})`);
}

/** For an `afterEach`: a failed test's platform warnings are printed before the platform closes. */
export async function closeAfterTest(test: Mocha.Runnable | undefined, platform: VideoPlatform | undefined): Promise<void> {
  if (test?.state === 'failed' && platform?.warnings.length) console.log(`      platform warnings:\n      ${platform.warnings.join('\n      ')}`);
  await platform?.close();
}
