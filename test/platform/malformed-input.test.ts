import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { startTestPlatform, type TestPlatform, type HttpResponse } from '../support/platform.ts';
import { signUpClient } from '../support/fixtures.ts';
import { signUpAdmin } from '../trust/support.ts';

/** The error shape of SPEC §11, with nothing of the server's insides. */
function expectErrorShape(response: HttpResponse, status: number, code?: string): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(status);
  expect(response.body.error.code).to.be.a('string');
  expect(response.body.error.message).to.be.a('string');
  if (code) expect(response.body.error.code).to.equal(code);
  expect(JSON.stringify(response.body)).not.to.match(/at .*\.ts|node_modules|invalid input syntax|0x00/);
}

describe('§11 malformed input is a 4xx with the error shape, never a 5xx (issue 14 finding 1)', () => {
  let platform: TestPlatform;
  let adminToken: string;
  before(async () => {
    platform = await startTestPlatform();
    adminToken = (await signUpAdmin(platform)).accessToken;
  });
  after(() => platform.close());

  it('a bare % or %zz in a path parameter is 400 malformed_url (Express’s URIError keeps its status)', async () => {
    const client = await signUpClient(platform.http);
    for (const path of ['/api/experts/%zz', '/api/experts/%', '/api/experts/%E0%A4%A/quote?mode=video&seconds=1']) {
      expectErrorShape(await platform.http.get(path), 400, 'malformed_url');
    }
    expectErrorShape(await platform.http.post('/api/consultations/%/cancel', undefined, client.accessToken), 400, 'malformed_url');
  });

  it('a NUL byte in the path, the query or a JSON body is refused at the edge (400 invalid_characters)', async () => {
    const client = await signUpClient(platform.http);
    expectErrorShape(await platform.http.get('/api/experts/%00'), 400, 'invalid_characters');
    expectErrorShape(await platform.http.get('/api/experts/a%00b/qr.png'), 400, 'invalid_characters');
    expectErrorShape(await platform.http.get('/api/experts/a/quote?mode=video&seconds=1&discountCode=a%00b'), 400, 'invalid_characters');
    expectErrorShape(await platform.http.post('/api/auth/login', { email: 'a\u0000@example.com', password: 'x' }), 400, 'invalid_characters');
    const nested = await platform.http.request('PATCH', '/api/me', {
      body: { address: { line1: 'a\u0000', postalCode: '75002', city: 'Paris', country: 'FR' } },
      token: client.accessToken,
    });
    expectErrorShape(nested, 400, 'invalid_characters');
    expect(nested.body.error.param).to.equal('address.line1');
    expectErrorShape(
      await platform.http.request('PATCH', '/api/me', { body: { ['first\u0000Name']: 'x' }, token: client.accessToken }),
      400,
      'invalid_characters',
    );
    // Nothing changed.
    expect((await platform.http.get('/api/me', client.accessToken)).body.address).to.equal(null);
  });

  it('a NUL byte in an admin query filter is refused before the audit-log query', async () => {
    expectErrorShape(await platform.http.get('/api/admin/audit-log?action=a%00b', adminToken), 400, 'invalid_characters');
  });

  it('a body nested a hundred thousand levels deep is a 4xx, not a stack overflow', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const response = await platform.http.request('POST', '/api/auth/login', { rawBody: deep, headers: { 'content-type': 'application/json' } });
    expect(response.status).to.be.within(400, 499);
  });

  it('an id that is not a UUID is 404 before any query, on every route (GET /api/admin/users/:userId/kyc)', async () => {
    const client = await signUpClient(platform.http);
    for (const path of ['/api/consultations/not-a-uuid', '/api/consultations/1/phone', '/api/complaints/x', '/api/wallet/kyc/documents/abc']) {
      expectErrorShape(await platform.http.get(path, client.accessToken), 404, 'not_found');
    }
    expectErrorShape(await platform.http.get('/api/admin/users/not-a-uuid/kyc', adminToken), 404, 'not_found');
    expect((await platform.http.get(`/api/admin/users/${randomUUID()}/kyc`, adminToken)).status).to.be.below(500);
  });

  it('ACC-5 a correctly signed access token whose sid (or sub) is not a UUID is 401 invalid_token', async () => {
    const client = await signUpClient(platform.http);
    const claims = jwt.decode(client.accessToken) as Record<string, unknown>;
    const sign = (payload: Record<string, unknown>) => jwt.sign(payload, platform.config.jwtSecret, { algorithm: 'HS256' });
    for (const token of [sign({ ...claims, sid: 'not-a-uuid' }), sign({ ...claims, sub: "1' OR '1'='1" }), sign({ ...claims, sid: 42 })]) {
      expectErrorShape(await platform.http.get('/api/me', token), 401, 'invalid_token');
    }
  });

  it('PAY-6 local: a client cannot confirm another client’s card setup (404), only their own', async () => {
    const owner = await signUpClient(platform.http);
    const stranger = await signUpClient(platform.http);
    const setup = await platform.http.post('/api/payments/cards/setup', undefined, owner.accessToken);
    expect(setup.status).to.equal(201);
    const path = `/api/payments/local/setups/${setup.body.setupRef}/confirm`;
    expectErrorShape(await platform.http.post(path, { paymentMethod: 'pm_card_visa' }, stranger.accessToken), 404, 'not_found');
    const kept = await platform.http.post('/api/payments/cards', { setupRef: setup.body.setupRef }, owner.accessToken);
    expectErrorShape(kept, 400, 'card_setup_incomplete');
    expect((await platform.http.post(path, { paymentMethod: 'pm_card_visa' }, owner.accessToken)).status).to.equal(200);
    expectErrorShape(
      await platform.http.post('/api/payments/local/setups/seti_unknown/confirm', { paymentMethod: 'pm_card_visa' }, owner.accessToken),
      404,
      'not_found',
    );
  });
});
