import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { settleConsultation } from '../../server/billing/index.ts';
import { RECONNECT_GRACE_SECONDS } from '../../server/metering/meter.ts';
import type { MediaServiceEvents } from '../../media/service.ts';
import { immediateVideoConsultation, waitFor } from '../media/support.ts';
import { expectMediaFlowing, launchBrowsers, signedInPage, startVideoPlatform, type VideoPlatform, enterRoom, endCall } from '../media/video-platform.ts';

const PACKAGE_PRICE_CENTS = 7500; // 15 minutes (DEFAULT video package of the fixture)
const AWAY_SECONDS = 90;

/**
 * A package video consultation in two real browsers: the client's page reloads (the socket
 * and the media drop), the meter pauses, the client is back inside the 120-s grace period
 * (BILL-4) and the meter resumes without counting the absence; then the expert ends it early
 * and the one-third rule applies (BILL-5: 15-min package, under 5 min used → floor(P / 3)).
 */
describe('BILL-4 reconnection within the grace period and BILL-5 one-third rule, in two browsers', function () {
  this.timeout(120_000);
  let platform: VideoPlatform;
  let browsers: Browser[];

  before(async () => {
    browsers = await launchBrowsers(2);
    platform = await startVideoPlatform();
  });

  after(async () => {
    await platform?.close();
    for (const browser of browsers ?? []) await browser.close().catch(() => undefined);
  });

  it('pauses while the client is away, resumes on return, and charges a third of the package when the expert leaves early', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http, { packageIndex: 0 });
    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'en');
    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'fr');
    await enterRoom(expertPage, platform.url, consultationId);
    await enterRoom(clientPage, platform.url, consultationId);
    await expectMediaFlowing(expertPage);
    await expectMediaFlowing(clientPage);
    await waitFor(() => platform.media.reading(consultationId)?.running, 10_000, 'meter running');
    // BILL-5: the running cost of a package is what the settlement would charge now.
    await waitFor(async () => ((await expertPage.getByTestId('running-cost').innerText()).includes('25.00') ? true : undefined), 10_000, 'running cost');

    // The client drops: the meter pauses (BILL-4) and the expert is told.
    await clientPage.goto('about:blank');
    await waitFor(() => platform.media.reading(consultationId)?.running === false, 10_000, 'meter paused');
    const pausedAt = platform.media.reading(consultationId)!.connectedSeconds;
    await waitFor(async () => (/2 minutes/.test(await expertPage.getByTestId('room-status').innerText()) ? true : undefined), 5_000, 'peer left notice');
    platform.time.advance(AWAY_SECONDS * 1000);
    expect(AWAY_SECONDS).to.be.below(RECONNECT_GRACE_SECONDS);
    expect(platform.media.reading(consultationId)).to.include({ running: false, connectedSeconds: pausedAt });

    // Back within the grace period: media flows again and the meter resumes from where it paused.
    await enterRoom(clientPage, platform.url, consultationId);
    await expectMediaFlowing(clientPage);
    await waitFor(() => platform.media.reading(consultationId)?.running, 10_000, 'meter running again');
    expect(platform.media.reading(consultationId)!.connectedSeconds).to.be.below(pausedAt + 15);

    // The expert ends it early.
    const ended = new Promise<MediaServiceEvents['ended'][0]>((resolve) => platform.media.once('ended', resolve));
    await endCall(expertPage);
    const event = await ended;
    expect(event.reason).to.equal('party_left');
    expect(event.connectedSeconds)
      .to.be.above(0)
      .and.below(pausedAt + 30);

    const view = await platform.http.get(`/api/consultations/${consultationId}`, client.token);
    expect(view.body).to.include({ status: 'ended', endReason: 'party_left', connectedSeconds: event.connectedSeconds });
    const expected = settleConsultation(view.body.terms, event.connectedSeconds);
    expect(expected.oneThirdRuleApplied).to.equal(true);
    expect(view.body.chargeCents)
      .to.equal(Math.floor(PACKAGE_PRICE_CENTS / 3))
      .and.to.equal(expected.chargeCents);
    for (const page of [expertPage, clientPage]) {
      await waitFor(async () => ((await page.getByTestId('amount-charged').count()) > 0 ? true : undefined), 10_000, 'end screen');
    }
    expect(await clientPage.getByTestId('amount-charged').innerText()).to.contain('25,00');
    expect(await expertPage.getByTestId('amount-charged').innerText()).to.contain('25.00');
  });
});
