/**
 * BOOK-2: before paying, the booking page shows the per-minute price with the phone surcharge,
 * what the budget or package buys, what the card hold blocks and what a late cancellation costs.
 * The quote route gives all four, computed by the code that settles, holds and cancels (BILL-13),
 * so the page never works out an amount of its own.
 */
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { holdOf, setUpClient, setUpExpert, bookingBody } from '../support/bookings.ts';

describe("BOOK-2 the quote carries the booking page's figures: per-minute price, hold, late cancellation", function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let expert: Awaited<ReturnType<typeof setUpExpert>>;

  before(async () => {
    platform = await startTestPlatform();
    expert = await setUpExpert(platform.http, {
      availableNow: true,
      pricing: {
        videoRatePerMinuteCents: 200,
        phoneRatePerMinuteCents: 150,
        packages: [
          { mode: 'video', minutes: 15, priceCents: 7500 },
          { mode: 'phone', minutes: 20, priceCents: 4000 },
        ],
      },
    });
  });
  after(() => platform?.close());

  const quote = async (query: Record<string, string | number>) => {
    const response = await platform.http.get(
      `/api/experts/${expert.slug}/quote?${new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]))}`,
    );
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body as { chargeCents: number; maxSeconds: number; pricePerMinuteCents: number | null; holdCents: number; lateCancellationCents: number };
  };
  const packageOf = (mode: string) => expert.packages.find((offer) => offer.mode === mode)!.id;

  it("BILL-1, BILL-10 free rate: the rate is the minute's price, the budget is the hold, ten minutes are the late cancellation", async () => {
    expect(await quote({ mode: 'video', seconds: 60, budgetCents: 3000 })).to.include({
      pricePerMinuteCents: 200,
      holdCents: 3000,
      lateCancellationCents: 2000,
      maxSeconds: 900,
    });
    // Ten minutes cost more than a small budget: the budget caps the cancellation too.
    expect(await quote({ mode: 'video', seconds: 60, budgetCents: 1200 })).to.include({ holdCents: 1200, lateCancellationCents: 1200 });
  });

  it("BILL-8 by phone: the minute's price and the late cancellation include the surcharge of the country called", async () => {
    // Germany: rest of the EU, 20 cents a minute on top of the 1,50 € rate.
    expect(await quote({ mode: 'phone', seconds: 60, budgetCents: 3000, country: 'DE' })).to.include({
      pricePerMinuteCents: 170,
      holdCents: 3000,
      lateCancellationCents: 1700,
    });
    expect(await quote({ mode: 'phone', seconds: 60, budgetCents: 3000 })).to.include({ pricePerMinuteCents: 150, lateCancellationCents: 1500 });
  });

  it('BILL-5, BILL-10 packages: no per-minute price; the hold is the price plus the surcharge of every minute; 15 % of the price for a late cancellation', async () => {
    expect(await quote({ mode: 'video', seconds: 900, packageId: packageOf('video') })).to.include({
      pricePerMinuteCents: null,
      holdCents: 7500,
      lateCancellationCents: 1125,
    });
    expect(await quote({ mode: 'phone', seconds: 1200, packageId: packageOf('phone'), country: 'DE' })).to.include({
      pricePerMinuteCents: null,
      holdCents: 4400,
      lateCancellationCents: 600,
    });
  });

  it("BILL-6 a discount code lowers the minute's price, the hold of a package and the late cancellation alike", async () => {
    await platform.db.query(`INSERT INTO discount_codes (expert_id, code, percent_off) VALUES ($1, 'MOITIE', 50)`, [expert.id]);
    expect(await quote({ mode: 'video', seconds: 60, budgetCents: 3000, discountCode: 'MOITIE' })).to.include({
      pricePerMinuteCents: 100,
      holdCents: 3000,
      lateCancellationCents: 1000,
    });
    expect(await quote({ mode: 'video', seconds: 900, packageId: packageOf('video'), discountCode: 'MOITIE' })).to.include({
      holdCents: 3750,
      lateCancellationCents: 563,
    });
  });

  it('BOOK-3 the hold the booking places is the hold the quote announced', async () => {
    const client = await setUpClient(platform.http);
    const announced = await quote({ mode: 'phone', seconds: 1200, packageId: packageOf('phone'), country: 'BE' });
    const booked = await platform.http.post(
      '/api/consultations',
      bookingBody(expert.slug, { mode: 'phone', budgetCents: undefined, packageId: packageOf('phone'), phoneNumber: '+32470123456' }),
      client.token,
    );
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    expect(await holdOf(platform.db, booked.body.id)).to.include({ status: 'authorised', amount_cents: announced.holdCents });
  });
});
