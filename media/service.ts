import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Database } from '../server/platform/database.ts';
import type { Clock } from '../server/platform/clock.ts';
import type { Logger } from '../server/platform/logger.ts';
import { AppError, conflict, unauthorized } from '../server/platform/errors.ts';
import { settleConsultation } from '../server/billing/index.ts';
import { Meter, type MeterSignal } from '../server/metering/meter.ts';
import { processTimers, type Timers } from '../server/metering/deadline-queue.ts';
import type { ConsultationStateMachine } from '../server/bookings/state-machine.ts';
import { JoinTokens } from './join-tokens.ts';
import { joiningParty } from './routes.ts';
import { readMediaConsultation, type MediaConsultation } from './store.ts';
import { WorkerPool } from './sfu/worker-pool.ts';
import { Room } from './sfu/room.ts';
import type { Peer } from './sfu/peer.ts';
import { CHAT_LABEL, type EndReason, type MediaKind, type Notification, type Party, type Requests } from './signaling/messages.ts';

export interface MediaConfig {
  /** MEDIA-4: mediasoup workers, one per core by default (MEDIASOUP_WORKERS). */
  workers: number;
  /** The address the ICE candidates carry (MEDIASOUP_ANNOUNCED_IP); unset = loopback only. */
  announcedIp: string | undefined;
  /** Where the transports listen: loopback without an announced address, every interface with one. */
  listenIp: string;
  minPort: number;
  maxPort: number;
}

/** The socket side of a participant, as the signaling server gives it. */
export interface Participant {
  notify(notification: Notification): void;
  /** The server is done with this socket (replaced by a newer one, or the consultation ended). */
  close(): void;
}

export type MediaServiceEvents = {
  /** The consultation's transports are closed (BILL-3: measured against the cap in the tests). */
  roomClosed: [event: { consultationId: string; reason: EndReason; connectedSeconds: number; atMs: number }];
  /** The consultation is ended and settled (or the settlement failed and will be resumed, PAY-2). */
  ended: [event: { consultationId: string; reason: EndReason; connectedSeconds: number; chargeCents: number | null }];
};

/** How often the live display (elapsed time, running cost) is pushed: a display, not a meter. */
const DISPLAY_INTERVAL_MS = 1000;
/**
 * How often the connected seconds of live video consultations are written down: after a crash
 * the consultation is billed up to the last checkpoint, so a client pays at most this much less
 * and never more (PAY-2).
 */
const CHECKPOINT_INTERVAL_MS = 10_000;
/** Chat DataChannel and media: at most one audio and one video track per party (MEDIA-1). */
const MAX_DATA_PRODUCERS_PER_PEER = 1;

interface Live {
  consultation: MediaConsultation;
  room: Room;
  maxSeconds: number;
  participants: Map<Party, Participant>;
  metering: boolean;
  ending: boolean;
}

/**
 * The SFU's domain (MEDIA-1…4): a room per consultation on a pooled worker, the parties'
 * presence fed to the Meter (BILL-4), the Meter's deadlines obeyed (BILL-3), and every end of
 * a live consultation handed to the state machine, which settles it (PAY-2). Media is relayed
 * and never written anywhere (MEDIA-2): there is no recording code path.
 */
export class MediaService extends EventEmitter<MediaServiceEvents> {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #consultations: ConsultationStateMachine;
  readonly #joinTokens: JoinTokens;
  readonly #pool: WorkerPool;
  readonly #meter: Meter;
  readonly #listenInfos: types.TransportListenInfo[];
  readonly #lives = new Map<string, Live>();
  readonly #opening = new Map<string, Promise<Live>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #display: NodeJS.Timeout;
  readonly #checkpoint: NodeJS.Timeout;
  #closed = false;

  private constructor(deps: {
    db: Database;
    clock: Clock;
    logger: Logger;
    consultations: ConsultationStateMachine;
    joinTokens: JoinTokens;
    config: MediaConfig;
    timers: Timers;
  }) {
    super();
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#consultations = deps.consultations;
    this.#joinTokens = deps.joinTokens;
    this.#pool = new WorkerPool({ size: deps.config.workers, logger: deps.logger });
    this.#pool.on('workerDied', (worker) => this.#onWorkerDied(worker));
    this.#meter = new Meter({ clock: deps.clock, timers: deps.timers, onSignal: (signal) => this.#onMeterSignal(signal) });
    const portRange = { min: deps.config.minPort, max: deps.config.maxPort };
    const announcedAddress = deps.config.announcedIp;
    this.#listenInfos = (['udp', 'tcp'] as const).map((protocol) => ({ protocol, ip: deps.config.listenIp, announcedAddress, portRange }));
    this.#display = setInterval(() => this.#pushDisplay(), DISPLAY_INTERVAL_MS);
    this.#display.unref();
    this.#checkpoint = setInterval(() => this.#track(this.checkpointConnectedSeconds()), CHECKPOINT_INTERVAL_MS);
    this.#checkpoint.unref();
  }

  /** Writes the metered seconds of every live consultation in one statement; never lowers them. */
  async checkpointConnectedSeconds(): Promise<void> {
    const readings = [...this.#lives.values()].flatMap((live) => {
      const reading = live.metering ? this.#meter.reading(live.consultation.id) : undefined;
      return reading ? [{ id: live.consultation.id, seconds: reading.connectedSeconds }] : [];
    });
    if (readings.length === 0) return;
    try {
      await this.#db.query(
        `UPDATE consultations c SET connected_seconds = v.seconds
           FROM unnest($1::uuid[], $2::int[]) AS v(id, seconds)
          WHERE c.id = v.id AND c.status = 'live' AND c.mode = 'video' AND v.seconds > c.connected_seconds`,
        [readings.map((reading) => reading.id), readings.map((reading) => reading.seconds)],
      );
    } catch (error) {
      this.#logger.error({ err: error }, 'checkpointing connected seconds failed');
    }
  }

  /**
   * At start, before anyone can join: a video consultation still live was cut by a crash or a
   * restart of this node. Its media and meter are gone, so it is ended for the seconds of its last
   * checkpoint and settled (PAY-2, MEDIA-4). Assumes one media node; several need an owner column.
   */
  async recoverAfterRestart(): Promise<number> {
    const interrupted = await this.#db.query<{ id: string; connected_seconds: number }>(
      `SELECT id, connected_seconds FROM consultations WHERE status = 'live' AND mode = 'video'`,
    );
    for (const row of interrupted) {
      await this.#consultations.endConsultation(row.id, { connectedSeconds: row.connected_seconds, reason: 'platform' });
    }
    return interrupted.length;
  }

  /** Workers start with the first room (WorkerPool), so creating the service spawns nothing. */
  static async create(deps: {
    db: Database;
    clock: Clock;
    logger: Logger;
    consultations: ConsultationStateMachine;
    jwtSecret: string;
    config: MediaConfig;
    timers?: Timers;
  }): Promise<MediaService> {
    return new MediaService({ ...deps, joinTokens: new JoinTokens(deps.jwtSecret, deps.clock), timers: deps.timers ?? processTimers });
  }

  /** The live workers (benches, and the MEDIA-4 test that kills one). */
  get workers(): types.Worker[] {
    return this.#pool.workers;
  }

  get liveCount(): number {
    return this.#lives.size;
  }

  room(consultationId: string): Room | undefined {
    return this.#lives.get(consultationId)?.room;
  }

  /** What the meter says now (tests, and the display). */
  reading(consultationId: string) {
    return this.#meter.reading(consultationId);
  }

  /** A party enters with a join token; a second socket of the same party replaces the first. */
  async join(token: string, participant: Participant): Promise<{ session: Session; response: Requests['join']['response'] }> {
    if (this.#closed) throw conflict('media_unavailable', 'The video service is stopping.');
    let claims;
    try {
      claims = this.#joinTokens.verify(token);
    } catch {
      throw unauthorized('invalid_join_token', 'The join token is invalid or expired.');
    }
    const consultation = await readMediaConsultation(this.#db, claims.consultationId);
    const party = joiningParty(consultation, claims.userId, this.#clock.now());
    if (party !== claims.party) throw unauthorized('invalid_join_token', 'The join token is invalid or expired.');
    // BOOK-4 / BOOK-5: the state machine decides whether this arrival makes it live.
    const status = await this.#consultations.markPartyJoined(consultation!.id, party);
    const live = await this.#liveFor(consultation!);
    const peer = await live.room.addPeer(party, claims.userId);
    const previous = live.participants.get(party);
    live.participants.set(party, participant);
    if (previous && previous !== participant) {
      previous.notify({ type: 'replaced' });
      previous.close();
    }
    if (status === 'live') this.#startMetering(live);
    live.participants.get(otherParty(party))?.notify({ type: 'peerJoined', party });
    const session = new Session(this, live, peer, participant);
    return {
      session,
      response: {
        consultationId: live.consultation.id,
        party,
        routerRtpCapabilities: live.room.router.rtpCapabilities as Requests['join']['response']['routerRtpCapabilities'],
        sendTransport: transportOptions(peer.sendTransport),
        recvTransport: transportOptions(peer.recvTransport),
        otherPartyPresent: live.room.other(party) !== undefined,
        pricing: live.consultation.terms.pricing,
      },
    };
  }

  /** BILL-4: either party ends the consultation; it is settled for the connected seconds. */
  async leave(live: Live, party: Party): Promise<void> {
    if (live.metering) {
      await this.#end(live, 'party_left', this.#meter.close(live.consultation.id));
      return;
    }
    // Not live yet (the other party never came): only this party's media goes.
    live.room.peer(party)?.close();
    live.participants.delete(party);
    this.#forgetIfEmpty(live);
  }

  /** The socket went away without `leave`: the peer goes, the meter pauses, the grace runs (BILL-4). */
  disconnected(live: Live, party: Party, participant: Participant, peer: Peer): void {
    if (live.participants.get(party) !== participant) return; // replaced already
    live.participants.delete(party);
    peer.close();
    live.participants.get(otherParty(party))?.notify({ type: 'peerLeft', party });
    this.#forgetIfEmpty(live);
  }

  /** Tests on a manual clock: fire due deadlines, then wait for the consequences. */
  async runDue(): Promise<void> {
    this.#meter.runDue();
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Stops the SFU (a deploy or a test's end). Live consultations are not ended here: their
   * connected seconds are checkpointed, and the next start ends and settles them.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#display);
    clearInterval(this.#checkpoint);
    await this.checkpointConnectedSeconds();
    await this.idle();
    for (const live of this.#lives.values()) {
      this.#meter.close(live.consultation.id);
      for (const participant of live.participants.values()) participant.close();
      live.room.close();
    }
    this.#lives.clear();
    this.#pool.close();
  }

  async #liveFor(consultation: MediaConsultation): Promise<Live> {
    const existing = this.#lives.get(consultation.id);
    if (existing && !existing.ending && !existing.room.closed) return existing;
    let opening = this.#opening.get(consultation.id);
    if (!opening) {
      opening = this.#openRoom(consultation).finally(() => this.#opening.delete(consultation.id));
      this.#opening.set(consultation.id, opening);
    }
    return opening;
  }

  async #openRoom(consultation: MediaConsultation): Promise<Live> {
    const worker = await this.#pool.acquire();
    let room: Room;
    try {
      room = await Room.create({ consultationId: consultation.id, worker, listenInfos: this.#listenInfos });
    } catch (error) {
      this.#pool.release(worker);
      throw error;
    }
    const live: Live = {
      consultation,
      room,
      // BILL-1 / BILL-5: what the frozen terms buy, by the same code as the settlement.
      maxSeconds: settleConsultation(consultation.terms, 0).maxSeconds,
      participants: new Map(),
      metering: false,
      ending: false,
    };
    room.on('presence', (party, connected) => {
      if (!live.metering || live.ending) return;
      if (connected) this.#meter.connect(consultation.id, party);
      else this.#meter.disconnect(consultation.id, party);
      this.#pushDisplayOf(live);
    });
    this.#lives.set(consultation.id, live);
    return live;
  }

  #startMetering(live: Live): void {
    if (live.metering) return;
    live.metering = true;
    this.#meter.open(live.consultation.id, live.maxSeconds);
    for (const peer of live.room.peers) if (peer.connected) this.#meter.connect(live.consultation.id, peer.party);
  }

  #forgetIfEmpty(live: Live): void {
    if (live.metering || live.ending || live.participants.size > 0) return;
    this.#lives.delete(live.consultation.id);
    live.room.close();
    this.#pool.release(live.room.worker);
  }

  #onMeterSignal(signal: MeterSignal): void {
    const live = this.#lives.get(signal.consultationId);
    if (!live) return;
    switch (signal.kind) {
      case 'budget_warning':
        this.#broadcast(live, { type: 'budgetWarning', secondsLeft: signal.secondsLeft, atStart: signal.atStart });
        return;
      case 'cap_reached':
        this.#track(this.#end(live, live.consultation.terms.pricing === 'package' ? 'package_exhausted' : 'budget_exhausted', signal.connectedSeconds));
        return;
      case 'grace_expired':
        this.#track(this.#end(live, 'connection_lost', signal.connectedSeconds));
        return;
    }
  }

  /** MEDIA-4: the rooms of a dead worker end cleanly and are settled for the time consulted. */
  #onWorkerDied(worker: types.Worker): void {
    for (const live of [...this.#lives.values()]) {
      if (live.room.worker !== worker) continue;
      if (live.metering) this.#track(this.#end(live, 'platform', this.#meter.close(live.consultation.id)));
      else {
        for (const participant of live.participants.values()) participant.close();
        live.participants.clear();
        this.#lives.delete(live.consultation.id);
        live.room.close();
      }
    }
  }

  /** BILL-3: media first (transports closed at once), then the state machine ends and settles. */
  async #end(live: Live, reason: EndReason, connectedSeconds: number): Promise<void> {
    if (live.ending) return;
    live.ending = true;
    const consultationId = live.consultation.id;
    this.#meter.close(consultationId);
    live.room.close();
    this.#pool.release(live.room.worker);
    this.#lives.delete(consultationId);
    this.emit('roomClosed', { consultationId, reason, connectedSeconds, atMs: this.#clock.now().getTime() });
    this.#broadcast(live, { type: 'ended', reason, connectedSeconds });
    let chargeCents: number | null = null;
    try {
      const record = await this.#consultations.endConsultation(consultationId, { connectedSeconds, reason });
      chargeCents = record.chargeCents;
    } catch (error) {
      // PAY-2: an interrupted settlement is resumed by the housekeeping; the end itself is recorded or retried by it.
      this.#logger.error({ err: error, consultationId }, 'ending a video consultation failed');
    }
    this.#broadcast(live, { type: 'settled', chargeCents, connectedSeconds });
    for (const participant of live.participants.values()) participant.close();
    live.participants.clear();
    this.emit('ended', { consultationId, reason, connectedSeconds, chargeCents });
  }

  #pushDisplay(): void {
    for (const live of this.#lives.values()) if (live.metering) this.#pushDisplayOf(live);
  }

  #pushDisplayOf(live: Live): void {
    const reading = this.#meter.reading(live.consultation.id);
    if (!reading) return;
    this.#broadcast(live, {
      type: 'meter',
      connectedSeconds: reading.connectedSeconds,
      // BILL-3: the running cost is the settlement of the seconds so far, never a browser's sum.
      runningCostCents: settleConsultation(live.consultation.terms, reading.connectedSeconds).chargeCents,
      maxSeconds: reading.maxSeconds,
      running: reading.running,
    });
  }

  #broadcast(live: Live, notification: Notification): void {
    for (const participant of live.participants.values()) participant.notify(notification);
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.#logger.error({ err: error }, 'video consultation task failed'));
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  /** For Session: end from a party's request. */
  track(work: Promise<unknown>): Promise<unknown> {
    this.#track(work);
    return work;
  }
}

/**
 * One socket's view of its peer: every request acts only on this peer's own transports and
 * producers, so a party can never produce on, or consume from, the other's transports.
 */
export class Session {
  readonly #service: MediaService;
  readonly #live: Live;
  readonly #peer: Peer;
  readonly #participant: Participant;

  constructor(service: MediaService, live: Live, peer: Peer, participant: Participant) {
    this.#service = service;
    this.#live = live;
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
    const other = this.#live.room.other(this.#peer.party);
    if (other) {
      for (const producer of other.producers.values()) await this.#consume(this.#peer, this.#participant, producer);
      for (const dataProducer of other.dataProducers.values()) await this.#consumeData(this.#peer, this.#participant, dataProducer);
      // The other party's consumers of what this peer produced before its `ready` (a reload).
      const otherParticipant = this.#live.participants.get(other.party);
      if (otherParticipant && other.rtpCapabilities) {
        for (const producer of this.#peer.producers.values()) await this.#consume(other, otherParticipant, producer);
      }
    }
    return {};
  }

  async connectTransport(request: Requests['connectTransport']['request']): Promise<Requests['connectTransport']['response']> {
    this.#assertOpen();
    const transport = this.#ownTransport(request.transportId);
    await transport.connect({ dtlsParameters: request.dtlsParameters as types.DtlsParameters });
    return {};
  }

  async produce(request: Requests['produce']['request']): Promise<Requests['produce']['response']> {
    this.#assertOpen();
    const transport = this.#ownTransport(request.transportId);
    if (transport !== this.#peer.sendTransport) throw conflict('wrong_transport', 'Media is sent on the send transport.');
    if (this.#peer.producerOfKind(request.kind)) throw conflict('already_producing', `This party already sends ${request.kind}.`);
    const producer = await transport.produce({
      kind: request.kind as MediaKind,
      rtpParameters: request.rtpParameters as types.RtpParameters,
      appData: { party: this.#peer.party },
    });
    this.#peer.addProducer(producer);
    const other = this.#live.room.other(this.#peer.party);
    const otherParticipant = other && this.#live.participants.get(other.party);
    if (other && otherParticipant && other.rtpCapabilities) await this.#consume(other, otherParticipant, producer);
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
    const other = this.#live.room.other(this.#peer.party);
    const otherParticipant = other && this.#live.participants.get(other.party);
    if (other && otherParticipant && other.rtpCapabilities) await this.#consumeData(other, otherParticipant, dataProducer);
    return { dataProducerId: dataProducer.id };
  }

  async setProducerPaused(request: Requests['setProducerPaused']['request']): Promise<Requests['setProducerPaused']['response']> {
    this.#assertOpen();
    const producer = this.#peer.producers.get(request.producerId);
    if (!producer) throw conflict('unknown_producer', 'No such producer of yours.');
    if (request.paused) await producer.pause();
    else await producer.resume();
    return {};
  }

  async resumeConsumer(request: Requests['resumeConsumer']['request']): Promise<Requests['resumeConsumer']['response']> {
    this.#assertOpen();
    const consumer = this.#peer.consumers.get(request.consumerId);
    if (!consumer) throw conflict('unknown_consumer', 'No such consumer of yours.');
    await consumer.resume();
    return {};
  }

  async leave(): Promise<Requests['leave']['response']> {
    if (this.#live.ending) return {};
    await this.#service.track(this.#service.leave(this.#live, this.#peer.party));
    return {};
  }

  /** The socket closed. */
  disconnected(): void {
    if (this.#live.ending) return;
    this.#service.disconnected(this.#live, this.#peer.party, this.#participant, this.#peer);
  }

  #assertOpen(): void {
    if (this.#peer.closed || this.#live.ending) throw conflict('consultation_over', 'This consultation has ended.');
  }

  #ownTransport(transportId: string): types.WebRtcTransport {
    const transport = this.#peer.ownTransport(transportId);
    // A transport id of the other party, or of another consultation, is refused the same way.
    if (!transport) throw new AppError(403, 'not_your_transport', 'This transport is not yours.');
    return transport;
  }

  async #consume(consumerPeer: Peer, participant: Participant, producer: types.Producer): Promise<void> {
    const rtpCapabilities = consumerPeer.rtpCapabilities;
    if (!rtpCapabilities || consumerPeer.closed || producer.closed) return;
    if ([...consumerPeer.consumers.values()].some((consumer) => consumer.producerId === producer.id)) return;
    if (!this.#live.room.router.canConsume({ producerId: producer.id, rtpCapabilities })) return;
    // Paused until the browser has set it up, so the first key frame is not lost (it asks to resume).
    const consumer = await consumerPeer.recvTransport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
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
      rtpParameters: consumer.rtpParameters as never,
      paused: consumer.producerPaused,
    });
  }

  async #consumeData(consumerPeer: Peer, participant: Participant, dataProducer: types.DataProducer): Promise<void> {
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
}

function otherParty(party: Party): Party {
  return party === 'expert' ? 'client' : 'expert';
}

function transportOptions(transport: types.WebRtcTransport): Requests['join']['response']['sendTransport'] {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters as never,
    iceCandidates: transport.iceCandidates as never,
    dtlsParameters: transport.dtlsParameters as never,
    sctpParameters: transport.sctpParameters as never,
  };
}

export type { Live };
