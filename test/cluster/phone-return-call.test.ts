import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { isolatedConfig, openTestDatabase, HttpClient } from '../support/platform.ts';
import { openPostgres, type Database } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { settleConsultation, type ConsultationTerms } from '../../server/billing/index.ts';
import { bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';
import { TwilioFake } from '../telephony/twilio-fake.ts';
import { CLIENT_NUMBER_FR, PHONE_PRICING, PLATFORM_NUMBER } from '../telephony/support.ts';
import { waitFor } from '../media/support.ts';

/** Long enough that billing it by mistake shows beyond the tests' one-second tolerance. */
const GAP_MS = 3000;
const TALK_MS = 1500;
const STRANGER_NUMBER = '+33799999999';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Scale out (issue 15), TEL-5 across API nodes, in one process on the test database: node A owns
 * a live phone session; the party who left calls the platform's number back and Twilio's inbound
 * webhook (signed for node B's address) lands on node B, which recognises the caller from
 * PostgreSQL, answers the conference's TwiML and records the leg; A takes the leg as its own and
 * its meter resumes when the leg joins (BILL-4).
 */
describe('TEL-5 BILL-4 a return call to the platform’s number landing on an API node that does not own the phone session', function () {
  this.timeout(90_000);
  let twilio: TwilioFake;
  let nodeA: RunningPlatform;
  let nodeB: RunningPlatform;
  let db: Database;
  let cleanup: () => Promise<void>;

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
    // Each node has its own connections on a server (on PGlite: the shared database, which A's end does not close).
    const secondDb: Database = database.url ? openPostgres(database.url) : { ...database.db, close: async () => undefined };
    const options = { clock: systemClock, logger: createLogger('silent'), jobPollIntervalMs: 0 };
    nodeA = await startPlatform(a.config, { ...options, db: secondDb });
    nodeB = await startPlatform({ ...b.config, documentsEncryptionKey: a.config.documentsEncryptionKey }, { ...options, db: database.db });
    cleanup = async () => {
      await nodeA.close();
      await nodeB.close();
      await twilio.close();
      await database.drop();
      rmSync(a.dataDir, { recursive: true, force: true });
      rmSync(b.dataDir, { recursive: true, force: true });
    };
  });
  after(() => cleanup());

  const phoneOf = (node: RunningPlatform) => node.services.telephony.phone;
  const inboundOf = (node: RunningPlatform) => `${node.url}/webhooks/twilio/inbound`;

  /** From now on every callback for the calls placed so far lands on node B (what a load balancer may do). */
  const callbacksThroughNodeB = () => {
    const [from, to] = [new URL(nodeA.url).origin, new URL(nodeB.url).origin];
    for (const call of twilio.calls.values()) {
      call.statusCallback = call.statusCallback.replace(from, to);
      call.url = call.url.replace(from, to);
    }
    for (const conference of twilio.conferences.values()) conference.statusCallback = conference.statusCallback.replace(from, to);
  };

  /** A phone consultation started on node A, both parties answered and talking (A's meter runs). */
  async function liveCall(): Promise<{ id: string; expertCall: string; clientCall: string; bothInAtMs: number }> {
    const http = new HttpClient(nodeA.url);
    const expert = await setUpExpert(http, { pricing: PHONE_PRICING, availableNow: true });
    const client = await setUpClient(http);
    const booked = await http.post(
      '/api/consultations',
      bookingBody(expert.slug, { mode: 'phone', phoneNumber: CLIENT_NUMBER_FR, budgetCents: 3000 }),
      client.token,
    );
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const id = booked.body.id as string;
    await phoneOf(nodeA).start(id);
    const ringing = (party: string) =>
      [...twilio.calls.values()].find((call) => call.consultationId === id && call.party === party && call.state === 'ringing')?.sid;
    const expertCall = await waitFor(() => ringing('expert'), 10_000, 'expert ringing');
    await twilio.answer(expertCall);
    const clientCall = await waitFor(() => ringing('client'), 10_000, 'client ringing');
    await twilio.answer(clientCall);
    await waitFor(() => phoneOf(nodeA).view(id)?.running, 10_000, 'meter running on A');
    return { id, expertCall, clientCall, bothInAtMs: Date.now() };
  }

  /** A party's leg ends; the owner, A, pauses its meter (BILL-4). */
  async function leaves(id: string, callSid: string): Promise<void> {
    await twilio.hangup(callSid);
    await waitFor(() => phoneOf(nodeA).view(id)?.running === false || undefined, 10_000, 'A paused the meter');
  }

  const session = async (id: string) =>
    (
      await db.query<{ owner_node_id: string; outcome: string | null; finished_at: Date | null }>(
        'SELECT owner_node_id, outcome, finished_at FROM phone_sessions WHERE consultation_id = $1',
        [id],
      )
    )[0]!;

  /** What a return call may have written: the legs, the callbacks, the party requests. */
  const recorded = async () =>
    (
      await db.query<{ calls: number; facts: number; requests: number }>(
        `SELECT (SELECT count(*)::int FROM phone_calls) AS calls, (SELECT count(*)::int FROM phone_call_events) AS facts,
                (SELECT count(*)::int FROM phone_session_requests) AS requests`,
      )
    )[0]!;

  const inboundCalls = async (id: string) =>
    db.query<{ call_id: string; party: string }>(`SELECT call_id, party FROM phone_calls WHERE consultation_id = $1 AND direction = 'inbound'`, [id]);

  async function finishedAndSettledOnce(id: string): Promise<{ connectedSeconds: number }> {
    await waitFor(async () => (await session(id)).finished_at !== null || undefined, 10_000, 'session finished by its owner');
    expect(await session(id)).to.include({ owner_node_id: 'api-a', outcome: 'party_left' });
    const [row] = await db.query<{ status: string; connected_seconds: number; terms: ConsultationTerms; charge_cents: number; settlements: number }>(
      `SELECT c.status, c.connected_seconds, c.terms, (SELECT s.charge_cents FROM settlements s WHERE s.consultation_id = c.id) AS charge_cents,
              (SELECT count(*)::int FROM settlements s WHERE s.consultation_id = c.id) AS settlements FROM consultations c WHERE c.id = $1`,
      [id],
    );
    expect(row).to.include({ status: 'ended', settlements: 1 });
    expect(row!.charge_cents).to.equal(settleConsultation(row!.terms, row!.connected_seconds).chargeCents);
    const [sum] = await db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0)::int AS total FROM ledger_postings');
    expect(sum!.total, 'the ledger sums to zero').to.equal(0);
    return { connectedSeconds: row!.connected_seconds };
  }

  it('TEL-5 BILL-4: the client calls back by number through node B: B’s TwiML puts the call into the consultation’s conference, A’s meter resumes at the join, the gap is not billed and the connected seconds are billed once', async () => {
    const call = await liveCall();
    await sleep(TALK_MS);
    const leftAtMs = Date.now();
    await leaves(call.id, call.clientCall);
    callbacksThroughNodeB();
    await sleep(GAP_MS);
    expect(phoneOf(nodeA).view(call.id)?.running, 'still paused before the return').to.equal(false);

    const back = await twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodeB), party: 'client' });
    const sentFor = (callSid: string) => twilio.sent.filter((request) => request.params['CallSid'] === callSid);
    expect(
      sentFor(back)
        .filter((request) => request.url.includes('/inbound'))
        .map((request) => request.url),
      'one inbound webhook, signed for B’s address',
    ).to.deep.equal([inboundOf(nodeB)]);
    expect(sentFor(back).find((request) => request.params['StatusCallbackEvent'] === 'participant-join')?.url, 'the join callback lands on B too').to.satisfy(
      (url: string) => url.startsWith(`${nodeB.url}/webhooks/twilio/status`),
    );
    const backCall = twilio.calls.get(back)!;
    expect(backCall.state).to.equal('in_conference');
    // The consultation's conference, the very one the expert is waiting in.
    expect(backCall.conferenceSid).to.equal(twilio.calls.get(call.expertCall)!.conferenceSid);
    expect(twilio.conferences.get(backCall.conferenceSid!)!.friendlyName).to.equal(`consulto-${call.id}`);

    await waitFor(() => phoneOf(nodeA).view(call.id)?.running, 10_000, 'A’s meter resumed');
    const backAtMs = Date.now();
    expect(
      phoneOf(nodeA)
        .view(call.id)!
        .legs.find((leg) => leg.callId === back),
      'A runs the leg B let in',
    ).to.include({ party: 'client', conference: 'in' });
    expect(phoneOf(nodeB).view(call.id), 'B runs nothing').to.equal(undefined);
    expect(await inboundCalls(call.id)).to.deep.equal([{ call_id: back, party: 'client' }]);

    await sleep(TALK_MS);
    const hungUpAtMs = Date.now();
    await twilio.hangup(back);
    await twilio.hangup(call.expertCall);
    const { connectedSeconds } = await finishedAndSettledOnce(call.id);
    const talkedSeconds = (leftAtMs - call.bothInAtMs + (hungUpAtMs - backAtMs)) / 1000;
    expect(connectedSeconds, `talked ${talkedSeconds} s around a ${GAP_MS / 1000} s gap`).to.be.within(
      Math.floor(talkedSeconds) - 1,
      Math.ceil(talkedSeconds) + 1,
    );
  });

  it('TEL-5 BILL-4: a number shared by two live consultations is asked for its code through node B; the code puts the call into its own consultation, whose meter resumes on A', async () => {
    const first = await liveCall();
    const second = await liveCall();
    await leaves(first.id, first.clientCall);
    await leaves(second.id, second.clientCall);
    callbacksThroughNodeB();
    const before = await recorded();

    // Both clients booked with the same number: it matches two consultations, so B asks for the code.
    const back = await twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodeB), party: 'client' });
    expect(twilio.calls.get(back)!.gatherAction).to.equal(`${inboundOf(nodeB)}?attempt=1`);
    expect(await recorded(), 'nothing recorded while asking').to.deep.equal(before);

    const [{ phone_return_code: code } = { phone_return_code: '' }] = await db.query<{ phone_return_code: string }>(
      'SELECT phone_return_code FROM consultations WHERE id = $1',
      [second.id],
    );
    await twilio.pressKeys(back, code);
    const backCall = twilio.calls.get(back)!;
    expect(backCall.state).to.equal('in_conference');
    expect(backCall.conferenceSid).to.equal(twilio.calls.get(second.expertCall)!.conferenceSid);
    await waitFor(() => phoneOf(nodeA).view(second.id)?.running, 10_000, 'the second consultation’s meter resumed on A');
    expect(phoneOf(nodeA).view(first.id)?.running, 'the first one stays paused').to.equal(false);
    expect(await inboundCalls(second.id)).to.deep.equal([{ call_id: back, party: 'client' }]);
    expect(await inboundCalls(first.id)).to.deep.equal([]);

    await twilio.hangup(first.expertCall);
    await finishedAndSettledOnce(first.id);
    await twilio.hangup(back);
    await twilio.hangup(second.expertCall);
    await finishedAndSettledOnce(second.id);
  });

  it('TEL-5: an unrecognised caller through node B is asked for the code, twice, then told goodbye; nothing is recorded and the absent party may still come back', async () => {
    const call = await liveCall();
    await leaves(call.id, call.clientCall);
    callbacksThroughNodeB();
    const before = await recorded();

    const stranger = await twilio.dialPlatform({ from: STRANGER_NUMBER, to: PLATFORM_NUMBER, url: inboundOf(nodeB), party: 'client' });
    expect(twilio.calls.get(stranger)!.gatherAction).to.equal(`${inboundOf(nodeB)}?attempt=1`);
    await twilio.pressKeys(stranger, '12');
    expect(twilio.calls.get(stranger)!.gatherAction).to.equal(`${inboundOf(nodeB)}?attempt=2`);
    await twilio.pressKeys(stranger, '12');
    const strangerCall = twilio.calls.get(stranger)!;
    expect(strangerCall).to.include({ state: 'ended', endedBy: 'platform', conferenceSid: null });
    expect(strangerCall.heard.at(-1)).to.include('<Hangup/>').and.not.include('<Conference');
    expect(await recorded(), 'no leg, no fact, no request').to.deep.equal(before);
    expect(phoneOf(nodeA).view(call.id)?.running).to.equal(false);

    const back = await twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodeB), party: 'client' });
    expect(twilio.calls.get(back)!.state).to.equal('in_conference');
    await waitFor(() => phoneOf(nodeA).view(call.id)?.running, 10_000, 'A’s meter resumed');
    await twilio.hangup(back);
    await twilio.hangup(call.expertCall);
    await finishedAndSettledOnce(call.id);
  });

  it('TEL-5 TEL-2: the inbound webhook replayed, to node B and signed for node A, gets the same conference and records one call', async () => {
    const call = await liveCall();
    await leaves(call.id, call.clientCall);
    callbacksThroughNodeB();
    const back = await twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodeB), party: 'client' });
    await waitFor(() => phoneOf(nodeA).view(call.id)?.running, 10_000, 'A’s meter resumed');
    const afterAdmission = await recorded();

    const original = twilio.sent.find((request) => request.url === inboundOf(nodeB) && request.params['CallSid'] === back)!;
    const answers = [
      await twilio.post(original.url, original.params),
      await twilio.post(inboundOf(nodeA), original.params), // the retry went to A this time, signed for A's address
      await twilio.post(original.url, original.params),
    ];
    for (const answer of answers) {
      expect(answer.status).to.equal(200);
      expect(answer.text).to.include(`>consulto-${call.id}</Conference>`);
    }
    expect(await recorded(), 'nothing recorded twice').to.deep.equal(afterAdmission);
    expect(await inboundCalls(call.id)).to.deep.equal([{ call_id: back, party: 'client' }]);
    expect(phoneOf(nodeA).view(call.id)?.running).to.equal(true);

    await twilio.hangup(back);
    await twilio.hangup(call.expertCall);
    await finishedAndSettledOnce(call.id);
  });
});
