import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { TEST_PASSWORD, TINY_PNG, emailedCode, signUpClient, signUpExpert, verifyEmail, type SignedUp } from '../support/fixtures.ts';
import { ALWAYS_OPEN, DEFAULT_PRICING, bookingBody, setUpExpert } from '../support/bookings.ts';
import { earn, signInAgain, validateKyc } from '../wallet/support.ts';
import { DEMO_PASSWORD } from '../../server/seed.ts';

const MINUTE_MS = 60_000;

/** ACC-10 as amended (issue 14 finding 5): the 6-digit code emailed at signup. */
describe('ACC-10 verified email', () => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date('2026-11-23T08:00:00.000Z'));
  before(async () => {
    platform = await startTestPlatform({ clock });
  });
  after(() => platform.close());

  const verify = (user: SignedUp, code: string) => platform.http.post('/api/auth/verify-email', { code }, user.accessToken);
  const me = async (user: SignedUp) => (await platform.http.get('/api/me', user.accessToken)).body;
  const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  describe('the code', () => {
    it('is emailed at signup in the user’s language (the local mailbox shows it) and typed back: 200 {emailVerified: true}', async () => {
      const french = await signUpClient(platform.http, {}, { verifyEmail: false });
      const english = await signUpClient(platform.http, { language: 'en' }, { verifyEmail: false });
      expect(french.user).to.include({ emailVerified: false });
      const mailbox = (await platform.http.get('/dev/mailbox.json')).body.messages as { to: string; subject: string; text: string }[];
      const frMail = mailbox.find((mail) => mail.to === french.user.email)!;
      const enMail = mailbox.find((mail) => mail.to === english.user.email)!;
      expect(frMail.subject).to.match(/^\d{6} est votre code de vérification Consulto$/);
      expect(frMail.text).to.include('15 minutes');
      expect(enMail.subject).to.match(/^\d{6} is your Consulto verification code$/);
      expect((await me(french)).emailVerified).to.equal(false);
      const answer = await verify(french, await emailedCode(platform.http, french.user.email));
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ emailVerified: true });
      expect((await me(french)).emailVerified).to.equal(true);
      // Typing it again changes nothing and still answers 200.
      expect((await verify(french, '000000')).status).to.equal(200);
    });

    it('a wrong code is 400 invalid_code; after 5 wrong tries even the right one is 429 until a new code is sent', async () => {
      const user = await signUpClient(platform.http, {}, { verifyEmail: false });
      const code = await emailedCode(platform.http, user.user.email);
      for (let attempt = 1; attempt <= 5; attempt++) {
        const wrong = await verify(user, wrongCodeFor(code));
        expect(wrong.status, `try ${attempt}`).to.equal(400);
        expect(wrong.body.error).to.include({ code: 'invalid_code', param: 'code' });
      }
      const locked = await verify(user, code);
      expect(locked.status).to.equal(429);
      expect(locked.body.error.code).to.equal('too_many_attempts');
      expect((await me(user)).emailVerified).to.equal(false);
      clock.advance(MINUTE_MS);
      expect((await platform.http.post('/api/auth/verify-email/resend', undefined, user.accessToken)).status).to.equal(202);
      const fresh = await emailedCode(platform.http, user.user.email);
      expect((await verify(user, fresh)).status).to.equal(200);
    });

    it('expires after 15 minutes (400 code_expired); a new code is rate-limited (429 too_many_codes) and replaces the old one', async () => {
      const user = await signUpClient(platform.http, {}, { verifyEmail: false });
      const first = await emailedCode(platform.http, user.user.email);
      const tooSoon = await platform.http.post('/api/auth/verify-email/resend', undefined, user.accessToken);
      expect(tooSoon.status).to.equal(429);
      expect(tooSoon.body.error.code).to.equal('too_many_codes');
      expect(Number(tooSoon.headers.get('retry-after'))).to.be.greaterThan(0);
      clock.advance(15 * MINUTE_MS + 1000);
      const token = (await platform.http.post('/api/auth/login', { email: user.user.email, password: TEST_PASSWORD })).body.accessToken;
      const fresh = { ...user, accessToken: token };
      const expired = await verify(fresh, first);
      expect(expired.status).to.equal(400);
      expect(expired.body.error.code).to.equal('code_expired');
      expect((await platform.http.post('/api/auth/verify-email/resend', undefined, token)).status).to.equal(202);
      const second = await emailedCode(platform.http, user.user.email);
      if (second !== first) expect((await verify(fresh, first)).body.error.code).to.equal('invalid_code');
      expect((await verify(fresh, second)).status).to.equal(200);
      const already = await platform.http.post('/api/auth/verify-email/resend', undefined, token);
      expect(already.status).to.equal(409);
      expect(already.body.error.code).to.equal('email_already_verified');
    });

    it('needs a signed-in user', async () => {
      expect((await platform.http.post('/api/auth/verify-email', { code: '123456' })).status).to.equal(401);
    });
  });

  describe('what a verified email unlocks', () => {
    it('a client books only with a verified email: 403 email_not_verified, nothing booked, then 201', async () => {
      const expert = await setUpExpert(platform.http, { availableNow: true });
      const client = await signUpClient(platform.http, {}, { verifyEmail: false });
      const refused = await platform.http.post('/api/consultations', bookingBody(expert.slug), client.accessToken);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('email_not_verified');
      const [count] = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations WHERE client_id = $1', [client.user.id]);
      expect(count!.n).to.equal(0);
      await verifyEmail(platform.http, client);
      expect((await platform.http.post('/api/consultations', bookingBody(expert.slug), client.accessToken)).status).to.equal(201);
    });

    it('an expert’s page is published only with a verified email; "available now" is 403 email_not_verified before', async () => {
      const expert = await signUpExpert(platform.http, {}, { verifyEmail: false });
      const token = expert.accessToken;
      await platform.http.request('PUT', '/api/experts/me/photo', { token, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
      expect((await platform.http.put('/api/experts/me/pricing', DEFAULT_PRICING, token)).status).to.equal(200);
      expect((await platform.http.put('/api/experts/me/availability', ALWAYS_OPEN, token)).status).to.equal(200);
      expect((await platform.http.get(`/api/experts/${expert.user.slug}`)).body.published).to.equal(false);
      expect((await platform.http.get('/api/experts/me/workspace', token)).body.published).to.equal(false);
      const presence = await platform.http.put('/api/experts/me/presence', { availableNow: true }, token);
      expect(presence.status).to.equal(403);
      expect(presence.body.error.code).to.equal('email_not_verified');
      const client = await signUpClient(platform.http);
      const booking = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.user.slug!, { startAt: new Date(clock.now().getTime() + 30 * 60 * MINUTE_MS).toISOString() }),
        client.accessToken,
      );
      expect(booking.status).to.equal(409);
      expect(booking.body.error.code).to.equal('page_not_published');
      await verifyEmail(platform.http, expert);
      expect((await platform.http.get(`/api/experts/${expert.user.slug}`)).body.published).to.equal(true);
      expect((await platform.http.put('/api/experts/me/presence', { availableNow: true }, token)).status).to.equal(200);
    });

    it('an expert requests a payout only with a verified email: 403 email_not_verified, nothing moves, then 201', async () => {
      const expert = await signUpExpert(platform.http, {}, { verifyEmail: false });
      await validateKyc(platform, expert);
      await earn(platform, expert.user.id);
      await signInAgain(platform, expert);
      const refused = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('email_not_verified');
      // A week went by: the signup code has expired, the expert asks for a new one.
      expect((await platform.http.post('/api/auth/verify-email/resend', undefined, expert.accessToken)).status).to.equal(202);
      await verifyEmail(platform.http, expert);
      expect((await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken)).status).to.equal(201);
    });
  });

  it('the demo accounts are verified, and no code is emailed to them', async () => {
    const demo = await startTestPlatform({ environment: { SEED_DEMO_ACCOUNTS: 'true' } });
    try {
      for (const email of ['alice.bernard@consulto.test', 'camille.dubois@consulto.test', 'admin@consulto.test']) {
        const login = await demo.http.post('/api/auth/login', { email, password: DEMO_PASSWORD });
        expect(login.status, email).to.equal(200);
        expect((await demo.http.get('/api/me', login.body.accessToken)).body.emailVerified, email).to.equal(true);
      }
      const mailbox = (await demo.http.get('/dev/mailbox.json')).body.messages as { event: string }[];
      expect(mailbox.filter((mail) => mail.event === 'email_verification')).to.deep.equal([]);
    } finally {
      await demo.close();
    }
  });
});
