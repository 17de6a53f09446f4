import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Database } from '../server/platform/database.ts';
import type { Clock } from '../server/platform/clock.ts';
import type { Logger } from '../server/platform/logger.ts';
import { conflict, unauthorized } from '../server/platform/errors.ts';
import { settleConsultation } from '../server/billing/index.ts';
import { Meter, type MeterSignal } from '../server/metering/meter.ts';
import { processTimers, type Timers } from '../server/metering/deadline-queue.ts';
import type { ConsultationStateMachine, ConsultationStatus } from '../server/bookings/state-machine.ts';
import { JoinTokens, type JoinClaims } from './join-tokens.ts';
import { joiningParty, probingParty } from './routes.ts';
import { readMediaConsultation, type MediaConsultation } from './store.ts';
import { WorkerPool } from './sfu/worker-pool.ts';
import { Room } from './sfu/room.ts';
import type { Peer } from './sfu/peer.ts';
import { FLOW_SAMPLE_INTERVAL_MS } from './sfu/media-flow.ts';
import { Session, transportOptions, type Participant, type SessionHost } from './session.ts';
import { ProbeSession } from './probe.ts';
import type { EndReason, Notification, Party, PartyPresence, Presence, Requests, RoomEndReason } from './signaling/messages.ts';

export type { Participant } from './session.ts';
export { Session } from './session.ts';

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

export type MediaServiceEvents = {
  /** The consultation's transports are closed (BILL-3: measured against the cap in the tests). */
  roomClosed: [event: { consultationId: string; reason: EndReason; connectedSeconds: number; atMs: number }];
  /** The consultation is ended and settled (or the settlement failed and will be resumed, PAY-2). */
  ended: [event: { consultationId: string; reason: EndReason; connectedSeconds: number; chargeCents: number | null }];
  /** BILL-4: the meter started or stopped counting, at `atMs` on the platform's clock. */
  meterRunning: [event: { consultationId: string; running: boolean; atMs: number }];
};

/** How often the live display (elapsed time, running cost) is pushed: a display, not a meter. */
const DISPLAY_INTERVAL_MS = 1000;
/**
 * How often the connected seconds of live video consultations are written down: after a crash
 * the consultation is billed up to the last checkpoint, so a client pays at most this much less
 * and never more (PAY-2).
 */
const CHECKPOINT_INTERVAL_MS = 10_000;
/** MEDIA-5: connection tests at the same time on this node; each holds a router and two transports. */
const MAX_CONCURRENT_PROBES = 50;

interface Live {
  consultation: MediaConsultation;
  room: Room;
  maxSeconds: number;
  participants: Map<Party, Participant>;
  metering: boolean;
  ending: boolean;
  /** Parties whose media has flowed both ways at least once: a later stop is an interruption. */
  everConnected: Set<Party>;
  /** The last presence sent to the pages, to send only changes. */
  presenceSent: string;
}

/**
 * The SFU's domain (MEDIA-1…7): a room per consultation on a pooled worker, the parties'
 * presence (their media flowing both ways) fed to the Meter (BILL-4), the Meter's deadlines
 * obeyed (BILL-3), and every end of a live consultation handed to the state machine, which
 * settles it (PAY-2). Media is relayed and never written anywhere (MEDIA-2): there is no
 * recording code path.
 */
export class MediaService extends EventEmitter<MediaServiceEvents> {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #consultations: ConsultationStateMachine;
  readonly #joinTokens: JoinTokens;
  /** This media node's name in media_nodes: join tokens name the node holding their room. */
  readonly #nodeId: string;
  readonly #pool: WorkerPool;
  readonly #meter: Meter;
  readonly #listenInfos: types.TransportListenInfo[];
  readonly #lives = new Map<string, Live>();
  readonly #opening = new Map<string, Promise<Live>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #probes = new Set<ProbeSession>();
  readonly #display: NodeJS.Timeout;
  readonly #checkpoint: NodeJS.Timeout;
  readonly #flowSampler: NodeJS.Timeout;
  #sampling = false;
  #closed = false;

  private constructor(deps: {
    db: Database;
    clock: Clock;
    logger: Logger;
    consultations: ConsultationStateMachine;
    joinTokens: JoinTokens;
    config: MediaConfig;
    timers: Timers;
    nodeId: string;
  }) {
    super();
    this.#nodeId = deps.nodeId;
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
    // BILL-4: one sampler for every room (not a timer per consultation) reads the media counters.
    this.#flowSampler = setInterval(() => this.#sampleFlows(), FLOW_SAMPLE_INTERVAL_MS);
    this.#flowSampler.unref();
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
   * checkpoint and settled (PAY-2, MEDIA-4). Only the rooms placed on this node (or placed nowhere,
   * from before scale-out): another node's rooms are its own, or its sweeper's if it died.
   */
  async recoverAfterRestart(): Promise<number> {
    const interrupted = await this.#db.query<{ id: string; connected_seconds: number }>(
      `SELECT c.id, c.connected_seconds FROM consultations c LEFT JOIN video_rooms r ON r.consultation_id = c.id
        WHERE c.status = 'live' AND c.mode = 'video' AND (r.media_node_id = $1 OR r.media_node_id IS NULL)`,
      [this.#nodeId],
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
    /** This node's name in media_nodes (CONSULTO_ROLE media or all). */
    nodeId: string;
  }): Promise<MediaService> {
    return new MediaService({ ...deps, joinTokens: new JoinTokens(deps.jwtSecret, deps.clock), timers: deps.timers ?? processTimers });
  }

  /** The live workers (benches, and the MEDIA-4 test that kills one). */
  get workers(): types.Worker[] {
    return this.#pool.workers;
  }

  /** Metrics: each worker's CPU time (getrusage) and the routers it holds. */
  async workerUsage(): Promise<{ pid: number; cpuSeconds: number; rooms: number }[]> {
    return Promise.all(
      this.#pool.workers.map(async (worker) => {
        const usage = await worker.getResourceUsage();
        return { pid: worker.pid, cpuSeconds: (usage.ru_utime + usage.ru_stime) / 1000, rooms: this.#pool.loadOf(worker) };
      }),
    );
  }

  get liveCount(): number {
    return this.#lives.size;
  }

  /** Rooms held or being opened: what placement weighs (media_nodes.load). */
  get load(): number {
    return this.#lives.size + this.#opening.size;
  }

  get nodeId(): string {
    return this.#nodeId;
  }

  /** Live consultations whose meter runs here (metrics). */
  get meteringCount(): number {
    return [...this.#lives.values()].filter((live) => live.metering).length;
  }

  get probeCount(): number {
    return this.#probes.size;
  }

  room(consultationId: string): Room | undefined {
    return this.#lives.get(consultationId)?.room;
  }

  /** What the meter says now (tests, and the display). */
  reading(consultationId: string) {
    return this.#meter.reading(consultationId);
  }

  /** Where each party stands (tests; the pages get it pushed). */
  presence(consultationId: string): Presence | undefined {
    const live = this.#lives.get(consultationId);
    return live && presenceOf(live);
  }

  /** A party enters with a join token; a second socket of the same party replaces the first. */
  async join(token: string, participant: Participant): Promise<{ session: Session; response: Requests['join']['response'] }> {
    if (this.#closed) throw conflict('media_unavailable', 'The video service is stopping.');
    const claims = this.#verify(token);
    if (claims.purpose !== 'join') throw unauthorized('invalid_join_token', 'The join token is invalid or expired.');
    // The room lives on the node its token names; another node opening it would split the parties.
    if (claims.nodeId !== undefined && claims.nodeId !== this.#nodeId)
      throw conflict('wrong_media_node', 'This room is held by another video node; ask for a new join token.');
    const consultation = await readMediaConsultation(this.#db, claims.consultationId);
    const party = joiningParty(consultation, claims.userId, this.#clock.now());
    if (party !== claims.party) throw unauthorized('invalid_join_token', 'The join token is invalid or expired.');
    // BOOK-4 / BOOK-5: the state machine decides whether this arrival makes it live.
    const status = await this.#consultations.markPartyJoined(consultation!.id, party);
    const live = await this.#liveFor(consultation!);
    live.consultation = { ...live.consultation, status };
    const peer = await live.room.addPeer(party, claims.userId);
    const previous = live.participants.get(party);
    live.participants.set(party, participant);
    if (previous && previous !== participant) {
      previous.notify({ type: 'replaced' });
      previous.close();
    }
    if (status === 'live') this.#startMetering(live);
    const session = new Session(this.#hostFor(live), peer, participant);
    this.#sendPresence(live, participant);
    return {
      session,
      response: {
        consultationId: live.consultation.id,
        party,
        routerRtpCapabilities: live.room.router.rtpCapabilities as Requests['join']['response']['routerRtpCapabilities'],
        sendTransport: transportOptions(peer.sendTransport),
        recvTransport: transportOptions(peer.recvTransport),
        presence: presenceOf(live),
        pricing: live.consultation.terms.pricing,
        requestExpiresAt: status === 'requested' ? (live.consultation.requestExpiresAt?.toISOString() ?? null) : null,
      },
    };
  }

  /**
   * MEDIA-5: a device check's connection test. A join token (or a probe token) of a party of a
   * video consultation that is not over; the probe gets a router of its own, never the room.
   */
  async probe(token: string, participant: Participant): Promise<ProbeSession> {
    if (this.#closed) throw conflict('media_unavailable', 'The video service is stopping.');
    const claims = this.#verify(token);
    if (claims.nodeId !== undefined && claims.nodeId !== this.#nodeId)
      throw conflict('wrong_media_node', 'This test is meant for another video node; ask for a new token.');
    const consultation = await readMediaConsultation(this.#db, claims.consultationId);
    if (probingParty(consultation, claims.userId) !== claims.party) throw unauthorized('invalid_join_token', 'The join token is invalid or expired.');
    if (this.#probes.size >= MAX_CONCURRENT_PROBES) throw conflict('too_many_probes', 'Too many connection tests right now; try again in a few seconds.');
    const worker = await this.#pool.acquire();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#pool.release(worker);
    };
    let probe: ProbeSession | undefined;
    const onClose = () => {
      if (probe) this.#probes.delete(probe);
      release();
    };
    try {
      probe = await ProbeSession.open({ worker, listenInfos: this.#listenInfos, participant, onClose });
    } catch (error) {
      release();
      throw error;
    }
    this.#probes.add(probe);
    return probe;
  }

  /** BILL-4: either party ends the consultation; it is settled for the connected seconds. */
  async leave(live: Live, party: Party): Promise<void> {
    if (live.metering) {
      await this.#end(live, 'party_left', this.#meter.close(live.consultation.id), party);
      return;
    }
    // Not live yet (the other party never came): only this party's media goes.
    live.room.peer(party)?.close();
    live.participants.delete(party);
    this.#broadcastPresence(live);
    this.#forgetIfEmpty(live);
  }

  /** The socket went away without `leave`: the peer goes, the meter pauses, the grace runs (BILL-4). */
  disconnected(live: Live, party: Party, participant: Participant, peer: Peer): void {
    if (live.participants.get(party) !== participant) return; // replaced already
    live.participants.delete(party);
    peer.close();
    this.#broadcastPresence(live);
    this.#forgetIfEmpty(live);
  }

  /**
   * BOOK-4: an immediate request the parties may be waiting on in the room was declined, expired
   * or cancelled. The room closes and the pages say why; nothing was metered, nothing is charged.
   */
  requestClosed(consultationId: string, status: ConsultationStatus, declined: boolean): void {
    const live = this.#lives.get(consultationId);
    if (!live || live.metering || live.ending || !['expired', 'cancelled'].includes(status)) return;
    const reason: RoomEndReason = declined ? 'declined' : status === 'cancelled' ? 'cancelled' : 'expired';
    live.ending = true;
    this.#lives.delete(consultationId);
    this.#broadcast(live, { type: 'ended', reason, connectedSeconds: 0 });
    this.#broadcast(live, { type: 'settled', chargeCents: 0, connectedSeconds: 0 });
    for (const participant of live.participants.values()) participant.close();
    live.participants.clear();
    live.room.close();
    this.#pool.release(live.room.worker);
  }

  /**
   * The consultation was ended by another node (the sweeper thought this node dead after a long
   * stall): the room closes and the pages hear the settlement already made; nothing is billed again.
   */
  endedElsewhere(consultationId: string): void {
    const live = this.#lives.get(consultationId);
    if (!live || live.ending) return;
    this.#track(this.#end(live, 'platform', this.#meter.close(consultationId)));
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
    clearInterval(this.#flowSampler);
    await this.checkpointConnectedSeconds();
    await this.idle();
    for (const probe of [...this.#probes]) probe.close();
    for (const live of this.#lives.values()) {
      this.#meter.close(live.consultation.id);
      for (const participant of live.participants.values()) participant.close();
      live.room.close();
    }
    this.#lives.clear();
    this.#pool.close();
  }

  #verify(token: string): JoinClaims {
    try {
      return this.#joinTokens.verify(token);
    } catch {
      throw unauthorized('invalid_join_token', 'The join token is invalid or expired.');
    }
  }

  #hostFor(live: Live): SessionHost {
    return {
      room: live.room,
      get ending() {
        return live.ending;
      },
      participantOf: (party) => live.participants.get(party),
      renewPeer: async (party, userId) => live.room.addPeer(party, userId),
      leave: async (party) => {
        await this.track(this.leave(live, party));
      },
      disconnected: (party, participant, peer) => this.disconnected(live, party, participant, peer),
    };
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
      everConnected: new Set(),
      presenceSent: '',
    };
    room.on('presence', (party, connected, atMs) => this.#onPresence(live, party, connected, atMs));
    this.#lives.set(consultation.id, live);
    return live;
  }

  /** BILL-4: the one place a party's media flowing, or not, becomes the meter's business. */
  #onPresence(live: Live, party: Party, connected: boolean, atMs: number): void {
    if (live.ending) return;
    if (connected) live.everConnected.add(party);
    if (live.metering) {
      const consultationId = live.consultation.id;
      const wasRunning = this.#meter.reading(consultationId)?.running ?? false;
      if (connected) this.#meter.connect(consultationId, party);
      else this.#meter.disconnect(consultationId, party, atMs);
      const running = this.#meter.reading(consultationId)?.running ?? false;
      if (running !== wasRunning) this.emit('meterRunning', { consultationId, running, atMs: running ? this.#clock.now().getTime() : atMs });
      this.#pushDisplayOf(live);
    }
    this.#broadcastPresence(live);
  }

  #startMetering(live: Live): void {
    if (live.metering) return;
    live.metering = true;
    this.#meter.open(live.consultation.id, live.maxSeconds);
    for (const peer of live.room.peers) if (peer.connected) this.#onPresence(live, peer.party, true, this.#clock.now().getTime());
  }

  /** Reads every peer's media counters; a round still running (a slow worker) is not doubled. */
  #sampleFlows(): void {
    if (this.#sampling || this.#lives.size === 0) return;
    this.#sampling = true;
    const now = () => this.#clock.now().getTime();
    const rounds = [...this.#lives.values()].flatMap((live) => live.room.peers.map((peer) => peer.sampleFlow(now)));
    void Promise.allSettled(rounds).finally(() => {
      this.#sampling = false;
    });
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
  async #end(live: Live, reason: EndReason, connectedSeconds: number, endedBy?: Party): Promise<void> {
    if (live.ending) return;
    live.ending = true;
    const consultationId = live.consultation.id;
    this.#meter.close(consultationId);
    live.room.close();
    this.#pool.release(live.room.worker);
    this.#lives.delete(consultationId);
    this.emit('roomClosed', { consultationId, reason, connectedSeconds, atMs: this.#clock.now().getTime() });
    this.#broadcast(live, { type: 'ended', reason, connectedSeconds, ...(endedBy ? { endedBy } : {}) });
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

  /** MEDIA-7: both pages say what is happening; only changes are sent. */
  #broadcastPresence(live: Live): void {
    const presence = presenceOf(live);
    const key = JSON.stringify(presence);
    if (key === live.presenceSent) return;
    live.presenceSent = key;
    this.#broadcast(live, { type: 'presence', presence });
  }

  /** A newcomer gets the presence in its join answer; the other party hears of the change. */
  #sendPresence(live: Live, newcomer: Participant): void {
    const presence = presenceOf(live);
    live.presenceSent = JSON.stringify(presence);
    for (const participant of live.participants.values()) if (participant !== newcomer) participant.notify({ type: 'presence', presence });
  }

  #broadcast(live: Live, notification: Notification): void {
    for (const participant of live.participants.values()) participant.notify(notification);
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.#logger.error({ err: error }, 'video consultation task failed'));
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  /** For sessions: end from a party's request. */
  track(work: Promise<unknown>): Promise<unknown> {
    this.#track(work);
    return work;
  }
}

function presenceOf(live: Live): Presence {
  const of = (party: Party): PartyPresence => {
    if (!live.participants.has(party)) return 'absent';
    if (live.room.peer(party)?.connected) return 'connected';
    return live.everConnected.has(party) ? 'interrupted' : 'joined';
  };
  return { expert: of('expert'), client: of('client') };
}

export type { Live };
