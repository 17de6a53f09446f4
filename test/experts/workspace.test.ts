import { expect } from 'chai';
import QRCode from 'qrcode';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TINY_PNG, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { launchBrowser } from '../support/browser.ts';

/** Every URL an HTML snippet points at: href, src and anything url(...) in a style. */
function urlsIn(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:href|src|srcset|action|poster)\s*=\s*"([^"]*)"/gi)].map((match) => match[1]!.replace(/&amp;/g, '&'));
  const styles = [...html.matchAll(/url\(([^)]*)\)/gi)].map((match) => match[1]!);
  return [...attributes, ...styles];
}

function assertPasteable(html: string) {
  expect(html).not.to.match(/<script/i);
  expect(html).not.to.match(/<(link|style|iframe|object|embed|form)\b/i);
  expect(html).not.to.match(/\son[a-z]+\s*=/i);
  expect(html).not.to.match(/javascript:/i);
  expect(html).not.to.match(/\sclass\s*=/i);
  const urls = urlsIn(html);
  expect(urls.length).to.be.greaterThan(0);
  for (const url of urls) expect(url, url).to.match(/^https?:\/\//);
  return urls;
}

async function uploadPhoto(platform: TestPlatform, expert: SignedUp) {
  const response = await platform.http.request('PUT', '/api/experts/me/photo', {
    token: expert.accessToken,
    headers: { 'content-type': 'image/png' },
    rawBody: TINY_PNG,
  });
  expect(response.status).to.equal(204);
}

describe('Expert workspace: consultation URL, QR codes, banner, profile', () => {
  let platform: TestPlatform;
  let expert: SignedUp;
  before(async () => {
    platform = await startTestPlatform();
    expert = await signUpExpert(platform.http, { firstName: 'Hélène', lastName: "O'Brien" });
  });
  after(() => platform.close());

  it('EXP-1 shows the consultation URL in the workspace', async () => {
    const response = await platform.http.get('/api/experts/me/workspace', expert.accessToken);
    expect(response.status).to.equal(200);
    expect(response.body.slug).to.equal('helene-o-brien');
    expect(response.body.consultationUrl).to.equal(`${platform.config.publicUrl}/consultation/helene-o-brien`);
    expect(response.body.qrSvgUrl).to.equal(`${platform.config.publicUrl}/api/experts/helene-o-brien/qr.svg`);
    expect(response.body.qrPngUrl).to.equal(`${platform.config.publicUrl}/api/experts/helene-o-brien/qr.png`);
    expect(response.body.banner.html).to.include('Consulter maintenant');
  });

  it('EXP-2 serves the QR code of the consultation URL as SVG and PNG', async () => {
    const url = `${platform.config.publicUrl}/consultation/${expert.user.slug}`;
    const svg = await platform.http.get(`/api/experts/${expert.user.slug}/qr.svg`);
    expect(svg.status).to.equal(200);
    expect(svg.headers.get('content-type')).to.match(/^image\/svg\+xml/);
    expect(svg.headers.get('content-disposition')).to.include(`consulto-${expert.user.slug}-qr.svg`);
    expect(svg.body).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    // The same modules as a QR code of exactly that URL: the code encodes the consultation URL.
    expect(svg.body).to.equal(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));

    const png = await fetch(`${platform.config.publicUrl}/api/experts/${expert.user.slug}/qr.png`);
    expect(png.status).to.equal(200);
    expect(png.headers.get('content-type')).to.equal('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).to.equal(true);
    expect(bytes.readUInt32BE(16), 'PNG width').to.equal(512);
    expect(bytes.equals(await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 512 }))).to.equal(true);

    const download = await fetch(`${platform.config.publicUrl}/api/experts/${expert.user.slug}/qr.png?download=1`);
    expect(download.headers.get('content-disposition')).to.equal(`attachment; filename="consulto-${expert.user.slug}-qr.png"`);
    expect((await platform.http.get(`/api/experts/${expert.user.slug}/qr.svg?download=1`)).headers.get('content-disposition')).to.match(/^attachment/);
    const small = Buffer.from(await (await fetch(`${platform.config.publicUrl}/api/experts/${expert.user.slug}/qr.png?size=256`)).arrayBuffer());
    expect(small.readUInt32BE(16)).to.equal(256);
  });

  it('EXP-2 answers 404 for an unknown expert and 400 for a bad PNG size', async () => {
    const unknown = await platform.http.get('/api/experts/nobody-here/qr.svg');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('not_found');
    const bad = await platform.http.get(`/api/experts/${expert.user.slug}/qr.png?size=99999`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('invalid_request');
  });

  it('REF-1 serves the signup QR code of /inscription/<slug>', async () => {
    const url = `${platform.config.publicUrl}/inscription/${expert.user.slug}`;
    const svg = await platform.http.get(`/api/experts/${expert.user.slug}/signup-qr.svg`);
    expect(svg.status).to.equal(200);
    expect(svg.body).to.equal(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    const png = await fetch(`${platform.config.publicUrl}/api/experts/${expert.user.slug}/signup-qr.png`);
    expect(png.status).to.equal(200);
    expect(png.headers.get('content-type')).to.equal('image/png');
  });

  it('edits the headline, description and category, reflected on the public profile', async () => {
    const response = await platform.http.request('PATCH', '/api/experts/me/profile', {
      token: expert.accessToken,
      body: { headline: '  Psychologue clinicienne <b>& thérapeute</b> "TCC"  ', description: 'Ligne 1\r\nLigne 2', category: 'coaching' },
    });
    expect(response.status).to.equal(200);
    expect(response.body.headline).to.equal('Psychologue clinicienne <b>& thérapeute</b> "TCC"');
    const publicProfile = await platform.http.get(`/api/experts/${expert.user.slug}`);
    expect(publicProfile.body.headline).to.equal('Psychologue clinicienne <b>& thérapeute</b> "TCC"');
    expect(publicProfile.body.description).to.equal('Ligne 1\nLigne 2');
    expect(publicProfile.body.category).to.equal('coaching');
  });

  it('refuses bad profile edits with 4xx codes and changes nothing', async () => {
    const before = (await platform.http.get(`/api/experts/${expert.user.slug}`)).body;
    const attempts: [unknown, number, string][] = [
      [{ headline: 'x'.repeat(121) }, 400, 'invalid_request'],
      [{ description: 'x'.repeat(4001) }, 400, 'invalid_request'],
      [{ category: 'astrology' }, 400, 'invalid_request'],
      [{ headline: 'two\nlines' }, 400, 'invalid_request'],
      [{}, 400, 'invalid_request'],
      [{ headline: 'ok', sponsorSlug: 'someone' }, 400, 'invalid_request'],
      [{ headline: 42 }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of attempts) {
      const response = await platform.http.request('PATCH', '/api/experts/me/profile', { token: expert.accessToken, body });
      expect(response.status, JSON.stringify(body)).to.equal(status);
      expect(response.body.error.code).to.equal(code);
    }
    const client = await signUpClient(platform.http);
    const forbidden = await platform.http.request('PATCH', '/api/experts/me/profile', { token: client.accessToken, body: { headline: 'x' } });
    expect(forbidden.status).to.equal(403);
    expect((await platform.http.request('PATCH', '/api/experts/me/profile', { body: { headline: 'x' } })).status).to.equal(401);
    expect((await platform.http.get(`/api/experts/${expert.user.slug}`)).body).to.deep.equal(before);
  });

  it('EXP-3 banner: pasted into a plain HTML page it has no script, only absolute URLs, and its link and photo answer 200', async () => {
    await uploadPhoto(platform, expert);
    const response = await platform.http.get('/api/experts/me/banner', expert.accessToken);
    expect(response.status).to.equal(200);
    const { html } = response.body as { html: string };
    const urls = assertPasteable(html);
    // Photo, name, headline (escaped) and the "consult now" link to the consultation page.
    expect(html).to.include(`href="${platform.config.publicUrl}/consultation/${expert.user.slug}"`);
    expect(html).to.match(new RegExp(`src="${platform.config.publicUrl}/api/experts/${expert.user.slug}/photo\\?v=\\d+"`));
    expect(html).to.include('Hélène O&#39;Brien');
    expect(html).to.include('Psychologue clinicienne &lt;b&gt;&amp; thérapeute&lt;/b&gt; &quot;TCC&quot;');
    expect(html).not.to.include('<b>');
    expect(html).to.include('Consulter maintenant');

    const directory = mkdtempSync(join(tmpdir(), 'consulto-banner-'));
    try {
      const page = join(directory, 'third-party.html');
      writeFileSync(
        page,
        `<!doctype html><html><head><meta charset="utf-8"><title>Mon cabinet</title></head><body><h1>Mon cabinet</h1>\n${html}\n</body></html>`,
      );
      for (const url of urls) {
        const answer = await fetch(url);
        expect(answer.status, url).to.equal(200);
        if (url.includes('/photo')) expect(answer.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
      }
      // And a real browser, with JavaScript disabled, shows the photo and the link.
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({ javaScriptEnabled: false });
        const tab = await context.newPage();
        await tab.goto(pathToFileURL(page).toString(), { waitUntil: 'load' });
        const image = await tab
          .locator('img')
          .evaluate((element) => ({ width: (element as HTMLImageElement).naturalWidth, complete: (element as HTMLImageElement).complete }));
        expect(image.complete).to.equal(true);
        expect(image.width).to.be.greaterThan(0);
        const link = tab.getByRole('link', { name: /Consulter maintenant/ });
        expect(await link.getAttribute('href')).to.equal(`${platform.config.publicUrl}/consultation/${expert.user.slug}`);
        expect(await link.isVisible()).to.equal(true);
      } finally {
        await browser.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('describes the workspace, QR, discount, earnings and referral routes in the OpenAPI document', async () => {
    const document = await platform.http.get('/api/openapi.json');
    expect(document.status).to.equal(200);
    const paths = document.body.paths as Record<string, Record<string, unknown>>;
    for (const [path, method] of [
      ['/api/experts/me/workspace', 'get'],
      ['/api/experts/me/banner', 'get'],
      ['/api/experts/me/profile', 'patch'],
      ['/api/experts/me/discount-codes', 'get'],
      ['/api/experts/me/discount-codes', 'post'],
      ['/api/experts/me/discount-codes/{id}/disable', 'post'],
      ['/api/experts/me/earnings', 'get'],
      ['/api/experts/me/earnings/monthly', 'get'],
      ['/api/experts/{slug}/qr.svg', 'get'],
      ['/api/experts/{slug}/qr.png', 'get'],
      ['/api/experts/{slug}/signup-qr.svg', 'get'],
      ['/api/experts/{slug}/signup-qr.png', 'get'],
      ['/api/referrals/me', 'get'],
    ] as const) {
      expect(paths[path]?.[method], `${method} ${path}`).to.be.an('object');
    }
  });

  it('EXP-3 banner without a photo shows initials, and exists in English', async () => {
    const other = await signUpExpert(platform.http, { firstName: 'Zoé', lastName: 'Leroy' });
    const response = await platform.http.get('/api/experts/me/banner?language=en', other.accessToken);
    expect(response.status).to.equal(200);
    assertPasteable(response.body.html);
    expect(response.body.html).not.to.include('<img');
    expect(response.body.html).to.include('>ZL<');
    expect(response.body.html).to.include('Consult now');
    expect((await platform.http.get('/api/experts/me/banner?language=de', other.accessToken)).status).to.equal(400);
  });
});
