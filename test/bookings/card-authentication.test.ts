import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, MINUTE_MS, bookingBody, consultationCount, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { AUTHENTICATION_TIMEOUT_MINUTES } from '../../server/bookings/booking.ts';

/**
 * BOOK-3 with a card whose bank asks for 3-D Secure (PAY-6 local `pm_card_authenticationRequired`):
 * the first attempt books nothing and keeps the hold waiting; after the client's step the same
 * booking, sent again with the hold's reference, uses that hold exactly once.
 */
describe('BOOK-3 3-D Secure at booking: the hold waits for the client, then books once', () => {
  let platform: BookingPlatform;
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  let client: Awaited<ReturnType<typeof setUpClient>>;
  let slotHour = 30;
  /** A fresh appointment each time, so tests do not compete for a slot. */
  const nextBody = (overrides: Record<string, unknown> = {}) =>
    bookingBody(expert.slug, {
      startAt: new Date(platform.clock.now().getTime() + slotHour++ * HOUR_MS).toISOString(),
      paymentMethod: 'pm_card_authenticationRequired',
      ...overrides,
    });
  const book = (body: Record<string, unknown>, token = client.token) => platform.http.post('/api/consultations', body, token);
  const answerStep = (holdRef: string, outcome: 'succeeded' | 'failed', token = client.token) =>
    platform.http.post(`/api/payments/local/holds/${holdRef}/confirm`, { outcome }, token);
  const holdStatus = async (holdRef: string) =>
    (await platform.db.query<{ status: string }>('SELECT status FROM local_payment_holds WHERE id = $1', [holdRef]))[0]?.status;
  /** Access tokens live 15 minutes: after moving the clock past that, the client signs in again. */
  const waitMinutes = async (minutes: number) => {
    platform.clock.advance(minutes * MINUTE_MS);
    await platform.drainJobs();
    client.token = await tokenOf(platform.http, client);
  };
  const pendingCount = async () => (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pending_card_authentications'))[0]!.n;

  /** The first attempt: 402 with what the page needs for the bank's step. */
  async function firstAttempt(body: Record<string, unknown>): Promise<string> {
    const response = await book(body);
    expect(response.status, JSON.stringify(response.body)).to.equal(402);
    expect(response.body.error.code).to.equal('authentication_required');
    expect(response.body.error.clientSecret).to.equal(`${response.body.error.holdRef}_secret`);
    return response.body.error.holdRef as string;
  }

  before(async () => {
    platform = await BookingPlatform.start();
    expert = await setUpExpert(platform.http);
    client = await setUpClient(platform.http);
  });
  after(() => platform.close());

  it('books nothing at the first attempt; the hold waits for the step (requires_action), and asking again before it answers the same', async () => {
    const rows = await consultationCount(platform.db);
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    expect(await consultationCount(platform.db)).to.equal(rows);
    expect(await holdStatus(holdRef)).to.equal('requires_action');
    const early = await book({ ...body, authenticatedHoldRef: holdRef });
    expect(early.status).to.equal(402);
    expect(early.body.error).to.include({ code: 'authentication_required', holdRef });
    expect(await consultationCount(platform.db)).to.equal(rows);
  });

  it('after the step succeeds, books with that very hold, once; a second use is 409 authentication_expired and keeps the hold', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    expect((await answerStep(holdRef, 'succeeded')).status).to.equal(200);
    const booked = await book({ ...body, authenticatedHoldRef: holdRef });
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    expect(booked.body.paymentHoldPlaced).to.equal(true);
    const [row] = await platform.db.query<{ payment_hold_ref: string }>('SELECT payment_hold_ref FROM consultations WHERE id = $1', [booked.body.id]);
    expect(row!.payment_hold_ref).to.equal(holdRef);
    expect(await holdStatus(holdRef)).to.equal('authorised');
    const rows = await consultationCount(platform.db);
    const again = await book({ ...body, authenticatedHoldRef: holdRef });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('authentication_expired');
    expect(await consultationCount(platform.db)).to.equal(rows);
    expect(await holdStatus(holdRef)).to.equal('authorised');
  });

  it('two attempts racing with the same authenticated hold book exactly one consultation and never release its hold', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    await answerStep(holdRef, 'succeeded');
    const rows = await consultationCount(platform.db);
    const answers = await Promise.all(Array.from({ length: 5 }, () => book({ ...body, authenticatedHoldRef: holdRef })));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([201, 409, 409, 409, 409]);
    expect(await consultationCount(platform.db)).to.equal(rows + 1);
    expect(await holdStatus(holdRef)).to.equal('authorised');
  });

  it('a refused step is 402 authentication_failed: nothing booked, the hold is not kept, the reference is spent', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    expect((await answerStep(holdRef, 'failed')).status).to.equal(200);
    const rows = await consultationCount(platform.db);
    const failed = await book({ ...body, authenticatedHoldRef: holdRef });
    expect(failed.status).to.equal(402);
    expect(failed.body.error.code).to.equal('authentication_failed');
    expect(await consultationCount(platform.db)).to.equal(rows);
    expect(await holdStatus(holdRef)).to.equal('failed');
    expect((await book({ ...body, authenticatedHoldRef: holdRef })).body.error.code).to.equal('authentication_expired');
  });

  it('another amount or card than the one confirmed is 409 authentication_mismatch, and changes nothing', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    await answerStep(holdRef, 'succeeded');
    const rows = await consultationCount(platform.db);
    const otherBudget = await book({ ...body, budgetCents: 4000, authenticatedHoldRef: holdRef });
    expect(otherBudget.status).to.equal(409);
    expect(otherBudget.body.error.code).to.equal('authentication_mismatch');
    const otherCard = await book({ ...body, paymentMethod: 'pm_card_visa', authenticatedHoldRef: holdRef });
    expect(otherCard.body.error.code).to.equal('authentication_mismatch');
    expect(await consultationCount(platform.db)).to.equal(rows);
    expect(await holdStatus(holdRef)).to.equal('authorised');
  });

  it('another client can neither answer the step nor book with the hold', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    const stranger = await setUpClient(platform.http);
    expect((await answerStep(holdRef, 'succeeded', stranger.token)).status).to.equal(404);
    expect(await holdStatus(holdRef)).to.equal('requires_action');
    await answerStep(holdRef, 'succeeded');
    const stolen = await book({ ...body, authenticatedHoldRef: holdRef }, stranger.token);
    expect(stolen.status).to.equal(409);
    expect(stolen.body.error.code).to.equal('authentication_expired');
    expect(await holdStatus(holdRef)).to.equal('authorised');
  });

  it(`a hold left waiting ${AUTHENTICATION_TIMEOUT_MINUTES} minutes is released by its job, and can no longer book`, async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    await answerStep(holdRef, 'succeeded');
    await waitMinutes(AUTHENTICATION_TIMEOUT_MINUTES - 1);
    expect(await holdStatus(holdRef)).to.equal('authorised');
    await waitMinutes(2);
    expect(await holdStatus(holdRef)).to.equal('released');
    expect(await pendingCount()).to.equal(0);
    const late = await book({ ...body, authenticatedHoldRef: holdRef });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('authentication_expired');
  });

  it('the expiry job leaves alone a hold a booking used', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    await answerStep(holdRef, 'succeeded');
    expect((await book({ ...body, authenticatedHoldRef: holdRef })).status).to.equal(201);
    await waitMinutes(AUTHENTICATION_TIMEOUT_MINUTES + 1);
    expect(await holdStatus(holdRef)).to.equal('authorised');
  });

  it('a slot taken during the step is 409 slot_taken: the authenticated hold is released and spent (EXP-6)', async () => {
    const body = nextBody();
    const holdRef = await firstAttempt(body);
    await answerStep(holdRef, 'succeeded');
    const other = await setUpClient(platform.http);
    expect((await book({ ...body, paymentMethod: 'pm_card_visa' }, other.token)).status).to.equal(201);
    const rows = await consultationCount(platform.db);
    const taken = await book({ ...body, authenticatedHoldRef: holdRef });
    expect(taken.status).to.equal(409);
    expect(taken.body.error.code).to.equal('slot_taken');
    expect(await consultationCount(platform.db)).to.equal(rows);
    expect(await holdStatus(holdRef)).to.equal('released');
    expect(await pendingCount()).to.equal(0);
  });

  it('an unknown reference is 409 authentication_expired and a malformed one is 400, changing nothing', async () => {
    const rows = await consultationCount(platform.db);
    expect((await book({ ...nextBody({ paymentMethod: 'pm_card_visa' }), authenticatedHoldRef: 'lpi_unknown' })).body.error.code).to.equal(
      'authentication_expired',
    );
    const malformed = await book({ ...nextBody({ paymentMethod: 'pm_card_visa' }), authenticatedHoldRef: '' });
    expect(malformed.status).to.equal(400);
    expect(await consultationCount(platform.db)).to.equal(rows);
  });
});
