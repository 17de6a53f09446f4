/**
 * §13 phone arrival, the bytes on the wire: the web client's files go out precompressed (brotli,
 * else gzip, as the browser accepts), with `Vary: Accept-Encoding`; hashed files under `/assets/`
 * are cached for a year and never revalidated; the HTML is never served stale. Raw HTTP on the
 * platform's real port, with the Accept-Encoding of each case. Needs the built client.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const CLIENT_DIST = new URL('../../client/dist/', import.meta.url);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const call = request(new URL(path, baseUrl), { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('§13 web client delivery: precompressed assets, long cache for hashed files, fresh HTML', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  /** The biggest script of the build, and its bytes as built. */
  let script: { path: string; bytes: Buffer };

  before(async () => {
    if (!existsSync(new URL('index.html', CLIENT_DIST))) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    const assets = new URL('assets/', CLIENT_DIST);
    const name = readdirSync(assets)
      .filter((file) => file.endsWith('.js'))
      .map((file) => ({ file, size: readFileSync(new URL(file, assets)).length }))
      .sort((a, b) => b.size - a.size)[0]!.file;
    script = { path: `/assets/${name}`, bytes: readFileSync(new URL(name, assets)) };
  });
  after(() => platform?.close());

  it('sends the brotli file to a browser that accepts brotli, the gzip one to one that accepts only gzip, and the plain file otherwise, always with Vary: Accept-Encoding', async () => {
    const brotli = await rawGet(platform.url, script.path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.status).to.equal(200);
    expect(brotli.headers['content-encoding']).to.equal('br');
    expect(brotli.headers['content-type']).to.match(/^(text|application)\/javascript/);
    expect(brotli.headers['vary']).to.match(/Accept-Encoding/i);
    expect(Number(brotli.headers['content-length'])).to.equal(brotli.body.length).and.to.be.below(script.bytes.length);
    expect(brotliDecompressSync(brotli.body).equals(script.bytes)).to.equal(true);

    const gzip = await rawGet(platform.url, script.path, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).to.equal('gzip');
    expect(gzip.headers['content-type']).to.match(/javascript/);
    expect(gunzipSync(gzip.body).equals(script.bytes)).to.equal(true);

    for (const acceptEncoding of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await rawGet(platform.url, script.path, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      expect(plain.headers['content-encoding'], String(acceptEncoding)).to.equal(undefined);
      expect(plain.headers['vary'], String(acceptEncoding)).to.match(/Accept-Encoding/i);
      expect(plain.body.equals(script.bytes), String(acceptEncoding)).to.equal(true);
    }
    // `*` accepts what was not named; brotli refused by name is not sent.
    expect((await rawGet(platform.url, script.path, { 'accept-encoding': '*' })).headers['content-encoding']).to.equal('br');
    expect((await rawGet(platform.url, script.path, { 'accept-encoding': 'br;q=0, *' })).headers['content-encoding']).to.equal('gzip');
  });

  it('caches hashed files for a year as immutable, in every encoding; HEAD answers the same headers without a body', async () => {
    for (const acceptEncoding of ['br', 'gzip', 'identity']) {
      const response = await rawGet(platform.url, script.path, { 'accept-encoding': acceptEncoding });
      expect(response.headers['cache-control'], acceptEncoding).to.equal(IMMUTABLE);
    }
    const head = await rawGet(platform.url, script.path, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).to.equal(200);
    expect(head.headers['content-encoding']).to.equal('br');
    expect(head.body.length).to.equal(0);
    // A hashed file that no longer exists is a 404, never the HTML in its place.
    const missing = await rawGet(platform.url, '/assets/app-0000000.js');
    expect(missing.status).to.equal(404);
    expect(missing.headers['content-type']).to.match(/^text\/plain/);
  });

  it('never serves the HTML stale: no-cache on every address the client routes, compressed when accepted', async () => {
    for (const path of ['/', '/consultation/someone', '/inscription/client', '/consultations/00000000-0000-4000-8000-000000000000', '/index.html']) {
      const response = await rawGet(platform.url, path, { 'accept-encoding': 'br' });
      expect(response.status, path).to.equal(200);
      expect(response.headers['cache-control'], path).to.equal('no-cache');
      expect(response.headers['content-type'], path).to.match(/^text\/html/);
      expect(response.headers['content-encoding'], path).to.equal('br');
      expect(response.headers['vary'], path).to.match(/Accept-Encoding/i);
      expect(brotliDecompressSync(response.body).toString(), path).to.contain('<div id="app">');
    }
    const plain = await rawGet(platform.url, '/consultation/someone');
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.body.toString()).to.contain('<script type="module"');
    // The API is never the web client, whatever is asked.
    expect((await rawGet(platform.url, '/api/no-such-route', { 'accept-encoding': 'br' })).headers['content-type']).to.match(/json/);
  });
});
