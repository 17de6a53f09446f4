import { expect } from 'chai';
import fc from 'fast-check';
import {
  BillingRuleError,
  LATE_CANCELLATION_HOURS,
  MAX_FREE_RATE_BUDGET_CENTS,
  maxSecondsForBudget,
  priceCancellation,
  referralCommissionCents,
  refundSplit,
  settleConsultation,
  surchargePerMinuteForCountry,
  validatePricing,
  type CancellationEvent,
  type ConsultationTerms,
  type PackageOffer,
} from '../../server/billing/index.ts';
import { NUM_RUNS, connectedSecondsArb, freeRateTermsArb, packageTermsArb, specDiscount, specRound, termsArb } from './fixtures.ts';

const options = { numRuns: NUM_RUNS };

function packageChargeOf(terms: ConsultationTerms, chargeCents: number, surchargeCents: number): number {
  expect(terms.pricing).to.equal('package');
  return chargeCents - surchargeCents;
}

describe('BILL-1 / BILL-2 free-rate properties', () => {
  it('charge ≤ budget ≤ 5000, billed time ≤ floor(B × 60 / (r + s))', () => {
    fc.assert(
      fc.property(freeRateTermsArb, connectedSecondsArb, (terms, connectedSeconds) => {
        const s = settleConsultation(terms, connectedSeconds);
        const minuteCents = specDiscount(terms.ratePerMinuteCents, terms.discountPercent) + terms.surchargePerMinuteCents;
        expect(s.maxSeconds).to.equal(Math.floor((terms.budgetCents * 60) / minuteCents));
        expect(s.maxSeconds).to.equal(maxSecondsForBudget(terms));
        expect(s.billedSeconds).to.equal(Math.min(connectedSeconds, s.maxSeconds));
        expect(s.chargeCents).to.be.at.most(terms.budgetCents);
        expect(terms.budgetCents).to.be.at.most(MAX_FREE_RATE_BUDGET_CENTS);
        expect(s.oneThirdRuleApplied).to.equal(false);
      }),
      options,
    );
  });

  it('matches the SPEC formulas written independently (Math.round / Math.min)', () => {
    fc.assert(
      fc.property(freeRateTermsArb, connectedSecondsArb, (terms, connectedSeconds) => {
        const s = settleConsultation(terms, connectedSeconds);
        const t = s.billedSeconds;
        const rate = specDiscount(terms.ratePerMinuteCents, terms.discountPercent);
        const charge = Math.min(terms.budgetCents, specRound((rate + terms.surchargePerMinuteCents) * t, 60));
        const surcharge = specRound(terms.surchargePerMinuteCents * t, 60);
        const fee = Math.min(charge - surcharge, specRound(terms.feePerMinuteCents * t, 60));
        expect([s.chargeCents, s.surchargeCents, s.feeCents]).to.deep.equal([charge, surcharge, fee]);
      }),
      options,
    );
  });
});

describe('BILL-5 package properties', () => {
  it("charge − surcharge ∈ {0, floor(P'/3), P'}, exactly as the rule says, P' the discounted price", () => {
    fc.assert(
      fc.property(packageTermsArb, connectedSecondsArb, (terms, connectedSeconds) => {
        const s = settleConsultation(terms, connectedSeconds);
        const discountedPrice = specDiscount(terms.packagePriceCents, terms.discountPercent);
        const t = Math.min(connectedSeconds, terms.packageMinutes * 60);
        const oneThird = t > 0 && terms.packageMinutes <= 60 && t <= (terms.packageMinutes * 60) / 3;
        const expected = t === 0 ? 0 : oneThird ? Math.floor(discountedPrice / 3) : discountedPrice;
        expect(packageChargeOf(terms, s.chargeCents, s.surchargeCents)).to.equal(expected);
        expect(s.oneThirdRuleApplied).to.equal(oneThird);
        expect(s.billedSeconds).to.equal(t);
        expect(s.maxSeconds).to.equal(terms.packageMinutes * 60);
        expect(s.surchargeCents).to.equal(specRound(terms.surchargePerMinuteCents * t, 60));
        // BILL-7: f × M or floor(f × M / 3), capped by the package part (our decision).
        const nominalFee =
          t === 0 ? 0 : oneThird ? Math.floor((terms.feePerMinuteCents * terms.packageMinutes) / 3) : terms.feePerMinuteCents * terms.packageMinutes;
        expect(s.feeCents).to.equal(Math.min(nominalFee, expected));
      }),
      options,
    );
  });
});

describe('BILL-7 money properties of every settlement and quote', () => {
  it('charge = fee + surcharge + earnings, fee ≤ charge − surcharge, earnings ≥ 0, all whole cents', () => {
    fc.assert(
      fc.property(termsArb, connectedSecondsArb, (terms, connectedSeconds) => {
        const s = settleConsultation(terms, connectedSeconds);
        for (const value of [s.chargeCents, s.feeCents, s.surchargeCents, s.expertEarningsCents]) {
          expect(Number.isSafeInteger(value) && value >= 0, String(value)).to.equal(true);
        }
        expect(s.chargeCents).to.equal(s.feeCents + s.surchargeCents + s.expertEarningsCents);
        expect(s.feeCents).to.be.at.most(s.chargeCents - s.surchargeCents);
      }),
      options,
    );
  });

  it('a quote for t = 0 is all zeros', () => {
    fc.assert(
      fc.property(termsArb, (terms) => {
        const s = settleConsultation(terms, 0);
        expect([s.chargeCents, s.feeCents, s.surchargeCents, s.expertEarningsCents, s.billedSeconds]).to.deep.equal([0, 0, 0, 0, 0]);
        expect(s.oneThirdRuleApplied).to.equal(false);
      }),
      options,
    );
  });

  it('charge and surcharge never decrease as connected time grows', () => {
    fc.assert(
      fc.property(termsArb, connectedSecondsArb, connectedSecondsArb, (terms, a, b) => {
        const [shorter, longer] = a <= b ? [a, b] : [b, a];
        const early = settleConsultation(terms, shorter);
        const late = settleConsultation(terms, longer);
        expect(early.chargeCents).to.be.at.most(late.chargeCents);
        expect(early.surchargeCents).to.be.at.most(late.surchargeCents);
        expect(early.billedSeconds).to.be.at.most(late.billedSeconds);
      }),
      options,
    );
  });

  it('charge never decreases from one second to the next (exhaustive walk of random terms)', () => {
    fc.assert(
      fc.property(termsArb, (terms) => {
        let previous = 0;
        const last = Math.min(settleConsultation(terms, 0).maxSeconds + 2, 7000);
        for (let t = 0; t <= last; t += 1) {
          const { chargeCents } = settleConsultation(terms, t);
          if (chargeCents < previous) expect.fail(`charge fell from ${previous} to ${chargeCents} at ${t} s`);
          previous = chargeCents;
        }
      }),
      { numRuns: 100 },
    );
  });
});

const eventArb: fc.Arbitrary<CancellationEvent> = fc.oneof(
  fc.record({
    kind: fc.constant('client_cancellation' as const),
    hoursBeforeStart: fc.oneof(fc.constantFrom(47, 48, 49, 0, -1), fc.double({ min: -48, max: 24 * 30, noNaN: true }), fc.integer({ min: -100, max: 1000 })),
  }),
  fc.constantFrom<CancellationEvent>(
    { kind: 'client_no_show' },
    { kind: 'expert_cancellation' },
    { kind: 'expert_no_show' },
    { kind: 'immediate_request_cancelled' },
    { kind: 'immediate_request_expired' },
    { kind: 'payment_hold_failed' },
  ),
);

describe('BILL-10 / BILL-11 / BILL-12 cancellation properties', () => {
  it('parts sum to the client charge, the fee never exceeds charge − surcharge, nothing is negative', () => {
    fc.assert(
      fc.property(termsArb, eventArb, (terms, event) => {
        const p = priceCancellation(terms, event);
        for (const value of Object.values(p)) expect(Number.isSafeInteger(value) && value >= 0).to.equal(true);
        expect(p.clientChargeCents).to.equal(p.feeCents + p.surchargeCents + p.expertEarningsCents);
        expect(p.feeCents).to.be.at.most(p.clientChargeCents - p.surchargeCents);
        if (terms.pricing === 'free_rate') expect(p.clientChargeCents).to.be.at.most(terms.budgetCents);
      }),
      options,
    );
  });

  it('matches the SPEC formulas: free at 48 h or more, priced later; experts pay, clients do not', () => {
    fc.assert(
      fc.property(termsArb, eventArb, (terms, event) => {
        const p = priceCancellation(terms, event);
        const late = (event.kind === 'client_cancellation' && event.hoursBeforeStart < LATE_CANCELLATION_HOURS) || event.kind === 'client_no_show';
        const expertFault = event.kind === 'expert_cancellation' || event.kind === 'expert_no_show';
        const feeTimesMinutes = terms.pricing === 'package' ? terms.feePerMinuteCents * terms.packageMinutes : 0;
        if (late) {
          const charge =
            terms.pricing === 'free_rate'
              ? Math.min(terms.budgetCents, 10 * (specDiscount(terms.ratePerMinuteCents, terms.discountPercent) + terms.surchargePerMinuteCents))
              : specRound(specDiscount(terms.packagePriceCents, terms.discountPercent) * 15, 100);
          expect(p.clientChargeCents).to.equal(charge);
          if (terms.pricing === 'free_rate') {
            const surcharge = Math.min(charge, 10 * terms.surchargePerMinuteCents);
            expect(p.surchargeCents).to.equal(surcharge);
            expect(p.feeCents).to.equal(Math.min(charge - surcharge, 10 * terms.feePerMinuteCents));
          } else {
            expect(p.surchargeCents).to.equal(0);
            expect(p.feeCents).to.equal(Math.min(charge, specRound(feeTimesMinutes * 15, 100)));
          }
        } else {
          expect(p.clientChargeCents).to.equal(0);
        }
        const penalty = terms.pricing === 'free_rate' ? 10 * terms.feePerMinuteCents : specRound(feeTimesMinutes * 15, 100);
        expect(p.expertPenaltyCents).to.equal(expertFault ? penalty : 0);
      }),
      options,
    );
  });
});

describe('REF-3 commission and refund properties', () => {
  const settledArb = fc.tuple(termsArb, connectedSecondsArb, fc.integer({ min: 0, max: 100 })).map(([terms, connectedSeconds, commissionPercent]) => {
    const s = settleConsultation(terms, connectedSeconds);
    return {
      expertEarningsCents: s.expertEarningsCents,
      feeCents: s.feeCents,
      surchargeCents: s.surchargeCents,
      sponsorCommissionCents: referralCommissionCents(s.feeCents, commissionPercent),
      commissionPercent,
    };
  });

  it('the commission never exceeds its exact share of the fee, by less than a cent', () => {
    fc.assert(
      fc.property(settledArb, ({ feeCents, sponsorCommissionCents, commissionPercent }) => {
        expect(sponsorCommissionCents * 100).to.be.at.most(feeCents * commissionPercent);
        expect((sponsorCommissionCents + 1) * 100).to.be.above(feeCents * commissionPercent);
      }),
      options,
    );
  });

  it('a refund split sums to the refund, never exceeds a part, and is within a cent of the exact proportion', () => {
    const caseArb = settledArb.chain((parts) => {
      const chargeCents = parts.expertEarningsCents + parts.feeCents + parts.surchargeCents;
      return fc.oneof(fc.constantFrom(0, chargeCents), fc.integer({ min: 0, max: chargeCents })).map((refundCents) => ({ parts, chargeCents, refundCents }));
    });
    fc.assert(
      fc.property(caseArb, ({ parts, chargeCents, refundCents }) => {
        const { commissionPercent: _unused, ...refundable } = parts;
        const split = refundSplit(refundable, refundCents);
        expect(split.expertEarningsCents + split.feeCents + split.surchargeCents).to.equal(refundCents);
        expect(split.sponsorCommissionCents).to.be.at.most(split.feeCents);
        const pairs: Array<[number, number]> = [
          [split.expertEarningsCents, refundable.expertEarningsCents],
          [split.feeCents - split.sponsorCommissionCents, refundable.feeCents - refundable.sponsorCommissionCents],
          [split.surchargeCents, refundable.surchargeCents],
          [split.sponsorCommissionCents, refundable.sponsorCommissionCents],
        ];
        for (const [given, held] of pairs) {
          expect(given).to.be.within(0, held);
          if (chargeCents > 0) {
            const exact = (held * refundCents) / chargeCents;
            expect(Math.abs(given - exact)).to.be.below(1);
          }
        }
        if (refundCents === chargeCents) expect(split).to.deep.equal(refundable);
      }),
      options,
    );
  });
});

describe('BILL-8 surcharge properties', () => {
  it('any two-letter code gets one of the three table values; anything else is refused', () => {
    const table = { franceCents: 1, euCents: 2, worldCents: 3 };
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 4 }), (code) => {
        if (/^[A-Za-z]{2}$/.test(code)) {
          expect([1, 2, 3]).to.include(surchargePerMinuteForCountry(table, code));
        } else {
          expect(() => surchargePerMinuteForCountry(table, code)).to.throw(BillingRuleError);
        }
      }),
      options,
    );
  });
});

describe('EXP-4 / EXP-5 validation properties', () => {
  const offerArb: fc.Arbitrary<PackageOffer> = fc.record({
    mode: fc.constantFrom('video' as const, 'phone' as const),
    minutes: fc.integer({ min: 0, max: 100 }),
    priceCents: fc.integer({ min: 0, max: 500_000 }),
  });
  const optionalRateArb = fc.option(fc.integer({ min: 0, max: 6000 }), { nil: undefined });

  it('accepts exactly the pricing that the rules allow', () => {
    fc.assert(
      fc.property(
        optionalRateArb,
        optionalRateArb,
        fc.array(offerArb, { maxLength: 12 }),
        fc.integer({ min: 0, max: 100 }),
        (videoRatePerMinuteCents, phoneRatePerMinuteCents, packages, fee) => {
          const rateOk = (rate: number | undefined) => rate === undefined || (rate >= 50 && rate <= 5000 && rate > fee);
          const offerOk = (o: PackageOffer) => o.minutes >= 5 && o.minutes <= 90 && o.priceCents > fee * o.minutes && o.priceCents <= 5000 * o.minutes;
          const valid = rateOk(videoRatePerMinuteCents) && rateOk(phoneRatePerMinuteCents) && packages.length <= 10 && packages.every(offerOk);
          let accepted = true;
          try {
            validatePricing({ videoRatePerMinuteCents, phoneRatePerMinuteCents, packages }, fee);
          } catch (error) {
            expect(error).to.be.instanceOf(BillingRuleError);
            accepted = false;
          }
          expect(accepted).to.equal(valid);
        },
      ),
      options,
    );
  });
});
