import { expect } from 'chai';
import fc from 'fast-check';
import { InvariantViolation } from '../../server/billing/index.ts';
import { floorDiv, multiply, roundHalfUpDiv } from '../../server/billing/integer.ts';
import { NUM_RUNS } from './fixtures.ts';

describe('SPEC §6 roundings in integer arithmetic', () => {
  it('"round" is half up to the cent', () => {
    expect(roundHalfUpDiv(90, 60)).to.equal(2); // 1.5
    expect(roundHalfUpDiv(89, 60)).to.equal(1); // 1.48
    expect(roundHalfUpDiv(30, 60)).to.equal(1); // 0.5
    expect(roundHalfUpDiv(29, 60)).to.equal(0);
    expect(roundHalfUpDiv(0, 60)).to.equal(0);
    expect(roundHalfUpDiv(3375, 100)).to.equal(34); // 33.75
  });

  it('"floor" rounds down', () => {
    expect(floorDiv(7500, 3)).to.equal(2500);
    expect(floorDiv(1000, 3)).to.equal(333);
    expect(floorDiv(2, 3)).to.equal(0);
  });

  it('agrees with Math.round / Math.floor on every non-negative safe input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 20 }), (n, d) => {
        expect(floorDiv(n, d)).to.equal(Math.floor(n / d));
        expect(roundHalfUpDiv(n, d)).to.equal(Math.round(n / d));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('treats negative, fractional, zero-divisor or overflowing arithmetic as a bug', () => {
    expect(() => floorDiv(-1, 3)).to.throw(InvariantViolation);
    expect(() => floorDiv(1.5, 3)).to.throw(InvariantViolation);
    expect(() => roundHalfUpDiv(1, 0)).to.throw(InvariantViolation);
    expect(() => multiply(2 ** 30, 2 ** 30)).to.throw(InvariantViolation);
    expect(multiply(2 ** 26, 2 ** 26)).to.equal(2 ** 52);
  });
});
