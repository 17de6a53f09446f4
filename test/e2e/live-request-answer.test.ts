import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { waitForAppReady } from '../support/browser.ts';
import { bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';
import { waitFor } from '../media/support.ts';
import { launchBrowsers, signedInPage, startVideoPlatform, waitForStatus, type VideoPlatform } from '../media/video-platform.ts';
import { axeViolations, saveScreenshot, DESKTOP, PHONE } from '../support/page-quality.ts';

/**
 * What the test watches in the page: when the live channel (`GET /api/events`) answered, how many
 * chimes played (Web Audio contexts opened), and the browser notifications shown (a recording
 * stand-in for `Notification`, with the permission granted).
 */
const WATCH_LIVE_ALERTS = `{
  const nativeFetch = window.fetch.bind(window);
  window.liveChannelOpen = false;
  window.fetch = async (...args) => {
    const response = await nativeFetch(...args);
    if (String(args[0]).includes('/api/events') && response.ok) window.liveChannelOpen = true;
    return response;
  };
  const NativeAudioContext = window.AudioContext;
  window.chimes = 0;
  window.AudioContext = class extends NativeAudioContext {
    constructor(...args) {
      super(...args);
      window.chimes += 1;
    }
  };
  window.shownNotifications = [];
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.shownNotifications.push({ title, body: options && options.body }); }
    addEventListener() {}
    close() {}
  };
}`;

async function liveChannelOpen(page: Page): Promise<void> {
  await waitFor(
    () => page.evaluate(() => ((window as unknown as { liveChannelOpen: boolean }).liveChannelOpen ? true : undefined)),
    10_000,
    'live channel open',
  );
}

/**
 * BOOK-4 in two real Chromium windows: the expert's open workspace hears of an immediate request
 * at once over the live channel (no polling), rings, notifies and counts it in the tab's title;
 * Accept takes the expert into the room and the waiting client's page follows on its own; Decline,
 * from any workspace section, tells the client's page at once.
 */
describe('BOOK-4 a live request answered from the workspace', function () {
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

  it('the request appears in the open workspace within 1 s of booking, with a chime, a notification and the tab title; Accept lands both in a live call', async () => {
    const expert = await setUpExpert(platform.http, { availableNow: true });
    const client = await setUpClient(platform.http);
    const clientName = await platform.http.get('/api/me', client.token).then((answer) => `${answer.body.firstName} ${answer.body.lastName}`);
    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'fr', WATCH_LIVE_ALERTS);
    await expertPage.setViewportSize(DESKTOP);
    await expertPage.goto(`${platform.url}/espace`);
    await waitForAppReady(expertPage);
    await expertPage.getByTestId('live-requests').waitFor();
    await liveChannelOpen(expertPage);

    const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { mode: 'video' }), client.token);
    // From the moment the booking is made (its answer; the card hold before it takes its own time).
    const bookedAtMs = Date.now();
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const id = booked.body.id as string;
    await expertPage.getByTestId('live-request').waitFor({ timeout: 5000 });
    const shownAfterMs = Date.now() - bookedAtMs;
    expect(shownAfterMs, `shown ${shownAfterMs} ms after booking`).to.be.below(1000);
    await expertPage.waitForFunction(() => document.title === '(1) Demande de consultation – Consulto', undefined, { timeout: 2000 });
    const alerts = await expertPage.evaluate(() => {
      const watched = window as unknown as { chimes: number; shownNotifications: { title: string; body: string }[] };
      return { chimes: watched.chimes, notifications: watched.shownNotifications };
    });
    expect(alerts.chimes).to.equal(1);
    expect(alerts.notifications).to.deep.equal([{ title: 'Demande de consultation', body: `${clientName} demande une consultation vidéo maintenant.` }]);
    expect(await axeViolations(expertPage)).to.deep.equal([]);
    await saveScreenshot(expertPage, 'workspace-live-request');

    // The client waits on the consultation's page, which follows the request by itself.
    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'fr', WATCH_LIVE_ALERTS);
    await clientPage.setViewportSize(PHONE);
    await clientPage.goto(`${platform.url}/consultations/${id}`);
    await waitForAppReady(clientPage);
    await clientPage.getByTestId('countdown').waitFor();
    await liveChannelOpen(clientPage);

    await expertPage.getByRole('button', { name: `Accepter la demande de ${clientName}` }).click();
    // Straight into the call: the client is waiting.
    await expertPage.waitForURL(`**/salle/${id}?entrer=1`);
    await expertPage.getByTestId('call-screen').waitFor();
    // The client's page goes to the room as soon as the expert accepts.
    await clientPage.waitForURL(`**/salle/${id}`, { timeout: 3000 });
    await waitForAppReady(clientPage);
    // The client arrives on the device check: their click lets the sound play.
    await clientPage.getByTestId('enter-room').click();
    for (const page of [expertPage, clientPage]) await waitForStatus(page, 'live', 20_000);
    await waitFor(() => platform.media.reading(id)?.running, 10_000, 'meter running');
    // Answered: the title is the page's own again.
    expect(await expertPage.evaluate(() => document.title)).to.not.match(/^\(1\)/);
  });

  it('Decline from another workspace section: the client’s page says so at once, nothing charged', async () => {
    const expert = await setUpExpert(platform.http, { availableNow: true });
    const client = await setUpClient(platform.http);
    const clientName = await platform.http.get('/api/me', client.token).then((answer) => `${answer.body.firstName} ${answer.body.lastName}`);
    const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { mode: 'video' }), client.token);
    const id = booked.body.id as string;
    const clientPage = await signedInPage(browsers[1]!, platform.url, platform.http, client, 'en', WATCH_LIVE_ALERTS);
    await clientPage.setViewportSize(PHONE);
    await clientPage.goto(`${platform.url}/consultations/${id}`);
    await waitForAppReady(clientPage);
    await clientPage.getByTestId('countdown').waitFor();
    await liveChannelOpen(clientPage);

    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'fr', WATCH_LIVE_ALERTS);
    await expertPage.setViewportSize(PHONE);
    await expertPage.goto(`${platform.url}/espace/agenda`);
    await waitForAppReady(expertPage);
    const banner = expertPage.getByTestId('live-request-banner');
    await banner.waitFor();
    expect(await axeViolations(expertPage)).to.deep.equal([]);
    await saveScreenshot(expertPage, 'workspace-live-banner');
    const declinedAtMs = Date.now();
    await banner.getByRole('button', { name: `Refuser la demande de ${clientName}` }).click();
    await clientPage.waitForFunction(
      () => document.querySelector('[data-testid="consultation-status"]')?.getAttribute('data-status') === 'expired',
      undefined,
      { timeout: 2000 },
    );
    expect(Date.now() - declinedAtMs).to.be.below(2000);
    expect(await clientPage.locator('h1').innerText()).to.equal('Request declined');
    expect(await clientPage.getByText('Nothing was charged: the held amount is released.').count()).to.equal(1);
    await saveScreenshot(clientPage, 'consultation-declined');
    await expertPage.getByText('Demande refusée : le client est prévenu, rien n’est facturé.').waitFor();
    expect((await platform.http.get(`/api/consultations/${id}`, client.token)).body).to.include({ status: 'expired', chargeCents: 0 });
  });

  it('the time left to answer is the server’s 5 minutes, on a computer whose clock is 3 minutes slow too', async () => {
    const expert = await setUpExpert(platform.http, { availableNow: true });
    const client = await setUpClient(platform.http);
    const expertPage = await signedInPage(browsers[0]!, platform.url, platform.http, expert, 'fr', WATCH_LIVE_ALERTS);
    await expertPage.clock.install({ time: Date.now() - 3 * 60_000 });
    await expertPage.goto(`${platform.url}/espace`);
    await waitForAppReady(expertPage);
    await liveChannelOpen(expertPage);
    const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { mode: 'video' }), client.token);
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const request = expertPage.getByTestId('live-request');
    await request.waitFor({ timeout: 5000 });
    // The device's own clock would give 8 minutes.
    expect(await request.locator('.live-clock').innerText()).to.match(/^Expire dans (5:00|4:[45]\d)$/);
  });
});
