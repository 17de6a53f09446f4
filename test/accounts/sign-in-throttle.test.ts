import { expect } from 'chai';
import { startTestPlatform, type TestPlatform, type HttpResponse } from '../support/platform.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { TEST_PASSWORD, clientSignup, verifyEmail } from '../support/fixtures.ts';
import { FREE_FAILURES_PER_SOURCE, SIGN_IN_WINDOW_MS, UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT, signInWaitMs } from '../../server/accounts/sign-in-throttle.ts';

const OWNER_ADDRESS = '203.0.113.7';
const STRANGER_ADDRESS = '198.51.100.9';
const GUESSES = 50;

/** ACC-4 as amended (issue 14 finding 3): a stranger guessing passwords must not lock the owner out. */
describe('ACC-4 sign-in throttling without lock-out of the owner', () => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date('2026-11-23T08:00:00.000Z'));
  before(async () => {
    platform = await startTestPlatform({ clock });
  });
  after(() => platform.close());

  /** Signs up from the owner's address; returns the email and the device cookie the browser keeps. */
  async function owner(): Promise<{ email: string; cookie: string }> {
    const body = clientSignup();
    const response = await platform.http.request('POST', '/api/auth/register/client', { body, headers: { 'x-forwarded-for': OWNER_ADDRESS } });
    expect(response.status).to.equal(201);
    await verifyEmail(platform.http, response.body);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie)
      .to.match(/consulto_device=[\w-]+;.*HttpOnly/i)
      .and.match(/SameSite=Strict/i)
      .and.match(/Path=\/api\/auth/);
    return { email: body.email, cookie: setCookie.split(';')[0]! };
  }

  const signIn = (email: string, password: string, from: { address: string; cookie?: string }): Promise<HttpResponse> =>
    platform.http.request('POST', '/api/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': from.address, ...(from.cookie ? { cookie: from.cookie } : {}) },
    });

  /** A stranger's guesses, one a second (the clock moves), as a script would send them; `address` may change with each guess (a botnet). */
  async function guess(email: string, count: number, address: string | ((attempt: number) => string) = STRANGER_ADDRESS): Promise<HttpResponse[]> {
    const answers: HttpResponse[] = [];
    for (let attempt = 0; attempt < count; attempt++) {
      answers.push(await signIn(email, `wrong-guess-number-${attempt}`, { address: typeof address === 'string' ? address : address(attempt) }));
      clock.advance(1000);
    }
    return answers;
  }

  it("a stranger's 50 guesses are slowed then refused, and the owner still signs in from their known device and address", async () => {
    const { email, cookie } = await owner();
    const answers = await guess(email, GUESSES);
    const checked = answers.filter((answer) => answer.status === 401).length;
    const refused = answers.filter((answer) => answer.status === 429);
    // Only a handful of the 50 guesses ever reach the password check.
    expect(checked).to.be.at.most(UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT);
    expect(checked + refused.length).to.equal(GUESSES);
    expect(refused.length).to.be.at.least(GUESSES - UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT);
    for (const answer of refused) {
      expect(answer.body.error.code).to.equal('too_many_attempts');
      expect(Number(answer.headers.get('retry-after'))).to.be.at.least(1);
    }
    // The owner, on their known device (even from a new network), and from their known address.
    expect((await signIn(email, TEST_PASSWORD, { address: '192.0.2.50', cookie })).status).to.equal(200);
    expect((await signIn(email, TEST_PASSWORD, { address: OWNER_ADDRESS })).status).to.equal(200);
    // The stranger, even with the right password from their address, is still refused.
    expect((await signIn(email, TEST_PASSWORD, { address: STRANGER_ADDRESS })).status).to.equal(429);
  });

  it('guesses from many addresses close the account to unknown sources only, and only for the window', async () => {
    const { email, cookie } = await owner();
    const answers = await guess(email, 30, (attempt) => `198.51.100.${100 + attempt}`);
    expect(answers.filter((answer) => answer.status === 401)).to.have.length(UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT);
    // A device that never signed in is refused for now, whoever holds it; the owner's device is not.
    expect((await signIn(email, TEST_PASSWORD, { address: '192.0.2.99' })).status).to.equal(429);
    expect((await signIn(email, TEST_PASSWORD, { address: '192.0.2.98', cookie })).status).to.equal(200);
    clock.advance(SIGN_IN_WINDOW_MS);
    expect((await signIn(email, TEST_PASSWORD, { address: '192.0.2.99' })).status).to.equal(200);
  });

  it('never reveals whether the email exists: the guesses on an unknown email get the very same answers', async () => {
    const { email } = await owner();
    const known = await guess(email, 15, '198.51.100.20');
    const unknown = await guess('nobody-here@example.com', 15, '198.51.100.21');
    expect(unknown.map((answer) => answer.status)).to.deep.equal(known.map((answer) => answer.status));
    expect(unknown.map((answer) => answer.body)).to.deep.equal(known.map((answer) => answer.body));
  });

  it('parallel guesses are throttled as if sent one by one', async () => {
    const { email } = await owner();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => signIn(email, `parallel-${index}`, { address: '198.51.100.30' })));
    expect(answers.filter((answer) => answer.status === 401).length).to.equal(FREE_FAILURES_PER_SOURCE);
    expect(answers.filter((answer) => answer.status === 429).length).to.equal(20 - FREE_FAILURES_PER_SOURCE);
  });

  it("the owner's own mistakes on a known device are slowed progressively, and forgiven by a success", async () => {
    const { email, cookie } = await owner();
    const device = { address: OWNER_ADDRESS, cookie };
    for (let attempt = 0; attempt < FREE_FAILURES_PER_SOURCE; attempt++) expect((await signIn(email, 'oops-typo-password', device)).status).to.equal(401);
    const slowed = await signIn(email, TEST_PASSWORD, device);
    expect(slowed.status).to.equal(429);
    expect(slowed.headers.get('retry-after')).to.equal('1');
    clock.advance(1000);
    expect((await signIn(email, TEST_PASSWORD, device)).status).to.equal(200);
    expect((await signIn(email, 'oops-typo-password', device)).status).to.equal(401);
  });

  it('delays double with each failure from one source, up to the window (pure rule)', () => {
    const source = { source: 'address:x', address: 'x', trusted: false };
    const waits = [3, 4, 5, 6, 20].map((failures) =>
      signInWaitMs(source, { sourceFailures: failures, lastSourceFailureMs: 0, unknownSourceFailuresMs: [], addressFailuresMs: [] }, 0),
    );
    expect(waits).to.deep.equal([1000, 2000, 4000, 8000, SIGN_IN_WINDOW_MS]);
    const trusted = { ...source, trusted: true };
    const manyStrangers = Array.from({ length: 50 }, () => 0);
    expect(
      signInWaitMs(trusted, { sourceFailures: 0, lastSourceFailureMs: null, unknownSourceFailuresMs: manyStrangers, addressFailuresMs: manyStrangers }, 0),
    ).to.equal(0);
    expect(signInWaitMs(source, { sourceFailures: 0, lastSourceFailureMs: null, unknownSourceFailuresMs: manyStrangers, addressFailuresMs: [] }, 0)).to.equal(
      SIGN_IN_WINDOW_MS,
    );
  });
});
