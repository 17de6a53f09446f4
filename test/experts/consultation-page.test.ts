import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { setUpExpert } from '../support/bookings.ts';
import { ConsultationPages } from '../../server/experts/consultation-page.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import type { Database } from '../../server/platform/database.ts';

const HOUR_MS = 60 * 60 * 1000;
const ANOTHER_PROCESS_TTL_MS = 150;

describe('§13 the quote and the consultation page answer from one statement, kept briefly', () => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date());
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  before(async () => {
    platform = await startTestPlatform({ clock });
    expert = await setUpExpert(platform.http, { pricing: { videoRatePerMinuteCents: 200, packages: [] } });
  });
  after(() => platform.close());

  const quote = async () => (await platform.http.get(`/api/experts/${expert.slug}/quote?mode=video&seconds=60&budgetCents=3000`)).body;

  it("shows the expert's new rate in the very next quote of this process (EXP-4, BILL-2)", async () => {
    const answer = await platform.http.get(`/api/experts/${expert.slug}/quote?mode=video&seconds=60&budgetCents=3000`);
    // A quote is computed for its own seconds and budget: never stored, so no entity tag either.
    expect([answer.headers.get('cache-control'), answer.headers.get('etag')]).to.deep.equal(['no-store', null]);
    expect(answer.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(await quote()).to.include({ chargeCents: 200, feeCents: 15 });
    expect(await quote()).to.include({ chargeCents: 200 });
    await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 300, packages: [] }, expert.token);
    expect(await quote()).to.include({ chargeCents: 300, feeCents: 15 });
    expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.pricing.videoRatePerMinuteCents).to.equal(300);
  });

  it('sends the kept page with its entity tag: an unchanged page is a 304, a changed one a new tag (§11 HTTP caching)', async () => {
    const path = `/api/experts/${expert.slug}`;
    const first = await platform.http.get(path);
    const tag = first.headers.get('etag');
    expect(first.status).to.equal(200);
    expect(first.headers.get('content-type')).to.match(/^application\/json/);
    expect(tag).to.match(/^W\/".+"$/);
    // As a browser revalidates (fetch would otherwise add `Cache-Control: no-cache`, which asks for the whole page).
    const revalidation = { 'if-none-match': tag!, 'cache-control': 'max-age=0' };
    const again = await platform.http.request('GET', path, { headers: revalidation });
    expect(again.status).to.equal(304);
    await platform.http.put('/api/experts/me/presence', { availableNow: !first.body.availableNow }, expert.token);
    const changed = await platform.http.request('GET', path, { headers: revalidation });
    expect(changed.status).to.equal(200);
    expect(changed.body.availableNow).to.equal(!first.body.availableNow);
    expect(changed.headers.get('etag')).to.not.equal(tag);
  });

  it("shows another process's write within the time to live, and keeps its page until then", async () => {
    const otherProcess = otherPlatformPages(platform.db, clock, ANOTHER_PROCESS_TTL_MS);
    expect((await otherProcess.get(expert.slug))!.pricingInputs.pricing.videoRatePerMinuteCents).to.equal(300);
    // This process's write, as seen by the other one: only the database changed.
    await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 350, packages: [] }, expert.token);
    expect((await otherProcess.get(expert.slug))!.pricingInputs.pricing.videoRatePerMinuteCents).to.equal(300);
    await new Promise((resolve) => setTimeout(resolve, ANOTHER_PROCESS_TTL_MS + 50));
    expect((await otherProcess.get(expert.slug))!.pricingInputs.pricing.videoRatePerMinuteCents).to.equal(350);
  });

  it('BILL-7 BILL-13 drops a kept page when the clock reaches the next fee schedule: the quote prices with the fee in force at once', async () => {
    const pages = otherPlatformPages(platform.db, clock, 60 * 60 * 1000);
    const effectiveFrom = new Date(clock.now().getTime() + HOUR_MS);
    // A new fee scheduled by another process before this page was read: the page knows when its fee stops.
    await platform.db.query('INSERT INTO fee_schedules (fee_per_minute_cents, effective_from) VALUES (20, $1)', [effectiveFrom]);
    try {
      expect(await quote()).to.include({ chargeCents: 350, feeCents: 15 });
      const before = await pages.get(expert.slug);
      expect(before!.pricingInputs.feePerMinuteCents).to.equal(15);
      expect(before!.inForceUntil).to.deep.equal(effectiveFrom);
      expect((await pages.get(expert.slug))!).to.equal(before);
      clock.advance(HOUR_MS);
      expect((await pages.get(expert.slug))!.pricingInputs.feePerMinuteCents).to.equal(20);
      // Over HTTP too: the platform kept its page (read above, less than its second ago) and drops it the same way.
      expect(await quote()).to.include({ chargeCents: 350, feeCents: 20 });
    } finally {
      await platform.db.query('DELETE FROM fee_schedules WHERE effective_from = $1', [effectiveFrom]);
    }
  });

  it('answers 404 for an unknown expert, from either route, and keeps nothing for it', async () => {
    for (const path of ['/api/experts/nobody-here/quote?mode=video&seconds=60&budgetCents=3000', '/api/experts/nobody-here']) {
      const response = await platform.http.get(path);
      expect(response.status, path).to.equal(404);
      expect(response.body.error.code, path).to.equal('not_found');
    }
  });
});

/** The pages as another API node on the same database keeps them: its own cache, with no write of its own. */
function otherPlatformPages(db: Database, clock: ManualClock, ttlMs: number): ConsultationPages {
  return new ConsultationPages({ db, clock, publicUrl: 'http://other-node.test', ttlMs });
}
