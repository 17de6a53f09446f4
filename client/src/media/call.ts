/**
 * The browser side of a video consultation (MEDIA-1, MEDIA-3): one WebSocket to the SFU, a
 * mediasoup-client Device, one send and one receive transport, the camera and microphone
 * producers, the other party's consumers and the chat DataChannel. It speaks only the
 * messages of media/signaling/messages.ts, the catalogue the server compiles against too.
 * Elapsed time and cost come from the server's `meter` notifications; nothing is computed here.
 */
import { Device, type types } from 'mediasoup-client';
import {
  CHAT_LABEL,
  CHAT_MAX_MESSAGE_CHARS,
  SIGNALING_PATH,
  assertUnreachable,
  type Method,
  type Notification,
  type Party,
  type Requests,
  type ServerMessage,
} from '../../../media/signaling/messages.ts';

/** A request that gets no answer by then failed: the page says so instead of hanging. */
const REQUEST_TIMEOUT_MS = 15_000;
/** How often connection quality is sampled from getStats. */
const QUALITY_INTERVAL_MS = 2000;

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

export interface CallEvents {
  remoteTrack: MediaStreamTrack;
  remoteTrackEnded: string;
  remotePaused: { kind: 'audio' | 'video'; paused: boolean };
  peer: { party: Party; present: boolean };
  meter: Extract<Notification, { type: 'meter' }>;
  warning: { secondsLeft: number; atStart: boolean };
  ended: Extract<Notification, { type: 'ended' }>;
  settled: Extract<Notification, { type: 'settled' }>;
  chat: { from: 'me' | 'other'; text: string };
  quality: Quality;
  replaced: undefined;
  /** The socket closed without an end: the page may rejoin (BILL-4 grace period). */
  lost: undefined;
}

type Listener<K extends keyof CallEvents> = (value: CallEvents[K]) => void;

export interface InboundStats {
  audioBytes: number;
  videoBytes: number;
  framesDecoded: number;
}

export class CallSession {
  #party: Party = 'client';
  #consultationId = '';
  #pricing: 'free_rate' | 'package' = 'free_rate';
  readonly #ws: WebSocket;
  readonly #device: Device;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: number }>();
  readonly #listeners = new Map<keyof CallEvents, Set<(value: never) => void>>();
  readonly #consumers = new Map<string, types.Consumer>();
  #sendTransport!: types.Transport;
  #recvTransport!: types.Transport;
  readonly #producers = new Map<'audio' | 'video', types.Producer>();
  #chat: types.DataProducer | undefined;
  #nextId = 1;
  #notifications: Promise<void> = Promise.resolve();
  #qualityTimer: number | undefined;
  #over = false;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#device = new Device();
  }

  /** Connects, joins with the token, loads the device and sets up both transports. */
  static async start(options: { joinToken: string; baseUrl?: string }): Promise<{ session: CallSession; otherPartyPresent: boolean }> {
    const base = new URL(options.baseUrl ?? location.href);
    const ws = new WebSocket(`${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${SIGNALING_PATH}`);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error('signaling unreachable')), { once: true });
    });
    const session = new CallSession(ws);
    // Listening before joining: a notification that overtakes the answer is handled, not mistaken for it.
    session.#listen();
    try {
      const joined = await session.request('join', { token: options.joinToken });
      session.#party = joined.party;
      session.#consultationId = joined.consultationId;
      session.#pricing = joined.pricing;
      await session.#device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
      session.#createTransports(joined);
      await session.request('ready', { rtpCapabilities: session.#device.rtpCapabilities });
      return { session, otherPartyPresent: joined.otherPartyPresent };
    } catch (error) {
      session.close();
      throw error;
    }
  }

  get party(): Party {
    return this.#party;
  }

  get consultationId(): string {
    return this.#consultationId;
  }

  get pricing(): 'free_rate' | 'package' {
    return this.#pricing;
  }

  on<K extends keyof CallEvents>(event: K, listener: Listener<K>): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
  }

  request<M extends Method>(method: M, data: Requests[M]['request']): Promise<Requests[M]['response']> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ kind: 'request', id, method, data }));
    });
  }

  /** Sends the camera and microphone; VP8 unless this browser cannot, then H.264 (MEDIA-1). */
  async publish(stream: MediaStream): Promise<void> {
    const audio = stream.getAudioTracks()[0];
    const video = stream.getVideoTracks()[0];
    if (audio) this.#producers.set('audio', await this.#sendTransport.produce({ track: audio, codecOptions: { opusDtx: true, opusFec: true } }));
    if (video) {
      const codecs = this.#device.rtpCapabilities.codecs ?? [];
      const codec = codecs.find((candidate) => candidate.mimeType.toLowerCase() === 'video/vp8') ?? codecs.find((candidate) => candidate.mimeType.toLowerCase() === 'video/h264');
      this.#producers.set('video', await this.#sendTransport.produce({ track: video, codec }));
    }
    this.#chat = await this.#sendTransport.produceData({ ordered: true, label: CHAT_LABEL, protocol: 'text' });
  }

  /** Device selection: the new track replaces the old one without renegotiation. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    await this.#producers.get(kind)?.replaceTrack({ track });
  }

  /** Mute / camera off: pausing the producer also stops the SFU forwarding it. */
  async setPaused(kind: 'audio' | 'video', paused: boolean): Promise<void> {
    const producer = this.#producers.get(kind);
    if (!producer) return;
    if (paused) producer.pause();
    else producer.resume();
    await this.request('setProducerPaused', { producerId: producer.id, paused });
  }

  sendChat(text: string): boolean {
    const line = text.trim().slice(0, CHAT_MAX_MESSAGE_CHARS);
    if (!line || !this.#chat || this.#chat.readyState !== 'open') return false;
    this.#chat.send(line);
    this.#emit('chat', { from: 'me', text: line });
    return true;
  }

  /** BILL-4: either party can end it at any time. */
  async leave(): Promise<void> {
    await this.request('leave', {});
  }

  /** What the tests and the quality indicator read: inbound bytes and decoded frames of the other's media. */
  async inboundStats(): Promise<InboundStats> {
    const result: InboundStats = { audioBytes: 0, videoBytes: 0, framesDecoded: 0 };
    for (const consumer of this.#consumers.values()) {
      const report = await consumer.getStats();
      report.forEach((entry: { type: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
        if (entry.type !== 'inbound-rtp') return;
        if (entry.kind === 'audio') result.audioBytes += entry.bytesReceived ?? 0;
        if (entry.kind === 'video') {
          result.videoBytes += entry.bytesReceived ?? 0;
          result.framesDecoded += entry.framesDecoded ?? 0;
        }
      });
    }
    return result;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    window.clearInterval(this.#qualityTimer);
    for (const pending of this.#pending.values()) window.clearTimeout(pending.timer);
    this.#pending.clear();
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#ws.close();
  }

  #emit<K extends keyof CallEvents>(event: K, value: CallEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as Listener<K>)(value);
  }

  #listen(): void {
    this.#ws.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as ServerMessage;
      if (message.kind === 'response') {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        window.clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.data);
        else pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
        return;
      }
      // In order: a consumer is set up before its pause state or its closing is applied.
      this.#notifications = this.#notifications.then(() => this.#onNotification(message.notification)).catch((error: unknown) => console.error(error));
    });
    this.#ws.addEventListener('close', () => {
      const wasOpen = !this.#closed;
      this.close();
      if (wasOpen && !this.#over) this.#emit('lost', undefined);
    });
    this.#qualityTimer = window.setInterval(() => void this.#sampleQuality(), QUALITY_INTERVAL_MS);
  }

  #createTransports(joined: Requests['join']['response']): void {
    this.#sendTransport = this.#device.createSendTransport(joined.sendTransport);
    this.#recvTransport = this.#device.createRecvTransport(joined.recvTransport);
    for (const transport of [this.#sendTransport, this.#recvTransport]) {
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        this.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
    }
    this.#sendTransport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      this.request('produce', { transportId: this.#sendTransport.id, kind, rtpParameters }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
    this.#sendTransport.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
      this.request('produceData', { transportId: this.#sendTransport.id, sctpStreamParameters, label: label ?? '', protocol: protocol ?? '' }).then(
        ({ dataProducerId }) => callback({ id: dataProducerId }),
        errback,
      );
    });
  }

  async #onNotification(notification: Notification): Promise<void> {
    switch (notification.type) {
      case 'newConsumer': {
        const consumer = await this.#recvTransport.consume({
          id: notification.consumerId,
          producerId: notification.producerId,
          kind: notification.kind,
          rtpParameters: notification.rtpParameters,
        });
        this.#consumers.set(consumer.id, consumer);
        this.#emit('remoteTrack', consumer.track);
        await this.request('resumeConsumer', { consumerId: consumer.id });
        if (notification.paused) this.#emit('remotePaused', { kind: notification.kind, paused: true });
        return;
      }
      case 'newDataConsumer': {
        const dataConsumer = await this.#recvTransport.consumeData({
          id: notification.dataConsumerId,
          dataProducerId: notification.dataProducerId,
          sctpStreamParameters: notification.sctpStreamParameters,
          label: notification.label,
          protocol: notification.protocol,
        });
        dataConsumer.on('message', (data) => {
          if (typeof data === 'string') this.#emit('chat', { from: 'other', text: data.slice(0, CHAT_MAX_MESSAGE_CHARS) });
        });
        return;
      }
      case 'consumerClosed': {
        const consumer = this.#consumers.get(notification.consumerId);
        this.#consumers.delete(notification.consumerId);
        consumer?.close();
        if (consumer) this.#emit('remoteTrackEnded', consumer.track.id);
        return;
      }
      case 'consumerPaused': {
        const consumer = this.#consumers.get(notification.consumerId);
        if (consumer) this.#emit('remotePaused', { kind: consumer.kind, paused: notification.paused });
        return;
      }
      case 'peerJoined':
        this.#emit('peer', { party: notification.party, present: true });
        return;
      case 'peerLeft':
        this.#emit('peer', { party: notification.party, present: false });
        return;
      case 'meter':
        this.#emit('meter', notification);
        return;
      case 'budgetWarning':
        this.#emit('warning', { secondsLeft: notification.secondsLeft, atStart: notification.atStart });
        return;
      case 'ended':
        this.#over = true;
        this.#emit('ended', notification);
        return;
      case 'settled':
        this.#over = true;
        this.#emit('settled', notification);
        return;
      case 'replaced':
        this.#over = true;
        this.#emit('replaced', undefined);
        return;
      default:
        assertUnreachable(notification);
    }
  }

  /** Loss and round-trip time of what this browser receives and sends, as three levels. */
  async #sampleQuality(): Promise<void> {
    if (this.#closed) return;
    let lost = 0;
    let received = 0;
    let rttSeconds: number | undefined;
    try {
      for (const transport of [this.#recvTransport, this.#sendTransport]) {
        const report = await transport.getStats();
        report.forEach((entry: { type: string; packetsLost?: number; packetsReceived?: number; currentRoundTripTime?: number; state?: string; nominated?: boolean }) => {
          if (entry.type === 'inbound-rtp') {
            lost += Math.max(0, entry.packetsLost ?? 0);
            received += entry.packetsReceived ?? 0;
          }
          if (entry.type === 'candidate-pair' && entry.nominated && entry.currentRoundTripTime !== undefined) rttSeconds = entry.currentRoundTripTime;
        });
      }
    } catch {
      return;
    }
    const lossRatio = received + lost > 0 ? lost / (received + lost) : 0;
    const quality: Quality =
      rttSeconds === undefined && received === 0 ? 'unknown' : lossRatio > 0.08 || (rttSeconds ?? 0) > 0.6 ? 'poor' : lossRatio > 0.02 || (rttSeconds ?? 0) > 0.3 ? 'fair' : 'good';
    this.#emit('quality', quality);
  }
}
