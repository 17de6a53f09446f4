import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, MINUTE_MS, bookingBody, setUpClient, setUpExpert, tokenOf, type Person } from '../support/bookings.ts';
import { TINY_PNG, signUpExpert, verifyEmail } from '../support/fixtures.ts';
import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import type { TestPlatform } from '../support/platform.ts';

const DAY_MS = 24 * HOUR_MS;

/** The expert's dashboard, agenda and pricing breakdown (issue 13; EXP-4…EXP-8, BILL-7, BOOK-4, BOOK-7) over real HTTP. */
describe('expert dashboard, agenda and pricing breakdown', () => {
  let platform: BookingPlatform;
  let client: Person & { token: string };

  before(async () => {
    platform = await BookingPlatform.start();
    client = await setUpClient(platform.http);
  });
  after(() => platform.close());

  const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS);
  const get = async (path: string, who: Person) => platform.http.get(path, await tokenOf(platform.http, who));

  describe('dashboard: what now?', () => {
    it('walks the setup checklist to a published page: photo, rates, hours, identity check, shared', async () => {
      const signedUp = await signUpExpert(platform.http);
      const expert = { id: signedUp.user.id, email: signedUp.user.email };
      const token = signedUp.accessToken;
      const checklist = async () => {
        const response = await get('/api/experts/me/dashboard', expert);
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        return {
          published: response.body.published,
          done: Object.fromEntries(response.body.checklist.items.map((item: { key: string; done: boolean }) => [item.key, item.done])),
          body: response.body,
        };
      };
      let state = await checklist();
      expect(state.published).to.equal(false);
      expect(state.done).to.deep.equal({ photo: false, pricing: false, opening_hours: false, identity_check: false, shared: false });
      expect(state.body.checklist).to.include({ doneCount: 0, total: 5, complete: false });
      expect(state.body.checklist.items.find((item: { key: string }) => item.key === 'identity_check').status).to.equal('not_submitted');
      expect(state.body).to.deep.include({ liveRequests: [], inProgress: [], nextAppointments: [], timeZone: 'Europe/Paris' });

      await platform.http.request('PUT', '/api/experts/me/photo', { token, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
      expect((await checklist()).done.photo).to.equal(true);
      await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 120, packages: [] }, token);
      state = await checklist();
      expect(state).to.deep.include({ published: true });
      await platform.http.put(
        '/api/experts/me/availability',
        { timeZone: 'Europe/Paris', weekly: [{ weekday: 1, start: '09:00', end: '12:00' }], exceptions: [] },
        token,
      );
      expect((await checklist()).done.opening_hours).to.equal(true);
      expect((await platform.http.post('/api/experts/me/sharing', { channel: 'fax' }, token)).status).to.equal(400);
      expect((await platform.http.post('/api/experts/me/sharing', { channel: 'qr' }, token)).status).to.equal(204);
      state = await checklist();
      expect(state.done).to.deep.equal({ photo: true, pricing: true, opening_hours: true, identity_check: false, shared: true });
      expect(state.body.checklist.doneCount).to.equal(4);
    });

    it("shows live requests with their deadline, the next appointments with their way in and proposals, this month's earnings and the wallet", async () => {
      const expert = await setUpExpert(platform.http, { availableNow: true });
      const first = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: inHours(30).toISOString() }),
        await tokenOf(platform.http, client),
      );
      const second = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: inHours(3).toISOString() }),
        await tokenOf(platform.http, client),
      );
      const request = await platform.http.post('/api/consultations', bookingBody(expert.slug), await tokenOf(platform.http, client));
      const proposal = await platform.http.post(
        `/api/consultations/${first.body.id}/reschedule`,
        { startAt: inHours(32).toISOString() },
        await tokenOf(platform.http, expert),
      );
      expect(proposal.status).to.equal(202);
      const charged = await insertFinishedConsultation(platform as unknown as TestPlatform, {
        expertId: expert.id,
        clientId: client.id,
        terms: packageTerms(),
        connectedSeconds: 900,
      });
      await platform.services.settlements.settle(charged);

      const dashboard = (await get('/api/experts/me/dashboard', expert)).body;
      expect(dashboard.liveRequests).to.have.length(1);
      expect(dashboard.liveRequests[0]).to.deep.include({ id: request.body.id, mode: 'video', amountHeldCents: 3000 });
      expect(new Date(dashboard.liveRequests[0].expiresAt).getTime() - new Date(dashboard.liveRequests[0].createdAt).getTime()).to.equal(5 * MINUTE_MS);
      expect(dashboard.liveRequests[0].client.id).to.equal(client.id);
      expect(dashboard.nextAppointments.map((item: { id: string }) => item.id)).to.deep.equal([second.body.id, first.body.id]);
      expect(dashboard.nextAppointments[0]).to.deep.include({
        startAt: second.body.startAt,
        joinableFrom: new Date(new Date(second.body.startAt).getTime() - 10 * MINUTE_MS).toISOString(),
        rescheduleProposal: null,
      });
      expect(dashboard.nextAppointments[1].rescheduleProposal).to.deep.equal(proposal.body.proposal);
      // 75.00 € package, fee 15 × 15 = 2.25 €: 72.75 € net, pending for 7 days (PAY-3).
      const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(platform.clock.now());
      expect(dashboard.earnings).to.deep.equal({
        month,
        timeZone: 'Europe/Paris',
        consultationCount: 1,
        clientPriceCents: 7500,
        operatingFeeCents: 225,
        netEarningsCents: 7275,
      });
      expect(dashboard.wallet).to.include({ pendingCents: 7275, availableCents: 0, blocked: false });
      expect(dashboard.checklist.items.find((item: { key: string }) => item.key === 'shared').done).to.equal(true);
      expect((await get('/api/experts/me/dashboard?next=1', expert)).body.nextAppointments).to.have.length(1);
      expect((await get('/api/experts/me/dashboard?next=0', expert)).status).to.equal(400);
      await platform.http.post(`/api/consultations/${request.body.id}/cancel`, undefined, await tokenOf(platform.http, client));
    });

    it('ACC-10: the page counts as published only once the email is verified, as the public page does', async () => {
      const signedUp = await signUpExpert(platform.http, {}, { verifyEmail: false });
      const token = signedUp.accessToken;
      await platform.http.request('PUT', '/api/experts/me/photo', { token, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
      await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 120, packages: [] }, token);
      const before = await platform.http.get('/api/experts/me/dashboard', token);
      expect(before.body).to.include({ published: false, emailVerified: false });
      expect(before.body.checklist.items.filter((item: { done: boolean }) => item.done).map((item: { key: string }) => item.key)).to.deep.equal([
        'photo',
        'pricing',
      ]);
      expect((await platform.http.get(`/api/experts/${signedUp.user.slug}`)).body.published ?? false).to.equal(false);
      await verifyEmail(platform.http, signedUp);
      expect((await platform.http.get('/api/experts/me/dashboard', token)).body).to.include({ published: true, emailVerified: true });
      expect((await platform.http.get(`/api/experts/${signedUp.user.slug}`)).body.published).to.equal(true);
    });

    it('is for experts only', async () => {
      expect((await get('/api/experts/me/dashboard', client)).status).to.equal(403);
      expect((await platform.http.get('/api/experts/me/agenda')).status).to.equal(401);
    });
  });

  describe("agenda: a week of appointments over the opening hours, in the expert's time zone (EXP-6)", () => {
    it('gives each date its openings (24:00 kept) and each appointment its wall-clock times; exceptions replace the week', async () => {
      const expert = await setUpExpert(platform.http, {
        availability: {
          timeZone: 'Europe/Paris',
          weekly: [
            ...[1, 2, 3, 4, 5].flatMap((weekday) => [
              { weekday, start: '14:00', end: '18:00' },
              { weekday, start: '09:00', end: '12:00' },
            ]),
            { weekday: 6, start: '20:00', end: '24:00' },
          ],
          exceptions: [
            { date: '2026-12-02', closed: true },
            { date: '2026-12-06', start: '10:00', end: '11:00' },
          ],
        },
      });
      // Monday 30 November 2026, 09:30 in Paris (UTC+1).
      const booked = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: '2026-11-30T08:30:00.000Z' }),
        await tokenOf(platform.http, client),
      );
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      const agenda = (await get('/api/experts/me/agenda?from=2026-11-30&days=7', expert)).body;
      expect(agenda).to.include({ timeZone: 'Europe/Paris', from: '2026-11-30', to: '2026-12-06' });
      expect(agenda.days.map((day: { date: string; weekday: number }) => [day.date, day.weekday])).to.deep.equal([
        ['2026-11-30', 1],
        ['2026-12-01', 2],
        ['2026-12-02', 3],
        ['2026-12-03', 4],
        ['2026-12-04', 5],
        ['2026-12-05', 6],
        ['2026-12-06', 7],
      ]);
      expect(agenda.days[0]).to.deep.equal({
        date: '2026-11-30',
        weekday: 1,
        exception: false,
        openings: [
          { start: '09:00', end: '12:00', startAt: '2026-11-30T08:00:00.000Z', endAt: '2026-11-30T11:00:00.000Z' },
          { start: '14:00', end: '18:00', startAt: '2026-11-30T13:00:00.000Z', endAt: '2026-11-30T17:00:00.000Z' },
        ],
      });
      expect(agenda.days[2]).to.deep.include({ exception: true, openings: [] });
      expect(agenda.days[5].openings).to.deep.equal([{ start: '20:00', end: '24:00', startAt: '2026-12-05T19:00:00.000Z', endAt: '2026-12-05T23:00:00.000Z' }]);
      expect(agenda.days[6]).to.deep.include({ exception: true });
      expect(agenda.days[6].openings.map((opening: { start: string; end: string }) => [opening.start, opening.end])).to.deep.equal([['10:00', '11:00']]);
      expect(agenda.appointments).to.have.length(1);
      expect(agenda.appointments[0]).to.deep.include({
        id: booked.body.id,
        status: 'scheduled',
        startAt: '2026-11-30T08:30:00.000Z',
        endAt: '2026-11-30T08:45:00.000Z',
        localDate: '2026-11-30',
        localStart: '09:30',
        localEnd: '09:45',
        joinableFrom: '2026-11-30T08:20:00.000Z',
      });
      // The next week has no appointment; a spring-forward week shifts the UTC times, not the wall clock.
      expect((await get('/api/experts/me/agenda?from=2026-12-07&days=7', expert)).body.appointments).to.deep.equal([]);
      const spring = (await get('/api/experts/me/agenda?from=2027-03-26&days=4', expert)).body.days;
      expect(spring[0].openings[0]).to.include({ start: '09:00', startAt: '2027-03-26T08:00:00.000Z' });
      expect(spring[3].openings[0]).to.include({ start: '09:00', startAt: '2027-03-29T07:00:00.000Z' });
    });

    it('BOOK-7, BILL-12: tells the expert what moving or cancelling each appointment would do now, and the actions agree', async () => {
      const expert = await setUpExpert(platform.http);
      const clientToken = await tokenOf(platform.http, client);
      const far = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(72).toISOString() }), clientToken);
      const packageId = expert.packages.find((offer) => offer.mode === 'video')!.id;
      const near = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: inHours(30).toISOString(), budgetCents: undefined, packageId }),
        clientToken,
      );
      expect([far.status, near.status]).to.deep.equal([201, 201]);
      const actionsOf = async () => {
        const agenda = (await get('/api/experts/me/agenda', expert)).body;
        return Object.fromEntries(
          agenda.appointments.map((appointment: { id: string; expertActions: unknown }) => [appointment.id, appointment.expertActions]),
        );
      };
      // Free rate: 10 × 15 cents; a 15-minute package: round(15 × 15 × 15 / 100) = 34 cents (BILL-12).
      expect(await actionsOf()).to.deep.equal({
        [far.body.id]: { movesAtOnce: true, cancellationPenaltyCents: 150 },
        [near.body.id]: { movesAtOnce: false, cancellationPenaltyCents: 34 },
      });
      const expertToken = await tokenOf(platform.http, expert);
      expect((await platform.http.post(`/api/consultations/${near.body.id}/reschedule`, { startAt: inHours(31).toISOString() }, expertToken)).status).to.equal(
        202,
      );
      const cancelled = await platform.http.post(`/api/consultations/${far.body.id}/cancel`, {}, expertToken);
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      expect((await get(`/api/consultations/${far.body.id}`, expert)).body.expertPenaltyCents).to.equal(150);
      expect((await actionsOf())[far.body.id]).to.equal(null);
    });

    it('refuses a bad date or range with 400', async () => {
      const expert = await setUpExpert(platform.http);
      for (const query of ['?from=2026-02-30', '?from=yesterday', '?days=0', '?days=43', '?days=seven', '?to=2026-12-01']) {
        const response = await get(`/api/experts/me/agenda${query}`, expert);
        expect(response.status, query).to.equal(400);
      }
      const today = (await get('/api/experts/me/agenda', expert)).body;
      expect(today.days).to.have.length(7);
    });
  });

  describe('EXP-4, EXP-5, BILL-7: the operating fee and what the expert keeps', () => {
    it('per minute and per package, computed by the settlement code (the quote agrees)', async () => {
      const expert = await setUpExpert(platform.http);
      const breakdown = (await get('/api/experts/me/pricing/breakdown', expert)).body;
      expect(breakdown).to.deep.include({
        feePerMinuteCents: 15,
        video: { ratePerMinuteCents: 200, feePerMinuteCents: 15, netPerMinuteCents: 185 },
        phone: { ratePerMinuteCents: 200, feePerMinuteCents: 15, netPerMinuteCents: 185 },
        upcomingFeeChange: null,
      });
      expect(breakdown.packages).to.deep.equal([
        {
          id: expert.packages[0]!.id,
          mode: 'video',
          minutes: 15,
          priceCents: 7500,
          feeCents: 225,
          netCents: 7275,
          oneThirdRule: { chargeCents: 2500, feeCents: 75, netCents: 2425 },
        },
        {
          id: expert.packages[1]!.id,
          mode: 'phone',
          minutes: 30,
          priceCents: 6000,
          feeCents: 450,
          netCents: 5550,
          oneThirdRule: { chargeCents: 2000, feeCents: 150, netCents: 1850 },
        },
      ]);
      const quote = await platform.http.get(`/api/experts/${expert.slug}/quote?mode=video&seconds=60&budgetCents=5000`);
      expect(quote.body.expertEarningsCents).to.equal(breakdown.video.netPerMinuteCents);
      const packageQuote = await platform.http.get(`/api/experts/${expert.slug}/quote?mode=video&seconds=900&packageId=${expert.packages[0]!.id}`);
      expect(packageQuote.body.expertEarningsCents).to.equal(breakdown.packages[0].netCents);
    });

    it('previews values being typed without saving them, refuses invalid ones as PUT does, and announces a scheduled fee change', async () => {
      const expert = await setUpExpert(platform.http);
      const token = await tokenOf(platform.http, expert);
      const before = (await platform.http.get('/api/experts/me/pricing', token)).body;
      const preview = await platform.http.post(
        '/api/experts/me/pricing/preview',
        { videoRatePerMinuteCents: 300, packages: [{ mode: 'video', minutes: 90, priceCents: 9000 }] },
        token,
      );
      expect(preview.status).to.equal(200);
      expect(preview.body).to.deep.include({ video: { ratePerMinuteCents: 300, feePerMinuteCents: 15, netPerMinuteCents: 285 }, phone: null });
      // Over 60 minutes there is no one-third rule (BILL-5).
      expect(preview.body.packages).to.deep.equal([
        { id: null, mode: 'video', minutes: 90, priceCents: 9000, feeCents: 1350, netCents: 7650, oneThirdRule: null },
      ]);
      const refused = await platform.http.post(
        '/api/experts/me/pricing/preview',
        { videoRatePerMinuteCents: 300, packages: [{ mode: 'video', minutes: 10, priceCents: 150 }] },
        token,
      );
      expect(refused.status).to.equal(400);
      expect(refused.body.error).to.include({ code: 'package_price_not_above_fee', param: 'packages.0.priceCents' });
      expect((await platform.http.post('/api/experts/me/pricing/preview', { packages: 'none' }, token)).status).to.equal(400);
      expect((await platform.http.get('/api/experts/me/pricing', token)).body).to.deep.equal(before);

      const effectiveFrom = new Date(platform.clock.now().getTime() + 20 * DAY_MS);
      await platform.db.query('INSERT INTO fee_schedules (fee_per_minute_cents, effective_from) VALUES (20, $1)', [effectiveFrom]);
      try {
        const announced = (await platform.http.get('/api/experts/me/pricing/breakdown', token)).body;
        expect(announced.upcomingFeeChange).to.deep.equal({ feePerMinuteCents: 20, effectiveFrom: effectiveFrom.toISOString() });
        expect(announced.feePerMinuteCents).to.equal(15);
      } finally {
        await platform.db.query('DELETE FROM fee_schedules WHERE fee_per_minute_cents = 20');
      }
      expect((await get('/api/experts/me/pricing/breakdown', client)).status).to.equal(403);
    });
  });

  it('describes its routes in the OpenAPI document', async () => {
    const paths = (await platform.http.get('/api/openapi.json')).body.paths;
    expect(paths['/api/experts/me/dashboard']).to.have.property('get');
    expect(paths['/api/experts/me/agenda'].get.parameters.map((p: { name: string }) => p.name)).to.have.members(['from', 'days']);
    expect(paths['/api/experts/me/sharing'].post.requestBody.content['application/json'].schema.properties.channel.enum).to.deep.equal(['url', 'qr', 'banner']);
    expect(paths['/api/experts/me/pricing/breakdown']).to.have.property('get');
    expect(paths['/api/experts/me/pricing/preview']).to.have.property('post');
  });
});
