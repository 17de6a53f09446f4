import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, MINUTE_MS, bookingBody, holdOf, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { walletBalances, sumOfAllAccountsCents } from '../../server/ledger/balances.ts';

/**
 * BILL-10 … BILL-13 and BOOK-5 over real HTTP: a booking made through the API, the clock moved,
 * the cancellation or the no-show, and what the card and the ledger show afterwards.
 */
describe('cancellations and no-shows (BILL-10, BILL-11, BILL-12, BILL-13, BOOK-5)', () => {
  let platform: BookingPlatform;
  let client: Awaited<ReturnType<typeof setUpClient>>;

  before(async () => {
    platform = await BookingPlatform.start();
    client = await setUpClient(platform.http);
  });
  after(() => platform.close());

  async function book(expertSlug: string, startInHours: number, overrides: Record<string, unknown> = {}) {
    const startAt = new Date(platform.clock.now().getTime() + startInHours * HOUR_MS).toISOString();
    const token = await tokenOf(platform.http, client);
    const response = await platform.http.post('/api/consultations', bookingBody(expertSlug, { startAt, ...overrides }), token);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return { id: response.body.id as string, startAt: new Date(startAt) };
  }

  async function cancelAt(who: { email: string; id: string }, id: string, at: Date) {
    platform.clock.set(at);
    const response = await platform.http.post(`/api/consultations/${id}/cancel`, undefined, await tokenOf(platform.http, who));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  }

  describe('BILL-10 client cancellation: free up to 48 h before, charged later', () => {
    it('free-rate: 49 h before costs nothing and releases the hold; 47 h before costs min(B, 10 × (r + s))', async () => {
      const expert = await setUpExpert(platform.http);
      const early = await book(expert.slug, 72);
      const late = await book(expert.slug, 73);
      const earlyView = await cancelAt(client, early.id, new Date(early.startAt.getTime() - 49 * HOUR_MS));
      expect(earlyView).to.include({ status: 'cancelled', cancelledBy: 'client', cancellationChargeCents: 0, chargeCents: 0 });
      expect((await holdOf(platform.db, early.id))!.status).to.equal('released');
      const lateView = await cancelAt(client, late.id, new Date(late.startAt.getTime() - 47 * HOUR_MS));
      // min(3000, 10 × 200) = 2000; fee 10 × 15 = 150; the expert 1850.
      expect(lateView).to.include({
        status: 'cancelled',
        cancellationChargeCents: 2000,
        chargeCents: 2000,
        feeCents: 150,
        surchargeCents: 0,
        expertEarningsCents: 1850,
      });
      expect(await holdOf(platform.db, late.id)).to.deep.include({ status: 'captured', captured_cents: 2000 });
      expect((await walletBalances(platform.db, expert.id)).pendingCents).to.equal(1850);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
      await platform.drainJobs();
      const notice = platform.notifier.sent.find(
        (sent) => sent.event === 'consultation_cancelled' && sent.userId === client.id && sent.data['consultationId'] === late.id,
      )!;
      expect(notice.data).to.include({ cancelledBy: 'client', cancellationChargeCents: 2000 });
    });

    it('package: 49 h before costs nothing; 47 h before costs round(P × 15 / 100)', async () => {
      const expert = await setUpExpert(platform.http);
      const videoPackage = expert.packages.find((offer) => offer.mode === 'video')!;
      const early = await book(expert.slug, 72, { budgetCents: undefined, packageId: videoPackage.id });
      const late = await book(expert.slug, 74, { budgetCents: undefined, packageId: videoPackage.id });
      expect(await cancelAt(client, early.id, new Date(early.startAt.getTime() - 49 * HOUR_MS))).to.include({ cancellationChargeCents: 0 });
      // round(7500 × 15 / 100) = 1125, of which the platform keeps round(15 × 15 × 15 / 100) = 34.
      expect(await cancelAt(client, late.id, new Date(late.startAt.getTime() - 47 * HOUR_MS))).to.include({
        cancellationChargeCents: 1125,
        feeCents: 34,
        expertEarningsCents: 1091,
      });
    });

    it('phone: the late fee includes the surcharge of the called country (BILL-8), kept by the platform', async () => {
      const expert = await setUpExpert(platform.http);
      const eu = await book(expert.slug, 72, { mode: 'phone', phoneNumber: '+4915112345678' });
      const world = await book(expert.slug, 75, { mode: 'phone', phoneNumber: '+14155550123' });
      // min(3000, 10 × (200 + 20)) = 2200, surcharge 10 × 20 = 200, fee 150.
      expect(await cancelAt(client, eu.id, new Date(eu.startAt.getTime() - 47 * HOUR_MS))).to.include({
        cancellationChargeCents: 2200,
        surchargeCents: 200,
        feeCents: 150,
        expertEarningsCents: 1850,
      });
      // min(3000, 10 × (200 + 50)) = 2500, surcharge 500.
      expect(await cancelAt(client, world.id, new Date(world.startAt.getTime() - 1 * HOUR_MS))).to.include({
        cancellationChargeCents: 2500,
        surchargeCents: 500,
      });
    });

    it('a consultation that is over cannot be cancelled again (409)', async () => {
      const expert = await setUpExpert(platform.http);
      const booked = await book(expert.slug, 80);
      await cancelAt(client, booked.id, platform.clock.now());
      const again = await platform.http.post(`/api/consultations/${booked.id}/cancel`, undefined, await tokenOf(platform.http, client));
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('not_cancellable');
      const stranger = await setUpClient(platform.http);
      expect((await platform.http.post(`/api/consultations/${booked.id}/cancel`, undefined, stranger.token)).status).to.equal(404);
    });
  });

  describe('BOOK-3 with BILL-10: a late cancellation before the deferred hold', () => {
    it('charges the fee on the saved card', async () => {
      const expert = await setUpExpert(platform.http);
      const booked = await book(expert.slug, 8 * 24);
      expect(await holdOf(platform.db, booked.id)).to.equal(undefined);
      const view = await cancelAt(client, booked.id, new Date(booked.startAt.getTime() - 30 * HOUR_MS));
      expect(view).to.include({ status: 'cancelled', cancellationChargeCents: 2000 });
    });

    it('cancels without fee, as a failed hold, when the bank refuses the saved card; nothing is left to settle', async () => {
      const expert = await setUpExpert(platform.http);
      const booked = await book(expert.slug, 8 * 24, { paymentMethod: 'pm_card_chargeDeclined' });
      const view = await cancelAt(client, booked.id, new Date(booked.startAt.getTime() - 30 * HOUR_MS));
      expect(view).to.include({ status: 'cancelled', cancelledBy: 'platform', cancellationChargeCents: 0 });
      expect(await platform.services.settlements.resumeUnfinished()).to.equal(0);
    });

    it('a free client cancellation of a far appointment places no hold at all', async () => {
      const expert = await setUpExpert(platform.http);
      const booked = await book(expert.slug, 8 * 24, { paymentMethod: 'pm_card_chargeDeclined' });
      const view = await cancelAt(client, booked.id, new Date(booked.startAt.getTime() - 49 * HOUR_MS));
      expect(view).to.include({ status: 'cancelled', cancelledBy: 'client', cancellationChargeCents: 0 });
      expect(await holdOf(platform.db, booked.id)).to.equal(undefined);
    });
  });

  describe('BILL-12 expert cancellation', () => {
    it('costs the client nothing (hold released) and debits the fee the consultation would have produced from the expert wallet', async () => {
      const expert = await setUpExpert(platform.http);
      const freeRate = await book(expert.slug, 20);
      const videoPackage = expert.packages.find((offer) => offer.mode === 'video')!;
      const byPackage = await book(expert.slug, 22, { budgetCents: undefined, packageId: videoPackage.id });
      const freeRateView = await cancelAt(expert, freeRate.id, platform.clock.now());
      expect(freeRateView).to.include({ status: 'cancelled', cancelledBy: 'expert', cancellationChargeCents: 0, chargeCents: 0, expertPenaltyCents: 150 });
      expect((await holdOf(platform.db, freeRate.id))!.status).to.equal('released');
      const packageView = await cancelAt(expert, byPackage.id, platform.clock.now());
      // round(15 × 15 × 15 / 100) = 34
      expect(packageView).to.include({ cancellationChargeCents: 0, expertPenaltyCents: 34 });
      expect(await walletBalances(platform.db, expert.id)).to.deep.equal({ pendingCents: 0, availableCents: -184 });
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });
  });

  describe('BILL-13 terms are frozen at booking', () => {
    it('a late cancellation is priced at the rate of the booking, not the new one', async () => {
      const expert = await setUpExpert(platform.http);
      const booked = await book(expert.slug, 30);
      const repriced = await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 400, packages: [] }, await tokenOf(platform.http, expert));
      expect(repriced.status).to.equal(200);
      const view = await cancelAt(client, booked.id, platform.clock.now());
      expect(view.terms.ratePerMinuteCents).to.equal(200);
      // min(3000, 10 × 200) at the frozen rate; at the new rate it would have been 3000.
      expect(view.cancellationChargeCents).to.equal(2000);
    });
  });

  describe('BOOK-5 no-shows, detected 10 minutes after the start by the job table', () => {
    it('expert absent: expert no-show, the client pays nothing, the expert wallet is debited (BILL-12)', async () => {
      const expert = await setUpExpert(platform.http);
      const booked = await book(expert.slug, 3);
      platform.clock.set(new Date(booked.startAt.getTime() + 2 * MINUTE_MS));
      await platform.services.consultations.markPartyJoined(booked.id, 'client');
      platform.clock.set(new Date(booked.startAt.getTime() + 9 * MINUTE_MS));
      await platform.drainJobs();
      const [{ status: before }] = (await platform.db.query<{ status: string }>('SELECT status FROM consultations WHERE id = $1', [booked.id])) as [
        { status: string },
      ];
      expect(before).to.equal('scheduled');
      platform.clock.set(new Date(booked.startAt.getTime() + 10 * MINUTE_MS));
      await platform.drainJobs();
      const view = await platform.http.get(`/api/consultations/${booked.id}`, await tokenOf(platform.http, expert));
      expect(view.body).to.include({ status: 'no_show_expert', chargeCents: 0, cancellationChargeCents: 0, expertPenaltyCents: 150 });
      expect((await holdOf(platform.db, booked.id))!.status).to.equal('released');
      expect((await walletBalances(platform.db, expert.id)).availableCents).to.equal(-150);
      expect(platform.notifier.events(client.id)).to.include('no_show');
      const notice = platform.notifier.sent.find((sent) => sent.event === 'no_show' && sent.userId === expert.id)!;
      expect(notice.data).to.include({ consultationId: booked.id, status: 'no_show_expert', absentParty: 'expert', chargeCents: 0, penaltyCents: 150 });
    });

    it('expert present, client absent: client no-show, charged as a late cancellation (BILL-10)', async () => {
      const expert = await setUpExpert(platform.http);
      const videoPackage = expert.packages.find((offer) => offer.mode === 'video')!;
      const booked = await book(expert.slug, 3, { budgetCents: undefined, packageId: videoPackage.id });
      platform.clock.set(booked.startAt);
      expect(await platform.services.consultations.markPartyJoined(booked.id, 'expert')).to.equal('scheduled');
      platform.clock.set(new Date(booked.startAt.getTime() + 10 * MINUTE_MS));
      await platform.drainJobs();
      const view = await platform.http.get(`/api/consultations/${booked.id}`, await tokenOf(platform.http, client));
      expect(view.body).to.include({ status: 'no_show_client', cancellationChargeCents: 1125, chargeCents: 1125 });
      expect(await holdOf(platform.db, booked.id)).to.deep.include({ status: 'captured', captured_cents: 1125 });
    });
  });
});
