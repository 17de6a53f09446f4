// The mediasoup worker that media/worker/ensure-worker.mjs builds offline
// against Debian's libraries (issue 5, Deliver 1): the source patch it applies,
// and the built worker doing real work, including a DTLS handshake and SRTP
// media with Chromium, which is where Debian's OpenSSL and libsrtp 2 differ
// from what mediasoup ships with.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

import { expect } from 'chai';
import { createWorker, type types } from 'mediasoup';
import type * as MediasoupClient from 'mediasoup-client';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';

import { DTLS_BIO_CALLBACK_BUGGY, DTLS_BIO_CALLBACK_FIXED, fixDtlsBioCallback, relaxMesonVersion } from '../../media/worker/patches.mjs';
import { launchBrowser } from '../support/browser.ts';

// What the page gets from the bundle and from the test (page.exposeFunction).
declare global {
  interface Window {
    mediasoupClient: typeof MediasoupClient;
    connectTransport(transportId: string, dtlsParameters: MediasoupClient.types.DtlsParameters): Promise<void>;
    produce(kind: MediasoupClient.types.MediaKind, rtpParameters: MediasoupClient.types.RtpParameters): Promise<{ id: string }>;
    consume(producerId: string, rtpCapabilities: MediasoupClient.types.RtpCapabilities): Promise<MediasoupClient.types.ConsumerOptions>;
  }
}

const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

const LOOPBACK_IP = '127.0.0.1';
const DTLS_CONNECTED_TIMEOUT_MS = 15_000;
const FIRST_DECODED_FRAME_TIMEOUT_MS = 15_000;
const STATS_POLL_INTERVAL_MS = 100;
const BROWSER_SETUP_TIMEOUT_MS = 120_000;

describe('MEDIA worker build: source patches', () => {
  const dtlsCallback = (expression: string): string =>
    ['inline static long onSslBioOut(BIO* bio, int operationType, int ret)', '{', `\t${expression}`, '\treturn resultOfcallback;', '}'].join('\n');

  it("makes onSslBioOut return OpenSSL's result for every BIO_CB_RETURN call", () => {
    const fixed = fixDtlsBioCallback(dtlsCallback(DTLS_BIO_CALLBACK_BUGGY));

    expect(fixed).to.equal(dtlsCallback(DTLS_BIO_CALLBACK_FIXED));
    expect(fixed).to.contain('(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1');
  });

  it('throws when DtlsTransport.cpp no longer contains the expression it fixes', () => {
    expect(() => fixDtlsBioCallback(dtlsCallback(DTLS_BIO_CALLBACK_FIXED))).to.throw(/onSslBioOut/);
    expect(() => fixDtlsBioCallback('')).to.throw(/found 0/);
  });

  it('throws when the expression appears more than once', () => {
    const twice = dtlsCallback(DTLS_BIO_CALLBACK_BUGGY).repeat(2);

    expect(() => fixDtlsBioCallback(twice)).to.throw(/found 2/);
  });

  it("relaxes meson_version to 1.0 for Debian 12's meson, and throws on any other requirement", () => {
    expect(relaxMesonVersion("project('w',\n  meson_version: '>= 1.1.0',\n)")).to.equal("project('w',\n  meson_version: '>= 1.0.0',\n)");
    expect(() => relaxMesonVersion("meson_version: '>= 1.3.0',")).to.throw(/meson_version/);
  });
});

describe('MEDIA worker build: the installed mediasoup worker', () => {
  let worker: types.Worker;
  let router: types.Router;

  before(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  });

  after(() => {
    worker.close();
  });

  it('starts and creates a router with Opus, VP8 and H264', () => {
    const mimeTypes = (router.rtpCapabilities.codecs ?? []).map((codec) => codec.mimeType);

    expect(mimeTypes).to.include.members(['audio/opus', 'video/VP8', 'video/H264']);
  });

  it('creates a WebRtcTransport listening on 127.0.0.1', async () => {
    const transport = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: LOOPBACK_IP }],
    });

    try {
      expect(transport.iceCandidates.map((candidate) => candidate.address)).to.deep.equal([LOOPBACK_IP]);
    } finally {
      transport.close();
    }
  });

  describe('with headless Chromium', function () {
    this.timeout(BROWSER_SETUP_TIMEOUT_MS);

    let browser: Browser;
    let server: http.Server;
    let page: Page;

    before(async () => {
      const bundle = await bundleMediasoupClient();

      server = http.createServer((request, response) => {
        if (request.url === '/mediasoup-client.js') {
          response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
        } else {
          response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/mediasoup-client.js"></script>');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, LOOPBACK_IP, resolve));

      browser = await launchBrowser();
      page = await browser.newPage();
      // A loopback http origin is a secure context, so getUserMedia exists.
      await page.goto(`http://${LOOPBACK_IP}:${(server.address() as AddressInfo).port}/`);
    });

    after(async () => {
      await browser?.close();
      server?.close();
    });

    it('completes a DTLS handshake and loops SRTP video back to the page, and the worker survives', async () => {
      const listenInfos: types.TransportListenInfo[] = [{ protocol: 'udp', ip: LOOPBACK_IP }];
      const sendTransport = await router.createWebRtcTransport({ listenInfos });
      const recvTransport = await router.createWebRtcTransport({ listenInfos });
      const transports = new Map([sendTransport, recvTransport].map((transport) => [transport.id, transport]));

      await page.exposeFunction('connectTransport', async (transportId: string, dtlsParameters: types.DtlsParameters) => {
        await transports.get(transportId)?.connect({ dtlsParameters });
      });
      await page.exposeFunction('produce', async (kind: types.MediaKind, rtpParameters: types.RtpParameters) => {
        const producer = await sendTransport.produce({ kind, rtpParameters });

        return { id: producer.id };
      });
      await page.exposeFunction('consume', async (producerId: string, rtpCapabilities: types.RtpCapabilities) => {
        const consumer = await recvTransport.consume({ producerId, rtpCapabilities });

        return {
          id: consumer.id,
          producerId,
          kind: consumer.kind,
          rtpParameters: consumer.rtpParameters,
        };
      });

      const dtlsConnected = waitForDtlsConnected(worker, sendTransport);
      const pageResult = page.evaluate(runPage, {
        // mediasoup 3.19 offers header extensions (toffset) that mediasoup-client
        // 3.24's types do not list; the client skips what it does not know.
        routerRtpCapabilities: router.rtpCapabilities as MediasoupClient.types.RtpCapabilities,
        send: transportOptions(sendTransport),
        recv: transportOptions(recvTransport),
        firstFrameTimeoutMs: FIRST_DECODED_FRAME_TIMEOUT_MS,
        pollIntervalMs: STATS_POLL_INTERVAL_MS,
      });
      // Reported by waitForDtlsConnected, which explains the failure better.
      pageResult.catch(() => undefined);

      await dtlsConnected;

      const inbound = await pageResult;

      expect(inbound.framesDecoded, 'video frames decoded by the page from the worker').to.be.above(0);
      expect(recvTransport.dtlsState).to.equal('connected');
      expect(worker.died).to.equal(false);
    });
  });
});

// Bundled like the web client would be: mediasoup-client is written for Node's
// module resolution and needs a bundler to run in a page.
async function bundleMediasoupClient(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: createRequire(import.meta.url).resolve('mediasoup-client'),
        formats: ['iife'],
        name: 'mediasoupClient',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((output) => ('output' in output ? output.output : [])).find((file) => file.type === 'chunk');

  if (!chunk || chunk.type !== 'chunk') {
    throw new Error('vite produced no JavaScript chunk for mediasoup-client');
  }

  return chunk.code;
}

function transportOptions(transport: types.WebRtcTransport): MediasoupClient.types.TransportOptions {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
  };
}

function waitForDtlsConnected(worker: types.Worker, transport: types.WebRtcTransport): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`DTLS still '${transport.dtlsState}' after ${DTLS_CONNECTED_TIMEOUT_MS} ms`)), DTLS_CONNECTED_TIMEOUT_MS);

    worker.once('died', (error) => {
      clearTimeout(timer);
      reject(
        new Error(`the worker died during the DTLS handshake (${error.message}); ` + 'was the DTLS BIO callback fix of media/worker/patches.mjs applied?'),
      );
    });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'connected') {
        clearTimeout(timer);
        resolve();
      } else if (state === 'failed' || state === 'closed') {
        clearTimeout(timer);
        reject(new Error(`DTLS ${state}`));
      }
    });
  });
}

type PageInput = {
  routerRtpCapabilities: MediasoupClient.types.RtpCapabilities;
  send: MediasoupClient.types.TransportOptions;
  recv: MediasoupClient.types.TransportOptions;
  firstFrameTimeoutMs: number;
  pollIntervalMs: number;
};

// Runs in the page: sends the fake camera to the worker and consumes it back.
// Only anonymous callbacks inside, because the function is serialised into the
// page and tsx's name-keeping helpers would not exist there.
async function runPage(input: PageInput): Promise<{ framesDecoded: number }> {
  const device = new window.mediasoupClient.Device();
  await device.load({ routerRtpCapabilities: input.routerRtpCapabilities });

  const sendTransport = device.createSendTransport(input.send);
  const recvTransport = device.createRecvTransport(input.recv);

  for (const transport of [sendTransport, recvTransport]) {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      window.connectTransport(transport.id, dtlsParameters).then(callback, errback);
    });
  }
  sendTransport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    window.produce(kind, rtpParameters).then(callback, errback);
  });

  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  const track = stream.getVideoTracks()[0];

  if (!track) {
    throw new Error('the fake camera produced no video track');
  }

  const producer = await sendTransport.produce({ track });
  const consumer = await recvTransport.consume(await window.consume(producer.id, device.rtpCapabilities));
  const deadlineMs = Date.now() + input.firstFrameTimeoutMs;

  while (Date.now() < deadlineMs) {
    for (const report of (await consumer.getStats()).values()) {
      if (report.type === 'inbound-rtp' && report.framesDecoded > 0) {
        return { framesDecoded: report.framesDecoded };
      }
    }

    await new Promise((resolve) => setTimeout(resolve, input.pollIntervalMs));
  }

  return { framesDecoded: 0 };
}
