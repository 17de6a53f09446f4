import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { settleConsultation } from '../../server/billing/index.ts';
import type { MediaServiceEvents } from '../../media/service.ts';
import { immediateVideoConsultation, waitFor } from '../media/support.ts';
import { expectMediaFlowing, launchBrowsers, listFiles, signedInPage, startVideoPlatform, type VideoPlatform, enterRoom } from '../media/video-platform.ts';

const RATE_PER_MINUTE_CENTS = 300;
const BUDGET_CENTS = 600; // BILL-1: 600 × 60 / 300 = 120 seconds
const MAX_SECONDS = 120;

/**
 * A paid free-rate video consultation between two real Chromium pages with fake camera and
 * microphone, booked through the API (BOOK-4 immediate request). Time is real but the test
 * moves it forward (MovableTime: the clock and the meter's timer), so the 120-second budget
 * runs out in a few seconds of wall time, through the same deadline code as in production.
 */
describe('MEDIA-1…3, BILL-3 video consultation in two browsers: media both ways, running cost, 60-s warning, cap, settlement', function () {
  this.timeout(120_000);
  let platform: VideoPlatform;
  let browsers: Browser[];
  let isolatedTemp: string;
  const savedTemp = process.env['TMPDIR'];

  before(async () => {
    browsers = await launchBrowsers(2);
    // MEDIA-2: the platform (and the mediasoup worker it spawns) gets a temp dir of its own to leave untouched.
    isolatedTemp = mkdtempSync(join(tmpdir(), 'consulto-video-tmp-'));
    process.env['TMPDIR'] = isolatedTemp;
    platform = await startVideoPlatform();
  });

  after(async () => {
    await platform?.close();
    if (savedTemp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTemp;
    rmSync(isolatedTemp, { recursive: true, force: true });
    for (const browser of browsers ?? []) await browser.close().catch(() => undefined);
  });

  it('both see and hear each other, the cost runs, the warning comes, the server ends it at the cap and charges the quote', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http, {
      ratePerMinuteCents: RATE_PER_MINUTE_CENTS,
      budgetCents: BUDGET_CENTS,
    });
    const dataBefore = listFiles(platform.dataDir);
    const tempBefore = listFiles(isolatedTemp);

    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'fr');
    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'en');
    await enterRoom(expertPage, platform.url, consultationId);
    await enterRoom(clientPage, platform.url, consultationId);

    // MEDIA-3: each page receives and decodes the other's audio and video.
    const expertSide = await expectMediaFlowing(expertPage);
    const clientSide = await expectMediaFlowing(clientPage);
    expect(expertSide.after.framesDecoded).to.be.above(expertSide.before.framesDecoded);
    expect(clientSide.after.audioBytes).to.be.above(clientSide.before.audioBytes);

    // BILL-4: both connected, the meter runs. BILL-3: the running cost comes from the server.
    await waitFor(() => platform.media.reading(consultationId)?.running, 10_000, 'meter running');
    for (const page of [expertPage, clientPage]) {
      await waitFor(async () => (/[1-9]/.test(await page.getByTestId('running-cost').innerText()) ? true : undefined), 10_000, 'running cost');
    }
    expect(await clientPage.getByTestId('running-cost').innerText()).to.match(/€/);

    // BILL-3: 60 seconds before the end, both pages are warned.
    let reading = platform.media.reading(consultationId)!;
    platform.time.advance((reading.secondsLeft - 59) * 1000);
    for (const page of [expertPage, clientPage]) {
      await waitFor(async () => ((await page.getByTestId('budget-warning').isVisible()) ? true : undefined), 5_000, 'budget warning');
    }
    expect(await clientPage.getByTestId('budget-warning').innerText()).to.match(/budget runs out in \d+ seconds/);
    expect(await expertPage.getByTestId('budget-warning').innerText()).to.match(/budget sera épuisé/);

    // Then up to 3 s before the cap; the meter's own timer ends it.
    reading = platform.media.reading(consultationId)!;
    const capAtLatestMs = platform.time.now().getTime() + reading.secondsLeft * 1000;
    const roomClosed = new Promise<MediaServiceEvents['roomClosed'][0]>((resolve) => platform.media.once('roomClosed', resolve));
    const ended = new Promise<MediaServiceEvents['ended'][0]>((resolve) => platform.media.once('ended', resolve));
    platform.time.advance((reading.secondsLeft - 3) * 1000);
    const closed = await roomClosed;
    // connectedSeconds is floored, so the true cap is in (capAtLatest − 1 s, capAtLatest].
    const latenessMs = closed.atMs - capAtLatestMs;
    expect(latenessMs, `transports closed ${latenessMs} ms after the cap`).to.be.at.most(2000).and.at.least(-1000);
    expect(closed).to.include({ consultationId, reason: 'budget_exhausted', connectedSeconds: MAX_SECONDS });
    const settled = await ended;

    // PAY-2 / BILL-2: charged exactly the quote for the connected seconds.
    const quote = await platform.http.get(`/api/experts/${expert.slug}/quote?mode=video&seconds=${MAX_SECONDS}&budgetCents=${BUDGET_CENTS}`);
    expect(quote.status).to.equal(200);
    const view = await platform.http.get(`/api/consultations/${consultationId}`, client.token);
    expect(view.body).to.include({ status: 'ended', connectedSeconds: MAX_SECONDS, endReason: 'budget_exhausted' });
    expect(view.body.chargeCents).to.equal(quote.body.chargeCents).and.to.equal(settled.chargeCents);
    expect(view.body.chargeCents).to.equal(settleConsultation(view.body.terms, MAX_SECONDS).chargeCents).and.to.equal(BUDGET_CENTS);

    // The end screen, in each page's language, with the amount and the receipt.
    for (const page of [expertPage, clientPage]) {
      await waitFor(async () => ((await page.getByTestId('amount-charged').count()) > 0 ? true : undefined), 10_000, 'end screen');
    }
    expect(await clientPage.getByTestId('amount-charged').innerText()).to.contain('6.00');
    expect(await expertPage.getByTestId('amount-charged').innerText()).to.contain('6,00');
    expect(await clientPage.getByTestId('rating-form').count()).to.equal(1);
    expect(await expertPage.getByTestId('rating-form').count()).to.equal(0);
    const receipt = await receiptOpenedFrom(clientPage);
    expect(receipt).to.match(/6[.,]00/);

    // MEDIA-2: nothing was recorded: no new file in DATA_DIR or in the platform's temp dir.
    const dataAfter = listFiles(platform.dataDir);
    const tempAfter = listFiles(isolatedTemp);
    expect([...dataAfter].filter((path) => !dataBefore.has(path))).to.deep.equal([]);
    expect([...tempAfter].filter((path) => !tempBefore.has(path))).to.deep.equal([]);
  });
});

/** The receipt button opens the HTML receipt fetched with the page's own session. */
async function receiptOpenedFrom(page: Page): Promise<string> {
  const popup = page.waitForEvent('popup');
  await page.getByTestId('receipt').click();
  const opened = await popup;
  await opened.waitForLoadState();
  return opened.content();
}
