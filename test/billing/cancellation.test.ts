import { expect } from 'chai';
import { isLateCancellation, priceCancellation, type CancellationPrice } from '../../server/billing/index.ts';
import { expectRuleError, freeRate, pkg } from './fixtures.ts';

const NOTHING: CancellationPrice = {
  clientChargeCents: 0,
  feeCents: 0,
  surchargeCents: 0,
  expertEarningsCents: 0,
  expertPenaltyCents: 0,
};

describe('BILL-10 client cancellation', () => {
  describe('48-hour boundary', () => {
    it('is free exactly 48 h before the start ("up to 48 hours before" includes 48 h)', () => {
      expect(isLateCancellation(48)).to.equal(false);
      expect(priceCancellation(freeRate(), { kind: 'client_cancellation', hoursBeforeStart: 48 })).to.deep.equal(NOTHING);
      expect(priceCancellation(pkg(), { kind: 'client_cancellation', hoursBeforeStart: 48 })).to.deep.equal(NOTHING);
    });

    it('is free 49 h before', () => {
      expect(priceCancellation(freeRate(), { kind: 'client_cancellation', hoursBeforeStart: 49 })).to.deep.equal(NOTHING);
      expect(priceCancellation(pkg(), { kind: 'client_cancellation', hoursBeforeStart: 49 })).to.deep.equal(NOTHING);
    });

    it('is late 47 h before, and one second short of 48 h', () => {
      expect(isLateCancellation(47)).to.equal(true);
      expect(isLateCancellation(48 - 1 / 3600)).to.equal(true);
      expect(priceCancellation(freeRate(), { kind: 'client_cancellation', hoursBeforeStart: 47 }).clientChargeCents).to.equal(1000);
      expect(priceCancellation(pkg(), { kind: 'client_cancellation', hoursBeforeStart: 47 }).clientChargeCents).to.equal(1125);
    });

    it('is late after the start (negative hours)', () => {
      expect(priceCancellation(pkg(), { kind: 'client_cancellation', hoursBeforeStart: -0.5 }).clientChargeCents).to.equal(1125);
    });

    it('refuses hours that are not a finite number', () => {
      expectRuleError(() => priceCancellation(pkg(), { kind: 'client_cancellation', hoursBeforeStart: Number.NaN }), 'invalid_hours');
      expectRuleError(() => isLateCancellation(Number.POSITIVE_INFINITY), 'invalid_hours');
    });
  });

  describe('free rate: min(B, 10 × (r + s)), surcharge part first, then the fee', () => {
    it('video: 10 minutes at 100 → 1000, fee 150, expert 850', () => {
      expect(priceCancellation(freeRate(), { kind: 'client_cancellation', hoursBeforeStart: 47 })).to.deep.equal({
        clientChargeCents: 1000,
        feeCents: 150,
        surchargeCents: 0,
        expertEarningsCents: 850,
        expertPenaltyCents: 0,
      });
    });

    it('phone: 10 × (100 + 20) = 1200, surcharge 200, fee 150, expert 850', () => {
      const terms = freeRate({ mode: 'phone', surchargePerMinuteCents: 20 });
      expect(priceCancellation(terms, { kind: 'client_cancellation', hoursBeforeStart: 2 })).to.deep.equal({
        clientChargeCents: 1200,
        feeCents: 150,
        surchargeCents: 200,
        expertEarningsCents: 850,
        expertPenaltyCents: 0,
      });
    });

    it('never above the budget: a 5-minute budget pays 5 minutes', () => {
      expect(priceCancellation(freeRate({ budgetCents: 500 }), { kind: 'client_no_show' })).to.include({
        clientChargeCents: 500,
        feeCents: 150,
        expertEarningsCents: 350,
      });
    });

    it('a small phone budget goes to the surcharge first: min(charge, 10 × s)', () => {
      const terms = freeRate({ mode: 'phone', surchargePerMinuteCents: 50, budgetCents: 150 });
      expect(priceCancellation(terms, { kind: 'client_no_show' })).to.deep.equal({
        clientChargeCents: 150,
        feeCents: 0,
        surchargeCents: 150,
        expertEarningsCents: 0,
        expertPenaltyCents: 0,
      });
    });

    it('uses the discounted rate (BILL-6)', () => {
      const terms = freeRate({ discountPercent: 25 });
      expect(priceCancellation(terms, { kind: 'client_no_show' })).to.include({ clientChargeCents: 750, feeCents: 150, expertEarningsCents: 600 });
    });
  });

  describe('package: round(P × 15 / 100), of which the platform keeps round(f × M × 15 / 100)', () => {
    it('7500 for 15 min → 1125, fee round(33.75) = 34', () => {
      expect(priceCancellation(pkg(), { kind: 'client_cancellation', hoursBeforeStart: 10 })).to.deep.equal({
        clientChargeCents: 1125,
        feeCents: 34,
        surchargeCents: 0,
        expertEarningsCents: 1091,
        expertPenaltyCents: 0,
      });
    });

    it('rounds half up: 15 % of 1010 = 151.5 → 152, 15 % of f × M = 15 × 10 = 150 → 22.5 → 23', () => {
      expect(priceCancellation(pkg({ packageMinutes: 10, packagePriceCents: 1010 }), { kind: 'client_no_show' })).to.include({
        clientChargeCents: 152,
        feeCents: 23,
        expertEarningsCents: 129,
      });
    });

    it('has no surcharge on a phone package (none was connected)', () => {
      expect(priceCancellation(pkg({ mode: 'phone', surchargePerMinuteCents: 50 }), { kind: 'client_no_show' })).to.include({
        clientChargeCents: 1125,
        surchargeCents: 0,
      });
    });

    it('uses the discounted price (BILL-6): 20 % off 7500 → 15 % of 6000 = 900', () => {
      expect(priceCancellation(pkg({ discountPercent: 20 }), { kind: 'client_no_show' })).to.include({ clientChargeCents: 900, feeCents: 34 });
    });

    it('caps the fee at the charge when a discount brought P below the fee', () => {
      expect(priceCancellation(pkg({ packagePriceCents: 300, discountPercent: 90 }), { kind: 'client_no_show' })).to.deep.equal({
        clientChargeCents: 5, // 15 % of 30 = 4.5 → 5
        feeCents: 5,
        surchargeCents: 0,
        expertEarningsCents: 0,
        expertPenaltyCents: 0,
      });
    });
  });

  it('BOOK-5: a client no-show is priced as a late cancellation', () => {
    for (const terms of [freeRate(), pkg(), freeRate({ mode: 'phone', surchargePerMinuteCents: 50, budgetCents: 777 })]) {
      expect(priceCancellation(terms, { kind: 'client_no_show' })).to.deep.equal(
        priceCancellation(terms, { kind: 'client_cancellation', hoursBeforeStart: 1 }),
      );
    }
  });
});

describe('BILL-11 immediate request cancelled before the expert joins', () => {
  it('is always free, and so are BOOK-4 expiry and a BOOK-3 failed hold', () => {
    for (const terms of [freeRate(), pkg()]) {
      expect(priceCancellation(terms, { kind: 'immediate_request_cancelled' })).to.deep.equal(NOTHING);
      expect(priceCancellation(terms, { kind: 'immediate_request_expired' })).to.deep.equal(NOTHING);
      expect(priceCancellation(terms, { kind: 'payment_hold_failed' })).to.deep.equal(NOTHING);
    }
  });
});

describe('BILL-12 expert cancellation or no-show', () => {
  it('free rate: the client pays nothing, the expert owes 10 × f', () => {
    for (const kind of ['expert_cancellation', 'expert_no_show'] as const) {
      expect(priceCancellation(freeRate(), { kind })).to.deep.equal({ ...NOTHING, expertPenaltyCents: 150 });
    }
  });

  it('package: round(f × M × 15 / 100): 15 × 15 → 33.75 → 34, 15 × 10 → 22.5 → 23', () => {
    expect(priceCancellation(pkg(), { kind: 'expert_no_show' })).to.deep.equal({ ...NOTHING, expertPenaltyCents: 34 });
    expect(priceCancellation(pkg({ packageMinutes: 10 }), { kind: 'expert_cancellation' })).to.deep.equal({ ...NOTHING, expertPenaltyCents: 23 });
  });

  it('is not reduced by a discount (EXP-7 never reduces the operating fee), nor raised by a surcharge', () => {
    expect(
      priceCancellation(freeRate({ mode: 'phone', surchargePerMinuteCents: 50, discountPercent: 50 }), { kind: 'expert_no_show' }).expertPenaltyCents,
    ).to.equal(150);
    expect(priceCancellation(pkg({ discountPercent: 90 }), { kind: 'expert_no_show' }).expertPenaltyCents).to.equal(34);
  });

  it('is zero when the fee is zero', () => {
    expect(priceCancellation(pkg({ feePerMinuteCents: 0 }), { kind: 'expert_no_show' })).to.deep.equal(NOTHING);
  });
});
