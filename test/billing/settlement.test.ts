import { expect } from 'chai';
import { settleConsultation, type Settlement } from '../../server/billing/index.ts';
import { expectRuleError, freeRate, pkg } from './fixtures.ts';

type Money = Pick<Settlement, 'chargeCents' | 'feeCents' | 'surchargeCents' | 'expertEarningsCents'>;

function money(settlement: Settlement): Money {
  const { chargeCents, feeCents, surchargeCents, expertEarningsCents } = settlement;
  return { chargeCents, feeCents, surchargeCents, expertEarningsCents };
}

const ZERO: Money = { chargeCents: 0, feeCents: 0, surchargeCents: 0, expertEarningsCents: 0 };

describe('BILL-2 free-rate charge', () => {
  it('bills per second, priced per minute: 90 s at 100/min is 150, fee round(22.5) = 23', () => {
    const settlement = settleConsultation(freeRate(), 90);
    expect(money(settlement)).to.deep.equal({ chargeCents: 150, feeCents: 23, surchargeCents: 0, expertEarningsCents: 127 });
    expect(settlement).to.include({ billedSeconds: 90, maxSeconds: 3000, oneThirdRuleApplied: false });
  });

  it('rounds half up: 1 s at 90/min is 1.5 → 2 cents', () => {
    expect(settleConsultation(freeRate({ ratePerMinuteCents: 90 }), 1).chargeCents).to.equal(2);
    expect(settleConsultation(freeRate({ ratePerMinuteCents: 89 }), 1).chargeCents).to.equal(1); // 1.48…
  });

  it('never bills beyond the maximum duration (BILL-3 cuts it there)', () => {
    const settlement = settleConsultation(freeRate({ ratePerMinuteCents: 100, budgetCents: 150 }), 500);
    expect(settlement).to.include({ billedSeconds: 90, maxSeconds: 90, chargeCents: 150 });
  });

  it('never charges more than the budget, even when the budget is not a whole number of seconds', () => {
    const settlement = settleConsultation(freeRate({ ratePerMinuteCents: 70, budgetCents: 100 }), 10_000);
    expect(settlement).to.include({ billedSeconds: 85, chargeCents: 99 }); // 70 × 85 / 60 = 99.17
  });

  it('quotes t = 0 as all zeros, with the maximum duration the budget buys (BOOK-2)', () => {
    const quote = settleConsultation(freeRate({ budgetCents: 1000 }), 0);
    expect(money(quote)).to.deep.equal(ZERO);
    expect(quote).to.include({ billedSeconds: 0, maxSeconds: 600, oneThirdRuleApplied: false });
  });

  it('prices the phone surcharge part as round(s × t / 60)', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 100, surchargePerMinuteCents: 20, budgetCents: 1200 });
    expect(money(settleConsultation(terms, 600))).to.deep.equal({ chargeCents: 1200, feeCents: 150, surchargeCents: 200, expertEarningsCents: 850 });
    // 45 s: charge round(120 × 0.75) = 90, surcharge 15, fee round(11.25) = 11
    expect(money(settleConsultation(terms, 45))).to.deep.equal({ chargeCents: 90, feeCents: 11, surchargeCents: 15, expertEarningsCents: 64 });
  });

  it('uses the full budget at exactly the maximum duration when the budget is r + s', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 100, surchargePerMinuteCents: 20, budgetCents: 120 });
    expect(settleConsultation(terms, 60)).to.include({ chargeCents: 120, billedSeconds: 60 });
    expect(settleConsultation(terms, 61)).to.include({ chargeCents: 120, billedSeconds: 60 });
  });

  it('refuses connected time that is negative or not whole seconds', () => {
    expectRuleError(() => settleConsultation(freeRate(), -1), 'invalid_seconds', 'connectedSeconds');
    expectRuleError(() => settleConsultation(freeRate(), 1.5), 'invalid_seconds', 'connectedSeconds');
    expectRuleError(() => settleConsultation(pkg(), Number.POSITIVE_INFINITY), 'invalid_seconds');
  });

  it('refuses to settle with an invalid budget (BILL-1)', () => {
    expectRuleError(() => settleConsultation(freeRate({ budgetCents: 5001 }), 60), 'budget_too_large');
  });
});

describe('BILL-5 one-third rule', () => {
  it('charges floor(P / 3): package 7500 for 15 min, 4 min used → 2500', () => {
    const settlement = settleConsultation(pkg({ packageMinutes: 15, packagePriceCents: 7500 }), 240);
    // BILL-7: fee floor(15 × 15 / 3) = 75
    expect(money(settlement)).to.deep.equal({ chargeCents: 2500, feeCents: 75, surchargeCents: 0, expertEarningsCents: 2425 });
    expect(settlement.oneThirdRuleApplied).to.equal(true);
  });

  it('applies at exactly one third of the minutes (t = M × 60 / 3) and not one second later', () => {
    expect(settleConsultation(pkg(), 300)).to.include({ chargeCents: 2500, feeCents: 75, oneThirdRuleApplied: true });
    expect(settleConsultation(pkg(), 301)).to.include({ chargeCents: 7500, feeCents: 225, oneThirdRuleApplied: false });
  });

  it('applies from the first connected second', () => {
    expect(settleConsultation(pkg(), 1)).to.include({ chargeCents: 2500, oneThirdRuleApplied: true });
  });

  it('applies to a 60-minute package but not to a 61-minute one', () => {
    const sixty = pkg({ packageMinutes: 60, packagePriceCents: 9000 });
    expect(settleConsultation(sixty, 1200)).to.include({ chargeCents: 3000, feeCents: 300, oneThirdRuleApplied: true });
    expect(settleConsultation(sixty, 1201)).to.include({ chargeCents: 9000, feeCents: 900, oneThirdRuleApplied: false });
    const sixtyOne = pkg({ packageMinutes: 61, packagePriceCents: 9000 });
    expect(settleConsultation(sixtyOne, 1)).to.include({ chargeCents: 9000, feeCents: 915, oneThirdRuleApplied: false });
    expect(settleConsultation(sixtyOne, 1220)).to.include({ chargeCents: 9000, oneThirdRuleApplied: false });
  });

  it('rounds P / 3 and f × M / 3 down', () => {
    // P = 1000 → 333 ; f × M = 15 × 10 = 150 → 50 ; f × M = 16 × 10 = 160 → 53
    expect(settleConsultation(pkg({ packageMinutes: 10, packagePriceCents: 1000 }), 60)).to.include({ chargeCents: 333, feeCents: 50 });
    expect(settleConsultation(pkg({ packageMinutes: 10, packagePriceCents: 1000, feePerMinuteCents: 16 }), 60)).to.include({ feeCents: 53 });
  });

  it('charges P for a full package and cuts it at M minutes', () => {
    const settlement = settleConsultation(pkg(), 5000);
    expect(settlement).to.include({ chargeCents: 7500, feeCents: 225, expertEarningsCents: 7275, billedSeconds: 900, maxSeconds: 900 });
  });

  it('quotes t = 0 as all zeros with the package length as maximum', () => {
    const quote = settleConsultation(pkg({ mode: 'phone', surchargePerMinuteCents: 50 }), 0);
    expect(money(quote)).to.deep.equal(ZERO);
    expect(quote).to.include({ billedSeconds: 0, maxSeconds: 900, oneThirdRuleApplied: false });
  });

  it('adds the phone surcharge round(s × t / 60) on top, to the platform', () => {
    const terms = pkg({ mode: 'phone', surchargePerMinuteCents: 50 });
    expect(money(settleConsultation(terms, 240))).to.deep.equal({ chargeCents: 2700, feeCents: 75, surchargeCents: 200, expertEarningsCents: 2425 });
    expect(money(settleConsultation(terms, 9999))).to.deep.equal({ chargeCents: 8250, feeCents: 225, surchargeCents: 750, expertEarningsCents: 7275 });
    expect(settleConsultation(pkg({ mode: 'phone', surchargePerMinuteCents: 20 }), 1)).to.include({ surchargeCents: 0, chargeCents: 2500 }); // 0.33 → 0
    expect(settleConsultation(pkg({ mode: 'phone', surchargePerMinuteCents: 20 }), 2)).to.include({ surchargeCents: 1, chargeCents: 2501 }); // 0.67 → 1
  });
});

describe('BILL-6 discounts on settlement', () => {
  it('applies to P before the one-third rule: 20 % off 7500 is 6000, one third 2000', () => {
    const terms = pkg({ discountPercent: 20 });
    expect(settleConsultation(terms, 240)).to.include({ chargeCents: 2000, feeCents: 75, expertEarningsCents: 1925 });
    expect(settleConsultation(terms, 900)).to.include({ chargeCents: 6000, feeCents: 225, expertEarningsCents: 5775 });
  });

  it('rounds the discounted package price half up: 15 % off 1001 = 850.85 → 851', () => {
    expect(settleConsultation(pkg({ packageMinutes: 10, packagePriceCents: 1001, discountPercent: 15 }), 600).chargeCents).to.equal(851);
  });

  it('applies to r before billing: 50 % off 100/min for 60 s is 50', () => {
    expect(settleConsultation(freeRate({ discountPercent: 50 }), 60)).to.include({ chargeCents: 50, feeCents: 15, expertEarningsCents: 35 });
  });

  it('a 100 % package discount costs the client only the phone surcharge', () => {
    const terms = pkg({ mode: 'phone', surchargePerMinuteCents: 20, discountPercent: 100 });
    expect(money(settleConsultation(terms, 900))).to.deep.equal({ chargeCents: 300, feeCents: 0, surchargeCents: 300, expertEarningsCents: 0 });
  });
});

describe('BILL-7 operating fee', () => {
  it('free rate: min(charge − surcharge, round(f × t / 60))', () => {
    expect(settleConsultation(freeRate({ feePerMinuteCents: 15 }), 30)).to.include({ chargeCents: 50, feeCents: 8 }); // 7.5 → 8
  });

  it('free rate: is capped by charge − surcharge when a discount brought the rate below the fee', () => {
    // 80 % off 50 = 10 per minute, fee 15 per minute: the expert earns 0, never less.
    const terms = freeRate({ ratePerMinuteCents: 50, discountPercent: 80, budgetCents: 100 });
    expect(money(settleConsultation(terms, 60))).to.deep.equal({ chargeCents: 10, feeCents: 10, surchargeCents: 0, expertEarningsCents: 0 });
  });

  it('free rate: is capped for a phone call whose rate does not cover the fee', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 50, surchargePerMinuteCents: 50, discountPercent: 90, budgetCents: 110 });
    // r' = 5, s = 50: 60 s → charge 55, surcharge 50, fee min(5, 15) = 5
    expect(money(settleConsultation(terms, 60))).to.deep.equal({ chargeCents: 55, feeCents: 5, surchargeCents: 50, expertEarningsCents: 0 });
  });

  it('package: f × M even for a short consultation past one third', () => {
    expect(settleConsultation(pkg({ packageMinutes: 90, packagePriceCents: 9000 }), 60)).to.include({ chargeCents: 9000, feeCents: 1350 });
  });

  it('package: is capped at the package part when a discount brought P below f × M', () => {
    // 50 % off 300 = 150 < f × M = 225: the platform keeps 150, the expert 0.
    const terms = pkg({ packagePriceCents: 300, discountPercent: 50 });
    expect(money(settleConsultation(terms, 900))).to.deep.equal({ chargeCents: 150, feeCents: 150, surchargeCents: 0, expertEarningsCents: 0 });
    expect(money(settleConsultation(terms, 60))).to.deep.equal({ chargeCents: 50, feeCents: 50, surchargeCents: 0, expertEarningsCents: 0 });
  });

  it('package: is capped when the fee schedule rose above the price after pricing (BILL-13 keeps the booked fee)', () => {
    const terms = pkg({ packageMinutes: 10, packagePriceCents: 500, feePerMinuteCents: 60 });
    expect(money(settleConsultation(terms, 600))).to.deep.equal({ chargeCents: 500, feeCents: 500, surchargeCents: 0, expertEarningsCents: 0 });
  });

  it('a zero fee leaves everything but the surcharge to the expert', () => {
    const terms = pkg({ mode: 'phone', surchargePerMinuteCents: 50, feePerMinuteCents: 0 });
    expect(money(settleConsultation(terms, 900))).to.deep.equal({ chargeCents: 8250, feeCents: 0, surchargeCents: 750, expertEarningsCents: 7500 });
  });
});
