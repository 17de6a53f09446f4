/**
 * BOOK-1: what the client chooses on the consultation page lives in the address, so Back,
 * Forward, a reload or a shared link bring it back. These are the web client's own pure rules
 * (client/src/pages/consultation/booking-choice.ts): reading an address never offers what the
 * expert does not, and writing a choice then reading it gives the same choice.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  BUDGET,
  choiceFromQuery,
  defaultBudgetCents,
  parseEuros,
  queryOf,
  stepFromQuery,
  type BookingChoice,
} from '../../client/src/pages/consultation/booking-choice.ts';
import type { PublicProfile } from '../../client/src/pages/consultation/booking-types.ts';

const VIDEO_PACKAGE = '11111111-1111-4111-8111-111111111111';
const PHONE_PACKAGE = '22222222-2222-4222-8222-222222222222';

function profile(overrides: Partial<PublicProfile> = {}): PublicProfile {
  return {
    slug: 'camille-dubois',
    firstName: 'Camille',
    lastName: 'Dubois',
    category: 'therapy',
    headline: '',
    description: '',
    photoUrl: null,
    consultationUrl: 'http://localhost/consultation/camille-dubois',
    availableNow: true,
    published: true,
    rating: { averageStars: null, count: 0 },
    pricing: {
      videoRatePerMinuteCents: 200,
      phoneRatePerMinuteCents: null,
      packages: [
        { id: VIDEO_PACKAGE, mode: 'video', minutes: 15, priceCents: 7500 },
        { id: PHONE_PACKAGE, mode: 'phone', minutes: 30, priceCents: 6000 },
      ],
    },
    ...overrides,
  };
}

const read = (search: string, expert = profile()) => choiceFromQuery(new URLSearchParams(search), expert);

describe('BOOK-1 the booking choice lives in the address', () => {
  it('an address without a choice gives the defaults: the first mode, now when the expert is available, a ten-minute budget', () => {
    expect(read('')).to.deep.equal({ mode: 'video', timing: 'now', slot: '', pricing: BUDGET, budgetText: '20', country: 'FR', discountCode: '' });
    expect(read('', profile({ availableNow: false })).timing).to.equal('slot');
    // Ten minutes at 4,00 € are 40 €; ten at 6,00 € would pass the 50 € ceiling (BILL-1).
    expect(defaultBudgetCents(400)).to.equal(4000);
    expect(defaultBudgetCents(600)).to.equal(5000);
    expect(defaultBudgetCents(50)).to.equal(2000);
  });

  it('never offers what the expert does not: another mode\'s package, a mode without a price, "now" while unavailable', () => {
    // Phone has no rate: its only offer is its package.
    expect(read('mode=phone&budget=20')).to.include({ mode: 'phone', pricing: PHONE_PACKAGE });
    expect(read(`mode=video&forfait=${PHONE_PACKAGE}`)).to.include({ mode: 'video', pricing: BUDGET });
    expect(read('forfait=not-a-package').pricing).to.equal(BUDGET);
    expect(read('mode=fax').mode).to.equal('video');
    expect(read('quand=maintenant', profile({ availableNow: false })).timing).to.equal('slot');
    expect(read('quand=rdv&creneau=not-a-date')).to.include({ timing: 'slot', slot: '' });
    expect(read('pays=france').country).to.equal('FR');
    expect(read(`remise=${'X'.repeat(100)}`).discountCode).to.have.length(32);
  });

  it('the step is in the address too', () => {
    expect(stepFromQuery(new URLSearchParams('etape=compte'))).to.equal('account');
    expect(stepFromQuery(new URLSearchParams('etape=paiement'))).to.equal('payment');
    expect(stepFromQuery(new URLSearchParams('etape=ailleurs'))).to.equal('offer');
    expect(queryOf(read(''), 'payment').get('etape')).to.equal('paiement');
    expect(queryOf(read(''), 'offer').has('etape')).to.equal(false);
  });

  it('writing a valid choice then reading the address gives the same choice (property)', () => {
    const expert = profile({ pricing: { ...profile().pricing, phoneRatePerMinuteCents: 150 } });
    const choices = fc
      .record({
        mode: fc.constantFrom('video' as const, 'phone' as const),
        timing: fc.constantFrom('now' as const, 'slot' as const),
        slot: fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
        budgetCents: fc.integer({ min: 1, max: 5000 }),
        usePackage: fc.boolean(),
        country: fc.constantFrom('FR', 'BE', 'US'),
        discountCode: fc.stringMatching(/^[A-Z0-9]{0,32}$/),
      })
      .map((raw): BookingChoice => ({
        mode: raw.mode,
        timing: raw.timing,
        slot: raw.timing === 'slot' ? raw.slot : '',
        pricing: raw.usePackage ? (raw.mode === 'video' ? VIDEO_PACKAGE : PHONE_PACKAGE) : BUDGET,
        budgetText: String(raw.budgetCents / 100).replace('.', ','),
        country: raw.mode === 'phone' ? raw.country : 'FR',
        discountCode: raw.discountCode,
      }));
    fc.assert(
      fc.property(choices, (choice) => {
        const back = choiceFromQuery(queryOf(choice, 'account'), expert);
        // A package choice does not carry the budget typed before: the default comes back.
        expect(back).to.deep.equal(choice.pricing === BUDGET ? choice : { ...choice, budgetText: back.budgetText });
      }),
    );
  });

  it('reads a budget as people type it, in cents (the number to call is read by the server, TEL-6)', () => {
    expect(parseEuros('20')).to.equal(2000);
    expect(parseEuros('12,5')).to.equal(1250);
    expect(parseEuros('12.50 €')).to.equal(1250);
    expect(parseEuros('vingt')).to.equal(undefined);
    expect(parseEuros('12,505')).to.equal(undefined);
  });
});
