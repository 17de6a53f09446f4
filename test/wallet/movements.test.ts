import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { chargedConsultation } from '../trust/support.ts';
import { FAILING_IBAN, PACKAGE_EARNINGS_CENTS, earn, signInAgain, validateKyc } from './support.ts';
import { MOVEMENT_KINDS, movementKind } from '../../server/wallet/movement-kinds.ts';

interface Movement {
  kind: string;
  balance: string;
  amountCents: number;
  consultationId: string | null;
  payoutId: string | null;
  complaintId: string | null;
}

/** Issue 13: wallet movements say what they are in stable words and name what they refer to; no ledger code reaches the page. */
describe('wallet movements in words (PAY-1, PAY-3, PAY-5, BILL-12, REF-3, TRUST-2)', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform({ environment: { KYC_AUTO_VALIDATE_SECONDS: '60' } });
  });
  after(() => platform.close());

  const movements = async (token: string): Promise<Movement[]> => {
    const response = await platform.http.get('/api/wallet/movements?limit=100', token);
    expect(response.status).to.equal(200);
    return response.body.movements;
  };

  it('maps every ledger journal a wallet sees to one word, and anything unknown to an adjustment', () => {
    expect(movementKind('consultation_settlement', 'earnings')).to.equal('settlement');
    expect(movementKind('consultation_settlement', 'commission')).to.equal('commission');
    expect(movementKind('cancellation_settlement', 'earnings')).to.equal('late_cancellation');
    expect(movementKind('complaint_refund', 'refund_commission')).to.equal('commission_refund');
    expect(movementKind('something_new', 'x')).to.equal('adjustment');
    expect(MOVEMENT_KINDS).to.include.members(['settlement', 'commission', 'penalty', 'release', 'payout', 'payout_failed', 'refund']);
  });

  it('settlement, release, penalty, payout and payout_failed, each with its consultation or payout', async () => {
    const expert = await signUpExpert(platform.http);
    const client = await signUpClient(platform.http);
    await validateKyc(platform, expert, { iban: FAILING_IBAN });
    await earn(platform, expert.user.id);
    const noShow = await insertFinishedConsultation(platform, {
      expertId: expert.user.id,
      clientId: client.user.id,
      terms: packageTerms({ packageMinutes: 30, packagePriceCents: 6000 }),
      status: 'no_show_expert',
      startAt: platform.clock.now(),
    });
    await platform.services.settlements.settle(noShow);
    await signInAgain(platform, expert);
    const payout = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
    expect(payout.body.status).to.equal('failed');
    const list = await movements(expert.accessToken);
    const settlement = list.find((movement) => movement.kind === 'settlement')!;
    expect(settlement).to.deep.include({ balance: 'pending', amountCents: PACKAGE_EARNINGS_CENTS, payoutId: null, complaintId: null });
    expect(settlement.consultationId).to.match(/^[0-9a-f-]{36}$/);
    // The release names the consultation whose earnings it releases.
    expect(
      list.filter((movement) => movement.kind === 'release').map((movement) => [movement.balance, movement.amountCents, movement.consultationId]),
    ).to.deep.equal([
      ['available', PACKAGE_EARNINGS_CENTS, settlement.consultationId],
      ['pending', -PACKAGE_EARNINGS_CENTS, settlement.consultationId],
    ]);
    expect(list.find((movement) => movement.kind === 'penalty')).to.deep.include({ balance: 'available', amountCents: -68, consultationId: noShow });
    expect(list.find((movement) => movement.kind === 'payout')).to.deep.include({ amountCents: -5000, payoutId: payout.body.id, consultationId: null });
    expect(list.find((movement) => movement.kind === 'payout_failed')).to.deep.include({ amountCents: 5000, payoutId: payout.body.id });
    for (const movement of list) {
      expect(MOVEMENT_KINDS).to.include(movement.kind);
      expect(movement).to.not.have.property('purpose');
    }
  });

  it('commission for a sponsor, and refund and commission_refund after a complaint refund', async () => {
    const sponsor = await signUpExpert(platform.http);
    const expert = await signUpExpert(platform.http, { sponsorSlug: sponsor.user.slug });
    const client = await signUpClient(platform.http);
    const id = await chargedConsultation(platform, expert.user.id, client.user.id);
    const complaint = await platform.http.post(
      '/api/complaints',
      { kind: 'consultation', consultationId: id, comment: 'It did not help at all.' },
      client.accessToken,
    );
    expect(complaint.status).to.equal(201);
    const answer = await platform.http.post(`/api/complaints/${complaint.body.id}/answer`, { resolution: 'full_refund', reply: 'Sorry.' }, expert.accessToken);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const expertList = await movements(expert.accessToken);
    expect(expertList.map((movement) => movement.kind)).to.have.members(['settlement', 'refund']);
    expect(expertList.find((movement) => movement.kind === 'refund')).to.deep.include({
      consultationId: id,
      complaintId: complaint.body.id,
      amountCents: -PACKAGE_EARNINGS_CENTS,
    });
    const sponsorList = await movements(sponsor.accessToken);
    expect(sponsorList.map((movement) => movement.kind)).to.have.members(['commission', 'commission_refund']);
    expect(sponsorList.find((movement) => movement.kind === 'commission')).to.deep.include({ consultationId: id, amountCents: 22 });
  });
});
