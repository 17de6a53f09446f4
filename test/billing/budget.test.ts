import { expect } from 'chai';
import { maxSecondsForBudget, validateBudget } from '../../server/billing/index.ts';
import { expectInvariantViolation, expectRuleError, freeRate } from './fixtures.ts';

describe('BILL-1 free-rate budget', () => {
  it('accepts a budget of exactly one minute, r + s, which buys exactly 60 s', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 100, surchargePerMinuteCents: 20, budgetCents: 120 });
    expect(() => validateBudget(terms)).not.to.throw();
    expect(maxSecondsForBudget(terms)).to.equal(60);
  });

  it('refuses a budget one cent below r + s', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 100, surchargePerMinuteCents: 20, budgetCents: 119 });
    expectRuleError(() => validateBudget(terms), 'budget_too_small', 'budgetCents');
    expectRuleError(() => maxSecondsForBudget(terms), 'budget_too_small', 'budgetCents');
  });

  it('accepts 5000 and refuses 5001', () => {
    expect(maxSecondsForBudget(freeRate({ ratePerMinuteCents: 100, budgetCents: 5000 }))).to.equal(3000);
    expectRuleError(() => validateBudget(freeRate({ budgetCents: 5001 })), 'budget_too_large', 'budgetCents');
  });

  it('gives floor(B × 60 / (r + s)) seconds', () => {
    expect(maxSecondsForBudget(freeRate({ ratePerMinuteCents: 70, budgetCents: 100 }))).to.equal(85); // 85.71…
    expect(maxSecondsForBudget(freeRate({ mode: 'phone', ratePerMinuteCents: 250, surchargePerMinuteCents: 50, budgetCents: 5000 }))).to.equal(1000);
    expect(maxSecondsForBudget(freeRate({ ratePerMinuteCents: 50, budgetCents: 5000 }))).to.equal(6000);
  });

  it('refuses a rate per minute that no budget up to 5000 can pay for', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 5000, surchargePerMinuteCents: 50, budgetCents: 5000 });
    expectRuleError(() => validateBudget(terms), 'budget_too_small');
  });

  it('refuses a budget that is not whole cents', () => {
    expectRuleError(() => validateBudget(freeRate({ budgetCents: 150.5 })), 'invalid_amount', 'budgetCents');
    expectRuleError(() => validateBudget(freeRate({ budgetCents: Number.NaN })), 'invalid_amount', 'budgetCents');
  });
});

describe('BILL-6 discounts on the free rate', () => {
  it('checks the budget against the discounted rate: 20 % off 125 is 100', () => {
    const terms = freeRate({ ratePerMinuteCents: 125, discountPercent: 20, budgetCents: 100 });
    expect(maxSecondsForBudget(terms)).to.equal(60);
    expectRuleError(() => validateBudget({ ...terms, budgetCents: 99 }), 'budget_too_small');
  });

  it('rounds the discounted rate half up to the cent', () => {
    // 10 % off 55 = 49.5 → 50 ; 10 % off 53 = 47.7 → 48 ; 15 % off 57 = 48.45 → 48
    expect(maxSecondsForBudget(freeRate({ ratePerMinuteCents: 55, discountPercent: 10, budgetCents: 50 }))).to.equal(60);
    expect(maxSecondsForBudget(freeRate({ ratePerMinuteCents: 53, discountPercent: 10, budgetCents: 48 }))).to.equal(60);
    expect(maxSecondsForBudget(freeRate({ ratePerMinuteCents: 57, discountPercent: 15, budgetCents: 48 }))).to.equal(60);
  });

  it('never discounts the phone surcharge', () => {
    const terms = freeRate({ mode: 'phone', ratePerMinuteCents: 100, surchargePerMinuteCents: 50, discountPercent: 50, budgetCents: 100 });
    expect(maxSecondsForBudget(terms)).to.equal(60); // 50 + 50 per minute
  });

  it('refuses a 100 % discount on a video free rate (nothing would bound the duration)', () => {
    expectRuleError(() => validateBudget(freeRate({ discountPercent: 100 })), 'discount_too_large', 'discountPercent');
  });

  it('allows a 100 % discount on a phone free rate, which still costs the surcharge', () => {
    const terms = freeRate({ mode: 'phone', surchargePerMinuteCents: 20, discountPercent: 100, budgetCents: 200 });
    expect(maxSecondsForBudget(terms)).to.equal(600);
  });

  for (const discountPercent of [-1, 101, 12.5, Number.NaN]) {
    it(`refuses a discount of ${discountPercent} %`, () => {
      expectRuleError(() => validateBudget(freeRate({ discountPercent })), 'invalid_discount', 'discountPercent');
    });
  }
});

describe('BILL-13 frozen terms that our own code could never have written', () => {
  it('are bugs, not rule errors', () => {
    expectInvariantViolation(() => validateBudget(freeRate({ surchargePerMinuteCents: 20 }))); // video with surcharge
    expectInvariantViolation(() => validateBudget(freeRate({ ratePerMinuteCents: 49 })));
    expectInvariantViolation(() => validateBudget(freeRate({ ratePerMinuteCents: 5001 })));
    expectInvariantViolation(() => validateBudget(freeRate({ feePerMinuteCents: -1 })));
    expectInvariantViolation(() => validateBudget(freeRate({ feePerMinuteCents: 1.5 })));
  });
});
