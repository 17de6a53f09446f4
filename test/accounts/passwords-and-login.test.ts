import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { TEST_PASSWORD, clientSignup, signUpClient } from '../support/fixtures.ts';

describe('ACC-4 passwords and login', () => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date());
  before(async () => {
    platform = await startTestPlatform({ clock });
  });
  after(() => platform.close());

  it('refuses passwords shorter than 12 characters', async () => {
    const response = await platform.http.post('/api/auth/register/client', clientSignup({ password: 'Short-pw-11' }));
    expect(response.status).to.equal(400);
    expect(response.body.error).to.include({ code: 'password_too_short', param: 'password' });
  });

  it('refuses common passwords, also padded with digits or repeated', async () => {
    for (const password of ['password1234', 'motdepasse123', 'qwertyuiop2024', 'abcabcabcabc', 'aaaaaaaaaaaaaaa']) {
      const response = await platform.http.post('/api/auth/register/client', clientSignup({ password }));
      expect(response.status, password).to.equal(400);
      expect(response.body.error.code, password).to.equal('password_too_common');
    }
  });

  it('refuses the email as password', async () => {
    const response = await platform.http.post('/api/auth/register/client', clientSignup({ email: 'jean.dupont.pro@example.com', password: 'jean.dupont.pro' }));
    expect(response.body.error.code).to.equal('password_too_personal');
  });

  it('stores only an argon2id hash', async () => {
    const client = await signUpClient(platform.http);
    const [row] = await platform.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [client.user.id]);
    expect(row!.password_hash).to.match(/^\$argon2id\$v=19\$/);
    expect(row!.password_hash).not.to.include(TEST_PASSWORD);
  });

  it('signs in with the right password', async () => {
    const client = await signUpClient(platform.http);
    const response = await platform.http.post('/api/auth/login', { email: client.user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(response.status).to.equal(200);
    expect(response.body).to.have.keys('accessToken', 'refreshToken');
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const client = await signUpClient(platform.http);
    const wrongPassword = await platform.http.post('/api/auth/login', { email: client.user.email, password: 'not-the-password' });
    const unknownEmail = await platform.http.post('/api/auth/login', { email: 'nobody-at-all@example.com', password: 'not-the-password' });
    expect(wrongPassword.status).to.equal(401);
    expect(unknownEmail.status).to.equal(401);
    expect(unknownEmail.body).to.deep.equal(wrongPassword.body);
  });

  it('slows repeated failures from an unknown address temporarily, the same way for an unknown email, never permanently', async () => {
    const client = await signUpClient(platform.http);
    const unknown = 'ghost-account@example.com';
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const attempt = (email: string, password: string, address: string) =>
      platform.http.request('POST', '/api/auth/login', { body: { email, password }, headers: from(address) });
    for (let index = 0; index < 3; index++) {
      expect((await attempt(client.user.email, 'wrong-password-x', '198.51.100.1')).status).to.equal(401);
      expect((await attempt(unknown, 'wrong-password-x', '198.51.100.2')).status).to.equal(401);
    }
    const slowed = await attempt(client.user.email, TEST_PASSWORD, '198.51.100.1');
    const slowedUnknown = await attempt(unknown, TEST_PASSWORD, '198.51.100.2');
    expect(slowed.status).to.equal(429);
    expect(slowed.body.error.code).to.equal('too_many_attempts');
    expect(slowedUnknown.body).to.deep.equal(slowed.body);
    clock.advance(15 * 60 * 1000 + 1000);
    expect((await attempt(client.user.email, TEST_PASSWORD, '198.51.100.1')).status).to.equal(200);
  });

  it('never counts successful logins', async () => {
    const client = await signUpClient(platform.http);
    for (let attempt = 0; attempt < 12; attempt++) {
      expect((await platform.http.post('/api/auth/login', { email: client.user.email, password: TEST_PASSWORD })).status).to.equal(200);
    }
  });

  it('limits sign-ups per IP only at a level an office never reaches (50 per hour)', async () => {
    const fresh = await startTestPlatform({ clock: new ManualClock(new Date()) });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 51; index++) {
        statuses.push((await fresh.http.post('/api/auth/register/client', clientSignup())).status);
      }
      expect(statuses.slice(0, 50).every((status) => status === 201)).to.equal(true);
      expect(statuses[50]).to.equal(429);
    } finally {
      await fresh.close();
    }
  });
});
