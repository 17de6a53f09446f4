import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { notFound } from '../platform/errors.ts';
import { sendUncachedJson } from '../platform/json-body.ts';
import { countryCode } from '../accounts/schemas.ts';
import {
  MAX_PACKAGES_PER_EXPERT,
  clientPricePerMinuteCents,
  holdAmountCents,
  priceCancellation,
  settleConsultation,
  validatePricing,
} from '../billing/index.ts';
import { feeScheduleAt } from './fee-schedule.ts';
import { readExpertPricing, replaceExpertPricing } from './expert-pricing.ts';
import { termsInForce } from './terms.ts';
import { pricingBreakdown, upcomingFeeChange } from './breakdown.ts';
import type { ConsultationPages } from '../experts/consultation-page.ts';

const modeSchema = z.enum(['video', 'phone']);
const centsSchema = z.number().int();

const pricingBody = z.object({
  videoRatePerMinuteCents: centsSchema.nullable().optional(),
  phoneRatePerMinuteCents: centsSchema.nullable().optional(),
  packages: z.array(z.object({ mode: modeSchema, minutes: z.number().int(), priceCents: centsSchema }).strict()).max(MAX_PACKAGES_PER_EXPERT * 10),
});

/** A quote never needs more than a day of seconds; the billing rules cut at the budget or the package anyway. */
const MAX_QUOTE_SECONDS = 24 * 60 * 60;

const quoteQuery = z.object({
  mode: modeSchema,
  seconds: z.coerce.number().int().min(0).max(MAX_QUOTE_SECONDS),
  budgetCents: z.coerce.number().int().optional(),
  packageId: z.uuid().optional(),
  country: countryCode.default('FR'),
  discountCode: z.string().max(32).optional(),
});

export function pricingRoutes(api: Api, deps: { db: Database; clock: Clock; pages: ConsultationPages }) {
  const { db, clock, pages } = deps;
  const tag = 'pricing';

  api.route({ method: 'get', path: '/api/experts/me/pricing', summary: 'My rates and packages', tag, access: ['expert'] }, ({ user }) =>
    readExpertPricing(db, user!.id),
  );

  api.route(
    {
      method: 'put',
      path: '/api/experts/me/pricing',
      summary: 'Replace my rates and packages (EXP-4, EXP-5)',
      tag,
      access: ['expert'],
      body: pricingBody,
    },
    async ({ user, body }) => {
      const now = clock.now();
      validatePricing(body, (await feeScheduleAt(db, now)).feePerMinuteCents);
      await db.transaction((tx) => replaceExpertPricing(tx, user!.id, body, now));
      return readExpertPricing(db, user!.id);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/pricing/breakdown',
      summary: 'My rates and packages with the operating fee per minute in force and what I keep per minute and per package (EXP-4, EXP-5, BILL-7)',
      tag,
      access: ['expert'],
    },
    async ({ user }) => {
      const now = clock.now();
      const [pricing, fee, upcoming] = await Promise.all([readExpertPricing(db, user!.id), feeScheduleAt(db, now), upcomingFeeChange(db, now)]);
      return { ...pricingBreakdown(pricing, fee.feePerMinuteCents), upcomingFeeChange: upcoming };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/experts/me/pricing/preview',
      summary:
        'The same breakdown for rates and packages being typed, without saving them; invalid ones are refused as PUT refuses them (EXP-4, EXP-5, BILL-7)',
      tag,
      access: ['expert'],
      body: pricingBody,
    },
    async ({ body }) => {
      const now = clock.now();
      const fee = (await feeScheduleAt(db, now)).feePerMinuteCents;
      validatePricing(body, fee);
      return { ...pricingBreakdown(body, fee), upcomingFeeChange: await upcomingFeeChange(db, now) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/:slug/quote',
      summary: 'Price simulator: what a consultation of these seconds would cost, computed by the settlement code',
      tag,
      access: 'public',
      query: quoteQuery,
    },
    async ({ req, res, query, user }) => {
      // The page's cached data carries the expert's offer and the rates in force: no statement unless a discount code is given.
      const page = await pages.get(String(req.params['slug']));
      if (!page) throw notFound('Expert');
      const { terms } = await termsInForce(db, {
        expertId: page.expertId,
        choice: query,
        at: clock.now(),
        clientId: user?.role === 'client' ? user.id : undefined,
        inputs: page.pricingInputs,
      });
      const quote = settleConsultation(terms, query.seconds);
      sendUncachedJson(res, {
        chargeCents: quote.chargeCents,
        feeCents: quote.feeCents,
        surchargeCents: quote.surchargeCents,
        expertEarningsCents: quote.expertEarningsCents,
        maxSeconds: quote.maxSeconds,
        oneThirdRuleApplied: quote.oneThirdRuleApplied,
        // BOOK-2: what the booking page shows before paying, from the code that holds, settles and cancels.
        pricePerMinuteCents: terms.pricing === 'free_rate' ? clientPricePerMinuteCents(terms) : null,
        holdCents: holdAmountCents(terms),
        lateCancellationCents: priceCancellation(terms, { kind: 'client_cancellation', hoursBeforeStart: 0 }).clientChargeCents,
      });
    },
  );
}
