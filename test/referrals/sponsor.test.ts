import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TINY_PNG, signUpClient, signUpExpert } from '../support/fixtures.ts';
import { signUpAdmin } from '../trust/support.ts';

/** REF-1: the referred signup page `/inscription/<slug>` names its sponsor and shows their photo. */
describe('REF-1 sponsor of a referral signup URL', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  it("gives the sponsor's display name, headline and a photo URL that answers, to anyone", async () => {
    const sponsor = await signUpExpert(platform.http, { firstName: 'Élodie', lastName: 'Marchand' });
    await platform.http.request('PATCH', '/api/experts/me/profile', { token: sponsor.accessToken, body: { headline: 'Avocate en droit du travail' } });
    const before = await platform.http.get(`/api/referrals/sponsors/${sponsor.user.slug}`);
    expect(before.status).to.equal(200);
    expect(before.body).to.deep.equal({
      slug: sponsor.user.slug,
      firstName: 'Élodie',
      lastName: 'Marchand',
      displayName: 'Élodie Marchand',
      headline: 'Avocate en droit du travail',
      photoUrl: null,
    });
    await platform.http.request('PUT', '/api/experts/me/photo', { token: sponsor.accessToken, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
    const after = await platform.http.get(`/api/referrals/sponsors/${sponsor.user.slug}`);
    const photo = await fetch(after.body.photoUrl);
    expect(photo.status).to.equal(200);
    expect(photo.headers.get('content-type')).to.equal('image/png');
    // The name shown is the one signup attributes to (REF-2).
    const referred = await signUpExpert(platform.http, { sponsorSlug: after.body.slug });
    expect(referred.user.slug).to.be.a('string');
  });

  it('answers 404 unknown_sponsor for an unknown, malformed or suspended sponsor', async () => {
    const suspended = await signUpExpert(platform.http);
    const admin = await signUpAdmin(platform);
    expect((await platform.http.post(`/api/admin/users/${suspended.user.id}/suspend`, { reason: 'Fraud check.' }, admin.accessToken)).status).to.equal(200);
    for (const slug of ['nobody-here', 'NOT_A_SLUG', suspended.user.slug!, '%E2%9C%93']) {
      const response = await platform.http.get(`/api/referrals/sponsors/${slug}`);
      expect(response.status, slug).to.equal(404);
      expect(response.body.error.code).to.equal('unknown_sponsor');
    }
    await signUpClient(platform.http);
  });
});
