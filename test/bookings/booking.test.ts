import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, bookingBody, consultationCount, holdOf, liveHoldCount, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { signUpExpert } from '../support/fixtures.ts';
import type { Database } from '../../server/platform/database.ts';

describe('booking (BOOK-1, BOOK-3, EXP-6, SPEC §11 POST /api/consultations)', () => {
  let platform: BookingPlatform;
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  let client: Awaited<ReturnType<typeof setUpClient>>;
  const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS).toISOString();

  before(async () => {
    platform = await BookingPlatform.start();
    expert = await setUpExpert(platform.http);
    client = await setUpClient(platform.http);
  });
  after(() => platform.close());

  describe('BOOK-1 an appointment', () => {
    it('is scheduled with the frozen terms, both ticks timestamped, the reserved minutes and a hold of the budget (BOOK-3)', async () => {
      const response = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(30) }), client.token);
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      const consultation = response.body;
      expect(consultation).to.include({
        status: 'scheduled',
        mode: 'video',
        pricing: 'free_rate',
        reservedMinutes: 15,
        budgetCents: 3000,
        paymentHoldPlaced: true,
      });
      // BILL-1: 3000 cents at 200 cents/min buy 900 s, so 15 minutes are reserved.
      expect(consultation.terms).to.deep.include({ ratePerMinuteCents: 200, feePerMinuteCents: 15, surchargePerMinuteCents: 0, discountPercent: 0 });
      expect(consultation.termsAcceptedAt).to.equal(platform.clock.now().toISOString());
      expect(consultation.withdrawalWaivedAt).to.equal(platform.clock.now().toISOString());
      expect(consultation.chargeCents).to.equal(null);
      expect(await holdOf(platform.db, consultation.id)).to.deep.include({ status: 'authorised', amount_cents: 3000 });
      const read = await platform.http.get(`/api/consultations/${consultation.id}`, client.token);
      expect(read.status).to.equal(200);
      expect(read.body.id).to.equal(consultation.id);
    });

    it('reserves the package minutes, and at most 90 minutes for a budget', async () => {
      const cheap = await setUpExpert(platform.http, {
        pricing: { videoRatePerMinuteCents: 50, packages: [{ mode: 'video', minutes: 45, priceCents: 9000 }] },
      });
      const byPackage = await platform.http.post(
        '/api/consultations',
        bookingBody(cheap.slug, { startAt: inHours(40), budgetCents: undefined, packageId: cheap.packages[0]!.id }),
        client.token,
      );
      expect(byPackage.status).to.equal(201);
      expect(byPackage.body).to.include({ reservedMinutes: 45, packageMinutes: 45, pricing: 'package' });
      // 5000 cents at 50 cents/min buy 100 minutes: capped at 90 (SPEC §11).
      const byBudget = await platform.http.post('/api/consultations', bookingBody(cheap.slug, { startAt: inHours(50), budgetCents: 5000 }), client.token);
      expect(byBudget.status).to.equal(201);
      expect(byBudget.body.reservedMinutes).to.equal(90);
    });

    it('derives the phone surcharge from the E.164 number called (BILL-8)', async () => {
      const german = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { mode: 'phone', startAt: inHours(60), phoneNumber: '+4915112345678' }),
        client.token,
      );
      expect(german.status).to.equal(201);
      expect(german.body.terms.surchargePerMinuteCents).to.equal(20);
      expect(german.body.phoneNumber).to.equal('+4915112345678');
      const american = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { mode: 'phone', startAt: inHours(62), phoneNumber: '+14155550123' }),
        client.token,
      );
      expect(american.body.terms.surchargePerMinuteCents).to.equal(50);
      const french = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { mode: 'phone', startAt: inHours(64), phoneNumber: '+33612345678' }),
        client.token,
      );
      expect(french.body.terms.surchargePerMinuteCents).to.equal(0);
    });
  });

  describe('BOOK-1 bad inputs are 4xx with a code and leave no row and no hold', () => {
    const refusals: [string, () => Record<string, unknown>, number, string][] = [
      ['a slot outside the opening hours', () => ({ startAt: '2026-11-24T12:00:00.000Z' }), 400, 'outside_availability'],
      ['a start in the past', () => ({ startAt: inHours(-1) }), 400, 'start_in_past'],
      ['a budget over 50 € (BILL-1)', () => ({ startAt: '2026-11-24T09:00:00.000Z', budgetCents: 5001 }), 400, 'budget_too_large'],
      ['a budget under one minute (BILL-1)', () => ({ startAt: '2026-11-24T09:00:00.000Z', budgetCents: 100 }), 400, 'budget_too_small'],
      ['no "I accept the terms" tick', () => ({ startAt: '2026-11-24T09:00:00.000Z', acceptTerms: undefined }), 400, 'terms_not_accepted'],
      ['acceptTerms false', () => ({ startAt: '2026-11-24T09:00:00.000Z', acceptTerms: false }), 400, 'terms_not_accepted'],
      ['no withdrawal waiver tick', () => ({ startAt: '2026-11-24T09:00:00.000Z', waiveWithdrawal: undefined }), 400, 'withdrawal_not_waived'],
      [
        'an unknown package',
        () => ({ startAt: '2026-11-24T09:00:00.000Z', budgetCents: undefined, packageId: '00000000-0000-4000-8000-000000000000' }),
        400,
        'unknown_package',
      ],
      ['a package id that is not an id', () => ({ startAt: '2026-11-24T09:00:00.000Z', budgetCents: undefined, packageId: 'nope' }), 400, 'unknown_package'],
      ['both a budget and a package', () => ({ startAt: '2026-11-24T09:00:00.000Z', packageId: expert.packages[0]!.id }), 400, 'pricing_choice_required'],
      ['a declined card (BOOK-3)', () => ({ startAt: '2026-11-24T09:00:00.000Z', paymentMethod: 'pm_card_chargeDeclined' }), 402, 'card_declined'],
      ['phone mode without a number', () => ({ startAt: '2026-11-24T09:00:00.000Z', mode: 'phone' }), 400, 'invalid_phone_number'],
      [
        'phone mode with a national number',
        () => ({ startAt: '2026-11-24T09:00:00.000Z', mode: 'phone', phoneNumber: '0612345678' }),
        400,
        'invalid_phone_number',
      ],
      ['an unknown expert', () => ({ expertSlug: 'nobody-here', startAt: '2026-11-24T09:00:00.000Z' }), 404, 'not_found'],
      ['an immediate request while the expert is not available now (BOOK-4)', () => ({ startAt: null }), 409, 'expert_not_available'],
      ['a start that is not an ISO time', () => ({ startAt: 'tomorrow' }), 400, 'invalid_request'],
    ];
    let restricted: Awaited<ReturnType<typeof setUpExpert>>;
    before(async () => {
      // Open 09:00–11:00 Paris time (08:00–10:00 UTC in winter) on weekdays only.
      restricted = await setUpExpert(platform.http, {
        availability: { timeZone: 'Europe/Paris', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '11:00' })), exceptions: [] },
      });
    });

    for (const [what, overrides, status, code] of refusals) {
      it(`refuses ${what}: ${status} ${code}`, async () => {
        const rowsBefore = await consultationCount(platform.db);
        const holdsBefore = await liveHoldCount(platform.db);
        const body = { ...bookingBody(restricted.slug), ...overrides() };
        const response = await platform.http.post('/api/consultations', body, client.token);
        expect(response.status, JSON.stringify(response.body)).to.equal(status);
        expect(response.body.error.code).to.equal(code);
        expect(await consultationCount(platform.db)).to.equal(rowsBefore);
        expect(await liveHoldCount(platform.db)).to.equal(holdsBefore);
      });
    }

    it('refuses an overlapping appointment of the same expert with 409 slot_taken and releases its hold (EXP-6)', async () => {
      const first = await platform.http.post('/api/consultations', bookingBody(restricted.slug, { startAt: '2026-11-25T08:00:00.000Z' }), client.token);
      expect(first.status).to.equal(201);
      const rowsBefore = await consultationCount(platform.db);
      const holdsBefore = await liveHoldCount(platform.db);
      // 08:10 overlaps 08:00–08:15.
      const second = await platform.http.post('/api/consultations', bookingBody(restricted.slug, { startAt: '2026-11-25T08:10:00.000Z' }), client.token);
      expect(second.status).to.equal(409);
      expect(second.body.error.code).to.equal('slot_taken');
      expect(await consultationCount(platform.db)).to.equal(rowsBefore);
      expect(await liveHoldCount(platform.db)).to.equal(holdsBefore);
      // Back to back is fine: ranges are half-open.
      const next = await platform.http.post('/api/consultations', bookingBody(restricted.slug, { startAt: '2026-11-25T08:15:00.000Z' }), client.token);
      expect(next.status).to.equal(201);
    });

    it('lets only clients book (an expert gets 403)', async () => {
      const other = await signUpExpert(platform.http);
      const response = await platform.http.post('/api/consultations', bookingBody(restricted.slug, { startAt: '2026-11-24T09:00:00.000Z' }), other.accessToken);
      expect(response.status).to.equal(403);
    });
  });

  describe('EXP-6 50 concurrent bookings of one slot', () => {
    it('produce exactly one booking; the 49 others are 409 slot_taken and keep no hold', async () => {
      const popular = await setUpExpert(platform.http);
      const holdsBefore = await liveHoldCount(platform.db);
      const deadlocksBefore = await deadlockCount(platform.db);
      const startAt = inHours(26);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => platform.http.post('/api/consultations', bookingBody(popular.slug, { startAt }), client.token)),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 201)).to.have.length(1);
      expect(statuses.filter((status) => status === 409)).to.have.length(49);
      for (const response of responses.filter((candidate) => candidate.status === 409)) expect(response.body.error.code).to.equal('slot_taken');
      const [{ n }] = (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations WHERE expert_id = $1', [popular.id])) as [
        { n: number },
      ];
      expect(n).to.equal(1);
      expect(await liveHoldCount(platform.db)).to.equal(holdsBefore + 1);
      // The bookings took turns: none waited on another's uncommitted row until PostgreSQL broke a deadlock (1 s each).
      expect(await deadlockCount(platform.db)).to.equal(deadlocksBefore);
    });
  });

  describe('GET /api/consultations/:id and the lists (client area, expert workspace)', () => {
    it('shows a consultation to its parties only (404 to others) and lists it as upcoming', async () => {
      const listed = await setUpExpert(platform.http);
      const booked = await platform.http.post('/api/consultations', bookingBody(listed.slug, { startAt: inHours(70) }), client.token);
      const id = booked.body.id as string;
      const stranger = await setUpClient(platform.http);
      expect((await platform.http.get(`/api/consultations/${id}`, stranger.token)).status).to.equal(404);
      expect((await platform.http.get(`/api/consultations/not-an-id`, client.token)).status).to.equal(404);
      const asExpert = await platform.http.get(`/api/consultations/${id}`, listed.token);
      expect(asExpert.status).to.equal(200);
      expect(asExpert.body).to.have.property('expertPenaltyCents');
      expect(booked.body).to.not.have.property('expertPenaltyCents');
      const upcoming = await platform.http.get('/api/consultations?role=expert&when=upcoming', listed.token);
      expect(upcoming.body.consultations.map((consultation: { id: string }) => consultation.id)).to.deep.equal([id]);
      const past = await platform.http.get('/api/consultations?role=expert&when=past', listed.token);
      expect(past.body.consultations).to.deep.equal([]);
      const mine = await platform.http.get('/api/consultations', client.token);
      expect(mine.body.consultations.map((consultation: { id: string }) => consultation.id)).to.include(id);
      expect((await platform.http.get('/api/consultations?role=expert', client.token)).status).to.equal(400);
      await platform.http.post(`/api/consultations/${id}/cancel`, undefined, await tokenOf(platform.http, client));
      const afterCancel = await platform.http.get('/api/consultations?when=past', client.token);
      expect(afterCancel.body.consultations.map((consultation: { id: string }) => consultation.id)).to.include(id);
    });
  });
});

/** Deadlocks PostgreSQL broke in this test database (none on the embedded one, which has a single connection). */
async function deadlockCount(db: Database): Promise<number> {
  const [row] = await db.query<{ deadlocks: number }>('SELECT deadlocks::int AS deadlocks FROM pg_stat_database WHERE datname = current_database()');
  return row?.deadlocks ?? 0;
}
