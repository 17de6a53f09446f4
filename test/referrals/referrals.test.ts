import { expect } from 'chai';
import QRCode from 'qrcode';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TEST_PASSWORD, TINY_PNG, signUpClient, signUpExpert, expertSignup, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { CHECK_VIOLATION, sqlState } from '../../server/platform/database.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('REF-1 … REF-4 referral programme', () => {
  const clock = new ManualClock('2026-01-15T10:00:00.000Z');
  let platform: TestPlatform;
  let grandSponsor: SignedUp; // A: sponsors B
  let sponsor: SignedUp; // B: sponsored by A, sponsors C
  let referred: SignedUp; // C
  let client: SignedUp;

  const signIn = async (who: SignedUp) =>
    (await platform.http.post('/api/auth/login', { email: who.user.email, password: TEST_PASSWORD })).body.accessToken as string;
  const commissionsOf = async (userId: string) =>
    (
      await platform.db.query<{ total: number }>(
        `SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings WHERE purpose = 'commission' AND account_id IN ($1, $2)`,
        [`wallet_pending:${userId}`, `wallet_available:${userId}`],
      )
    )[0]!.total;
  async function settledConsultation(expertId: string, connectedSeconds: number) {
    const id = await insertFinishedConsultation(platform, { expertId, clientId: client.user.id, terms: freeRateVideoTerms(), connectedSeconds });
    return platform.services.settlements.settle(id);
  }

  before(async () => {
    platform = await startTestPlatform({ clock });
    grandSponsor = await signUpExpert(platform.http, { firstName: 'Anne', lastName: 'Aubert' });
    sponsor = await signUpExpert(platform.http, { firstName: 'Bruno', lastName: 'Blanc', sponsorSlug: grandSponsor.user.slug });
    clock.advance(DAY_MS);
    referred = await signUpExpert(platform.http, { firstName: 'Chloé', lastName: 'Carré', sponsorSlug: sponsor.user.slug });
    client = await signUpClient(platform.http);
  });
  after(() => platform.close());

  it('REF-1 gives the signup URL, its QR codes and a pasteable signup banner', async () => {
    const token = await signIn(sponsor);
    const response = await platform.http.get('/api/referrals/me', token);
    expect(response.status).to.equal(200);
    const signupUrl = `${platform.config.publicUrl}/inscription/bruno-blanc`;
    expect(response.body).to.include({
      signupUrl,
      signupQrSvgUrl: `${platform.config.publicUrl}/api/experts/bruno-blanc/signup-qr.svg`,
      signupQrPngUrl: `${platform.config.publicUrl}/api/experts/bruno-blanc/signup-qr.png`,
      commissionPercent: 10,
      commissionMonths: 12,
    });
    const svg = await fetch(response.body.signupQrSvgUrl);
    expect(svg.status).to.equal(200);
    expect(await svg.text()).to.equal(await QRCode.toString(signupUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    expect((await fetch(response.body.signupQrPngUrl)).status).to.equal(200);

    await platform.http.request('PUT', '/api/experts/me/photo', { token, headers: { 'content-type': 'image/png' }, rawBody: TINY_PNG });
    const { html } = (await platform.http.get('/api/referrals/me', token)).body.banner as { html: string };
    expect(html).not.to.match(/<script|\son[a-z]+=|javascript:/i);
    expect(html).to.include(`href="${signupUrl}"`);
    expect(html).to.include('Devenez expert sur Consulto');
    expect(html).to.include('Bruno Blanc');
    const urls = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'));
    expect(urls).to.have.length(2);
    for (const url of urls) {
      expect(url).to.match(/^https?:\/\//);
      expect((await fetch(url)).status, url).to.equal(200);
    }
    const english = await platform.http.get('/api/referrals/me?language=en', token);
    expect(english.body.banner.html).to.include('Become an expert on Consulto');
  });

  it('REF-2 attributes at signup: the signup URL slug becomes the sponsor', async () => {
    const rows = await platform.db.query<{ user_id: string; sponsor_id: string | null }>(
      'SELECT user_id, sponsor_id FROM expert_profiles WHERE user_id = ANY($1::uuid[])',
      [[grandSponsor.user.id, sponsor.user.id, referred.user.id]],
    );
    const sponsorOf = Object.fromEntries(rows.map((row) => [row.user_id, row.sponsor_id]));
    expect(sponsorOf[grandSponsor.user.id]).to.equal(null);
    expect(sponsorOf[sponsor.user.id]).to.equal(grandSponsor.user.id);
    expect(sponsorOf[referred.user.id]).to.equal(sponsor.user.id);
  });

  it('REF-2 no chains: only the direct sponsor earns; the sponsor’s sponsor earns nothing', async () => {
    const settlement = await settledConsultation(referred.user.id, 600);
    // BILL-7: fee 150; REF-3: 10 % of it to the direct sponsor.
    expect(settlement).to.include({ feeCents: 150, commissionCents: 15, sponsorId: sponsor.user.id });
    expect(await commissionsOf(sponsor.user.id)).to.equal(15);
    expect(await commissionsOf(grandSponsor.user.id)).to.equal(0);
    // The grand-sponsor earns on their own referral only: B's consultations, not C's.
    const own = await settledConsultation(sponsor.user.id, 600);
    expect(own).to.include({ feeCents: 150, commissionCents: 15, sponsorId: grandSponsor.user.id });
    expect(await commissionsOf(grandSponsor.user.id)).to.equal(15);
    expect(await commissionsOf(sponsor.user.id)).to.equal(15);
    const aView = (await platform.http.get('/api/referrals/me', await signIn(grandSponsor))).body;
    expect(aView.referredExperts.map((expert: { slug: string }) => expert.slug)).to.deep.equal(['bruno-blanc']);
  });

  it('REF-2 no self-referral, first touch only: the database refuses a self-sponsor, an unknown sponsor creates nothing, and no route changes the sponsor', async () => {
    let failure: unknown;
    await platform.db.query('UPDATE expert_profiles SET sponsor_id = user_id WHERE user_id = $1', [referred.user.id]).catch((error) => (failure = error));
    expect(sqlState(failure)).to.equal(CHECK_VIOLATION);

    const usersBefore = (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n;
    const unknown = await platform.http.post('/api/auth/register/expert', expertSignup({ sponsorSlug: 'nobody-known' }));
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.code).to.equal('unknown_sponsor');
    expect((await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n).to.equal(usersBefore);

    // A second signup with the same email under another sponsor does not move the attribution.
    const again = await platform.http.post('/api/auth/register/expert', expertSignup({ email: referred.user.email, sponsorSlug: grandSponsor.user.slug }));
    expect(again.status).to.equal(409);
    const token = await signIn(referred);
    const patch = await platform.http.request('PATCH', '/api/experts/me/profile', { token, body: { sponsorSlug: grandSponsor.user.slug } });
    expect(patch.status).to.equal(400);
    const [row] = await platform.db.query<{ sponsor_id: string }>('SELECT sponsor_id FROM expert_profiles WHERE user_id = $1', [referred.user.id]);
    expect(row!.sponsor_id).to.equal(sponsor.user.id);
  });

  it('REF-3 commissions stop REFERRAL_MONTHS after the referred expert’s signup', async () => {
    const [{ created_at: signedUpAt }] = (await platform.db.query<{ created_at: Date }>('SELECT created_at FROM users WHERE id = $1', [referred.user.id])) as [
      { created_at: Date },
    ];
    clock.set(new Date(Date.UTC(2027, 0, 16, 9, 59, 0))); // one minute before 12 months after 2026-01-16T10:00Z
    expect(signedUpAt.toISOString()).to.equal('2026-01-16T10:00:00.000Z');
    const inside = await settledConsultation(referred.user.id, 600);
    expect(inside.commissionCents).to.equal(15);
    clock.set(new Date(Date.UTC(2027, 0, 16, 10, 0, 0)));
    const outside = await settledConsultation(referred.user.id, 600);
    expect(outside).to.include({ commissionCents: 0, sponsorId: null });
    expect(await commissionsOf(sponsor.user.id)).to.equal(30);
    const view = (await platform.http.get('/api/referrals/me', await signIn(sponsor))).body;
    const chloe = view.referredExperts.find((expert: { slug: string }) => expert.slug === 'chloe-carre');
    expect(chloe).to.include({ commissionWindowEndsAt: '2027-01-16T10:00:00.000Z', insideCommissionWindow: false });
  });

  it('REF-4 lists referred experts with their consultations count and the commissions per month', async () => {
    const view = (await platform.http.get('/api/referrals/me', await signIn(sponsor))).body;
    expect(view.referredExperts).to.deep.equal([
      {
        slug: 'chloe-carre',
        firstName: 'Chloé',
        lastName: 'Carré',
        signedUpAt: '2026-01-16T10:00:00.000Z',
        consultationsCount: 3,
        commissionCents: 30,
        commissionWindowEndsAt: '2027-01-16T10:00:00.000Z',
        insideCommissionWindow: false,
      },
    ]);
    // January 2026 (the first consultation) and January 2027 (inside the window by a minute).
    expect(view.commissionsByMonth).to.deep.equal([
      { month: '2027-01', consultationsCount: 1, commissionCents: 15 },
      { month: '2026-01', consultationsCount: 1, commissionCents: 15 },
    ]);
    expect(view.totals).to.deep.equal({ referredExperts: 1, commissionCents: 30 });
    // An expert who referred nobody sees an empty but complete workspace; clients cannot open it.
    const lonely = await signUpExpert(platform.http);
    const empty = (await platform.http.get('/api/referrals/me', lonely.accessToken)).body;
    expect(empty).to.include({ referredExpertsTruncated: false });
    expect(empty.referredExperts).to.deep.equal([]);
    expect(empty.commissionsByMonth).to.deep.equal([]);
    expect((await platform.http.get('/api/referrals/me', (await signUpClient(platform.http)).accessToken)).status).to.equal(403);
    expect((await platform.http.get('/api/referrals/me')).status).to.equal(401);
    expect((await platform.http.get('/api/referrals/me?language=xx', lonely.accessToken)).status).to.equal(400);
  });
});
