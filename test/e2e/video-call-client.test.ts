import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { MediaServiceEvents } from '../../media/service.ts';
import { immediateVideoConsultation, waitFor } from '../media/support.ts';
import {
  expectMediaFlowing,
  launchBrowsers,
  liveCallInBrowsers,
  roomStatus,
  signedInPage,
  startVideoPlatform,
  waitForStatus,
  type VideoPlatform,
  enterRoom,
  endCall,
  closeAfterTest,
} from '../media/video-platform.ts';

const FIRST_FRAME_MARK = 'consulto:first-remote-frame';

/** When this page's remote video showed its first decoded frame, in epoch milliseconds. */
function firstRemoteFrameAtMs(page: Page): Promise<number | undefined> {
  return page.evaluate((mark) => {
    const entry = performance.getEntriesByName(mark)[0];
    return entry ? performance.timeOrigin + entry.startTime : undefined;
  }, FIRST_FRAME_MARK);
}

/** The in-call page as the call client renders it, in two real Chromium windows (MEDIA-3, MEDIA-6, BILL-4). */
describe('MEDIA-3 the call client and its page in two browsers', function () {
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

  it('MEDIA-3 the self-view is muted (the property), and the party who waited reads the call, not "waiting", once the other is there', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'en');
    await enterRoom(expertPage, platform.url, consultationId);
    await waitForStatus(expertPage, 'waiting');
    expect(await expertPage.getByTestId('room-status').innerText()).to.match(/Waiting for the other participant/);

    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'en');
    await enterRoom(clientPage, platform.url, consultationId);
    for (const page of [expertPage, clientPage]) await waitForStatus(page, 'live');
    await expectMediaFlowing(expertPage);
    // The first to arrive keeps reading the call, not the waiting line, for the whole call.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await roomStatus(expertPage)).to.equal('live');
    expect(await expertPage.getByTestId('room-status').innerText()).to.equal('Consultation in progress.');
    for (const page of [expertPage, clientPage]) {
      // Each party would otherwise hear their own microphone: the attribute alone does not mute.
      expect(await page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => video.muted)).to.equal(true);
      expect(await page.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.muted)).to.equal(false);
    }
  });

  it('BILL-4 the meter starts only once both pages have decoded the other’s video', async () => {
    const meterStarted = new Promise<MediaServiceEvents['meterRunning'][0]>((resolve) => {
      const listener = (event: MediaServiceEvents['meterRunning'][0]) => {
        if (!event.running) return;
        platform.media.off('meterRunning', listener);
        resolve(event);
      };
      platform.media.on('meterRunning', listener);
    });
    const { consultationId, expertPage, clientPage } = await liveCallInBrowsers(platform, browsers);
    const started = await meterStarted;
    expect(started.consultationId).to.equal(consultationId);
    const frames = await Promise.all([expertPage, clientPage].map((page) => waitFor(() => firstRemoteFrameAtMs(page), 10_000, 'first remote frame')));
    // The platform's clock is the wall clock here (the test has not moved it): both clocks are comparable.
    for (const frameAtMs of frames)
      expect(started.atMs, `meter started ${(started.atMs - frameAtMs).toFixed(0)} ms after a first frame`).to.be.at.least(frameAtMs);
  });

  it('MEDIA-6 a screen shared by the client reaches the expert’s page, shown as the screen, and goes when the share stops', async () => {
    const { expertPage, clientPage } = await liveCallInBrowsers(platform, browsers, { languages: ['en', 'en'] });
    expect(await expertPage.getByTestId('remote-screen').isVisible()).to.equal(false);
    await clientPage.getByTestId('toggle-screen').click();
    await waitFor(async () => ((await clientPage.getByTestId('toggle-screen').getAttribute('aria-pressed')) === 'true' ? true : undefined), 10_000, 'sharing');
    await waitFor(async () => ((await expertPage.getByTestId('remote-screen').isVisible()) ? true : undefined), 10_000, 'screen shown');
    // Frames of the screen decode on the other page, and its state says which stream is the screen.
    await waitFor(
      () => expertPage.getByTestId('remote-screen').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 ? video.videoWidth : undefined)),
      10_000,
      'screen frames',
    );
    const sources = await expertPage.evaluate(() => {
      const state = (window as unknown as { consultoCall: { state: { remoteScreenStream?: MediaStream; remoteStream: MediaStream } } }).consultoCall.state;
      return { screenTracks: state.remoteScreenStream?.getVideoTracks().length ?? 0, cameraTracks: state.remoteStream.getVideoTracks().length };
    });
    expect(sources).to.deep.equal({ screenTracks: 1, cameraTracks: 1 });
    // The camera still flows next to it.
    await expectMediaFlowing(expertPage);
    await clientPage.getByTestId('toggle-screen').click();
    await waitFor(async () => ((await expertPage.getByTestId('remote-screen').isVisible()) ? undefined : true), 10_000, 'screen gone');
  });
});

/** BOOK-4 in the room: the client waits there for the expert, who accepts (and comes) or declines. */
describe('BOOK-4 an immediate request answered while the client waits in the room', function () {
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

  it('the client reads the minutes left; the expert accepts and goes in: both are in a live call', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'en');
    await enterRoom(clientPage, platform.url, consultationId);
    await waitForStatus(clientPage, 'waiting');
    expect(await clientPage.getByTestId('room-status').innerText()).to.match(/they have 5 min left to join you/);
    const accepted = await platform.http.post(`/api/consultations/${consultationId}/accept`, undefined, expert.token);
    expect(accepted.status).to.equal(200);
    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'en');
    await enterRoom(expertPage, platform.url, consultationId);
    for (const page of [expertPage, clientPage]) await waitForStatus(page, 'live');
    await waitFor(() => platform.media.reading(consultationId)?.running, 10_000, 'meter running');
    await endCall(expertPage);
    await waitFor(async () => ((await clientPage.getByTestId('amount-charged').count()) > 0 ? true : undefined), 10_000, 'end screen');
  });

  it('the expert declines: the client’s page says so at once, nothing charged', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'en');
    await enterRoom(clientPage, platform.url, consultationId);
    await waitForStatus(clientPage, 'waiting');
    const declinedAtMs = Date.now();
    const declined = await platform.http.post(`/api/consultations/${consultationId}/decline`, undefined, expert.token);
    expect(declined.status).to.equal(200);
    await waitFor(async () => ((await clientPage.getByTestId('end-screen').count()) > 0 ? true : undefined), 2000, 'end screen');
    expect(Date.now() - declinedAtMs).to.be.below(2000);
    expect(await clientPage.getByTestId('end-screen').getAttribute('data-reason')).to.equal('declined');
    expect(await clientPage.getByTestId('end-reason').innerText()).to.match(/could not take your request/);
    expect(await clientPage.getByTestId('amount-charged').innerText()).to.match(/0[.,]00/);
    expect(platform.media.room(consultationId)).to.equal(undefined);
  });
});
