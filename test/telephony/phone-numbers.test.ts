import { expect } from 'chai';
import { countryOfPhoneNumber, parsePhoneNumber } from '../../server/platform/phone.ts';
import { BookingPlatform, bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';
import { expertSignup } from '../support/fixtures.ts';

/** TEL-6 as amended (issue 14 finding 8): numbers parsed and validated by a numbering library, not a hand-made table. */
describe('TEL-6 phone numbers', () => {
  describe('parsing (libphonenumber-js)', () => {
    it('reads the country of a number, with the French overseas regions, and ZZ for non-geographic numbers', () => {
      const countries = Object.fromEntries(
        [
          '+33612345678',
          '+262692123456',
          '+590690123456',
          '+590590271234',
          '+35312345678',
          '+4915112345678',
          '+41791234567',
          '+8613812345678',
          '+80012345678',
        ].map((number) => [number, countryOfPhoneNumber(number)]),
      );
      expect(countries).to.deep.equal({
        '+33612345678': 'FR',
        '+262692123456': 'RE',
        '+590690123456': 'GP',
        // Saint-Barthélemy shares +590 with Guadeloupe; the calling-code table could not tell them apart.
        '+590590271234': 'BL',
        '+35312345678': 'IE',
        '+4915112345678': 'DE',
        '+41791234567': 'CH',
        '+8613812345678': 'CN',
        '+80012345678': 'ZZ',
      });
    });

    it('accepts the usual ways of typing a real number and refuses numbers that cannot exist in their country', () => {
      expect(parsePhoneNumber('06 98 76 54 32')).to.deep.equal({ e164: '+33698765432', country: 'FR' });
      expect(parsePhoneNumber('0033 6 98 76 54 32')).to.deep.equal({ e164: '+33698765432', country: 'FR' });
      expect(parsePhoneNumber('+32 470 12 34 56')).to.deep.equal({ e164: '+32470123456', country: 'BE' });
      // Shaped like E.164, yet no such number: the old check let every one of them through.
      for (const invalid of ['+33000000000', '+4400000000', '+999123456789', '+262639123456', '+33123', '12', 'x'.repeat(100)]) {
        expect(parsePhoneNumber(invalid), invalid).to.equal(undefined);
      }
    });
  });

  describe('at booking and signup, with the surcharge tier from the parsed number (BILL-8)', () => {
    let platform: BookingPlatform;
    let expert: Awaited<ReturnType<typeof setUpExpert>>;
    let client: Awaited<ReturnType<typeof setUpClient>>;
    before(async () => {
      platform = await BookingPlatform.start();
      expert = await setUpExpert(platform.http, { availableNow: true });
      client = await setUpClient(platform.http);
    });
    after(() => platform.close());

    const book = (phoneNumber: string, startInHours: number) =>
      platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { mode: 'phone', phoneNumber, startAt: new Date(platform.clock.now().getTime() + startInHours * 3_600_000).toISOString() }),
        client.token,
      );

    it('refuses an invalid number with 400 invalid_phone_number and books nothing', async () => {
      // E.164-shaped but not real numbers (the old check took them), and a national form (the API takes E.164).
      for (const number of ['+33000000000', '+999123456789', '+262639123456', '12', '0612345678']) {
        const response = await book(number, 30);
        expect(response.status, number).to.equal(400);
        expect(response.body.error).to.include({ code: 'invalid_phone_number', param: 'phoneNumber' });
      }
      const [count] = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations WHERE client_id = $1', [client.id]);
      expect(count!.n).to.equal(0);
    });

    it('freezes the surcharge of the parsed number’s country: France 0, EU 20, Saint-Barthélemy (+590, like Guadeloupe) as world 50', async () => {
      const cases = [
        ['+33698765432', 0],
        ['+32470123456', 20],
        ['+590690123456', 0],
        ['+590590271234', 50],
      ] as const;
      for (const [index, [number, surcharge]] of cases.entries()) {
        const response = await book(number, 30 + index * 2);
        expect(response.status, number).to.equal(201);
        expect(response.body.phoneNumber).to.equal(number);
        expect(response.body.terms.surchargePerMinuteCents, number).to.equal(surcharge);
      }
    });

    it('refuses an invalid number at signup with 400 invalid_phone_number on the field', async () => {
      const response = await platform.http.post('/api/auth/register/expert', expertSignup({ phoneMobile: '+33000000000' }));
      expect(response.status).to.equal(400);
      expect(response.body.error).to.include({ code: 'invalid_phone_number', param: 'phoneMobile' });
    });

    it('GET /api/phone-numbers/lookup gives the E.164 form, the country and the tier the booking page shows', async () => {
      const belgian = await platform.http.get(`/api/phone-numbers/lookup?number=${encodeURIComponent('+32 470 12 34 56')}`);
      expect(belgian.body).to.deep.equal({ e164: '+32470123456', country: 'BE', surchargeZone: 'eu' });
      const invalid = await platform.http.get('/api/phone-numbers/lookup?number=%2B33000000000');
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.code).to.equal('invalid_phone_number');
    });
  });
});
