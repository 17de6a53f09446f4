import { expect } from 'chai';
import { once } from 'node:events';
import type { Browser } from 'playwright-core';
import { settleConsultation } from '../../server/billing/index.ts';
import type { MediaServiceEvents } from '../../media/service.ts';
import { FLOW_SAMPLE_INTERVAL_MS } from '../../media/sfu/media-flow.ts';
import { SignalingClient, immediateVideoConsultation, joinToken, waitFor } from '../media/support.ts';
import { launchBrowsers, liveCallInBrowsers, startVideoPlatform, type VideoPlatform, closeAfterTest } from '../media/video-platform.ts';

/**
 * The SFU's crash safety with real media (the meter runs only while media flows both ways,
 * BILL-4, so these need two browsers): the connected seconds are checkpointed (PAY-2) and a dead
 * worker's consultation is ended and settled for the time consulted (MEDIA-4).
 */
describe('MEDIA-4 and PAY-2 with real media in two browsers', function () {
  this.timeout(120_000);
  let platform: VideoPlatform;
  let browsers: Browser[];

  before(async () => {
    browsers = await launchBrowsers(2);
  });
  beforeEach(async () => {
    platform = await startVideoPlatform();
  });
  afterEach(async function () {
    await closeAfterTest(this.currentTest, platform);
  });
  after(async () => {
    for (const browser of browsers ?? []) await browser.close().catch(() => undefined);
  });

  it('PAY-2 writes the metered seconds of a live consultation down, and never lowers them', async () => {
    const { consultationId } = await liveCallInBrowsers(platform, browsers, { ratePerMinuteCents: 300, budgetCents: 600 });
    platform.time.advance(42_000);
    const before = platform.media.reading(consultationId)!.connectedSeconds;
    await platform.media.checkpointConnectedSeconds();
    const after = platform.media.reading(consultationId)!.connectedSeconds;
    const seconds = async () =>
      (await platform.db.query<{ connected_seconds: number }>('SELECT connected_seconds FROM consultations WHERE id = $1', [consultationId]))[0]!
        .connected_seconds;
    expect(before).to.be.at.least(42);
    expect(await seconds()).to.be.within(before, after);
    await platform.db.query('UPDATE consultations SET connected_seconds = 100 WHERE id = $1', [consultationId]);
    await platform.media.checkpointConnectedSeconds();
    expect(await seconds()).to.equal(100);
  });

  it('BILL-3 as amended: a one-minute budget is warned at the start on both pages, with how long it can last', async () => {
    // 300 cents at 300 cents a minute buy exactly 60 s (BILL-1): no later moment is 60 s before the cap.
    const { consultationId, expertPage, clientPage } = await liveCallInBrowsers(platform, browsers, { ratePerMinuteCents: 300, budgetCents: 300 });
    expect(platform.media.reading(consultationId)).to.include({ maxSeconds: 60 });
    for (const [page, words] of [
      [expertPage, '60 secondes'],
      [clientPage, '60 seconds'],
    ] as const) {
      await waitFor(async () => ((await page.getByTestId('budget-warning').isVisible()) ? true : undefined), 10_000, 'the warning');
      expect(await page.getByTestId('budget-warning').textContent()).to.include(words);
    }
    expect(platform.media.reading(consultationId)!.connectedSeconds).to.be.below(5);
  });

  it('MEDIA-4 a worker killed mid-consultation: the consultation ends and is settled for the connected time, and the worker is replaced', async () => {
    const { client, consultationId, clientPage } = await liveCallInBrowsers(platform, browsers, { ratePerMinuteCents: 300, budgetCents: 600 });
    platform.time.advance(37_000);
    // A drop is dated from the last sample that saw media flow (BILL-4): let one be taken after the jump.
    await new Promise((resolve) => setTimeout(resolve, 2 * FLOW_SAMPLE_INTERVAL_MS));
    const [worker] = platform.media.workers;
    const ended = once(platform.media, 'ended') as Promise<MediaServiceEvents['ended']>;
    const atKill = platform.media.reading(consultationId)!.connectedSeconds;
    process.kill(worker!.pid, 'SIGKILL');
    const [event] = await ended;
    expect(event).to.include({ consultationId, reason: 'platform' });
    expect(event.connectedSeconds)
      .to.be.within(atKill - 1, atKill + 1)
      .and.at.least(37);
    const expected = settleConsultation(
      { pricing: 'free_rate', mode: 'video', ratePerMinuteCents: 300, surchargePerMinuteCents: 0, feePerMinuteCents: 15, discountPercent: 0, budgetCents: 600 },
      event.connectedSeconds,
    );
    expect(event.chargeCents).to.equal(expected.chargeCents);
    const view = await platform.http.get(`/api/consultations/${consultationId}`, client.token);
    expect(view.body).to.include({ status: 'ended', connectedSeconds: event.connectedSeconds, endReason: 'platform', chargeCents: expected.chargeCents });
    // The page says why, and keeps saying it once the amount is known.
    await waitFor(async () => ((await clientPage.getByTestId('amount-charged').count()) > 0 ? true : undefined), 10_000, 'end screen with the amount');
    expect(await clientPage.getByTestId('end-screen').getAttribute('data-reason')).to.equal('platform');
    // A new worker takes the slot, and the next consultation gets a room on it.
    const replacement = await waitFor(() => platform.media.workers.find((candidate) => candidate.pid !== worker!.pid), 10_000, 'replacement worker');
    const next = await immediateVideoConsultation(platform.http);
    const socket = await SignalingClient.connect(platform.url);
    try {
      await socket.request('join', { token: await joinToken(platform.http, next.consultationId, next.client.token) });
      expect(platform.media.room(next.consultationId)!.worker.pid).to.equal(replacement.pid);
    } finally {
      socket.close();
    }
  });
});
