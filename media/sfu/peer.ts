import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaKind, Party } from '../signaling/messages.ts';
import { INITIAL_OUTGOING_BITRATE_BPS, MAX_INCOMING_BITRATE_BPS, NUM_SCTP_STREAMS } from './codecs.ts';

export type PeerEvents = {
  /** BILL-4: the party's media path came up or went down. */
  presence: [connected: boolean];
  closed: [];
};

/**
 * One party in a room. It owns its two WebRTC transports (MEDIA-1: one send, one receive) and,
 * through them, its producers, consumers and data channels; closing the peer closes them all.
 *
 * Presence, what the meter bills (BILL-4), is a fact about the media path, not the socket: both
 * transports have ICE connected and DTLS connected, and the party produces at least one track.
 * It is derived from the transports' own state events.
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
  #connected = false;
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
      transport.on('icestatechange', (state) => {
        this.#ice.set(transport.id, state);
        this.#evaluate();
      });
      transport.on('dtlsstatechange', (state) => {
        this.#dtls.set(transport.id, state);
        this.#evaluate();
      });
      // A router closing under us (worker death, room close) leaves nothing to keep.
      transport.observer.once('close', () => this.close());
    }
  }

  static async create(options: { router: types.Router; party: Party; userId: string; listenInfos: types.TransportListenInfo[] }): Promise<Peer> {
    const transportOptions: types.WebRtcTransportOptions = {
      listenInfos: options.listenInfos,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      enableSctp: true,
      numSctpStreams: { ...NUM_SCTP_STREAMS },
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE_BPS,
      appData: { party: options.party },
    };
    const sendTransport = await options.router.createWebRtcTransport(transportOptions);
    const recvTransport = await options.router.createWebRtcTransport(transportOptions).catch((error: unknown) => {
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

  producerOfKind(kind: MediaKind): types.Producer | undefined {
    return [...this.producers.values()].find((producer) => producer.kind === kind);
  }

  addProducer(producer: types.Producer): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.producers.delete(producer.id);
      this.#evaluate();
    });
    this.#evaluate();
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

  /** Idempotent; closing the transports closes every producer, consumer and data channel on them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sendTransport.close();
    this.recvTransport.close();
    if (this.#connected) {
      this.#connected = false;
      this.emit('presence', false);
    }
    this.emit('closed');
    this.removeAllListeners();
  }

  #evaluate(): void {
    if (this.#closed) return;
    const up = (transport: types.WebRtcTransport) =>
      ['connected', 'completed'].includes(this.#ice.get(transport.id) ?? 'new') && this.#dtls.get(transport.id) === 'connected';
    const connected = up(this.sendTransport) && up(this.recvTransport) && this.producers.size > 0;
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.emit('presence', connected);
  }
}
