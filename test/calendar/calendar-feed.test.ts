import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, bookingBody, setUpClient, setUpExpert, tokenOf, type Person } from '../support/bookings.ts';
import { calendarOf, mailbox, parseCalendar } from '../support/calendar.ts';

/** BOOK-8 over real HTTP: the address, the feed parsed by ical.js as a calendar app would, rotation. */
describe('BOOK-8 calendar feeds', () => {
  let platform: BookingPlatform;
  let client: Person & { token: string };
  let otherClient: Person & { token: string };
  let expert: Awaited<ReturnType<typeof setUpExpert>>;

  before(async () => {
    platform = await BookingPlatform.start({ realNotifier: true });
    client = await setUpClient(platform.http);
    otherClient = await setUpClient(platform.http);
    expert = await setUpExpert(platform.http, { availableNow: true });
  });
  after(() => platform.close());

  const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS);

  async function book(who: Person, startAt: Date | null) {
    const response = await platform.http.post(
      '/api/consultations',
      bookingBody(expert.slug, { startAt: startAt?.toISOString() ?? null }),
      await tokenOf(platform.http, who),
    );
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body as { id: string; startAt: string | null };
  }

  async function feedUrl(who: Person): Promise<string> {
    const response = await platform.http.get('/api/me/calendar', await tokenOf(platform.http, who));
    expect(response.status).to.equal(200);
    return response.body.url as string;
  }

  async function fetchFeed(url: string) {
    const response = await fetch(url);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
      cacheControl: response.headers.get('cache-control'),
    };
  }

  it('gives each user one private address, the same on every ask, and only to them (401 without a session)', async () => {
    expect((await platform.http.get('/api/me/calendar')).status).to.equal(401);
    const first = await platform.http.get('/api/me/calendar', await tokenOf(platform.http, client));
    expect(first.body.url).to.match(new RegExp(`^${platform.http.baseUrl}/api/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
    expect(first.body.webcalUrl).to.equal(first.body.url.replace(/^http:/, 'webcal:'));
    expect(await feedUrl(client)).to.equal(first.body.url);
    expect(await feedUrl(otherClient)).to.not.equal(first.body.url);
  });

  it('lists the appointments of the last 30 days and later ones with their current times, status and page, parsed by ical.js', async () => {
    const old = await book(client, inHours(1));
    const recent = await book(client, inHours(3 * 24));
    platform.clock.set(inHours(30 * 24 + 2));
    await platform.drainJobs();
    const upcoming = await book(client, inHours(4 * 24));
    const toCancel = await book(client, inHours(5 * 24));
    const toMove = await book(client, inHours(6 * 24));
    const others = await book(otherClient, inHours(7 * 24));
    // An immediate request has no time: it is not a calendar event.
    const immediate = await book(client, null);
    await platform.http.post(`/api/consultations/${immediate.id}/cancel`, undefined, await tokenOf(platform.http, client));
    await platform.http.post(`/api/consultations/${toCancel.id}/cancel`, undefined, await tokenOf(platform.http, client));
    const movedTo = inHours(8 * 24);
    expect(
      (await platform.http.post(`/api/consultations/${toMove.id}/reschedule`, { startAt: movedTo.toISOString() }, await tokenOf(platform.http, expert))).status,
    ).to.equal(200);

    const feed = await fetchFeed(await feedUrl(client));
    expect(feed.status).to.equal(200);
    expect(feed.contentType).to.equal('text/calendar; charset=utf-8');
    expect(feed.cacheControl).to.equal('private, no-cache');
    const calendar = parseCalendar(feed.text);
    expect(calendar).to.include({ method: null, name: 'Consulto – mes consultations', refreshInterval: 'PT15M' });
    expect(feed.text).to.include('X-PUBLISHED-TTL:PT15M\r\n');
    const byId = new Map(calendar.events.map((event) => [event.uid.replace(/^consultation-(.*)@.*$/, '$1'), event]));
    expect([...byId.keys()]).to.have.members([recent.id, upcoming.id, toCancel.id, toMove.id]);
    expect(byId.get(upcoming.id)).to.deep.include({
      startAt: upcoming.startAt,
      endAt: new Date(new Date(upcoming.startAt!).getTime() + 15 * 60_000).toISOString(),
      status: 'CONFIRMED',
      sequence: 0,
      summary: `Consulto – ${await expertName()}`,
      url: `${platform.http.baseUrl}/consultations/${upcoming.id}`,
    });
    expect(byId.get(toCancel.id)).to.include({ status: 'CANCELLED', sequence: 1 });
    expect(byId.get(toMove.id)).to.include({ status: 'CONFIRMED', sequence: 1, startAt: movedTo.toISOString() });
    expect(byId.get(recent.id)!.startAt < platform.clock.now().toISOString()).to.equal(true);

    // The same UID and SEQUENCE as the emails' .ics: one event in an app that has both.
    await platform.drainJobs();
    const [moveMail] = (await mailbox(platform.http, { to: client.email, event: 'consultation_rescheduled' })).filter((mail) => mail.text.includes(toMove.id));
    const mailed = calendarOf(moveMail!).events[0]!;
    expect(byId.get(toMove.id)).to.include({ uid: mailed.uid, sequence: mailed.sequence, startAt: mailed.startAt });

    // The expert's feed holds every client's appointments, each named after the client.
    const expertCalendar = parseCalendar((await fetchFeed(await feedUrl(expert))).text);
    const expertIds = expertCalendar.events.map((event) => event.uid.replace(/^consultation-(.*)@.*$/, '$1'));
    expect(expertIds).to.include.members([recent.id, upcoming.id, toCancel.id, toMove.id, others.id]);
    expect(expertIds).to.not.include(old.id);
    expect(expertCalendar.events.find((event) => event.uid.includes(others.id))!.summary).to.match(/^Consulto – /);
    // The other client sees only their own.
    const otherIds = parseCalendar((await fetchFeed(await feedUrl(otherClient))).text).events.map((event) => event.uid);
    expect(otherIds).to.have.length(1);
  });

  it('follows changes: a move shows at the next fetch with a later DTSTAMP', async () => {
    const booked = await book(client, inHours(10 * 24));
    const url = await feedUrl(client);
    const before = parseCalendar((await fetchFeed(url)).text).events.find((event) => event.uid.includes(booked.id))!;
    platform.clock.set(inHours(1));
    const newStart = inHours(11 * 24);
    expect(
      (await platform.http.post(`/api/consultations/${booked.id}/reschedule`, { startAt: newStart.toISOString() }, await tokenOf(platform.http, client)))
        .status,
    ).to.equal(200);
    const after = parseCalendar((await fetchFeed(url)).text).events.find((event) => event.uid.includes(booked.id))!;
    expect(after).to.include({ uid: before.uid, startAt: newStart.toISOString(), sequence: before.sequence + 1 });
    expect(after.dtstamp > before.dtstamp).to.equal(true);
  });

  it('rotating gives a new address; the old one answers 404 at once, and so does any made-up one', async () => {
    const old = await feedUrl(client);
    expect((await fetchFeed(old)).status).to.equal(200);
    const rotated = await platform.http.post('/api/me/calendar/rotate', undefined, await tokenOf(platform.http, client));
    expect(rotated.status).to.equal(200);
    expect(rotated.body.url).to.not.equal(old);
    expect(await feedUrl(client)).to.equal(rotated.body.url);
    const gone = await fetch(old);
    expect(gone.status).to.equal(404);
    expect((await gone.json()).error.code).to.equal('not_found');
    expect((await fetchFeed(rotated.body.url)).status).to.equal(200);
    for (const path of [
      '/api/calendar/nope.ics',
      `/api/calendar/${'a'.repeat(43)}.ics`,
      `/api/calendar/${rotated.body.url.split('/').pop().replace('.ics', '')}`,
    ]) {
      expect((await platform.http.get(path)).status, path).to.equal(404);
    }
    // §11: a NUL byte is refused at the edge, before any lookup.
    expect((await platform.http.get('/api/calendar/%00.ics')).status).to.equal(400);
    expect((await platform.http.post('/api/me/calendar/rotate')).status).to.equal(401);
  });

  it("ACC-8: a deregistered account's address answers 404 and is erased", async () => {
    const leaving = await setUpClient(platform.http);
    const url = await feedUrl(leaving);
    expect((await fetchFeed(url)).status).to.equal(200);
    expect((await platform.http.post('/api/me/deregistration', undefined, await tokenOf(platform.http, leaving))).status).to.equal(202);
    expect((await fetchFeed(url)).status).to.equal(404);
    expect(await platform.db.query('SELECT 1 FROM calendar_feeds WHERE user_id = $1', [leaving.id])).to.deep.equal([]);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const paths = (await platform.http.get('/api/openapi.json')).body.paths;
    expect(paths['/api/me/calendar']).to.have.property('get');
    expect(paths['/api/me/calendar/rotate']).to.have.property('post');
    expect(paths['/api/calendar/{file}']).to.have.property('get');
  });

  async function expertName(): Promise<string> {
    const profile = await platform.http.get(`/api/experts/${expert.slug}`);
    return `${profile.body.firstName} ${profile.body.lastName}`;
  }
});
