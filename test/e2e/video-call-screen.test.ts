import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { waitForAppReady } from '../support/browser.ts';
import { immediateVideoConsultation, waitFor } from '../media/support.ts';
import { bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';
import { endCall, launchBrowsers, liveCallInBrowsers, signedInPage, startVideoPlatform, waitForStatus, type VideoPlatform } from '../media/video-platform.ts';
import { DESKTOP, PHONE, axeViolations, saveScreenshot } from '../support/page-quality.ts';

/** Whether every control of the call bar is wholly inside the viewport, and the page cannot scroll. */
async function layoutProblems(page: Page): Promise<string[]> {
  const size = page.viewportSize()!;
  const problems: string[] = [];
  for (const button of await page.getByTestId('call-bar').locator('button').all()) {
    const box = await button.boundingBox();
    const name = await button.getAttribute('title');
    if (!box) problems.push(`${name}: not shown`);
    else if (box.x < 0 || box.y < 0 || box.x + box.width > size.width + 0.5 || box.y + box.height > size.height + 0.5)
      problems.push(`${name}: outside ${JSON.stringify(box)}`);
  }
  const scrolled = await page.evaluate(() => {
    window.scrollTo(0, 10_000);
    const moved = window.scrollY;
    window.scrollTo(0, 0);
    return { moved, sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth };
  });
  if (scrolled.moved !== 0) problems.push(`the page scrolls by ${scrolled.moved}px`);
  if (scrolled.sideways > 0) problems.push(`the page scrolls sideways by ${scrolled.sideways}px`);
  return problems;
}

/**
 * MEDIA-3 and MEDIA-5 as people see them, in real Chromium windows: the device check, the call
 * screen at 1366×900 and 390×844 (controls on screen, nothing scrolls, the other's video fills the
 * stage, the self-view small and muted), the chat's unread count, and the end screen that keeps its
 * reason; axe-core finds nothing on any of them. Screenshots go to test-artifacts/screenshots/.
 */
describe('MEDIA-3 MEDIA-5 the device check and the call screen at a desk and on a phone', function () {
  this.timeout(180_000);
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

  it('MEDIA-5 the device check shows the camera, the microphone level and the connection verdict, and enters the room with the same camera', async () => {
    const { client, consultationId } = await immediateVideoConsultation(platform.http);
    const page = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'fr');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${platform.url}/salle/${consultationId}`);
    await waitForAppReady(page);
    await waitFor(
      () => page.getByTestId('preview-video').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 && video.muted ? true : undefined)),
      10_000,
      'camera preview',
    );
    // The fake microphone beeps: the meter moves.
    await waitFor(async () => (Number(await page.getByTestId('mic-level').getAttribute('value')) > 0 ? true : undefined), 10_000, 'microphone level');
    const verdict = await waitFor(
      async () => {
        const value = await page.getByTestId('connection-verdict').getAttribute('data-verdict');
        return value === 'testing' ? undefined : value;
      },
      20_000,
      'connection verdict',
    );
    // Loopback with a shared CPU: good, or weak when the machine is busy; never blocked.
    expect(verdict).to.be.oneOf(['good', 'weak']);
    expect(await page.getByTestId('connection-verdict').innerText()).to.match(/connexion/i);
    expect(await axeViolations(page)).to.deep.equal([]);
    await saveScreenshot(page, 'room-device-check');
    await page.setViewportSize(PHONE);
    expect(await axeViolations(page)).to.deep.equal([]);
    await saveScreenshot(page, 'room-device-check');
    const previewTrackId = await page
      .getByTestId('preview-video')
      .evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getVideoTracks()[0]!.id);
    await page.getByTestId('enter-room').click();
    await waitForStatus(page, 'waiting');
    // The call sends the preview's camera: it did not restart.
    expect(await page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getVideoTracks()[0]!.id)).to.equal(
      previewTrackId,
    );
    expect(await page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => video.muted)).to.equal(true);
    await saveScreenshot(page, 'room-waiting');
  });

  it('MEDIA-3 the call screen: every control on screen and no scrolling at 1366×900 and 390×844, the other large, the self-view small and muted, the room named after the other; chat unread count; the end screen says who ended', async () => {
    const { expertPage, clientPage, client, consultationId } = await liveCallInBrowsers(platform, browsers, {
      languages: ['fr', 'en'],
      budgetCents: 1000,
      ratePerMinuteCents: 200,
    });
    for (const page of [expertPage, clientPage]) await waitForStatus(page, 'live');
    const view = (await platform.http.get(`/api/consultations/${consultationId}`, client.token)).body;
    const clientName = `${view.client.firstName} ${view.client.lastName}`;
    expect(await expertPage.locator('.call-title').innerText()).to.equal(`Consultation vidéo avec ${clientName}`);
    expect(await clientPage.locator('.call-title').innerText()).to.equal(`Video consultation with ${view.expert.firstName} ${view.expert.lastName}`);
    for (const size of [DESKTOP, PHONE]) {
      for (const page of [expertPage, clientPage]) {
        await page.setViewportSize(size);
        await waitFor(
          () => page.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 ? true : undefined)),
          10_000,
          'remote picture',
        );
        expect(await layoutProblems(page), `${size.width}×${size.height}`).to.deep.equal([]);
        const remote = (await page.getByTestId('remote-video').boundingBox())!;
        const self = (await page.getByTestId('local-video').boundingBox())!;
        // The other fills the stage's width; the self-view is a corner of it.
        expect(remote.width).to.be.closeTo(size.width, 1);
        expect(self.width * self.height).to.be.below((remote.width * remote.height) / 6);
        expect(await page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => video.muted)).to.equal(true);
        expect(await page.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => video.muted)).to.equal(false);
      }
      expect(await axeViolations(clientPage)).to.deep.equal([]);
      await saveScreenshot(clientPage, 'room-call');
    }
    // A message while the chat is closed: the other page counts it unread, and reading it clears the count.
    await expertPage.getByTestId('toggle-chat').click();
    await expertPage.getByTestId('chat-input').fill('Bonjour, vous m’entendez bien ?');
    await expertPage.getByTestId('chat-send').click();
    await waitFor(async () => ((await clientPage.getByTestId('chat-unread').count()) > 0 ? true : undefined), 5000, 'unread count');
    expect(await clientPage.getByTestId('chat-unread').innerText()).to.equal('1');
    expect(await clientPage.getByRole('button', { name: /^Messages ?, 1 unread$/ }).count()).to.equal(1);
    await clientPage.getByTestId('toggle-chat').click();
    await clientPage.getByTestId('chat-log').getByText('vous m’entendez bien', { exact: false }).waitFor();
    expect(await clientPage.getByTestId('chat-unread').count()).to.equal(0);
    expect(await layoutProblems(clientPage)).to.deep.equal([]);
    expect(await axeViolations(clientPage)).to.deep.equal([]);
    await saveScreenshot(clientPage, 'room-chat');
    await clientPage.getByTestId('toggle-chat').click();
    // The devices dialog lists the fake camera and microphone.
    await clientPage.getByTestId('open-devices').click();
    await clientPage.getByTestId('camera-select').locator('option').first().waitFor({ state: 'attached' });
    expect(await axeViolations(clientPage)).to.deep.equal([]);
    await saveScreenshot(clientPage, 'room-devices');
    await clientPage.keyboard.press('Escape');

    // Ending asks first; "keep talking" keeps the call.
    await clientPage.getByTestId('end-call').click();
    await clientPage.getByTestId('end-dialog').waitFor();
    await saveScreenshot(clientPage, 'room-end-confirm');
    await clientPage.getByRole('button', { name: 'Keep talking' }).click();
    expect(await clientPage.getByTestId('room-status').getAttribute('data-status')).to.equal('live');
    await endCall(clientPage);
    for (const page of [expertPage, clientPage]) {
      await waitFor(async () => ((await page.getByTestId('amount-charged').count()) > 0 ? true : undefined), 10_000, 'end screen with the amount');
      expect(await page.getByTestId('end-screen').getAttribute('data-reason')).to.equal('party_left');
    }
    expect(await clientPage.getByTestId('end-reason').innerText()).to.equal('You ended the consultation.');
    expect(await expertPage.getByTestId('end-reason').innerText()).to.equal(`${clientName} a mis fin à la consultation.`);
    // The time charged in words: whole English units ("3 seconds", not "3 secs"), French short ones ("3 s").
    expect(await clientPage.getByTestId('end-screen').innerText()).to.match(/Time charged: \d+ seconds?\b/);
    expect(await expertPage.getByTestId('end-screen').innerText()).to.match(/Durée facturée : \d+\ss\b/);
    expect(await clientPage.getByTestId('rating-form').count()).to.equal(1);
    for (const size of [PHONE, DESKTOP]) {
      await clientPage.setViewportSize(size);
      expect(await axeViolations(clientPage)).to.deep.equal([]);
      await saveScreenshot(clientPage, 'room-end');
    }
    // The end screen is a page again: it scrolls if it must.
    expect(await clientPage.evaluate(() => document.documentElement.classList.contains('in-call'))).to.equal(false);
  });

  it('BOOK-5 before an appointment’s start the device check works and says when the room opens, with a live countdown; "Enter" waits for the start', async () => {
    const expert = await setUpExpert(platform.http);
    const client = await setUpClient(platform.http);
    const hourMs = 3_600_000;
    const startAt = new Date(Math.ceil((Date.now() + 2 * hourMs) / hourMs) * hourMs);
    const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: startAt.toISOString() }), client.token);
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const page = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'fr');
    await page.setViewportSize(PHONE);
    await page.goto(`${platform.url}/salle/${booked.body.id}`);
    await waitForAppReady(page);
    const opens = page.getByTestId('room-opens');
    const expectedTime = await page.evaluate(
      (iso) => new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' }).format(new Date(iso)),
      startAt.toISOString(),
    );
    expect(await opens.innerText()).to.match(new RegExp(`^La salle ouvre à ${expectedTime}\\. Ouverture dans \\d+:\\d{2}:\\d{2}\\.`));
    const first = await opens.innerText();
    await waitFor(async () => ((await opens.innerText()) !== first ? true : undefined), 3000, 'the countdown moving');
    expect(await page.getByTestId('enter-room').isDisabled()).to.equal(true);
    // The connection test is open before the start (a probe, never the room).
    const verdict = await waitFor(
      async () => {
        const value = await page.getByTestId('connection-verdict').getAttribute('data-verdict');
        return value === 'testing' ? undefined : value;
      },
      20_000,
      'connection verdict',
    );
    expect(verdict).to.be.oneOf(['good', 'weak']);
    expect(await axeViolations(page)).to.deep.equal([]);
    await saveScreenshot(page, 'room-opens-later');
  });
});
