/**
 * MEDIA-5, the connection test of the device check: a real WebRTC connection to the SFU through
 * the same ports as a call (ICE + DTLS), a short video sent and received back, and a verdict
 * good / weak / blocked with the figures and what to do. The SFU gives the probe a router of its
 * own: nobody joins the room and nothing is billed.
 */
import { Device, type types } from 'mediasoup-client';
import { SignalingSocket, grantOf, type JoinGrant } from './signaling.ts';

/** Past this without ICE + DTLS, the network blocks the media ports. */
export const PROBE_CONNECT_TIMEOUT_MS = 8000;
/** How long video is sent to measure what comes through. */
export const PROBE_BITRATE_MS = 2500;
/** A 1:1 call needs about this much each way for a clear picture. */
export const WEAK_BITRATE_KBPS = 300;
/** Above this round trip, people talk over each other. */
export const WEAK_ROUND_TRIP_MS = 300;
/** What the probe tries to send: a call's bitrate ceiling. */
const PROBE_MAX_BITRATE_BPS = 1_500_000;
/** The generated picture: small, and noisy so the encoder really uses the bitrate it is given. */
const PROBE_CANVAS_WIDTH = 320;
const PROBE_CANVAS_HEIGHT = 180;
const PROBE_FRAME_RATE = 30;

export type ConnectionVerdict = 'good' | 'weak' | 'blocked';
/** What the page tells the person to do, as a stable code it words. */
export type ConnectionAdvice = 'none' | 'open_media_ports' | 'better_network' | 'retry_later';

export interface ConnectionFigures {
  /** From sending the first packet to ICE + DTLS connected. */
  connectMs: number | undefined;
  roundTripMs: number | undefined;
  /** What reached the SFU, as the SFU counted it. */
  uploadKbps: number | undefined;
  /** What came back from the SFU, as this browser counted it. */
  downloadKbps: number | undefined;
  /** Frames of the returned video this browser decoded. */
  framesDecoded: number;
  /** UDP is what calls want; TCP works, less well. */
  protocol: 'udp' | 'tcp' | undefined;
}

export interface ConnectionTestResult extends ConnectionFigures {
  verdict: ConnectionVerdict;
  advice: ConnectionAdvice;
  /** Why it is blocked, when it is: the SFU could not be reached at all, or the media ports. */
  blockedBy?: 'signaling' | 'media_ports';
}

export interface ConnectionTestOptions {
  /** A join token with purpose `probe` (or `join`): `POST /api/consultations/:id/join-token {purpose: 'probe'}`. */
  joinToken: () => Promise<string | JoinGrant>;
  baseUrl?: string;
  /** A video track to send (the camera preview); a generated one otherwise. */
  track?: MediaStreamTrack;
  connectTimeoutMs?: number;
  probeMs?: number;
  /** The person entered the room meanwhile: the probe stops sending at once (the result is then not a measure). */
  signal?: AbortSignal;
}

/** The verdict from the figures: a leaf function, so the thresholds are tested alone. */
export function connectionVerdict(
  figures: ConnectionFigures & { connected: boolean; signalingReached: boolean },
): Pick<ConnectionTestResult, 'verdict' | 'advice' | 'blockedBy'> {
  if (!figures.signalingReached) return { verdict: 'blocked', advice: 'retry_later', blockedBy: 'signaling' };
  if (!figures.connected) return { verdict: 'blocked', advice: 'open_media_ports', blockedBy: 'media_ports' };
  const weak =
    figures.framesDecoded === 0 ||
    (figures.roundTripMs ?? 0) > WEAK_ROUND_TRIP_MS ||
    (figures.uploadKbps ?? 0) < WEAK_BITRATE_KBPS ||
    (figures.downloadKbps ?? 0) < WEAK_BITRATE_KBPS;
  return weak ? { verdict: 'weak', advice: 'better_network' } : { verdict: 'good', advice: 'none' };
}

/** Runs the test; it never throws for a network problem, it says `blocked`. */
export async function testConnection(options: ConnectionTestOptions): Promise<ConnectionTestResult> {
  const connectTimeoutMs = options.connectTimeoutMs ?? PROBE_CONNECT_TIMEOUT_MS;
  const probeMs = options.probeMs ?? PROBE_BITRATE_MS;
  const empty: ConnectionFigures = {
    connectMs: undefined,
    roundTripMs: undefined,
    uploadKbps: undefined,
    downloadKbps: undefined,
    framesDecoded: 0,
    protocol: undefined,
  };
  let socket: SignalingSocket;
  let probe;
  try {
    const { token, signalingUrl } = grantOf(await options.joinToken());
    socket = await SignalingSocket.open(signalingUrl ?? options.baseUrl ?? location.href);
    probe = await socket.request('probe', { token });
  } catch {
    return { ...empty, ...connectionVerdict({ ...empty, connected: false, signalingReached: false }) };
  }
  const generated = options.track ? undefined : generatedVideo();
  const track = options.track ?? generated!.track;
  const transports: types.Transport[] = [];
  try {
    const device = new Device();
    await device.load({ routerRtpCapabilities: probe.routerRtpCapabilities });
    const send = device.createSendTransport(probe.sendTransport);
    const recv = device.createRecvTransport(probe.recvTransport);
    transports.push(send, recv);
    for (const transport of transports) {
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        socket.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
    }
    send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      socket
        .request('produce', { transportId: send.id, kind, source: 'camera', rtpParameters })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    // The probe's own video comes back on the receive transport: the download half.
    socket.onNotification(async (notification) => {
      if (notification.type !== 'newConsumer') return;
      const consumer = await recv.consume({
        id: notification.consumerId,
        producerId: notification.producerId,
        kind: notification.kind,
        rtpParameters: notification.rtpParameters,
      });
      await socket.request('resumeConsumer', { consumerId: consumer.id });
    });
    await socket.request('ready', { rtpCapabilities: device.rtpCapabilities });
    const startedAtMs = performance.now();
    const connected = waitForState(send, 'connected', connectTimeoutMs);
    // `produce` resolves once the SFU has the producer, which needs DTLS: not awaited before the timeout.
    void send.produce({ track, stopTracks: false, encodings: [{ maxBitrate: PROBE_MAX_BITRATE_BPS }] }).catch(() => undefined);
    if (!(await connected)) return { ...empty, ...connectionVerdict({ ...empty, connected: false, signalingReached: true }) };
    const connectMs = Math.round(performance.now() - startedAtMs);
    const measuredFromMs = performance.now();
    await pause(probeMs, options.signal);
    const seconds = (performance.now() - measuredFromMs) / 1000;
    const server = await socket.request('probeResult', {});
    const sent = await readSendStats(send);
    const received = await readReceiveStats(recv);
    const figures: ConnectionFigures = {
      connectMs,
      roundTripMs: sent.roundTripMs,
      uploadKbps: Math.round((server.rtpBytesReceived * 8) / seconds / 1000),
      downloadKbps: Math.round((received.bytes * 8) / seconds / 1000),
      framesDecoded: received.framesDecoded,
      protocol: sent.protocol,
    };
    return { ...figures, ...connectionVerdict({ ...figures, connected: true, signalingReached: true }) };
  } catch {
    return { ...empty, ...connectionVerdict({ ...empty, connected: false, signalingReached: true }) };
  } finally {
    await socket.request('leave', {}).catch(() => undefined);
    for (const transport of transports) transport.close();
    socket.close();
    generated?.stop();
  }
}

/** Waits, or less when the signal aborts. */
function pause(durationMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = window.setTimeout(resolve, durationMs);
    signal?.addEventListener(
      'abort',
      () => {
        window.clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function waitForState(transport: types.Transport, state: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => finish(false), timeoutMs);
    const onChange = (next: string) => {
      if (next === state) finish(true);
      if (next === 'failed') finish(false);
    };
    const finish = (result: boolean) => {
      window.clearTimeout(timer);
      transport.off('connectionstatechange', onChange);
      resolve(result);
    };
    transport.on('connectionstatechange', onChange);
  });
}

async function readSendStats(transport: types.Transport): Promise<{ roundTripMs: number | undefined; protocol: 'udp' | 'tcp' | undefined }> {
  const report = await transport.getStats();
  let pair: { currentRoundTripTime?: number; localCandidateId?: string } | undefined;
  const candidates = new Map<string, { protocol?: string }>();
  report.forEach(
    (entry: { type: string; id: string; state?: string; nominated?: boolean; currentRoundTripTime?: number; localCandidateId?: string; protocol?: string }) => {
      if (entry.type === 'candidate-pair' && entry.state === 'succeeded' && (entry.nominated || !pair)) pair = entry;
      if (entry.type === 'local-candidate') candidates.set(entry.id, entry);
    },
  );
  const protocol = pair?.localCandidateId ? candidates.get(pair.localCandidateId)?.protocol : undefined;
  return {
    roundTripMs: pair?.currentRoundTripTime !== undefined ? Math.round(pair.currentRoundTripTime * 1000) : undefined,
    protocol: protocol === 'udp' || protocol === 'tcp' ? protocol : undefined,
  };
}

async function readReceiveStats(transport: types.Transport): Promise<{ bytes: number; framesDecoded: number }> {
  const report = await transport.getStats();
  let bytes = 0;
  let framesDecoded = 0;
  report.forEach((entry: { type: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
    if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') return;
    bytes += entry.bytesReceived ?? 0;
    framesDecoded += entry.framesDecoded ?? 0;
  });
  return { bytes, framesDecoded };
}

/** A moving, noisy picture: the encoder cannot squeeze it, so the bitrate test measures the network. */
function generatedVideo(): { track: MediaStreamTrack; stop(): void } {
  const canvas = document.createElement('canvas');
  canvas.width = PROBE_CANVAS_WIDTH;
  canvas.height = PROBE_CANVAS_HEIGHT;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(PROBE_CANVAS_WIDTH, PROBE_CANVAS_HEIGHT);
  const timer = window.setInterval(() => {
    for (let index = 0; index < image.data.length; index += 4) {
      const value = Math.random() * 255;
      image.data[index] = value;
      image.data[index + 1] = value;
      image.data[index + 2] = value;
      image.data[index + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, 1000 / PROBE_FRAME_RATE);
  const track = canvas.captureStream(PROBE_FRAME_RATE).getVideoTracks()[0]!;
  return {
    track,
    stop: () => {
      window.clearInterval(timer);
      track.stop();
    },
  };
}
