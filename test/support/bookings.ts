import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../server/config.ts';
import { openPglite, openPostgres, type Database } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { createLogger } from '../../server/platform/logger.ts';
import type { Notification, Notifier } from '../../server/notifications/notifier.ts';
import { HttpClient, isolatedConfig, withAdminClient } from './platform.ts';
import { TEST_PASSWORD, TINY_PNG, signUpClient, signUpExpert } from './fixtures.ts';

/** Keeps every notification the booking flow sends, for the tests to read. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];

  async notify(notification: Notification): Promise<void> {
    if (!this.sent.some((previous) => previous.idempotencyKey === notification.idempotencyKey)) this.sent.push(notification);
  }

  events(userId?: string): string[] {
    return this.sent.filter((sent) => !userId || sent.userId === userId).map((sent) => sent.event);
  }
}

/**
 * A platform for the booking tests: a ManualClock, the job worker off (tests run the due jobs
 * themselves after moving the clock), a recording notifier, and `restart()`, which stops the
 * platform and starts a new one on the same database, as a deploy or a crash would.
 */
export class BookingPlatform {
  readonly clock: ManualClock;
  readonly notifier = new RecordingNotifier();
  #running!: RunningPlatform;
  #config: Config;
  #openDb: () => Promise<Database>;
  #cleanup: () => Promise<void>;
  #realNotifier: boolean;
  http!: HttpClient;

  private constructor(clock: ManualClock, config: Config, openDb: () => Promise<Database>, cleanup: () => Promise<void>, realNotifier: boolean) {
    this.clock = clock;
    this.#realNotifier = realNotifier;
    this.#config = config;
    this.#openDb = openDb;
    this.#cleanup = cleanup;
  }

  /** `realNotifier`: emails go through the app's notifier (the local mailbox) instead of the recorder. */
  static async start(options: { clock?: ManualClock; persistent?: boolean; realNotifier?: boolean } = {}): Promise<BookingPlatform> {
    const { config, dataDir } = isolatedConfig('consulto-booking');
    const serverUrl = process.env['DATABASE_URL'];
    let openDb: () => Promise<Database>;
    let drop = async () => undefined as unknown;
    if (serverUrl) {
      const name = `consulto_test_${randomBytes(6).toString('hex')}`;
      await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      openDb = async () => openPostgres(url.toString());
      drop = () => withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    } else if (options.persistent) {
      openDb = () => openPglite(join(dataDir, 'pgdata'));
    } else {
      openDb = () => openPglite();
    }
    const platform = new BookingPlatform(
      options.clock ?? new ManualClock('2026-11-23T08:00:00.000Z'),
      config,
      openDb,
      async () => {
        await drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
      options.realNotifier ?? false,
    );
    await platform.#boot();
    return platform;
  }

  async #boot(): Promise<void> {
    this.#running = await startPlatform(this.#config, {
      clock: this.clock,
      db: await this.#openDb(),
      logger: createLogger('silent'),
      jobPollIntervalMs: 0,
      ...(this.#realNotifier ? {} : { bookingNotifier: this.notifier }),
    });
    this.http = new HttpClient(this.#running.url);
  }

  get db(): Database {
    return this.#running.db;
  }

  get services(): RunningPlatform['services'] {
    return this.#running.services;
  }

  /** Stops everything (the database too) and starts again on the same data. */
  async restart(): Promise<void> {
    await this.#running.close();
    await this.#boot();
  }

  /** Runs due jobs until none is left (a job may enqueue another one due now, e.g. an email). */
  async drainJobs(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 10; round++) {
      const ran = await this.services.jobs.runDueJobs();
      total += ran;
      if (ran === 0) break;
    }
    return total;
  }

  async close(): Promise<void> {
    await this.#running.close();
    await this.#cleanup();
  }
}

export interface Person {
  id: string;
  email: string;
  slug?: string;
}

/** A fresh access token (they expire with the ManualClock, so tests sign in again after moving it). */
export async function tokenOf(http: HttpClient, person: Person): Promise<string> {
  const response = await http.post('/api/auth/login', { email: person.email, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  return response.body.accessToken as string;
}

export const ALWAYS_OPEN = {
  timeZone: 'Europe/Paris',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  exceptions: [],
};

export const DEFAULT_PRICING = {
  videoRatePerMinuteCents: 200,
  phoneRatePerMinuteCents: 200,
  packages: [
    { mode: 'video', minutes: 15, priceCents: 7500 },
    { mode: 'phone', minutes: 30, priceCents: 6000 },
  ],
};

/** An expert with a photo, rates, packages and opening hours: a published consultation page. */
export async function setUpExpert(
  http: HttpClient,
  options: { availability?: object; pricing?: object; availableNow?: boolean } = {},
): Promise<Person & { slug: string; token: string; packages: { id: string; mode: string; minutes: number; priceCents: number }[] }> {
  const signedUp = await signUpExpert(http);
  const token = signedUp.accessToken;
  await http.request('PUT', '/api/experts/me/photo', { token, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
  const pricing = await http.put('/api/experts/me/pricing', options.pricing ?? DEFAULT_PRICING, token);
  if (pricing.status !== 200) throw new Error(`pricing failed: ${JSON.stringify(pricing.body)}`);
  const availability = await http.put('/api/experts/me/availability', options.availability ?? ALWAYS_OPEN, token);
  if (availability.status !== 200) throw new Error(`availability failed: ${JSON.stringify(availability.body)}`);
  if (options.availableNow) await http.put('/api/experts/me/presence', { availableNow: true }, token);
  return { id: signedUp.user.id, email: signedUp.user.email, slug: signedUp.user.slug!, token, packages: pricing.body.packages };
}

export async function setUpClient(http: HttpClient): Promise<Person & { token: string }> {
  const signedUp = await signUpClient(http);
  return { id: signedUp.user.id, email: signedUp.user.email, token: signedUp.accessToken };
}

/** SPEC §11's booking body with the usual choices; override what the test is about. */
export function bookingBody(expertSlug: string, overrides: Record<string, unknown> = {}) {
  return {
    expertSlug,
    mode: 'video',
    startAt: null,
    budgetCents: 3000,
    paymentMethod: 'pm_card_visa',
    acceptTerms: true,
    waiveWithdrawal: true,
    ...overrides,
  };
}

export const HOUR_MS = 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;

/** Holds the provider still keeps on a card (authorised or waiting for 3-D Secure). */
export async function liveHoldCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM local_payment_holds WHERE status IN ('authorised', 'requires_action')`);
  return row!.n;
}

export async function consultationCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations');
  return row!.n;
}

export async function holdOf(db: Database, consultationId: string): Promise<{ status: string; amount_cents: number; captured_cents: number } | undefined> {
  const [row] = await db.query<{ status: string; amount_cents: number; captured_cents: number }>(
    `SELECT h.status, h.amount_cents, h.captured_cents FROM local_payment_holds h JOIN consultations c ON c.payment_hold_ref = h.id WHERE c.id = $1`,
    [consultationId],
  );
  return row;
}
