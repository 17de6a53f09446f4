import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TINY_PNG, signUpClient, signUpExpert } from '../support/fixtures.ts';

describe('HTTP conventions (SPEC §11)', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  it('health answers once the database is ready', async () => {
    const response = await platform.http.get('/api/health');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ok' });
  });

  it('unknown API route: 404 with the error shape', async () => {
    const response = await platform.http.get('/api/nothing-here');
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: { code: 'not_found', message: 'No such route.' } });
  });

  it('malformed JSON: 400 malformed_json, no stack trace', async () => {
    const response = await platform.http.request('POST', '/api/auth/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal('malformed_json');
    expect(JSON.stringify(response.body)).not.to.match(/at .*\.ts|node_modules/);
  });

  it('body over 1 MB: 413 payload_too_large', async () => {
    const response = await platform.http.request('POST', '/api/auth/login', {
      rawBody: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).to.equal(413);
    expect(response.body.error.code).to.equal('payload_too_large');
  });

  it('a route needing a user refuses a missing token with 401', async () => {
    const response = await platform.http.get('/api/me');
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('missing_token');
  });

  it('roles are enforced: a client calling an expert route gets 403', async () => {
    const client = await signUpClient(platform.http);
    const response = await platform.http.request('PUT', '/api/experts/me/photo', {
      token: client.accessToken,
      rawBody: TINY_PNG,
      headers: { 'content-type': 'image/png' },
    });
    expect(response.status).to.equal(403);
    expect(response.body.error.code).to.equal('forbidden');
  });

  it('every response carries a request id and helmet headers', async () => {
    const response = await platform.http.get('/api/health');
    expect(response.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(response.headers.get('x-powered-by')).to.equal(null);
  });

  it('serves an OpenAPI 3 document built from the validating schemas', async () => {
    const response = await platform.http.get('/api/openapi.json');
    expect(response.status).to.equal(200);
    expect(response.body.openapi).to.match(/^3\./);
    const registerClient = response.body.paths['/api/auth/register/client'].post;
    expect(registerClient.requestBody.content['application/json'].schema.required).to.include.members([
      'email',
      'password',
      'firstName',
      'lastName',
      'acceptTerms',
    ]);
    expect(response.body.paths['/api/experts/{slug}/photo'].get.parameters[0]).to.include({ name: 'slug', in: 'path' });
  });

  describe('ACC-3 expert photo upload', () => {
    it('stores a PNG and serves it on the public photo URL', async () => {
      const expert = await signUpExpert(platform.http);
      const upload = await platform.http.request('PUT', '/api/experts/me/photo', {
        token: expert.accessToken,
        rawBody: TINY_PNG,
        headers: { 'content-type': 'image/png' },
      });
      expect(upload.status).to.equal(204);
      const photo = await fetch(`${platform.url}/api/experts/${expert.user.slug}/photo`);
      expect(photo.status).to.equal(200);
      expect(photo.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await photo.arrayBuffer()).equals(TINY_PNG)).to.equal(true);
    });

    it('refuses bytes that do not match the declared type, other types, and photos over 5 MB', async () => {
      const expert = await signUpExpert(platform.http);
      const send = (rawBody: Buffer, contentType: string) =>
        platform.http.request('PUT', '/api/experts/me/photo', { token: expert.accessToken, rawBody, headers: { 'content-type': contentType } });
      const mismatch = await send(TINY_PNG, 'image/jpeg');
      expect(mismatch.status).to.equal(400);
      expect(mismatch.body.error.code).to.equal('invalid_photo');
      expect((await send(Buffer.from('GIF89a'), 'image/gif')).status).to.equal(400);
      const tooBig = await send(Buffer.concat([TINY_PNG, Buffer.alloc(5 * 1024 * 1024)]), 'image/png');
      expect(tooBig.status).to.equal(413);
      expect((await fetch(`${platform.url}/api/experts/${expert.user.slug}/photo`)).status).to.equal(404);
    });
  });
});
