import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { MediaServiceEvents } from '../../media/service.ts';
import { waitFor } from '../media/support.ts';
import {
  expectMediaFlowing,
  launchBrowsers,
  liveCallInBrowsers,
  startVideoPlatform,
  waitForStatus,
  type VideoPlatform,
  endCall,
} from '../media/video-platform.ts';

const OFFLINE_MS = 10_000;
/** The test holds the page's signaling sockets, to drop one as a network would. */
const RECORD_SOCKETS = `{
  const Native = window.WebSocket;
  window.consultoSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.consultoSockets.push(this);
    }
  };
}`;
/** BILL-2 bills whole seconds, and the SFU dates a drop from its last sample (FLOW_SAMPLE_INTERVAL_MS). */
const TOLERANCE_SECONDS = 1;

/**
 * MEDIA-7 in two real browsers: the client's page loses the network for 10 s (Playwright's
 * `setOffline`) and gets it back. The call is repaired in place (ICE restart first) without a
 * reload, both pages say what is happening meanwhile, and the meter leaves the gap out (BILL-4).
 */
describe('MEDIA-7 a network loss repaired without a reload, the gap not billed', function () {
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

  it('10 s offline: both pages say "reconnecting", the call comes back by itself and the charge leaves out the gap (± 1 s)', async () => {
    const { consultationId, expertPage, clientPage } = await liveCallInBrowsers(platform, browsers, {
      ratePerMinuteCents: 300,
      budgetCents: 3000,
      languages: ['en', 'en'],
    });
    const meterChanges: MediaServiceEvents['meterRunning'][0][] = [];
    platform.media.on('meterRunning', (event) => {
      if (event.consultationId === consultationId) meterChanges.push(event);
    });
    await clientPage.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const billedBeforeSeconds = platform.media.reading(consultationId)!.connectedSeconds;
    const offlineAtMs = Date.now();
    await clientPage.context().setOffline(true);
    await waitForStatus(clientPage, 'reconnecting', 5000);
    await waitForStatus(expertPage, 'reconnecting', 5000);
    expect(await expertPage.getByTestId('room-status').innerText()).to.match(/other participant’s connection is interrupted/);
    await waitFor(() => platform.media.reading(consultationId)?.running === false, 5000, 'meter paused');
    const paused = meterChanges.find((change) => !change.running)!;
    // The pause is dated from the last media seen, not from when the SFU noticed.
    expect(paused.atMs - offlineAtMs).to.be.within(-1000, 1000);

    await new Promise((resolve) => setTimeout(resolve, offlineAtMs + OFFLINE_MS - Date.now()));
    expect(platform.media.reading(consultationId)!.running).to.equal(false);
    await clientPage.context().setOffline(false);
    await waitForStatus(clientPage, 'live');
    await waitForStatus(expertPage, 'live');
    await waitFor(() => platform.media.reading(consultationId)?.running, 10_000, 'meter running again');
    const resumed = [...meterChanges].reverse().find((change) => change.running)!;
    expect(resumed.atMs - offlineAtMs).to.be.at.least(OFFLINE_MS);
    // The same document: repaired in place, not reloaded.
    expect(await clientPage.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).to.equal(true);
    await expectMediaFlowing(clientPage);
    await expectMediaFlowing(expertPage);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const closed = new Promise<MediaServiceEvents['roomClosed'][0]>((resolve) => platform.media.once('roomClosed', resolve));
    await endCall(expertPage);
    const end = await closed;
    const expectedSeconds = billedBeforeSeconds + (end.atMs - resumed.atMs) / 1000;
    expect(end.connectedSeconds, `billed ${end.connectedSeconds} s, expected about ${expectedSeconds.toFixed(1)} s`).to.be.within(
      expectedSeconds - TOLERANCE_SECONDS - (paused.atMs > offlineAtMs ? 0 : (offlineAtMs - paused.atMs) / 1000),
      expectedSeconds + TOLERANCE_SECONDS,
    );
    // The gap is not in it: at most the time outside the offline window.
    const wallSecondsOnline = (end.atMs - offlineAtMs - OFFLINE_MS) / 1000 + billedBeforeSeconds;
    expect(end.connectedSeconds).to.be.at.most(Math.ceil(wallSecondsOnline) + TOLERANCE_SECONDS);
    await waitFor(async () => ((await clientPage.getByTestId('amount-charged').count()) > 0 ? true : undefined), 10_000, 'end screen');
  });

  it('the signaling socket drops: the page rejoins with a new socket and a new peer (the last step), without a reload', async () => {
    const { consultationId, expertPage, clientPage } = await liveCallInBrowsers(platform, browsers, { languages: ['en', 'en'], initScript: RECORD_SOCKETS });
    const peerBefore = platform.media.room(consultationId)!.peer('client')!;
    await clientPage.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    // What a proxy's idle timeout or a server restart does to the socket: it closes under the page.
    await clientPage.evaluate(() => (window as unknown as { consultoSockets: WebSocket[] }).consultoSockets.at(-1)!.close());
    await waitFor(() => platform.media.room(consultationId)?.peer('client') !== peerBefore || undefined, 10_000, 'a new peer');
    await waitForStatus(clientPage, 'live');
    await waitForStatus(expertPage, 'live');
    await waitFor(() => platform.media.reading(consultationId)?.running, 10_000, 'meter running again');
    await expectMediaFlowing(expertPage);
    await expectMediaFlowing(clientPage);
    expect(await clientPage.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).to.equal(true);
  });
});
