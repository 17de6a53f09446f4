import { expect } from 'chai';
import fc from 'fast-check';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TINY_PNG, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { insertFinishedConsultation } from '../support/consultations.ts';
import { termsInForce } from '../../server/pricing/terms.ts';

describe('pricing and the price simulator', () => {
  let platform: TestPlatform;
  let expert: SignedUp;
  before(async () => {
    platform = await startTestPlatform();
    expert = await signUpExpert(platform.http, { firstName: 'Quentin', lastName: 'Tarif' });
  });
  after(() => platform.close());

  const putPricing = (body: unknown, token = expert.accessToken) => platform.http.put('/api/experts/me/pricing', body, token);
  const quote = (query: Record<string, string | number | undefined>, slug = expert.user.slug!) =>
    platform.http.get(
      `/api/experts/${slug}/quote?${new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))}`,
    );

  describe('EXP-4 rates', () => {
    it('accepts 50 … 5000 cents per minute and refuses 49 and 5001, changing nothing', async () => {
      const ok = await putPricing({ videoRatePerMinuteCents: 50, phoneRatePerMinuteCents: 5000, packages: [] });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.equal({ videoRatePerMinuteCents: 50, phoneRatePerMinuteCents: 5000, packages: [] });
      for (const [field, value] of [
        ['videoRatePerMinuteCents', 49],
        ['phoneRatePerMinuteCents', 5001],
        ['videoRatePerMinuteCents', 12.5],
      ] as const) {
        const refused = await putPricing({ [field]: value, packages: [] });
        expect(refused.status, `${field}=${value}`).to.equal(400);
        expect(refused.body.error.param).to.equal(field);
      }
      expect((await platform.http.get('/api/experts/me/pricing', expert.accessToken)).body).to.deep.equal(ok.body);
    });

    it('requires a rate strictly above the operating fee in force (BILL-7)', async () => {
      const other = await signUpExpert(platform.http);
      await platform.db.query(`INSERT INTO fee_schedules (fee_per_minute_cents, effective_from) VALUES (60, $1)`, [platform.clock.now()]);
      try {
        const atFee = await putPricing({ videoRatePerMinuteCents: 60, packages: [] }, other.accessToken);
        expect(atFee.status).to.equal(400);
        expect(atFee.body.error.code).to.equal('rate_not_above_fee');
        expect((await putPricing({ videoRatePerMinuteCents: 61, packages: [] }, other.accessToken)).status).to.equal(200);
      } finally {
        await platform.db.query('DELETE FROM fee_schedules WHERE fee_per_minute_cents = 60');
      }
    });

    it('is for experts only', async () => {
      const client = await signUpClient(platform.http);
      expect((await putPricing({ packages: [] }, client.accessToken)).status).to.equal(403);
    });
  });

  describe('EXP-5 packages', () => {
    it('accepts 5 … 90 minutes priced above the fee, returns ids, and refuses the rest', async () => {
      const accepted = await putPricing({
        videoRatePerMinuteCents: 200,
        packages: [
          { mode: 'video', minutes: 5, priceCents: 76 },
          { mode: 'video', minutes: 90, priceCents: 9000 },
        ],
      });
      expect(accepted.status).to.equal(200);
      expect(accepted.body.packages).to.have.length(2);
      expect(accepted.body.packages[0]).to.include({ mode: 'video', minutes: 5, priceCents: 76 });
      expect(accepted.body.packages[0].id).to.match(/^[0-9a-f-]{36}$/);
      for (const [offer, code] of [
        [{ mode: 'video', minutes: 4, priceCents: 1000 }, 'package_minutes_out_of_range'],
        [{ mode: 'video', minutes: 91, priceCents: 10000 }, 'package_minutes_out_of_range'],
        [{ mode: 'video', minutes: 10, priceCents: 150 }, 'package_price_not_above_fee'],
      ] as const) {
        const refused = await putPricing({ packages: [offer] });
        expect(refused.status).to.equal(400);
        expect(refused.body.error).to.include({ code, param: `packages.0.${code === 'package_price_not_above_fee' ? 'priceCents' : 'minutes'}` });
      }
      const eleven = Array.from({ length: 11 }, (_, index) => ({ mode: 'video', minutes: 10 + index, priceCents: 1000 }));
      expect((await putPricing({ packages: eleven })).body.error.code).to.equal('too_many_packages');
      expect((await platform.http.get('/api/experts/me/pricing', expert.accessToken)).body).to.deep.equal(accepted.body);
    });

    it('keeps the id of a package offered again unchanged and retires the others', async () => {
      const first = await putPricing({
        videoRatePerMinuteCents: 200,
        packages: [
          { mode: 'video', minutes: 15, priceCents: 7500 },
          { mode: 'phone', minutes: 30, priceCents: 6000 },
        ],
      });
      const second = await putPricing({ videoRatePerMinuteCents: 200, packages: [{ mode: 'video', minutes: 15, priceCents: 7500 }] });
      expect(second.body.packages[0].id).to.equal(first.body.packages[0].id);
      const retired = await quote({ mode: 'phone', seconds: 60, packageId: first.body.packages[1].id });
      expect(retired.status).to.equal(400);
      expect(retired.body.error.code).to.equal('unknown_package');
    });
  });

  describe('quote (SPEC §11) computed by the settlement code', () => {
    let packageId: string;
    before(async () => {
      const pricing = await putPricing({
        videoRatePerMinuteCents: 200,
        phoneRatePerMinuteCents: 150,
        packages: [
          { mode: 'video', minutes: 15, priceCents: 7500 },
          { mode: 'phone', minutes: 20, priceCents: 4000 },
        ],
      });
      packageId = pricing.body.packages[0].id;
    });

    it('BILL-1 BILL-2 free rate: per-second billing priced per minute, maximum duration', async () => {
      const response = await quote({ mode: 'video', seconds: 125, budgetCents: 3000 });
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.include({
        chargeCents: 417,
        feeCents: 31,
        surchargeCents: 0,
        expertEarningsCents: 386,
        maxSeconds: 900,
        oneThirdRuleApplied: false,
      });
    });

    it('BILL-5 the one-third rule: 7500 for 15 min, 4 min used → 2500', async () => {
      const response = await quote({ mode: 'video', seconds: 240, packageId });
      expect(response.body).to.deep.include({
        chargeCents: 2500,
        feeCents: 75,
        surchargeCents: 0,
        expertEarningsCents: 2425,
        maxSeconds: 900,
        oneThirdRuleApplied: true,
      });
    });

    it('BILL-5 a quote for 0 seconds is all zeros', async () => {
      const response = await quote({ mode: 'video', seconds: 0, packageId });
      expect(response.body).to.include({ chargeCents: 0, feeCents: 0, surchargeCents: 0, expertEarningsCents: 0, oneThirdRuleApplied: false });
    });

    it('BILL-8 phone surcharge by the country called: France 0, EU 20, world 50', async () => {
      const perMinute = async (country: string) => (await quote({ mode: 'phone', seconds: 60, budgetCents: 5000, country })).body;
      expect(await perMinute('FR')).to.include({ chargeCents: 150, surchargeCents: 0 });
      expect(await perMinute('DE')).to.include({ chargeCents: 170, surchargeCents: 20 });
      expect(await perMinute('US')).to.include({ chargeCents: 200, surchargeCents: 50 });
    });

    it('BILL-1 budget bounds: exactly r + s accepted, below refused; 5000 accepted, 5001 refused', async () => {
      expect((await quote({ mode: 'phone', seconds: 60, budgetCents: 170, country: 'DE' })).status).to.equal(200);
      const small = await quote({ mode: 'phone', seconds: 60, budgetCents: 169, country: 'DE' });
      expect(small.status).to.equal(400);
      expect(small.body.error.code).to.equal('budget_too_small');
      expect((await quote({ mode: 'video', seconds: 60, budgetCents: 5000 })).status).to.equal(200);
      const large = await quote({ mode: 'video', seconds: 60, budgetCents: 5001 });
      expect(large.status).to.equal(400);
      expect(large.body.error.code).to.equal('budget_too_large');
    });

    it('refuses invalid choices with 4xx codes', async () => {
      const cases: [Record<string, string | number>, number, string][] = [
        [{ mode: 'video', seconds: 60 }, 400, 'pricing_choice_required'],
        [{ mode: 'video', seconds: 60, budgetCents: 1000, packageId }, 400, 'pricing_choice_required'],
        [{ mode: 'video', seconds: 60, packageId: '00000000-0000-4000-8000-000000000000' }, 400, 'unknown_package'],
        [{ mode: 'video', seconds: 60, packageId: 'not-a-uuid' }, 400, 'invalid_request'],
        [{ mode: 'phone', seconds: 60, packageId }, 400, 'package_mode_mismatch'],
        [{ mode: 'fax', seconds: 60, budgetCents: 1000 }, 400, 'invalid_request'],
        [{ mode: 'video', seconds: -1, budgetCents: 1000 }, 400, 'invalid_request'],
        [{ mode: 'video', seconds: 60, budgetCents: 1000, country: 'France' }, 400, 'invalid_request'],
        [{ mode: 'video', seconds: 60, budgetCents: 1000, discountCode: 'NOPE' }, 400, 'invalid_discount_code'],
      ];
      for (const [query, status, code] of cases) {
        const response = await quote(query);
        expect(response.status, JSON.stringify(query)).to.equal(status);
        expect(response.body.error.code, JSON.stringify(query)).to.equal(code);
      }
      expect((await quote({ mode: 'video', seconds: 60, budgetCents: 1000 }, 'no-such-expert')).status).to.equal(404);
    });

    it('BILL-6 a discount code lowers the rate, never the fee; an expired code is refused', async () => {
      await platform.db.query(`INSERT INTO discount_codes (expert_id, code, percent_off, expires_at) VALUES ($1, 'BIENVENUE', 25, NULL), ($1, 'OLD', 50, $2)`, [
        expert.user.id,
        new Date(platform.clock.now().getTime() - 1000),
      ]);
      const discounted = await quote({ mode: 'video', seconds: 600, budgetCents: 5000, discountCode: 'bienvenue' });
      // r' = 150: 10 minutes → 1500, fee 150 unchanged.
      expect(discounted.body).to.include({ chargeCents: 1500, feeCents: 150, expertEarningsCents: 1350 });
      const expired = await quote({ mode: 'video', seconds: 600, budgetCents: 5000, discountCode: 'OLD' });
      expect(expired.body.error.code).to.equal('invalid_discount_code');
    });

    it('the quote for any seconds equals the settlement of the same consultation (property)', async () => {
      const client = await signUpClient(platform.http);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            { mode: 'video' as const, packageId },
            { mode: 'video' as const, budgetCents: 2345 },
            { mode: 'phone' as const, budgetCents: 5000, country: 'BE' },
          ),
          fc.integer({ min: 0, max: 2000 }),
          async (choice, seconds) => {
            const quoted = await quote({ ...choice, seconds });
            const { terms } = await termsInForce(platform.db, {
              expertId: expert.user.id,
              choice: { country: 'FR', ...choice },
              at: platform.clock.now(),
            });
            const id = await insertFinishedConsultation(platform, { expertId: expert.user.id, clientId: client.user.id, terms, connectedSeconds: seconds });
            const settled = await platform.services.settlements.settle(id);
            expect(quoted.body).to.deep.include({
              chargeCents: settled.chargeCents,
              feeCents: settled.feeCents,
              surchargeCents: settled.surchargeCents,
              expertEarningsCents: settled.expertEarningsCents,
              maxSeconds: quoted.body.maxSeconds,
              oneThirdRuleApplied: settled.oneThirdRuleApplied,
            });
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe('BILL-13 terms are frozen at booking', () => {
    it('a later fee-schedule and price change does not touch a booked consultation', async () => {
      const frozenExpert = await signUpExpert(platform.http);
      const client = await signUpClient(platform.http);
      await putPricing({ videoRatePerMinuteCents: 300, packages: [] }, frozenExpert.accessToken);
      const { terms } = await termsInForce(platform.db, {
        expertId: frozenExpert.user.id,
        choice: { mode: 'video', budgetCents: 3000, country: 'FR' },
        at: platform.clock.now(),
      });
      const id = await insertFinishedConsultation(platform, { expertId: frozenExpert.user.id, clientId: client.user.id, terms, connectedSeconds: 600 });
      await putPricing({ videoRatePerMinuteCents: 900, packages: [] }, frozenExpert.accessToken);
      await platform.db.query(`INSERT INTO fee_schedules (fee_per_minute_cents, effective_from) VALUES (40, $1)`, [platform.clock.now()]);
      try {
        const settled = await platform.services.settlements.settle(id);
        expect(settled).to.include({ chargeCents: 3000, feeCents: 150 });
      } finally {
        await platform.db.query('DELETE FROM fee_schedules WHERE fee_per_minute_cents = 40');
      }
    });
  });

  describe('public consultation page data', () => {
    it('is published once the photo and a rate or package are set', async () => {
      const newcomer = await signUpExpert(platform.http, { firstName: 'Nina', lastName: 'Nouvelle' });
      const before = await platform.http.get(`/api/experts/${newcomer.user.slug}`);
      expect(before.body).to.include({ published: false, photoUrl: null, slug: 'nina-nouvelle' });
      await putPricing({ videoRatePerMinuteCents: 120, packages: [] }, newcomer.accessToken);
      await platform.http.request('PUT', '/api/experts/me/photo', { token: newcomer.accessToken, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
      const after = await platform.http.get(`/api/experts/${newcomer.user.slug}`);
      expect(after.body.published).to.equal(true);
      expect(after.body.pricing).to.deep.equal({ videoRatePerMinuteCents: 120, phoneRatePerMinuteCents: null, packages: [] });
      expect(after.body.photoUrl).to.match(/\/api\/experts\/nina-nouvelle\/photo\?v=\d+$/);
    });
  });
});
