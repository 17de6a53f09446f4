import { expect } from 'chai';
import { validatePricing, type PackageOffer } from '../../server/billing/index.ts';
import { expectInvariantViolation, expectRuleError } from './fixtures.ts';

const FEE = 15;
const offer = (overrides: Partial<PackageOffer> = {}): PackageOffer => ({ mode: 'video', minutes: 15, priceCents: 7500, ...overrides });

describe('EXP-4 rates', () => {
  it('accepts 50 and 5000, and a mode without a rate', () => {
    expect(() => validatePricing({ videoRatePerMinuteCents: 50, phoneRatePerMinuteCents: 5000, packages: [] }, FEE)).not.to.throw();
    expect(() => validatePricing({ packages: [] }, FEE)).not.to.throw();
    expect(() => validatePricing({ videoRatePerMinuteCents: null, phoneRatePerMinuteCents: null, packages: [] }, FEE)).not.to.throw();
  });

  it('refuses 49 and 5001', () => {
    expectRuleError(() => validatePricing({ videoRatePerMinuteCents: 49, packages: [] }, FEE), 'rate_out_of_range', 'videoRatePerMinuteCents');
    expectRuleError(() => validatePricing({ phoneRatePerMinuteCents: 5001, packages: [] }, FEE), 'rate_out_of_range', 'phoneRatePerMinuteCents');
  });

  it('refuses a rate that is not whole cents', () => {
    expectRuleError(() => validatePricing({ videoRatePerMinuteCents: 99.5, packages: [] }, FEE), 'rate_out_of_range', 'videoRatePerMinuteCents');
  });

  it('requires a rate strictly above the operating fee (BILL-7)', () => {
    expectRuleError(() => validatePricing({ videoRatePerMinuteCents: 60, packages: [] }, 60), 'rate_not_above_fee', 'videoRatePerMinuteCents');
    expect(() => validatePricing({ videoRatePerMinuteCents: 61, packages: [] }, 60)).not.to.throw();
  });
});

describe('EXP-5 packages', () => {
  it('accepts 5 and 90 minutes, refuses 4 and 91', () => {
    expect(() => validatePricing({ packages: [offer({ minutes: 5, priceCents: 76 }), offer({ minutes: 90 })] }, FEE)).not.to.throw();
    expectRuleError(() => validatePricing({ packages: [offer({ minutes: 4 })] }, FEE), 'package_minutes_out_of_range', 'packages.0.minutes');
    expectRuleError(() => validatePricing({ packages: [offer(), offer(), offer({ minutes: 91 })] }, FEE), 'package_minutes_out_of_range', 'packages.2.minutes');
    expectRuleError(() => validatePricing({ packages: [offer({ minutes: 15.5 })] }, FEE), 'package_minutes_out_of_range', 'packages.0.minutes');
  });

  it('accepts 10 packages and refuses 11', () => {
    expect(() => validatePricing({ packages: Array.from({ length: 10 }, () => offer()) }, FEE)).not.to.throw();
    expectRuleError(() => validatePricing({ packages: Array.from({ length: 11 }, () => offer()) }, FEE), 'too_many_packages', 'packages');
  });

  it('requires a price above the fee for the minutes (BILL-7): f × M refused, f × M + 1 accepted', () => {
    expectRuleError(
      () => validatePricing({ packages: [offer({ minutes: 15, priceCents: 225 })] }, FEE),
      'package_price_not_above_fee',
      'packages.0.priceCents',
    );
    expect(() => validatePricing({ packages: [offer({ minutes: 15, priceCents: 226 })] }, FEE)).not.to.throw();
  });

  it('refuses a price that is not whole cents', () => {
    expectRuleError(() => validatePricing({ packages: [offer({ priceCents: 7500.5 })] }, FEE), 'invalid_amount', 'packages.0.priceCents');
  });

  it('refuses a price above 5000 per minute (our limit)', () => {
    expect(() => validatePricing({ packages: [offer({ minutes: 15, priceCents: 75_000 })] }, FEE)).not.to.throw();
    expectRuleError(() => validatePricing({ packages: [offer({ minutes: 15, priceCents: 75_001 })] }, FEE), 'package_price_too_high', 'packages.0.priceCents');
  });

  it('refuses an unknown mode', () => {
    expectRuleError(() => validatePricing({ packages: [{ mode: 'chat' as 'video', minutes: 15, priceCents: 7500 }] }, FEE), 'invalid_mode', 'packages.0.mode');
  });

  it('treats an impossible fee as a bug', () => {
    expectInvariantViolation(() => validatePricing({ packages: [] }, -1));
    expectInvariantViolation(() => validatePricing({ packages: [] }, 1.5));
  });
});
