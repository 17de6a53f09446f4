import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { BookingPlatform, MINUTE_MS, bookingBody, liveHoldCount, setUpClient, setUpExpert, tokenOf, type Person } from '../support/bookings.ts';
import { isolatedConfig, openTestDatabase, HttpClient } from '../support/platform.ts';
import { waitFor } from '../media/support.ts';
import { ConsultationEventStream, type LiveConsultation, type LiveEvent } from '../../client/src/live/consultation-events.ts';
import { openPostgres, type Database } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { createLogger } from '../../server/platform/logger.ts';

/** An open page's live channel, through the web client's own module (BOOK-4). */
class OpenPage {
  readonly events: LiveEvent[] = [];
  readonly #stream: ConsultationEventStream;

  constructor(baseUrl: string, accessToken: string) {
    this.#stream = new ConsultationEventStream({
      open: (signal) => fetch(`${baseUrl}/api/events`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' }, signal }),
      onEvent: (event) => this.events.push(event),
    });
    this.#stream.start();
  }

  async connected(): Promise<void> {
    await waitFor(() => this.events.some((event) => event.type === 'connection' && event.connected), 5000, 'stream open');
  }

  /** The latest state pushed for this consultation that matches. */
  async sees(consultationId: string, matches: (consultation: LiveConsultation) => boolean, timeoutMs = 1000): Promise<LiveConsultation> {
    return waitFor(
      () =>
        [...this.events]
          .reverse()
          .flatMap((event) => (event.type === 'consultation' && event.consultation.id === consultationId ? [event.consultation] : []))
          .find(matches),
      timeoutMs,
      `a pushed change of ${consultationId}`,
    );
  }

  close(): void {
    this.#stream.stop();
  }
}

describe('BOOK-4 live requests: the expert is told at once, accepts or declines, the client follows it live', function () {
  this.timeout(60_000);
  let platform: BookingPlatform;
  const pages: OpenPage[] = [];

  before(async () => {
    platform = await BookingPlatform.start({ clock: new ManualClock(new Date()) });
  });
  after(async () => {
    for (const page of pages) page.close();
    await platform.close();
  });

  async function parties(mode: 'video' | 'phone' = 'video') {
    const expert = await setUpExpert(platform.http, { availableNow: true });
    const client = await setUpClient(platform.http);
    const expertPage = new OpenPage(platform.http.baseUrl, expert.token);
    const clientPage = new OpenPage(platform.http.baseUrl, client.token);
    pages.push(expertPage, clientPage);
    await Promise.all([expertPage.connected(), clientPage.connected()]);
    const book = async () => {
      const booked = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { mode, ...(mode === 'phone' ? { phoneNumber: '+33698765432' } : {}) }),
        await tokenOf(platform.http, client),
      );
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      return booked.body.id as string;
    };
    return { expert, client, expertPage, clientPage, book };
  }

  it('the expert’s open workspace hears of the request within a second, with its deadline; accepted then joined, both pages see it go live', async () => {
    const { expert, expertPage, clientPage, book } = await parties();
    const bookedAtMs = Date.now();
    const id = await book();
    const pushed = await expertPage.sees(id, (consultation) => consultation.status === 'requested');
    expect(Date.now() - bookedAtMs).to.be.below(1000);
    expect(Date.parse(pushed.requestExpiresAt!) - Date.parse(pushed.createdAt)).to.equal(5 * MINUTE_MS);
    expect(pushed.client.firstName).to.be.a('string');
    await clientPage.sees(id, (consultation) => consultation.status === 'requested');

    const accepted = await platform.http.post(`/api/consultations/${id}/accept`, undefined, expert.token);
    expect(accepted.status).to.equal(200);
    expect(accepted.body).to.include({ id, status: 'requested' });
    expect(accepted.body.acceptedAt).to.be.a('string');
    await clientPage.sees(id, (consultation) => consultation.acceptedAt !== null);
    // Accepting again changes nothing.
    const again = await platform.http.post(`/api/consultations/${id}/accept`, undefined, expert.token);
    expect(again.body.acceptedAt).to.equal(accepted.body.acceptedAt);

    // The expert's arrival in the room makes it live (media/service.ts reports it the same way).
    await platform.services.consultations.markPartyJoined(id, 'expert');
    for (const page of [expertPage, clientPage]) {
      const live = await page.sees(id, (consultation) => consultation.status === 'live');
      expect(live.requestExpiresAt).to.equal(null);
    }
  });

  it('decline: 200 and `expired`, the hold released, nothing charged; the client is told at once and by email; declining again answers the same', async () => {
    const { expert, client, clientPage, book } = await parties();
    const holdsBefore = await liveHoldCount(platform.db);
    const id = await book();
    expect(await liveHoldCount(platform.db)).to.equal(holdsBefore + 1);
    const declined = await platform.http.post(`/api/consultations/${id}/decline`, undefined, expert.token);
    expect(declined.status).to.equal(200);
    expect(declined.body).to.include({ id, status: 'expired', chargeCents: 0, requestExpiresAt: null });
    expect(declined.body.declinedAt).to.be.a('string');
    const seen = await clientPage.sees(id, (consultation) => consultation.status === 'expired');
    expect(seen.declinedAt).to.equal(declined.body.declinedAt);
    expect(await liveHoldCount(platform.db)).to.equal(holdsBefore);
    await platform.drainJobs();
    expect(platform.notifier.events(client.id)).to.include('immediate_request_declined');
    const twice = await platform.http.post(`/api/consultations/${id}/decline`, undefined, expert.token);
    expect(twice.status).to.equal(200);
    expect(twice.body.declinedAt).to.equal(declined.body.declinedAt);
    const late = await platform.http.post(`/api/consultations/${id}/accept`, undefined, expert.token);
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('request_over');
  });

  it('only its expert answers a request, and only a request: everyone else gets a 4xx with the error shape, and nothing changes', async () => {
    const { expert, client, book } = await parties();
    const id = await book();
    const stranger = await setUpExpert(platform.http);
    for (const action of ['accept', 'decline']) {
      const byClient = await platform.http.post(`/api/consultations/${id}/${action}`, undefined, client.token);
      expect(byClient.status).to.equal(403);
      expect(byClient.body.error.code).to.be.a('string');
      const byStranger = await platform.http.post(`/api/consultations/${id}/${action}`, undefined, stranger.token);
      expect(byStranger.status).to.equal(404);
      expect(byStranger.body.error.code).to.equal('not_found');
      for (const bad of ['not-an-id', '00000000-0000-0000-0000-000000000000']) {
        const malformed = await platform.http.post(`/api/consultations/${bad}/${action}`, undefined, expert.token);
        expect(malformed.status, bad).to.be.within(400, 404);
        expect(malformed.body.error.code).to.be.a('string');
      }
    }
    const unchanged = await platform.http.get(`/api/consultations/${id}`, expert.token);
    expect(unchanged.body).to.include({ status: 'requested', acceptedAt: null, declinedAt: null });
    // An appointment is not a request.
    await platform.http.post(`/api/consultations/${id}/cancel`, undefined, client.token);
    const startAt = new Date(Math.ceil((platform.clock.now().getTime() + 3 * 60 * MINUTE_MS) / (60 * MINUTE_MS)) * 60 * MINUTE_MS);
    const appointment = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: startAt.toISOString() }), client.token);
    expect(appointment.status, JSON.stringify(appointment.body)).to.equal(201);
    const refused = await platform.http.post(`/api/consultations/${appointment.body.id}/decline`, undefined, expert.token);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('not_a_request');
    expect((await platform.http.get(`/api/consultations/${appointment.body.id}`, expert.token)).body.status).to.equal('scheduled');
  });

  it('an expert who accepted at the last moment gets 2 more minutes: the request does not expire under them', async () => {
    const { expert, clientPage, book } = await parties();
    const id = await book();
    platform.clock.advance(4 * MINUTE_MS + 50_000);
    const accepted = await platform.http.post(`/api/consultations/${id}/accept`, undefined, await tokenOf(platform.http, expert));
    expect(Date.parse(accepted.body.requestExpiresAt) - Date.parse(accepted.body.acceptedAt)).to.equal(2 * MINUTE_MS);
    platform.clock.advance(20_000);
    await platform.drainJobs();
    expect((await platform.http.get(`/api/consultations/${id}`, await tokenOf(platform.http, expert))).body.status).to.equal('requested');
    platform.clock.advance(2 * MINUTE_MS);
    await platform.drainJobs();
    const expired = await clientPage.sees(id, (consultation) => consultation.status === 'expired');
    expect(expired.declinedAt).to.equal(null);
  });

  it('accepting a phone request starts the calls at once: the expert’s phone rings', async () => {
    const { expert, book } = await parties('phone');
    const id = await book();
    expect(platform.services.telephony.simulator!.calls().filter((call) => call.consultationId === id)).to.deep.equal([]);
    const accepted = await platform.http.post(`/api/consultations/${id}/accept`, undefined, await tokenOf(platform.http, expert));
    expect(accepted.status).to.equal(200);
    await platform.services.telephony.idle();
    const calls = platform.services.telephony.simulator!.calls().filter((call) => call.consultationId === id);
    expect(calls.map((call) => [call.party, call.state])).to.deep.equal([['expert', 'ringing']]);
  });

  it('the stream is for signed-in people only, a few per person, and ends (“reconnect”) when the session does', async () => {
    const anonymous = await fetch(`${platform.http.baseUrl}/api/events`);
    expect(anonymous.status).to.equal(401);
    expect((await anonymous.json()).error.code).to.equal('missing_token');
    const expert = await setUpExpert(platform.http, { availableNow: true });
    const token = await tokenOf(platform.http, expert);
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const open = await Promise.all(
      controllers.map((controller) =>
        fetch(`${platform.http.baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal }),
      ),
    );
    expect(open.map((response) => response.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(open[0]!.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(open[0]!.headers.get('x-accel-buffering')).to.equal('no');
    const sixth = await fetch(`${platform.http.baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(sixth.status).to.equal(429);
    expect((await sixth.json()).error.code).to.equal('too_many_streams');
    for (const controller of controllers) controller.abort();

    const page = new OpenPage(platform.http.baseUrl, token);
    pages.push(page);
    await page.connected();
    await platform.http.post('/api/auth/logout', undefined, token);
    // The next change for this expert finds the session over: the stream ends instead of pushing it.
    const client = await setUpClient(platform.http);
    await platform.http.post('/api/consultations', bookingBody(expert.slug), client.token);
    await waitFor(() => page.events.some((event) => event.type === 'connection' && !event.connected), 2000, 'stream ended');
    expect(page.events.some((event) => event.type === 'consultation')).to.equal(false);
  });
});

describe('BOOK-4 two API nodes on one database: a change made through one reaches a page connected to the other', function () {
  this.timeout(60_000);
  let nodes: RunningPlatform[] = [];
  let cleanup: () => Promise<void>;
  let serverUrl: string | undefined;

  before(async () => {
    const { config, dataDir } = isolatedConfig('consulto-two-nodes');
    const database = await openTestDatabase();
    serverUrl = database.url;
    // Each node has its own connections to the server; on PGlite both share the in-process database.
    const secondDb: Database = database.url ? openPostgres(database.url) : { ...database.db, close: async () => undefined };
    const options = { clock: new ManualClock(new Date()), logger: createLogger('silent'), jobPollIntervalMs: 0 };
    const first = await startPlatform(config, { ...options, db: database.db });
    const second = await startPlatform(config, { ...options, db: secondDb });
    nodes = [first, second];
    cleanup = async () => {
      await second.close();
      await first.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  after(() => cleanup());

  it('the expert’s page on node B hears of the request booked on node A and of its refusal made on node A', async () => {
    const [nodeA, nodeB] = nodes.map((node) => new HttpClient(node.url)) as [HttpClient, HttpClient];
    const expert: Person & { slug: string; token: string } = await setUpExpert(nodeA, { availableNow: true });
    const client = await setUpClient(nodeA);
    const page = new OpenPage(nodeB.baseUrl, expert.token);
    try {
      await page.connected();
      const booked = await nodeA.post('/api/consultations', bookingBody(expert.slug), client.token);
      expect(booked.status).to.equal(201);
      await page.sees(booked.body.id, (consultation) => consultation.status === 'requested');
      await nodeA.post(`/api/consultations/${booked.body.id}/decline`, undefined, expert.token);
      await page.sees(booked.body.id, (consultation) => consultation.status === 'expired' && consultation.declinedAt !== null);
      if (serverUrl) {
        // On a server, a listening connection can be lost (a restart, a failover): it comes back by
        // itself and the pages are told to read their lists again, since changes may have been missed.
        await nodes[1]!.db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN consultation_events%' AND pid <> pg_backend_pid()`,
        );
        await waitFor(() => page.events.some((event) => event.type === 'resync'), 10_000, 'resync after the lost connection');
        const again = await nodeA.post('/api/consultations', bookingBody(expert.slug), client.token);
        expect(again.status).to.equal(201);
        await page.sees(again.body.id, (consultation) => consultation.status === 'requested', 5000);
      }
    } finally {
      page.close();
    }
  });
});
