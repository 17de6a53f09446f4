import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { bookingBody, tokenOf } from '../support/bookings.ts';
import { connectionVerdict, type ConnectionTestResult } from '../../client/src/media/device-check.ts';
import { SignalingClient, immediateVideoConsultation, joinToken, waitFor } from './support.ts';
import { startVideoPlatform, type VideoPlatform } from './video-platform.ts';
import { bundleClientModule, pageWithModule } from './browser-module.ts';

const HOUR_MS = 3_600_000;
/** TEST-NET-1 (RFC 5737): an address no packet reaches, as behind a firewall that drops the media ports. */
const UNREACHABLE_ADDRESS = '192.0.2.1';

async function probeToken(platform: VideoPlatform, consultationId: string, accessToken: string): Promise<string> {
  const response = await platform.http.post(`/api/consultations/${consultationId}/join-token`, { purpose: 'probe' }, accessToken);
  if (response.status !== 200) throw new Error(`probe token refused: ${JSON.stringify(response.body)}`);
  return response.body.token as string;
}

/** The page runs the bundled module with the token (an expression: the test's own code is not shipped to the page). */
function runConnectionTest(page: Page, token: string, baseUrl: string, connectTimeoutMs?: number): Promise<ConnectionTestResult> {
  const options = `{ joinToken: () => Promise.resolve(${JSON.stringify(token)}), baseUrl: ${JSON.stringify(baseUrl)}${connectTimeoutMs ? `, connectTimeoutMs: ${connectTimeoutMs}` : ''} }`;
  return page.evaluate<ConnectionTestResult>(`window.consultoDeviceCheck.testConnection(${options})`);
}

describe('MEDIA-5 device check: the connection test to the SFU', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchBrowser();
    // One page for every test: closing a context can take the packaged single-process Chromium down.
    page = await pageWithModule(browser, await bundleClientModule('client/src/media/device-check.ts', 'consultoDeviceCheck'));
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
  });

  it('the device helpers: the device list, and the microphone level moves with the (fake) microphone', async () => {
    const helpers = await pageWithModule(browser, await bundleClientModule('client/src/media/devices.ts', 'consultoDevices'));
    const result = await helpers.evaluate<{ microphones: number; cameras: number; tracks: string[]; levels: number[] }>(`(async () => {
      const devices = window.consultoDevices;
      const stream = await devices.openCameraAndMicrophone();
      const list = await devices.listDevices();
      const levels = [];
      const meter = await devices.MicrophoneLevel.start(stream, (level) => levels.push(level));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      meter.stop();
      for (const track of stream.getTracks()) track.stop();
      return { microphones: list.microphones.length, cameras: list.cameras.length, tracks: stream.getTracks().map((track) => track.kind).sort(), levels };
    })()`);
    expect(result.microphones).to.be.at.least(1);
    expect(result.cameras).to.be.at.least(1);
    expect(result.tracks).to.deep.equal(['audio', 'video']);
    expect(result.levels.length).to.be.at.least(5);
    expect(Math.max(...result.levels))
      .to.be.above(0)
      .and.at.most(1);
  });

  it('the verdict from the figures: blocked without a connection, weak below the thresholds, good otherwise', () => {
    const fine = {
      connectMs: 80,
      roundTripMs: 20,
      uploadKbps: 900,
      downloadKbps: 900,
      framesDecoded: 40,
      protocol: 'udp' as const,
      connected: true,
      signalingReached: true,
    };
    expect(connectionVerdict(fine)).to.deep.equal({ verdict: 'good', advice: 'none' });
    expect(connectionVerdict({ ...fine, roundTripMs: 450 }).verdict).to.equal('weak');
    expect(connectionVerdict({ ...fine, uploadKbps: 120 }).verdict).to.equal('weak');
    expect(connectionVerdict({ ...fine, framesDecoded: 0 }).verdict).to.equal('weak');
    expect(connectionVerdict({ ...fine, connected: false })).to.deep.equal({ verdict: 'blocked', advice: 'open_media_ports', blockedBy: 'media_ports' });
    expect(connectionVerdict({ ...fine, signalingReached: false })).to.deep.include({ verdict: 'blocked', blockedBy: 'signaling' });
  });

  describe('on loopback', () => {
    let platform: VideoPlatform;
    before(async () => {
      platform = await startVideoPlatform();
    });
    after(async () => {
      await platform?.close();
    });

    it('good in Chromium, with the figures; the prober never enters the room and nothing is billed', async () => {
      const { client, consultationId } = await immediateVideoConsultation(platform.http);
      const result = await runConnectionTest(page, await probeToken(platform, consultationId, client.token), platform.url);
      expect(result, JSON.stringify(result)).to.include({ verdict: 'good', advice: 'none', protocol: 'udp' });
      expect(result.connectMs).to.be.above(0);
      expect(result.roundTripMs).to.be.a('number').and.below(300);
      expect(result.uploadKbps).to.be.at.least(300);
      expect(result.downloadKbps).to.be.at.least(300);
      expect(result.framesDecoded).to.be.above(0);
      expect(platform.media.room(consultationId)).to.equal(undefined);
      const view = await platform.http.get(`/api/consultations/${consultationId}`, client.token);
      expect(view.body).to.include({ status: 'requested', connectedSeconds: 0 });
      await waitFor(() => platform.media.probeCount === 0, 5000, 'probe closed');
    });

    it('a probe token is given before an appointment starts, to its parties only, and never opens the room', async () => {
      const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
      const startAt = new Date(Math.ceil((platform.time.now().getTime() + 3 * HOUR_MS) / HOUR_MS) * HOUR_MS);
      await platform.http.post(`/api/consultations/${consultationId}/cancel`, undefined, client.token);
      const booked = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: startAt.toISOString(), budgetCents: 600 }),
        client.token,
      );
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      const early = await platform.http.post(`/api/consultations/${booked.body.id}/join-token`, undefined, client.token);
      expect(early.body.error.code).to.equal('not_started');
      const probe = await platform.http.post(`/api/consultations/${booked.body.id}/join-token`, { purpose: 'probe' }, client.token);
      expect(probe.status).to.equal(200);
      expect(probe.body).to.include({ purpose: 'probe', party: 'client' });
      const bad = await platform.http.post(`/api/consultations/${booked.body.id}/join-token`, { purpose: 'spy' }, client.token);
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('invalid_request');
      const stranger = await platform.http.post(
        `/api/consultations/${booked.body.id}/join-token`,
        { purpose: 'probe' },
        (await immediateVideoConsultation(platform.http)).client.token,
      );
      expect(stranger.status).to.equal(404);
      // A probe token does not open the room; a probe socket cannot act as a participant.
      const socket = await SignalingClient.connect(platform.url);
      const refused = await socket.request('join', { token: probe.body.token }).catch((failure: { code: string }) => failure);
      expect(refused).to.have.property('code', 'invalid_join_token');
      socket.close();
      const prober = await SignalingClient.connect(platform.url);
      await prober.request('probe', { token: probe.body.token });
      const notInProbe = await prober.request('mediaReceived', {}).catch((failure: { code: string }) => failure);
      expect(notInProbe).to.have.property('code', 'not_in_probe');
      prober.close();
      expect(platform.media.room(booked.body.id)).to.equal(undefined);
      // A join token opens a probe too (the room's own page may test its connection).
      const liveJoin = await immediateVideoConsultation(platform.http);
      const other = await SignalingClient.connect(platform.url);
      const opened = await other.request('probe', {
        token: await joinToken(platform.http, liveJoin.consultationId, await tokenOf(platform.http, liveJoin.client)),
      });
      expect(opened.maxSeconds).to.be.above(0);
      other.close();
      await waitFor(() => platform.media.probeCount === 0, 5000, 'probes closed');
    });
  });

  describe('behind a network that drops the media ports', () => {
    let platform: VideoPlatform;
    before(async () => {
      platform = await startVideoPlatform({ MEDIASOUP_ANNOUNCED_IP: UNREACHABLE_ADDRESS });
    });
    after(async () => {
      await platform?.close();
    });

    it('blocked when ICE + DTLS never connect within the timeout', async () => {
      const { client, consultationId } = await immediateVideoConsultation(platform.http);
      const result = await runConnectionTest(page, await probeToken(platform, consultationId, client.token), platform.url, 3000);
      expect(result).to.include({ verdict: 'blocked', advice: 'open_media_ports', blockedBy: 'media_ports', framesDecoded: 0 });
    });
  });
});
