import type { types } from 'mediasoup';
import { AppError, conflict } from '../server/platform/errors.ts';
import { CHAT_LABEL, SOURCE_KIND, type Notification, type Party, type Requests, type TransportOptions } from './signaling/messages.ts';
import { sourceOf, type Peer } from './sfu/peer.ts';
import type { Room } from './sfu/room.ts';

/** The socket side of a participant, as the signaling server gives it. */
export interface Participant {
  notify(notification: Notification): void;
  /** The server is done with this socket (replaced by a newer one, or the consultation ended). */
  close(): void;
}

/** Chat DataChannel: one per party (MEDIA-3). */
const MAX_DATA_PRODUCERS_PER_PEER = 1;
/** MEDIA-7: a repair renews transports once or twice; more on one socket is a loop or abuse (each is two new transports). */
const MAX_TRANSPORT_RENEWALS_PER_SESSION = 10;

/** What a Session needs of the consultation it belongs to (MediaService's `Live`). */
export interface SessionHost {
  readonly room: Room;
  readonly ending: boolean;
  participantOf(party: Party): Participant | undefined;
  /** MEDIA-7 step 2: a new peer for this party (fresh transports), replacing the current one. */
  renewPeer(party: Party, userId: string): Promise<Peer>;
  leave(party: Party): Promise<void>;
  disconnected(party: Party, participant: Participant, peer: Peer): void;
}

/**
 * One socket's view of its peer: every request acts only on this peer's own transports and
 * producers, so a party can never produce on, or consume from, the other's transports.
 */
export class Session {
  readonly #host: SessionHost;
  readonly #participant: Participant;
  #peer: Peer;
  #renewals = 0;

  constructor(host: SessionHost, peer: Peer, participant: Participant) {
    this.#host = host;
    this.#peer = peer;
    this.#participant = participant;
  }

  get party(): Party {
    return this.#peer.party;
  }

  get peer(): Peer {
    return this.#peer;
  }

  async ready(request: Requests['ready']['request']): Promise<Requests['ready']['response']> {
    this.#assertOpen();
    this.#peer.rtpCapabilities = request.rtpCapabilities as types.RtpCapabilities;
    const other = this.#host.room.other(this.#peer.party);
    if (other) {
      // The other's media first: it is what this party waits to see (each consumer costs the browser a renegotiation).
      for (const producer of other.producers.values()) await consume(this.#host.room, this.#peer, this.#participant, producer);
      for (const dataProducer of other.dataProducers.values()) await consumeData(this.#peer, this.#participant, dataProducer);
      // The other party's consumers of what this peer produced before its `ready` (a reload).
      const otherParticipant = this.#host.participantOf(other.party);
      if (otherParticipant && other.rtpCapabilities) {
        for (const producer of this.#peer.producers.values()) await consume(this.#host.room, other, otherParticipant, producer);
      }
    }
    // A party alone in the room gets its receive transport opened now, not when the other's media comes;
    // with the other's media to consume, that opens it already.
    if (!other || other.producers.size === 0) await consumeData(this.#peer, this.#participant, this.#host.room.roomChannel);
    return {};
  }

  async connectTransport(request: Requests['connectTransport']['request']): Promise<Requests['connectTransport']['response']> {
    this.#assertOpen();
    const transport = this.#ownTransport(request.transportId);
    await transport.connect({ dtlsParameters: request.dtlsParameters });
    return {};
  }

  async produce(request: Requests['produce']['request']): Promise<Requests['produce']['response']> {
    this.#assertOpen();
    const transport = this.#ownTransport(request.transportId);
    if (transport !== this.#peer.sendTransport) throw conflict('wrong_transport', 'Media is sent on the send transport.');
    if (SOURCE_KIND[request.source] !== request.kind) throw conflict('wrong_kind', `A ${request.source} sends ${SOURCE_KIND[request.source]}.`);
    if (this.#peer.producerOfSource(request.source)) throw conflict('already_producing', `This party already sends its ${request.source}.`);
    const producer = await transport.produce({
      kind: request.kind,
      rtpParameters: request.rtpParameters as types.RtpParameters,
      appData: { party: this.#peer.party, source: request.source },
    });
    this.#peer.addProducer(producer);
    const other = this.#host.room.other(this.#peer.party);
    const otherParticipant = other && this.#host.participantOf(other.party);
    if (other && otherParticipant && other.rtpCapabilities) await consume(this.#host.room, other, otherParticipant, producer, true);
    return { producerId: producer.id };
  }

  async produceData(request: Requests['produceData']['request']): Promise<Requests['produceData']['response']> {
    this.#assertOpen();
    const transport = this.#ownTransport(request.transportId);
    if (transport !== this.#peer.sendTransport) throw conflict('wrong_transport', 'Data is sent on the send transport.');
    if (request.label !== CHAT_LABEL) throw conflict('unknown_channel', 'The only data channel is the chat.');
    if (this.#peer.dataProducers.size >= MAX_DATA_PRODUCERS_PER_PEER) throw conflict('already_producing', 'This party already has a chat channel.');
    const dataProducer = await transport.produceData({
      sctpStreamParameters: request.sctpStreamParameters as types.SctpStreamParameters,
      label: request.label,
      protocol: request.protocol,
    });
    this.#peer.addDataProducer(dataProducer);
    const other = this.#host.room.other(this.#peer.party);
    const otherParticipant = other && this.#host.participantOf(other.party);
    if (other && otherParticipant && other.rtpCapabilities) await consumeData(other, otherParticipant, dataProducer);
    return { dataProducerId: dataProducer.id };
  }

  /** MEDIA-6: only the screen is closed by request; the camera and microphone are paused instead. */
  async closeProducer(request: Requests['closeProducer']['request']): Promise<Requests['closeProducer']['response']> {
    this.#assertOpen();
    const producer = this.#ownProducer(request.producerId);
    if (sourceOf(producer) !== 'screen') throw conflict('not_closable', 'Pause the microphone or the camera instead.');
    producer.close();
    return {};
  }

  async setProducerPaused(request: Requests['setProducerPaused']['request']): Promise<Requests['setProducerPaused']['response']> {
    this.#assertOpen();
    const producer = this.#ownProducer(request.producerId);
    if (request.paused) await producer.pause();
    else await producer.resume();
    return {};
  }

  async resumeConsumer(request: Requests['resumeConsumer']['request']): Promise<Requests['resumeConsumer']['response']> {
    this.#assertOpen();
    const consumer = this.#peer.consumers.get(request.consumerId);
    if (!consumer) throw conflict('unknown_consumer', 'No such consumer of yours.');
    await consumer.resume();
    // The browser can decode nothing before a key frame: ask the sender now rather than wait for its next one.
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
    return {};
  }

  /** MEDIA-7 step 1: the browser restarts ICE on this transport with the new credentials. */
  async restartIce(request: Requests['restartIce']['request']): Promise<Requests['restartIce']['response']> {
    this.#assertOpen();
    const transport = this.#ownTransport(request.transportId);
    return { iceParameters: await transport.restartIce() };
  }

  /**
   * MEDIA-7 step 2: a new peer with fresh transports replaces this one. Its producers and
   * consumers go with the old transports (the other party's consumers of them close); the browser
   * sends `ready` and produces again on the new ones.
   */
  async renewTransports(): Promise<Requests['renewTransports']['response']> {
    this.#assertOpen();
    if (++this.#renewals > MAX_TRANSPORT_RENEWALS_PER_SESSION) throw conflict('too_many_renewals', 'Join again with a new socket.');
    const rtpCapabilities = this.#peer.rtpCapabilities;
    this.#peer = await this.#host.renewPeer(this.#peer.party, this.#peer.userId);
    this.#peer.rtpCapabilities = rtpCapabilities;
    return { sendTransport: transportOptions(this.#peer.sendTransport), recvTransport: transportOptions(this.#peer.recvTransport) };
  }

  /** BILL-4: the browser decoded the other's media. */
  mediaReceived(): Requests['mediaReceived']['response'] {
    this.#assertOpen();
    this.#peer.confirmReceipt();
    return {};
  }

  async leave(): Promise<Requests['leave']['response']> {
    if (this.#host.ending) return {};
    await this.#host.leave(this.#peer.party);
    return {};
  }

  /** The socket closed. */
  disconnected(): void {
    if (this.#host.ending) return;
    this.#host.disconnected(this.#peer.party, this.#participant, this.#peer);
  }

  #assertOpen(): void {
    if (this.#peer.closed || this.#host.ending) throw conflict('consultation_over', 'This consultation has ended.');
  }

  #ownTransport(transportId: string): types.WebRtcTransport {
    const transport = this.#peer.ownTransport(transportId);
    // A transport id of the other party, or of another consultation, is refused the same way.
    if (!transport) throw new AppError(403, 'not_your_transport', 'This transport is not yours.');
    return transport;
  }

  #ownProducer(producerId: string): types.Producer {
    const producer = this.#peer.producers.get(producerId);
    if (!producer) throw conflict('unknown_producer', 'No such producer of yours.');
    return producer;
  }
}

/**
 * The consumer of `producer` for `consumerPeer`. Created running when the producer is new (the
 * party who waited gets the newcomer's very first key frame, which the newcomer's browser sends
 * only once its own transport is up, long after this consumer is set up); created paused for a
 * producer that is already flowing, whose next key frame only comes on request: the browser sets
 * the consumer up, then asks to resume, which asks for that key frame (SPEC §13 join time).
 */
export async function consume(room: Room, consumerPeer: Peer, participant: Participant, producer: types.Producer, fresh = false): Promise<void> {
  const rtpCapabilities = consumerPeer.rtpCapabilities;
  if (!rtpCapabilities || consumerPeer.closed || producer.closed) return;
  if ([...consumerPeer.consumers.values()].some((consumer) => consumer.producerId === producer.id)) return;
  if (!room.router.canConsume({ producerId: producer.id, rtpCapabilities })) return;
  const consumer = await consumerPeer.recvTransport.consume({ producerId: producer.id, rtpCapabilities, paused: !fresh });
  consumerPeer.addConsumer(consumer);
  consumer.on('producerclose', () => {
    consumer.close();
    participant.notify({ type: 'consumerClosed', consumerId: consumer.id });
  });
  consumer.on('producerpause', () => participant.notify({ type: 'consumerPaused', consumerId: consumer.id, paused: true }));
  consumer.on('producerresume', () => participant.notify({ type: 'consumerPaused', consumerId: consumer.id, paused: false }));
  participant.notify({
    type: 'newConsumer',
    consumerId: consumer.id,
    producerId: producer.id,
    kind: consumer.kind,
    source: sourceOf(producer),
    rtpParameters: consumer.rtpParameters as never,
    paused: consumer.producerPaused,
  });
}

async function consumeData(consumerPeer: Peer, participant: Participant, dataProducer: types.DataProducer): Promise<void> {
  if (consumerPeer.closed || dataProducer.closed) return;
  if ([...consumerPeer.dataConsumers.values()].some((consumer) => consumer.dataProducerId === dataProducer.id)) return;
  const dataConsumer = await consumerPeer.recvTransport.consumeData({ dataProducerId: dataProducer.id });
  consumerPeer.addDataConsumer(dataConsumer);
  dataConsumer.on('dataproducerclose', () => dataConsumer.close());
  participant.notify({
    type: 'newDataConsumer',
    dataConsumerId: dataConsumer.id,
    dataProducerId: dataProducer.id,
    sctpStreamParameters: dataConsumer.sctpStreamParameters as never,
    label: dataConsumer.label,
    protocol: dataConsumer.protocol,
  });
}

export function transportOptions(transport: types.WebRtcTransport): TransportOptions {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    sctpParameters: transport.sctpParameters as never,
  };
}
