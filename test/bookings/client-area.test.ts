import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, MINUTE_MS, bookingBody, setUpClient, setUpExpert, tokenOf, type Person } from '../support/bookings.ts';
import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import type { TestPlatform } from '../support/platform.ts';

const DAY_MS = 24 * HOUR_MS;

/**
 * The client area (issue 13) over real HTTP: what the page shows for each consultation, with
 * amounts from the billing rules (a cancellation's price shown is the price charged) and the
 * actions still possible.
 */
describe('client area: upcoming and past consultations (BOOK-3, BOOK-7, BILL-10, TRUST-1, TRUST-2, TRUST-5)', () => {
  let platform: BookingPlatform;
  let client: Person & { token: string };
  let expert: Awaited<ReturnType<typeof setUpExpert>>;

  before(async () => {
    platform = await BookingPlatform.start();
    client = await setUpClient(platform.http);
    expert = await setUpExpert(platform.http, { availableNow: true });
  });
  after(() => platform.close());

  const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS);
  const asTestPlatform = () => platform as unknown as TestPlatform;

  async function book(who: Person, overrides: Record<string, unknown>) {
    const response = await platform.http.post('/api/consultations', bookingBody(expert.slug, overrides), await tokenOf(platform.http, who));
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body as { id: string; startAt: string | null };
  }

  const upcoming = async (who: Person = client) => {
    const response = await platform.http.get('/api/client-area/upcoming', await tokenOf(platform.http, who));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body.consultations as any[];
  };

  it('is for clients: 401 without a session, 403 for an expert', async () => {
    expect((await platform.http.get('/api/client-area/upcoming')).status).to.equal(401);
    expect((await platform.http.get('/api/client-area/past', await tokenOf(platform.http, expert))).status).to.equal(403);
  });

  it('upcoming: time, expert, mode, amount held, the way in from 10 minutes before, and the cancellation price now, soonest first', async () => {
    const someone = await setUpClient(platform.http);
    const videoPackage = expert.packages.find((offer) => offer.mode === 'video')!;
    const far = await book(someone, { startAt: inHours(8 * 24).toISOString(), packageId: videoPackage.id, budgetCents: undefined });
    const near = await book(someone, { startAt: inHours(72).toISOString() });
    const list = await upcoming(someone);
    expect(list.map((item) => item.id)).to.deep.equal([near.id, far.id]);
    const [first, second] = list;
    expect(first).to.deep.include({
      status: 'scheduled',
      kind: 'appointment',
      startAt: near.startAt,
      endAt: new Date(new Date(near.startAt!).getTime() + 15 * MINUTE_MS).toISOString(),
      mode: 'video',
      pricing: 'free_rate',
      amountHeldCents: 3000,
      holdPlaced: true,
      holdPlannedAt: null,
      joinableFrom: new Date(new Date(near.startAt!).getTime() - 10 * MINUTE_MS).toISOString(),
      roomOpensAt: near.startAt,
      pageUrl: `${platform.http.baseUrl}/consultations/${near.id}`,
    });
    expect(first.expert).to.include({ id: expert.id, slug: expert.slug, consultationUrl: `${platform.http.baseUrl}/consultation/${expert.slug}` });
    expect(first.expert.photoUrl).to.match(new RegExp(`/api/experts/${expert.slug}/photo\\?v=\\d+$`));
    expect(first.expert.firstName).to.be.a('string').and.not.equal('');
    expect(first.cancellation).to.deep.equal({
      allowed: true,
      chargeCents: 0,
      freeUntil: new Date(new Date(near.startAt!).getTime() - 48 * HOUR_MS).toISOString(),
    });
    expect(first.reschedule).to.deep.include({ allowedForClient: true, proposal: null });
    // A far appointment: the package price is held 24 h before (BOOK-3).
    expect(second).to.deep.include({ pricing: 'package', packageMinutes: 15, amountHeldCents: 7500, holdPlaced: false });
    expect(second.holdPlannedAt).to.equal(new Date(new Date(far.startAt!).getTime() - DAY_MS).toISOString());
  });

  it("the price shown within 48 h is the price a cancellation then charges (BILL-10), and rescheduling is then the expert's", async () => {
    const someone = await setUpClient(platform.http);
    const booked = await book(someone, { startAt: inHours(60).toISOString() });
    platform.clock.set(inHours(13));
    const [item] = await upcoming(someone);
    // min(B, 10 × (r + s)) = min(3000, 2000).
    expect(item.cancellation).to.include({ allowed: true, chargeCents: 2000 });
    expect(item.reschedule.allowedForClient).to.equal(false);
    const proposed = await platform.http.post(
      `/api/consultations/${booked.id}/reschedule`,
      { startAt: inHours(50).toISOString() },
      await tokenOf(platform.http, expert),
    );
    expect(proposed.status).to.equal(202);
    expect((await upcoming(someone))[0].reschedule.proposal).to.deep.equal(proposed.body.proposal);
    const cancelled = await platform.http.post(`/api/consultations/${booked.id}/cancel`, undefined, await tokenOf(platform.http, someone));
    expect(cancelled.body.cancellationChargeCents).to.equal(item.cancellation.chargeCents);
    expect(await upcoming(someone)).to.deep.equal([]);
  });

  it('an immediate request is joinable at once and free to cancel (BILL-11)', async () => {
    const someone = await setUpClient(platform.http);
    const request = await book(someone, { startAt: null });
    const [item] = await upcoming(someone);
    expect(item).to.deep.include({ id: request.id, status: 'requested', kind: 'immediate', startAt: null, joinableFrom: null });
    expect(item.cancellation).to.deep.equal({ allowed: true, chargeCents: 0, freeUntil: null });
    expect(item.reschedule.allowedForClient).to.equal(false);
    await platform.http.post(`/api/consultations/${request.id}/cancel`, undefined, await tokenOf(platform.http, someone));
  });

  describe('past', () => {
    const past = async (who: Person, query = '') => platform.http.get(`/api/client-area/past${query}`, await tokenOf(platform.http, who));

    it('shows date, connected time, amount, status, receipt, and rate / complain / report until each is used or too late', async () => {
      const someone = await setUpClient(platform.http);
      const id = await insertFinishedConsultation(asTestPlatform(), {
        expertId: expert.id,
        clientId: someone.id,
        terms: packageTerms(),
        connectedSeconds: 900,
      });
      await platform.services.settlements.settle(id);
      let [item] = (await past(someone)).body.consultations;
      expect(item).to.deep.include({
        id,
        status: 'ended',
        connectedSeconds: 900,
        chargeCents: 7500,
        refundedCents: 0,
        mode: 'video',
        review: null,
        complaint: null,
      });
      expect(item.actions).to.deep.equal({ rate: true, complain: true, report: true });
      expect(item.receipt.number).to.be.a('string');
      expect((await platform.http.get(item.receipt.pdf, await tokenOf(platform.http, someone))).status).to.equal(200);
      expect(new Date(item.rateUntil).getTime() - new Date(item.date).getTime()).to.equal(30 * DAY_MS);

      const token = await tokenOf(platform.http, someone);
      expect((await platform.http.post(`/api/consultations/${id}/review`, { stars: 5 }, token)).status).to.equal(201);
      [item] = (await past(someone)).body.consultations;
      expect(item.actions).to.deep.equal({ rate: false, complain: true, report: true });
      expect(item.review.stars).to.equal(5);
      expect((await platform.http.post('/api/reports', { targetType: 'profile', expertSlug: expert.slug, reason: 'other' }, token)).status).to.equal(201);
      expect(
        (await platform.http.post('/api/complaints', { kind: 'consultation', consultationId: id, comment: 'The sound kept cutting out.' }, token)).status,
      ).to.equal(201);
      [item] = (await past(someone)).body.consultations;
      expect(item.actions).to.deep.equal({ rate: false, complain: false, report: false });
      expect(item.complaint.status).to.equal('open');
    });

    it('a complaint is offered for 7 days, a rating for 30 (TRUST-1, TRUST-2)', async () => {
      const someone = await setUpClient(platform.http);
      const id = await insertFinishedConsultation(asTestPlatform(), {
        expertId: expert.id,
        clientId: someone.id,
        terms: packageTerms(),
        connectedSeconds: 900,
      });
      await platform.services.settlements.settle(id);
      platform.clock.set(new Date(platform.clock.now().getTime() + 7 * DAY_MS + 1000));
      let [item] = (await past(someone)).body.consultations;
      expect(item.actions).to.include({ rate: true, complain: false });
      platform.clock.set(new Date(platform.clock.now().getTime() + 23 * DAY_MS));
      [item] = (await past(someone)).body.consultations;
      expect(item.actions).to.include({ rate: false, complain: false });
    });

    it('a late cancellation shows its fee and no rating; an expert no-show costs nothing', async () => {
      const someone = await setUpClient(platform.http);
      const late = await book(someone, { startAt: inHours(20).toISOString() });
      await platform.http.post(`/api/consultations/${late.id}/cancel`, undefined, await tokenOf(platform.http, someone));
      const missed = await book(someone, { startAt: inHours(2).toISOString() });
      platform.clock.set(inHours(2.5));
      await platform.drainJobs();
      const items = (await past(someone)).body.consultations as any[];
      expect(items.map((item) => [item.id, item.status])).to.deep.equal([
        [late.id, 'cancelled'],
        [missed.id, 'no_show_expert'],
      ]);
      expect(items[0]).to.deep.include({ chargeCents: 2000, cancelledBy: 'client' });
      expect(items[0].actions).to.include({ rate: false, complain: true });
      expect(items[1]).to.deep.include({ chargeCents: 0, receipt: null });
    });

    it('pages newest first with an opaque cursor; a bad cursor or limit is a 400', async () => {
      const someone = await setUpClient(platform.http);
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        ids.push(
          await insertFinishedConsultation(asTestPlatform(), { expertId: expert.id, clientId: someone.id, terms: packageTerms(), connectedSeconds: 900 }),
        );
        platform.clock.set(new Date(platform.clock.now().getTime() + MINUTE_MS));
      }
      const first = await past(someone, '?limit=2');
      expect(first.body.consultations.map((item: { id: string }) => item.id)).to.deep.equal([ids[2], ids[1]]);
      const second = await past(someone, `?limit=2&before=${first.body.nextBefore}`);
      expect(second.body.consultations.map((item: { id: string }) => item.id)).to.deep.equal([ids[0]]);
      expect(second.body.nextBefore).to.equal(null);
      for (const query of ['?before=nope', `?before=${Buffer.from('["x","y"]').toString('base64url')}`, '?limit=0', '?limit=51', '?limit=two', '?page=1']) {
        const refused = await past(someone, query);
        expect(refused.status, query).to.equal(400);
      }
      expect((await past(someone, '?before=nope')).body.error.code).to.equal('invalid_cursor');
    });
  });

  it('describes its routes in the OpenAPI document', async () => {
    const paths = (await platform.http.get('/api/openapi.json')).body.paths;
    expect(paths['/api/client-area/upcoming'].get.parameters.map((p: { name: string }) => p.name)).to.deep.equal(['limit']);
    expect(paths['/api/client-area/past'].get.parameters.map((p: { name: string }) => p.name)).to.have.members(['limit', 'before']);
    for (const path of [
      '/api/consultations/{id}/reschedule',
      '/api/consultations/{id}/reschedule-proposal/accept',
      '/api/consultations/{id}/reschedule-proposal/refuse',
    ]) {
      expect(paths[path].post.requestBody.content['application/json'].schema.required, path).to.have.length(1);
    }
  });
});
