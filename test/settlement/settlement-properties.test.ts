import { expect } from 'chai';
import fc from 'fast-check';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { insertFinishedConsultation } from '../support/consultations.ts';
import { connectedSecondsArb, termsArb } from '../billing/fixtures.ts';
import { settleConsultation, referralCommissionCents } from '../../server/billing/index.ts';
import { settlementLines } from '../../server/settlement/journal-lines.ts';
import { sumOfAllAccountsCents } from '../../server/ledger/balances.ts';

describe('PAY-1 PAY-2 settlement properties', () => {
  it('the journal lines of any settlement sum to zero and pay each party its share (pure, 5000 runs)', () => {
    fc.assert(
      fc.property(termsArb, connectedSecondsArb, fc.boolean(), fc.integer({ min: 0, max: 100 }), (terms, seconds, sponsored, percent) => {
        const settled = settleConsultation(terms, seconds);
        const outcome = { ...settled, kind: 'consultation' as const, expertPenaltyCents: 0 };
        const commissionCents = sponsored ? referralCommissionCents(settled.feeCents, percent) : 0;
        const lines = settlementLines({ clientId: 'c', expertId: 'e', sponsorId: sponsored ? 's' : null }, outcome, commissionCents);
        expect(lines.reduce((sum, line) => sum + line.amountCents, 0)).to.equal(0);
        const of = (purpose: string) => lines.filter((line) => line.purpose === purpose).reduce((sum, line) => sum + line.amountCents, 0);
        expect(of('charge')).to.equal(-settled.chargeCents);
        expect(of('earnings')).to.equal(settled.expertEarningsCents);
        expect(of('fee') + of('commission')).to.equal(settled.feeCents);
        expect(of('telephony')).to.equal(settled.surchargeCents);
        for (const line of lines) if (line.purpose !== 'charge') expect(line.amountCents).to.be.at.least(0);
      }),
      { numRuns: 5000 },
    );
  });

  describe('on the real database', () => {
    let platform: TestPlatform;
    let expertId: string;
    let clientId: string;
    before(async () => {
      platform = await startTestPlatform();
      const sponsor = await signUpExpert(platform.http);
      expertId = (await signUpExpert(platform.http, { sponsorSlug: sponsor.user.slug })).user.id;
      clientId = (await signUpClient(platform.http)).user.id;
    });
    after(() => platform.close());

    it('settling twice posts nothing the second time, and all accounts still sum to zero (200 runs)', async () => {
      await fc.assert(
        fc.asyncProperty(termsArb, connectedSecondsArb, async (terms, seconds) => {
          const id = await insertFinishedConsultation(platform, { expertId, clientId, terms, connectedSeconds: seconds });
          const first = await platform.services.settlements.settle(id);
          const postingsAfterFirst = await countPostings(platform);
          const second = await platform.services.settlements.settle(id);
          expect(second).to.deep.equal(first);
          expect(await countPostings(platform)).to.equal(postingsAfterFirst);
          expect(first.chargeCents).to.equal(settleConsultation(terms, seconds).chargeCents);
          expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
        }),
        { numRuns: 200 },
      );
    });
  });
});

async function countPostings(platform: TestPlatform): Promise<number> {
  const [row] = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_postings');
  return row!.n;
}
