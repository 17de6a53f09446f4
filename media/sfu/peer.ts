import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaSource, Party } from '../signaling/messages.ts';
import { INITIAL_OUTGOING_BITRATE_BPS, MAX_INCOMING_BITRATE_BPS, NUM_SCTP_STREAMS } from './codecs.ts';
import { NO_FLOW, flowVerdict, recordFlowSample, type FlowTrack } from './media-flow.ts';

export type PeerEvents = {
  /** BILL-4: the party's media started or stopped flowing both ways; `atMs` is when it did. */
  presence: [connected: boolean, atMs: number];
  closed: [];
};

/**
 * One party in a room. It owns its two WebRTC transports (MEDIA-1: one send, one receive) and,
 * through them, its producers, consumers and data channels; closing the peer closes them all.
 *
 * Presence, what the meter bills (BILL-4), is a fact about the media, not the socket nor only the
 * transports: both transports have ICE and DTLS connected, the SFU receives the party's media and
 * the party's browser receives the other's (media-flow.ts reads it from the RTP counters).
 */
export class Peer extends EventEmitter<PeerEvents> {
  readonly party: Party;
  readonly userId: string;
  readonly sendTransport: types.WebRtcTransport;
  readonly recvTransport: types.WebRtcTransport;
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataProducers = new Map<string, types.DataProducer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();
  #rtpCapabilities: types.RtpCapabilities | undefined;
  readonly #ice = new Map<string, types.IceState>();
  readonly #dtls = new Map<string, types.DtlsState>();
  #flow: FlowTrack = NO_FLOW;
  #receiptConfirmed = false;
  #connected = false;
  #lastEvidenceAtMs = 0;
  #closed = false;

  constructor(options: { party: Party; userId: string; sendTransport: types.WebRtcTransport; recvTransport: types.WebRtcTransport }) {
    super();
    this.party = options.party;
    this.userId = options.userId;
    this.sendTransport = options.sendTransport;
    this.recvTransport = options.recvTransport;
    for (const transport of [this.sendTransport, this.recvTransport]) {
      this.#ice.set(transport.id, transport.iceState);
      this.#dtls.set(transport.id, transport.dtlsState);
      // A transport going down is a drop at once; coming up waits for the media (the next sample).
      transport.on('icestatechange', (state) => {
        this.#ice.set(transport.id, state);
        if (!this.#transportsUp()) this.#set(false, this.#lastEvidenceAtMs);
      });
      transport.on('dtlsstatechange', (state) => {
        this.#dtls.set(transport.id, state);
        if (!this.#transportsUp()) this.#set(false, this.#lastEvidenceAtMs);
      });
      // A router closing under us (worker death, room close) leaves nothing to keep.
      transport.observer.once('close', () => this.close());
    }
  }

  static async create(options: { router: types.Router; party: Party; userId: string; listenInfos: types.TransportListenInfo[] }): Promise<Peer> {
    const sendTransport = await options.router.createWebRtcTransport(peerTransportOptions(options.listenInfos, options.party));
    const recvTransport = await options.router.createWebRtcTransport(peerTransportOptions(options.listenInfos, options.party)).catch((error: unknown) => {
      sendTransport.close();
      throw error;
    });
    await sendTransport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE_BPS).catch(() => undefined);
    return new Peer({ party: options.party, userId: options.userId, sendTransport, recvTransport });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get rtpCapabilities(): types.RtpCapabilities | undefined {
    return this.#rtpCapabilities;
  }

  set rtpCapabilities(capabilities: types.RtpCapabilities | undefined) {
    this.#rtpCapabilities = capabilities;
  }

  /** The transport with this id if it is one of this peer's: a peer can never act on another's. */
  ownTransport(transportId: string): types.WebRtcTransport | undefined {
    if (transportId === this.sendTransport.id) return this.sendTransport;
    if (transportId === this.recvTransport.id) return this.recvTransport;
    return undefined;
  }

  producerOfSource(source: MediaSource): types.Producer | undefined {
    return [...this.producers.values()].find((producer) => sourceOf(producer) === source);
  }

  addProducer(producer: types.Producer): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
  }

  addDataProducer(dataProducer: types.DataProducer): void {
    this.dataProducers.set(dataProducer.id, dataProducer);
    dataProducer.observer.once('close', () => this.dataProducers.delete(dataProducer.id));
  }

  addDataConsumer(dataConsumer: types.DataConsumer): void {
    this.dataConsumers.set(dataConsumer.id, dataConsumer);
    dataConsumer.observer.once('close', () => this.dataConsumers.delete(dataConsumer.id));
  }

  /** BILL-4: the browser decoded the other's media; from the next sample on, it may count as connected. */
  confirmReceipt(): void {
    this.#receiptConfirmed = true;
  }

  /**
   * Reads the counters of both transports and decides presence. `now` is read after the counters
   * arrived, so a reading is dated when it was taken, whatever the clock did meanwhile.
   */
  async sampleFlow(now: () => number): Promise<void> {
    if (this.#closed) return;
    let send: types.WebRtcTransportStat | undefined;
    let recv: types.WebRtcTransportStat | undefined;
    try {
      [[send], [recv]] = await Promise.all([this.sendTransport.getStats(), this.recvTransport.getStats()]);
    } catch {
      return; // closed meanwhile
    }
    if (this.#closed || !send || !recv) return;
    const nowMs = now();
    this.#flow = recordFlowSample(
      this.#flow,
      { mediaFromParty: send.rtpBytesReceived, mediaToParty: recv.rtpBytesSent, feedbackFromParty: recv.bytesReceived },
      nowMs,
    );
    const verdict = flowVerdict(this.#flow, {
      nowMs,
      transportsUp: this.#transportsUp(),
      allProducersPaused: [...this.producers.values()].every((producer) => producer.paused),
      receiptConfirmed: this.#receiptConfirmed,
    });
    if (verdict.connected) this.#lastEvidenceAtMs = nowMs;
    this.#set(verdict.connected, verdict.connected ? nowMs : verdict.lastEvidenceAtMs);
  }

  /** Idempotent; closing the transports closes every producer, consumer and data channel on them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sendTransport.close();
    this.recvTransport.close();
    if (this.#connected) {
      this.#connected = false;
      this.emit('presence', false, this.#lastEvidenceAtMs);
    }
    this.emit('closed');
    this.removeAllListeners();
  }

  #transportsUp(): boolean {
    const up = (transport: types.WebRtcTransport) =>
      ['connected', 'completed'].includes(this.#ice.get(transport.id) ?? 'new') && this.#dtls.get(transport.id) === 'connected';
    return up(this.sendTransport) && up(this.recvTransport);
  }

  #set(connected: boolean, atMs: number): void {
    if (this.#closed || connected === this.#connected) return;
    this.#connected = connected;
    this.emit('presence', connected, atMs);
  }
}

/** The source a producer was made for (MEDIA-6), kept in its appData. */
export function sourceOf(producer: types.Producer): MediaSource {
  const source = (producer.appData as { source?: MediaSource }).source;
  return source ?? (producer.kind === 'audio' ? 'microphone' : 'camera');
}

/** MEDIA-1: UDP first, TCP as a fallback, SCTP for the chat. */
export function peerTransportOptions(listenInfos: types.TransportListenInfo[], party: Party | 'probe'): types.WebRtcTransportOptions {
  return {
    listenInfos,
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    enableSctp: true,
    numSctpStreams: { ...NUM_SCTP_STREAMS },
    initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE_BPS,
    appData: { party },
  };
}
