import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { isolatedConfig, openTestDatabase, HttpClient } from '../support/platform.ts';
import { openPostgres, type Database } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { settleConsultation, type ConsultationTerms } from '../../server/billing/index.ts';
import { bookingBody, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { TwilioFake } from '../telephony/twilio-fake.ts';
import { CLIENT_NUMBER_FR, PHONE_PRICING, PLATFORM_NUMBER } from '../telephony/support.ts';
import { waitFor } from '../media/support.ts';

/**
 * Scale out (issue 15), TEL-1 / BILL-4 across API nodes, in one process on the test database:
 * node A owns a live phone session, its callbacks and the expert's "end" land on node B, then A
 * stops renewing (it is gone); B takes the session over within 10 s and bills the whole call.
 */
describe('TEL-1 BILL-4 phone sessions across API nodes: callbacks reach the owner, a dead owner’s session is taken over', function () {
  this.timeout(90_000);
  let twilio: TwilioFake;
  let nodeA: RunningPlatform;
  let nodeB: RunningPlatform;
  let db: Database;
  let cleanup: () => Promise<void>;
  let aClosed = false;

  before(async () => {
    twilio = await TwilioFake.start();
    const database = await openTestDatabase();
    db = database.db;
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
    // A, which dies, has its own connections (on PGlite: the shared database, which A's end does not close).
    nodeA = await startPlatform(a.config, { ...options, db: secondDb });
    nodeB = await startPlatform({ ...b.config, documentsEncryptionKey: a.config.documentsEncryptionKey }, { ...options, db: database.db });
    cleanup = async () => {
      if (!aClosed) await nodeA.close();
      await nodeB.close();
      await twilio.close();
      await database.drop();
      rmSync(a.dataDir, { recursive: true, force: true });
      rmSync(b.dataDir, { recursive: true, force: true });
    };
  });
  after(() => cleanup());

  /** Callbacks the fake would post to node A go to node B instead (what a load balancer does); the signature is over B's address. */
  const throughNodeB = () => {
    for (const call of twilio.calls.values()) {
      call.statusCallback = call.statusCallback.replace(new URL(nodeA.url).origin, new URL(nodeB.url).origin);
      call.url = call.url.replace(new URL(nodeA.url).origin, new URL(nodeB.url).origin);
    }
    for (const conference of twilio.conferences.values())
      conference.statusCallback = conference.statusCallback.replace(new URL(nodeA.url).origin, new URL(nodeB.url).origin);
  };

  async function liveCall(): Promise<{ id: string; expertCall: string; clientCall: string; bothInAtMs: number; expertToken: string }> {
    const http = new HttpClient(nodeA.url);
    const expert = await setUpExpert(http, { pricing: PHONE_PRICING, availableNow: true });
    const client = await setUpClient(http);
    const booked = await http.post(
      '/api/consultations',
      bookingBody(expert.slug, { mode: 'phone', phoneNumber: CLIENT_NUMBER_FR, budgetCents: 3000 }),
      client.token,
    );
    expect(booked.status).to.equal(201);
    const id = booked.body.id as string;
    await nodeA.services.telephony.phone.start(id);
    const ringing = (party: string) =>
      [...twilio.calls.values()].find((call) => call.consultationId === id && call.party === party && call.state === 'ringing')?.sid;
    const expertCall = await waitFor(() => ringing('expert'), 10_000, 'expert ringing');
    await twilio.answer(expertCall);
    const clientCall = await waitFor(() => ringing('client'), 10_000, 'client ringing');
    await twilio.answer(clientCall);
    await waitFor(() => nodeA.services.telephony.phone.view(id)?.running, 10_000, 'meter running on A');
    return { id, expertCall, clientCall, bothInAtMs: Date.now(), expertToken: await tokenOf(http, expert) };
  }

  const session = async (id: string) =>
    (
      await db.query<{ owner_node_id: string; outcome: string | null; finished_at: Date | null }>(
        'SELECT owner_node_id, outcome, finished_at FROM phone_sessions WHERE consultation_id = $1',
        [id],
      )
    )[0]!;

  it('a callback and the expert’s end landing on a node that does not own the session are recorded and acted on by the owner', async () => {
    const call = await liveCall();
    expect((await session(call.id)).owner_node_id).to.equal('api-a');
    throughNodeB();
    // The client's line drops: the callback reaches B, which records it; A hears of it (NOTIFY) and pauses the meter.
    await twilio.hangup(call.clientCall, 'drop');
    await waitFor(() => nodeA.services.telephony.phone.view(call.id)?.running === false || undefined, 10_000, 'A paused the meter');
    expect(nodeB.services.telephony.phone.view(call.id), 'B runs nothing').to.equal(undefined);
    // The expert ends it through B (TEL-5); A ends and settles it.
    const ended = await new HttpClient(nodeB.url).post(`/api/consultations/${call.id}/end`, undefined, call.expertToken);
    expect(ended.status, JSON.stringify(ended.body)).to.be.oneOf([200, 202]);
    await waitFor(async () => (await session(call.id)).finished_at !== null || undefined, 10_000, 'session finished by its owner');
    expect(await session(call.id)).to.include({ owner_node_id: 'api-a', outcome: 'party_left' });
    const [row] = await db.query<{ status: string; settled: number }>(
      `SELECT c.status, (SELECT count(*)::int FROM settlements s WHERE s.consultation_id = c.id AND s.status = 'settled') AS settled FROM consultations c WHERE c.id = $1`,
      [call.id],
    );
    expect(row).to.deep.equal({ status: 'ended', settled: 1 });
  });

  it('node A dies mid-call: node B takes the session over within 10 s, the call goes on, and the whole connected time is billed once', async () => {
    const call = await liveCall();
    throughNodeB();
    // A stops for good (its leases are no longer renewed); the conference stays up at the provider.
    const diedAtMs = Date.now();
    await nodeA.close();
    aClosed = true;
    await waitFor(async () => (await session(call.id)).owner_node_id === 'api-b' || undefined, 15_000, 'taken over by B');
    const takeoverMs = Date.now() - diedAtMs;
    console.log(`      phone session taken over ${takeoverMs} ms after its owner stopped`);
    expect(takeoverMs).to.be.at.most(10_000);
    await waitFor(() => nodeB.services.telephony.phone.view(call.id)?.running, 5000, 'B’s meter running');
    await new Promise((done) => setTimeout(done, 2000));
    const hungUpAtMs = Date.now();
    await twilio.hangup(call.clientCall);
    await twilio.hangup(call.expertCall);
    await waitFor(async () => (await session(call.id)).finished_at !== null || undefined, 10_000, 'finished by B');
    expect(await session(call.id)).to.include({ owner_node_id: 'api-b', outcome: 'party_left' });
    const [row] = await db.query<{ connected_seconds: number; terms: ConsultationTerms; charge_cents: number; settlements: number }>(
      `SELECT c.connected_seconds, c.terms, (SELECT s.charge_cents FROM settlements s WHERE s.consultation_id = c.id) AS charge_cents,
              (SELECT count(*)::int FROM settlements s WHERE s.consultation_id = c.id) AS settlements FROM consultations c WHERE c.id = $1`,
      [call.id],
    );
    const talkedSeconds = (hungUpAtMs - call.bothInAtMs) / 1000;
    expect(row!.settlements).to.equal(1);
    expect(row!.connected_seconds).to.be.within(Math.floor(talkedSeconds) - 1, Math.ceil(talkedSeconds) + 1);
    expect(row!.charge_cents).to.equal(settleConsultation(row!.terms, row!.connected_seconds).chargeCents);
    const [sum] = await db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0)::int AS total FROM ledger_postings');
    expect(sum!.total).to.equal(0);
  });
});
