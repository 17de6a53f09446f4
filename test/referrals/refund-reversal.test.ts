import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';

/** REF-3 "reversed in proportion when the consultation is refunded", as the workspaces show it. */
describe('REF-3 / REF-4 / EXP-8 after a refund', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  it('a fully refunded consultation leaves no commission in the referral workspace and no net earnings in the expert’s list', async () => {
    const sponsor = await signUpExpert(platform.http, { firstName: 'Sacha', lastName: 'Petit' });
    const referred = await signUpExpert(platform.http, { firstName: 'Rémi', lastName: 'Roux', sponsorSlug: sponsor.user.slug });
    const client = await signUpClient(platform.http);
    const consultationId = await insertFinishedConsultation(platform, {
      expertId: referred.user.id,
      clientId: client.user.id,
      terms: freeRateVideoTerms(),
      connectedSeconds: 600,
    });
    expect(await platform.services.settlements.settle(consultationId)).to.include({ commissionCents: 15 });
    const before = (await platform.http.get('/api/referrals/me', sponsor.accessToken)).body;
    expect(before.totals.commissionCents).to.equal(15);

    const complaint = await platform.http.post(
      '/api/complaints',
      { consultationId, kind: 'consultation', comment: 'La vidéo a coupé tout le temps.' },
      client.accessToken,
    );
    expect(complaint.status, JSON.stringify(complaint.body)).to.equal(201);
    const answer = await platform.http.post(`/api/complaints/${complaint.body.id}/answer`, { resolution: 'full_refund' }, referred.accessToken);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);

    const after = (await platform.http.get('/api/referrals/me', sponsor.accessToken)).body;
    expect(after.totals.commissionCents).to.equal(0);
    expect(after.referredExperts[0]).to.include({ slug: 'remi-roux', consultationsCount: 1, commissionCents: 0 });
    expect(after.commissionsByMonth.reduce((sum: number, month: { commissionCents: number }) => sum + month.commissionCents, 0)).to.equal(0);

    const earnings = (await platform.http.get('/api/experts/me/earnings', referred.accessToken)).body;
    expect(earnings.consultations[0]).to.include({ consultationId, clientPriceCents: 2000, operatingFeeCents: 150, refundedCents: 2000, netEarningsCents: 0 });
    expect(earnings.totals).to.include({ refundedCents: 2000, netEarningsCents: 0 });
  });
});
