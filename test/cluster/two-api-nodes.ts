import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { isolatedConfig, openTestDatabase, HttpClient } from '../support/platform.ts';
import { openPostgres, type Database } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { bookingBody, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { TwilioFake } from '../telephony/twilio-fake.ts';
import { CLIENT_NUMBER_FR, PHONE_PRICING, PLATFORM_NUMBER } from '../telephony/support.ts';
import { waitFor } from '../media/support.ts';

export interface LiveCall {
  id: string;
  expertCall: string;
  clientCall: string;
  /** Just after both parties answered: they talk from a moment before this. */
  bothInAtMs: number;
  expertToken: string;
}

/**
 * Scale out (issue 15) in one process on the test database: two API nodes, A and B, sharing one
 * database and one Twilio stand-in, each with its own connections on a PostgreSQL server (on
 * PGlite: the shared database, which A's end does not close). Phone consultations start on A.
 */
export class TwoApiNodes {
  readonly twilio: TwilioFake;
  readonly nodeA: RunningPlatform;
  readonly nodeB: RunningPlatform;
  readonly db: Database;
  readonly #cleanup: () => Promise<void>;
  #aStopped = false;

  private constructor(parts: { twilio: TwilioFake; nodeA: RunningPlatform; nodeB: RunningPlatform; db: Database; cleanup: () => Promise<void> }) {
    this.twilio = parts.twilio;
    this.nodeA = parts.nodeA;
    this.nodeB = parts.nodeB;
    this.db = parts.db;
    this.#cleanup = parts.cleanup;
  }

  static async start(): Promise<TwoApiNodes> {
    const twilio = await TwilioFake.start();
    const database = await openTestDatabase();
    const twilioEnvironment = {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM_NUMBER: PLATFORM_NUMBER,
      TWILIO_API_URL: twilio.url,
    };
    const a = isolatedConfig('consulto-node-a', { ...twilioEnvironment, NODE_ID: 'api-a', CONSULTO_ROLE: 'api' });
    const b = isolatedConfig('consulto-node-b', { ...twilioEnvironment, NODE_ID: 'api-b', CONSULTO_ROLE: 'api', JWT_SECRET: a.config.jwtSecret });
    const secondDb: Database = database.url ? openPostgres(database.url) : { ...database.db, close: async () => undefined };
    const options = { clock: systemClock, logger: createLogger('silent'), jobPollIntervalMs: 0 };
    const nodeA = await startPlatform(a.config, { ...options, db: secondDb });
    const nodeB = await startPlatform({ ...b.config, documentsEncryptionKey: a.config.documentsEncryptionKey }, { ...options, db: database.db });
    return new TwoApiNodes({
      twilio,
      nodeA,
      nodeB,
      db: database.db,
      cleanup: async () => {
        await nodeB.close();
        await twilio.close();
        await database.drop();
        rmSync(a.dataDir, { recursive: true, force: true });
        rmSync(b.dataDir, { recursive: true, force: true });
      },
    });
  }

  /** Node A stops for good: its leases are no longer renewed; the calls stay up at the provider. */
  async stopNodeA(): Promise<void> {
    this.#aStopped = true;
    await this.nodeA.close();
  }

  async close(): Promise<void> {
    if (!this.#aStopped) await this.nodeA.close();
    await this.#cleanup();
  }

  /** From now on every callback for the calls placed so far lands on node B (what a load balancer may do); signed for B's address. */
  callbacksThroughNodeB(): void {
    const [from, to] = [new URL(this.nodeA.url).origin, new URL(this.nodeB.url).origin];
    for (const call of this.twilio.calls.values()) {
      call.statusCallback = call.statusCallback.replace(from, to);
      call.url = call.url.replace(from, to);
    }
    for (const conference of this.twilio.conferences.values()) conference.statusCallback = conference.statusCallback.replace(from, to);
  }

  /** A phone consultation started on node A, both parties answered and talking (A's meter runs). */
  async liveCall(): Promise<LiveCall> {
    const http = new HttpClient(this.nodeA.url);
    const expert = await setUpExpert(http, { pricing: PHONE_PRICING, availableNow: true });
    const client = await setUpClient(http);
    const booked = await http.post(
      '/api/consultations',
      bookingBody(expert.slug, { mode: 'phone', phoneNumber: CLIENT_NUMBER_FR, budgetCents: 3000 }),
      client.token,
    );
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const id = booked.body.id as string;
    const phone = this.nodeA.services.telephony.phone;
    await phone.start(id);
    const expertCall = await waitFor(() => this.twilio.ringingCall(id, 'expert'), 10_000, 'expert ringing');
    await this.twilio.answer(expertCall);
    const clientCall = await waitFor(() => this.twilio.ringingCall(id, 'client'), 10_000, 'client ringing');
    await this.twilio.answer(clientCall);
    await waitFor(() => phone.view(id)?.running, 10_000, 'meter running on A');
    return { id, expertCall, clientCall, bothInAtMs: Date.now(), expertToken: await tokenOf(http, expert) };
  }

  /** The phone session's row: its owner, and how and when it finished. */
  async session(id: string): Promise<{ owner_node_id: string; outcome: string | null; finished_at: Date | null }> {
    const [row] = await this.db.query<{ owner_node_id: string; outcome: string | null; finished_at: Date | null }>(
      'SELECT owner_node_id, outcome, finished_at FROM phone_sessions WHERE consultation_id = $1',
      [id],
    );
    return row!;
  }
}
