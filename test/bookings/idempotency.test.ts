import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, bookingBody, consultationCount, liveHoldCount, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';

/** SPEC §11 as amended: `Idempotency-Key` on POST /api/consultations, with Stripe's semantics (issue 14 finding 4). */
describe('§11 Idempotency-Key on POST /api/consultations', () => {
  let platform: BookingPlatform;
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS).toISOString();
  const book = (token: string, body: object, key?: string) =>
    platform.http.request('POST', '/api/consultations', { body, token, headers: key ? { 'idempotency-key': key } : {} });

  before(async () => {
    platform = await BookingPlatform.start();
    expert = await setUpExpert(platform.http);
  });
  after(() => platform.close());

  it('the same booking sent three times with one key answers the first 201 three times and books once', async () => {
    const client = await setUpClient(platform.http);
    const body = bookingBody(expert.slug, { startAt: inHours(30) });
    const before = await consultationCount(platform.db);
    const answers = [await book(client.token, body, 'retry-1'), await book(client.token, body, 'retry-1'), await book(client.token, body, 'retry-1')];
    expect(answers.map((answer) => answer.status)).to.deep.equal([201, 201, 201]);
    expect(answers[1]!.body).to.deep.equal(answers[0]!.body);
    expect(answers[2]!.body).to.deep.equal(answers[0]!.body);
    expect(answers[1]!.headers.get('idempotent-replayed')).to.equal('true');
    expect(await consultationCount(platform.db)).to.equal(before + 1);
  });

  it('ten identical requests at once make exactly one consultation and one hold, and all ten answers are identical', async () => {
    const client = await setUpClient(platform.http);
    const body = bookingBody(expert.slug, { startAt: inHours(60) });
    const before = { consultations: await consultationCount(platform.db), holds: await liveHoldCount(platform.db) };
    const answers = await Promise.all(Array.from({ length: 10 }, () => book(client.token, body, 'concurrent-key')));
    expect(answers.map((answer) => answer.status)).to.deep.equal(Array(10).fill(201));
    for (const answer of answers) expect(answer.body).to.deep.equal(answers[0]!.body);
    expect(await consultationCount(platform.db)).to.equal(before.consultations + 1);
    expect(await liveHoldCount(platform.db)).to.equal(before.holds + 1);
  });

  it('the same key with another body is 422 idempotency_key_reused and books nothing', async () => {
    const client = await setUpClient(platform.http);
    const first = await book(client.token, bookingBody(expert.slug, { startAt: inHours(90) }), 'one-key');
    expect(first.status).to.equal(201);
    const before = await consultationCount(platform.db);
    const other = await book(client.token, bookingBody(expert.slug, { startAt: inHours(120) }), 'one-key');
    expect(other.status).to.equal(422);
    expect(other.body.error).to.include({ code: 'idempotency_key_reused' });
    expect(await consultationCount(platform.db)).to.equal(before);
  });

  it('keys are scoped per user: another client’s same key books their own consultation', async () => {
    const alice = await setUpClient(platform.http);
    const bob = await setUpClient(platform.http);
    const aliceAnswer = await book(alice.token, bookingBody(expert.slug, { startAt: inHours(150) }), 'shared-key');
    const bobAnswer = await book(bob.token, bookingBody(expert.slug, { startAt: inHours(151) }), 'shared-key');
    expect([aliceAnswer.status, bobAnswer.status]).to.deep.equal([201, 201]);
    expect(bobAnswer.body.id).not.to.equal(aliceAnswer.body.id);
  });

  it('a refusal is answered again too (409 slot_taken), and an invalid body is not stored (a corrected one runs)', async () => {
    const client = await setUpClient(platform.http);
    const taken = inHours(200);
    expect((await book(client.token, bookingBody(expert.slug, { startAt: taken }))).status).to.equal(201);
    const refused = [
      await book(client.token, bookingBody(expert.slug, { startAt: taken }), 'k-409'),
      await book(client.token, bookingBody(expert.slug, { startAt: taken }), 'k-409'),
    ];
    expect(refused.map((answer) => answer.status)).to.deep.equal([409, 409]);
    expect(refused[1]!.body).to.deep.equal(refused[0]!.body);
    const invalid = await book(client.token, { ...bookingBody(expert.slug), mode: 'carrier-pigeon' }, 'k-400');
    expect(invalid.status).to.equal(400);
    expect((await book(client.token, bookingBody(expert.slug, { startAt: inHours(230) }), 'k-400')).status).to.equal(201);
  });

  it('a malformed key is 400 invalid_idempotency_key', async () => {
    const client = await setUpClient(platform.http);
    const answer = await book(client.token, bookingBody(expert.slug, { startAt: inHours(260) }), 'x'.repeat(256));
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal('invalid_idempotency_key');
  });

  it('a key is forgotten after 24 hours: the same key then makes a new request', async () => {
    const client = await setUpClient(platform.http);
    const body = bookingBody(expert.slug, { startAt: inHours(300) });
    const first = await book(client.token, body, 'day-key');
    platform.clock.advance(24 * HOUR_MS + 1000);
    expect(await platform.services.idempotentRequests.purgeExpired()).to.be.greaterThan(0);
    const again = await book(await tokenOf(platform.http, client), body, 'day-key');
    // A new request: the slot is the first one's now.
    expect([first.status, again.status]).to.deep.equal([201, 409]);
  });
});
