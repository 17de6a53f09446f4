import { expect } from 'chai';
import fc from 'fast-check';
import { VAT_RATE_PERCENT, vatBreakdown } from '../../server/receipts/vat.ts';
import { formatCents, formatDuration } from '../../server/receipts/format.ts';
import { InvariantViolation } from '../../server/billing/index.ts';

describe('BILL-9 VAT breakdown', () => {
  // HT = round half up (TTC / 1.2), TVA = TTC − HT: the printed lines always add up.
  const cases: [number, number, number][] = [
    [0, 0, 0],
    [1, 1, 0], // 0.833… → 1
    [5, 4, 1], // 4.166… → 4
    [6, 5, 1], // exactly 5
    [417, 348, 69], // 347.5 → 348: the half goes up
    [5000, 4167, 833], // 4166.66… → 4167
    [7500, 6250, 1250],
  ];
  for (const [inclVatCents, exclVatCents, vatCents] of cases) {
    it(`splits ${inclVatCents} cents TTC into ${exclVatCents} HT + ${vatCents} TVA`, () => {
      expect(vatBreakdown(inclVatCents)).to.deep.equal({ amountExclVatCents: exclVatCents, vatCents });
    });
  }

  it('HT + TVA = TTC and HT = round(TTC / 1.2) for every amount up to 10 000 €', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (inclVatCents) => {
        const { amountExclVatCents, vatCents } = vatBreakdown(inclVatCents);
        expect(amountExclVatCents + vatCents).to.equal(inclVatCents);
        expect(amountExclVatCents).to.equal(Math.round((inclVatCents * 100) / (100 + VAT_RATE_PERCENT)));
        expect(vatCents).to.be.at.least(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses negative or fractional amounts', () => {
    expect(() => vatBreakdown(-1)).to.throw(InvariantViolation);
    expect(() => vatBreakdown(1.5)).to.throw(InvariantViolation);
  });
});

describe('BILL-9 printed amounts and durations', () => {
  it('formats euros the French way in French and the English way in English', () => {
    expect(formatCents(1250, 'fr')).to.equal('12,50\u00a0€');
    expect(formatCents(1250, 'en')).to.equal('€12.50');
    expect(formatCents(5, 'fr')).to.equal('0,05\u00a0€');
    expect(formatCents(123456789, 'fr')).to.equal('1\u00a0234\u00a0567,89\u00a0€');
    expect(formatCents(123456789, 'en')).to.equal('€1,234,567.89');
    expect(formatCents(-68, 'fr')).to.equal('-0,68\u00a0€');
    expect(formatCents(-68, 'en')).to.equal('-€0.68');
  });

  it('prints billed seconds as mm:ss, or h:mm:ss from one hour', () => {
    expect(formatDuration(0)).to.equal('00:00');
    expect(formatDuration(125)).to.equal('02:05');
    expect(formatDuration(3599)).to.equal('59:59');
    expect(formatDuration(3600)).to.equal('1:00:00');
    expect(formatDuration(5400)).to.equal('1:30:00');
  });
});
