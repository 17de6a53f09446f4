import { expect } from 'chai';
import { referralCommissionCents, refundSplit } from '../../server/billing/index.ts';
import { expectInvariantViolation, expectRuleError } from './fixtures.ts';

describe('REF-3 referral commission', () => {
  it('is the percentage of the operating fee, rounded down: 10 % of 225 → 22', () => {
    expect(referralCommissionCents(225, 10)).to.equal(22);
    expect(referralCommissionCents(150, 10)).to.equal(15);
    expect(referralCommissionCents(9, 10)).to.equal(0);
    expect(referralCommissionCents(0, 10)).to.equal(0);
    expect(referralCommissionCents(225, 100)).to.equal(225);
  });

  it('treats an impossible fee or percent as a bug (configuration is validated at start-up)', () => {
    expectInvariantViolation(() => referralCommissionCents(-1, 10));
    expectInvariantViolation(() => referralCommissionCents(100, 101));
    expectInvariantViolation(() => referralCommissionCents(100, 7.5));
  });
});

describe('REF-3 refund split, in proportion', () => {
  const settled = { expertEarningsCents: 850, feeCents: 150, surchargeCents: 0, sponsorCommissionCents: 15 };

  it('gives everything back on a full refund', () => {
    expect(refundSplit(settled, 1000)).to.deep.equal(settled);
  });

  it('gives nothing back on a zero refund', () => {
    expect(refundSplit(settled, 0)).to.deep.equal({ expertEarningsCents: 0, feeCents: 0, surchargeCents: 0, sponsorCommissionCents: 0 });
  });

  it('halves every part, the tied rounding cent coming from the platform rather than the sponsor', () => {
    // Net fee 135 / 2 = 67.5 and commission 15 / 2 = 7.5: the platform gives 68, the sponsor 7.
    expect(refundSplit(settled, 500)).to.deep.equal({ expertEarningsCents: 425, feeCents: 75, surchargeCents: 0, sponsorCommissionCents: 7 });
  });

  it('splits a phone consultation over the four holders and sums exactly to the refund', () => {
    const phone = { expertEarningsCents: 7275, feeCents: 225, surchargeCents: 750, sponsorCommissionCents: 22 };
    const split = refundSplit(phone, 1001);
    expect(split.expertEarningsCents + split.feeCents + split.surchargeCents).to.equal(1001);
    // Exact shares of 1001 / 8250: expert 882.70, net fee (203) 24.63, surcharge 91 exactly, sponsor 2.67.
    // Floors 882 + 24 + 91 + 2 = 999; the 2 missing cents come from the largest remainders: expert, then sponsor.
    expect(split).to.deep.equal({ expertEarningsCents: 883, feeCents: 27, surchargeCents: 91, sponsorCommissionCents: 3 });
  });

  it('refuses to refund more than what is left, or a fractional amount', () => {
    expectRuleError(() => refundSplit(settled, 1001), 'refund_too_large', 'amountCents');
    expectRuleError(() => refundSplit(settled, -1), 'invalid_amount', 'amountCents');
    expectRuleError(() => refundSplit(settled, 0.5), 'invalid_amount', 'amountCents');
  });

  it('treats a commission above the fee as a bug', () => {
    expectInvariantViolation(() => refundSplit({ ...settled, sponsorCommissionCents: 151 }, 10));
  });
});
