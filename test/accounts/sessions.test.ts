import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { TEST_PASSWORD, signUpClient } from '../support/fixtures.ts';

describe('ACC-5 sessions with JSON Web Tokens', () => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date());
  before(async () => {
    platform = await startTestPlatform({ clock });
  });
  after(() => platform.close());

  it('accepts a fresh access token and refuses it after 15 minutes', async () => {
    const client = await signUpClient(platform.http);
    expect((await platform.http.get('/api/me', client.accessToken)).status).to.equal(200);
    clock.advance(15 * 60 * 1000 + 1000);
    const expired = await platform.http.get('/api/me', client.accessToken);
    expect(expired.status).to.equal(401);
    expect(expired.body.error.code).to.equal('invalid_token');
  });

  it("refuses alg 'none', a forged signature and algorithm confusion", async () => {
    const client = await signUpClient(platform.http);
    const claims = jwt.decode(client.accessToken) as jwt.JwtPayload;
    const unsigned = jwt.sign(claims, '', { algorithm: 'none' });
    const forged = jwt.sign(claims, 'a-secret-that-is-not-ours-at-all-0000');
    const [header, payload] = client.accessToken.split('.');
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
    for (const token of [unsigned, forged, `${hs512}.${payload}.${client.accessToken.split('.')[2]}`, `${header}.${payload}.`, 'garbage']) {
      const response = await platform.http.get('/api/me', token);
      expect(response.status, token).to.equal(401);
      expect(response.body.error.code).to.equal('invalid_token');
    }
  });

  it('rotates the refresh token: the new pair works, the old refresh token stops working', async () => {
    const client = await signUpClient(platform.http);
    const rotated = await platform.http.post('/api/auth/refresh', { refreshToken: client.refreshToken });
    expect(rotated.status).to.equal(200);
    expect(rotated.body.refreshToken).not.to.equal(client.refreshToken);
    expect((await platform.http.get('/api/me', rotated.body.accessToken)).status).to.equal(200);
    const next = await platform.http.post('/api/auth/refresh', { refreshToken: rotated.body.refreshToken });
    expect(next.status).to.equal(200);
  });

  it('revokes the whole session when a spent refresh token is presented again', async () => {
    const client = await signUpClient(platform.http);
    const rotated = await platform.http.post('/api/auth/refresh', { refreshToken: client.refreshToken });
    const replay = await platform.http.post('/api/auth/refresh', { refreshToken: client.refreshToken });
    expect(replay.status).to.equal(401);
    expect(replay.body.error.code).to.equal('invalid_refresh_token');
    expect((await platform.http.post('/api/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).to.equal(401);
    const me = await platform.http.get('/api/me', rotated.body.accessToken);
    expect(me.status).to.equal(401);
    expect(me.body.error.code).to.equal('session_revoked');
  });

  it('refuses an unknown or expired refresh token', async () => {
    expect((await platform.http.post('/api/auth/refresh', { refreshToken: 'never-issued' })).status).to.equal(401);
    const client = await signUpClient(platform.http);
    clock.advance(31 * 24 * 60 * 60 * 1000);
    expect((await platform.http.post('/api/auth/refresh', { refreshToken: client.refreshToken })).status).to.equal(401);
  });

  it('logout ends the session at once', async () => {
    const client = await signUpClient(platform.http);
    expect((await platform.http.post('/api/auth/logout', undefined, client.accessToken)).status).to.equal(204);
    expect((await platform.http.get('/api/me', client.accessToken)).status).to.equal(401);
    expect((await platform.http.post('/api/auth/refresh', { refreshToken: client.refreshToken })).status).to.equal(401);
  });

  it('a password change signs out every session', async () => {
    const client = await signUpClient(platform.http);
    const other = await platform.http.post('/api/auth/login', { email: client.user.email, password: TEST_PASSWORD });
    const wrong = await platform.http.post(
      '/api/me/password',
      { currentPassword: 'nope-nope-nope', newPassword: 'a-brand-new-passphrase' },
      client.accessToken,
    );
    expect(wrong.status).to.equal(400);
    const changed = await platform.http.post('/api/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-passphrase' }, client.accessToken);
    expect(changed.status).to.equal(204);
    expect((await platform.http.get('/api/me', client.accessToken)).status).to.equal(401);
    expect((await platform.http.get('/api/me', other.body.accessToken)).status).to.equal(401);
    expect((await platform.http.post('/api/auth/login', { email: client.user.email, password: 'a-brand-new-passphrase' })).status).to.equal(200);
  });
});
