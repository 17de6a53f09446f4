import type { types } from 'mediasoup';
import { AppError, conflict } from '../server/platform/errors.ts';
import { MEDIA_CODECS } from './sfu/codecs.ts';
import { peerTransportOptions } from './sfu/peer.ts';
import { SOURCE_KIND, type Requests } from './signaling/messages.ts';
import { transportOptions, type Participant } from './session.ts';

/** MEDIA-5: a device check lasts a few seconds; the SFU gives it at most this long. */
export const PROBE_MAX_SECONDS = 30;

/**
 * MEDIA-5: the connection test of the device check. A router of its own on a pooled worker (never
 * the consultation's room: the prober is not a participant and nothing is billed), one send and one
 * receive transport through the same ports as a call, and the probe's own media sent back to it,
 * so the browser measures ICE + DTLS, the round trip and what comes through both ways.
 */
export class ProbeSession {
  readonly router: types.Router;
  readonly sendTransport: types.WebRtcTransport;
  readonly recvTransport: types.WebRtcTransport;
  readonly #participant: Participant;
  readonly #producers = new Map<string, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #timer: NodeJS.Timeout;
  readonly #onClose: () => void;
  #rtpCapabilities: types.RtpCapabilities | undefined;
  #closed = false;

  private constructor(options: {
    router: types.Router;
    sendTransport: types.WebRtcTransport;
    recvTransport: types.WebRtcTransport;
    participant: Participant;
    onClose: () => void;
  }) {
    this.router = options.router;
    this.sendTransport = options.sendTransport;
    this.recvTransport = options.recvTransport;
    this.#participant = options.participant;
    this.#onClose = options.onClose;
    this.#timer = setTimeout(() => this.close(), PROBE_MAX_SECONDS * 1000);
    this.#timer.unref();
    this.router.observer.once('close', () => this.close());
  }

  static async open(options: {
    worker: types.Worker;
    listenInfos: types.TransportListenInfo[];
    participant: Participant;
    onClose: () => void;
  }): Promise<ProbeSession> {
    const router = await options.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { probe: true } });
    try {
      const sendTransport = await router.createWebRtcTransport(peerTransportOptions(options.listenInfos, 'probe'));
      const recvTransport = await router.createWebRtcTransport(peerTransportOptions(options.listenInfos, 'probe'));
      return new ProbeSession({ router, sendTransport, recvTransport, participant: options.participant, onClose: options.onClose });
    } catch (error) {
      router.close();
      options.onClose();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  response(): Requests['probe']['response'] {
    return {
      routerRtpCapabilities: this.router.rtpCapabilities as Requests['probe']['response']['routerRtpCapabilities'],
      sendTransport: transportOptions(this.sendTransport),
      recvTransport: transportOptions(this.recvTransport),
      maxSeconds: PROBE_MAX_SECONDS,
    };
  }

  ready(request: Requests['ready']['request']): Requests['ready']['response'] {
    this.#assertOpen();
    this.#rtpCapabilities = request.rtpCapabilities as types.RtpCapabilities;
    return {};
  }

  async connectTransport(request: Requests['connectTransport']['request']): Promise<Requests['connectTransport']['response']> {
    this.#assertOpen();
    await this.#transport(request.transportId).connect({ dtlsParameters: request.dtlsParameters });
    return {};
  }

  /** The probe's media, sent straight back to it on its receive transport. */
  async produce(request: Requests['produce']['request']): Promise<Requests['produce']['response']> {
    this.#assertOpen();
    if (this.#transport(request.transportId) !== this.sendTransport) throw conflict('wrong_transport', 'Media is sent on the send transport.');
    if (SOURCE_KIND[request.source] !== request.kind) throw conflict('wrong_kind', `A ${request.source} sends ${SOURCE_KIND[request.source]}.`);
    if (this.#producers.size >= 2) throw conflict('already_producing', 'A probe sends at most one audio and one video track.');
    const producer = await this.sendTransport.produce({
      kind: request.kind,
      rtpParameters: request.rtpParameters as types.RtpParameters,
      appData: { source: request.source },
    });
    this.#producers.set(producer.id, producer);
    const rtpCapabilities = this.#rtpCapabilities;
    if (rtpCapabilities && this.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      const consumer = await this.recvTransport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
      this.#consumers.set(consumer.id, consumer);
      this.#participant.notify({
        type: 'newConsumer',
        consumerId: consumer.id,
        producerId: producer.id,
        kind: consumer.kind,
        source: request.source,
        rtpParameters: consumer.rtpParameters as never,
        paused: false,
      });
    }
    return { producerId: producer.id };
  }

  async resumeConsumer(request: Requests['resumeConsumer']['request']): Promise<Requests['resumeConsumer']['response']> {
    this.#assertOpen();
    const consumer = this.#consumers.get(request.consumerId);
    if (!consumer) throw conflict('unknown_consumer', 'No such consumer of yours.');
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
    return {};
  }

  /** What reached the SFU: the upload half of the bitrate test. */
  async result(): Promise<Requests['probeResult']['response']> {
    this.#assertOpen();
    const [stats] = await this.sendTransport.getStats();
    return {
      rtpBytesReceived: stats?.rtpBytesReceived ?? 0,
      receivedBitrateBps: stats?.rtpRecvBitrate ?? 0,
      iceState: this.sendTransport.iceState,
      dtlsState: this.sendTransport.dtlsState,
    };
  }

  /** Idempotent: the router takes the transports, producers and consumers with it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.router.close();
    this.#participant.close();
    this.#onClose();
  }

  #assertOpen(): void {
    if (this.#closed) throw conflict('probe_over', 'This connection test is over.');
  }

  #transport(transportId: string): types.WebRtcTransport {
    if (transportId === this.sendTransport.id) return this.sendTransport;
    if (transportId === this.recvTransport.id) return this.recvTransport;
    throw new AppError(403, 'not_your_transport', 'This transport is not yours.');
  }
}
