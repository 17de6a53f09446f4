/**
 * Link previews (issue 18): the raw HTML of `/consultation/<slug>` and of the referral signup page
 * `/inscription/<slug>` carries the expert's Open Graph and Twitter card tags, escaped; an
 * unpublished, suspended or unknown expert gets the site's own tags only. Read over real HTTP, as a
 * messaging app's crawler reads them (it runs no script). Needs the built client (client/dist).
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TINY_PNG, signUpExpert } from '../support/fixtures.ts';
import { setUpExpert } from '../support/bookings.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);

/** The `<meta>` tags of a document, by property or name (the crawler's view). */
function metaTags(html: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const match of html.matchAll(/<meta (property|name)="([^"]+)" content="([^"]*)" \/>/g)) tags.set(match[2]!, match[3]!);
  return tags;
}

const decode = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe('link previews: Open Graph and Twitter card tags in the raw HTML', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
  });
  after(() => platform?.close());

  const html = async (path: string) => {
    const response = await platform.http.get<string>(path);
    expect(response.status, path).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    return response.body;
  };

  it('a published expert: name, headline, photo, price, canonical URL, og:type and og:locale fr_FR on the consultation page', async () => {
    const expert = await setUpExpert(platform.http, {
      pricing: { videoRatePerMinuteCents: 250, phoneRatePerMinuteCents: null, packages: [{ mode: 'video', minutes: 30, priceCents: 6000 }] },
    });
    await platform.http.request('PATCH', '/api/experts/me/profile', { token: expert.token, body: { headline: 'Coach en orientation scolaire' } });
    const page = await html(`/consultation/${expert.slug}`);
    const tags = metaTags(page);
    const url = `${platform.url}/consultation/${expert.slug}`;
    expect(tags.get('og:title')).to.equal('Camille Dubois — consultation en ligne');
    expect(decode(tags.get('og:description')!).replace(/[\u00a0\u202f]/g, ' ')).to.equal('Coach en orientation scolaire — Vidéo : 2,50 € la minute');
    expect(tags.get('og:image')).to.match(new RegExp(`^${platform.url}/api/experts/${expert.slug}/photo\\?v=\\d+$`));
    expect(tags.get('og:url')).to.equal(url);
    expect(tags.get('og:type')).to.equal('profile');
    expect(tags.get('og:locale')).to.equal('fr_FR');
    expect(tags.get('og:site_name')).to.equal('Consulto');
    expect(tags.get('twitter:card')).to.equal('summary');
    expect(tags.get('twitter:title')).to.equal(tags.get('og:title'));
    expect(tags.get('twitter:image')).to.equal(tags.get('og:image'));
    expect(page).to.contain(`<link rel="canonical" href="${url}" />`);
    expect(page).to.contain('<title>Camille Dubois — consultation en ligne · Consulto</title>');
    // One title and one description: the built page's own made way.
    expect(page.match(/<title>/g)).to.have.length(1);
    expect(page.match(/<meta name="description"/g)).to.have.length(1);
    // The photo the card shows is really served.
    const photo = await fetch(tags.get('og:image')!);
    expect(photo.status).to.equal(200);
  });

  it("the referral signup page /inscription/<slug> carries the sponsor's card; /inscription/client and /inscription/expert the site's", async () => {
    const sponsor = await setUpExpert(platform.http);
    const tags = metaTags(await html(`/inscription/${sponsor.slug}`));
    expect(tags.get('og:title')).to.equal('Rejoignez Consulto sur l’invitation de Camille Dubois');
    expect(tags.get('og:url')).to.equal(`${platform.url}/inscription/${sponsor.slug}`);
    expect(decode(tags.get('og:description')!).replace(/[\u00a0\u202f]/g, ' ')).to.contain('Vidéo : 2,00 € la minute');
    expect(tags.get('og:image')).to.match(/\/photo\?v=\d+$/);
    expect(tags.get('og:locale')).to.equal('fr_FR');
    for (const path of ['/inscription/client', '/inscription/expert']) expect(metaTags(await html(path)).get('og:title'), path).to.equal('Consulto');
  });

  it('what the expert typed is escaped: a headline cannot close the attribute or open a script', async () => {
    const expert = await setUpExpert(platform.http);
    const hostile = 'Expert "en" <script>alert(1)</script> & co';
    const patched = await platform.http.request('PATCH', '/api/experts/me/profile', { token: expert.token, body: { headline: hostile } });
    expect(patched.status).to.equal(200);
    const page = await html(`/consultation/${expert.slug}`);
    expect(page).to.not.contain('<script>alert(1)</script>');
    expect(page).to.not.contain('"en"');
    const description = metaTags(page).get('og:description')!;
    expect(description).to.contain('&#34;en&#34; &#60;script&#62;alert(1)&#60;/script&#62; &#38; co');
    expect(decode(description)).to.contain(hostile);
  });

  it("an unpublished expert (no photo yet) gets no card: the site's tags only", async () => {
    const newcomer = await signUpExpert(platform.http, { firstName: 'Jules', lastName: 'Martin' });
    await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 200, packages: [] }, newcomer.accessToken);
    for (const path of [`/consultation/${newcomer.user.slug}`, `/inscription/${newcomer.user.slug}`]) {
      const page = await html(path);
      const tags = metaTags(page);
      expect(tags.get('og:title'), path).to.equal('Consulto');
      expect(tags.get('og:type'), path).to.equal('website');
      expect(tags.has('og:image'), path).to.equal(false);
      expect(tags.has('og:url'), path).to.equal(false);
      expect(page, path).to.not.contain('Jules');
    }
  });

  it('a suspended expert (TRUST-4) gets no card, nor does an unknown slug or a malformed one', async () => {
    const expert = await signUpExpert(platform.http, { firstName: 'Sophie', lastName: 'Suspendue' });
    await platform.http.request('PUT', '/api/experts/me/photo', { token: expert.accessToken, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
    await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 200, packages: [] }, expert.accessToken);
    // Suspended before anyone read the page: no cached card can outlive the suspension here.
    await platform.db.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [expert.user.id]);
    for (const path of [`/consultation/${expert.user.slug}`, `/inscription/${expert.user.slug}`, '/consultation/personne-inconnue', '/consultation/%E0%A4%A']) {
      const page = await html(path);
      expect(metaTags(page).get('og:title'), path).to.equal('Consulto');
      expect(page, path).to.not.contain('Sophie');
    }
  });
});
