import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError, conflict, notFound } from '../platform/errors.ts';
import { NO_SHOW_MINUTES, settleConsultation } from '../billing/index.ts';
import { Meter, type MeterSignal } from '../metering/meter.ts';
import { DeadlineQueue, processTimers, type Timers } from '../metering/deadline-queue.ts';
import { applyFact, connectedSecondsFromFacts, isInConference, legOfCall, legsFromCallsAndFacts, meterStateFromFacts, newLeg, type LegState } from './legs.ts';
import { admitReturningCall } from './return-calls.ts';
import type { ChannelListener } from '../platform/database.ts';
import {
  hasUnfinishedSession,
  recordSessionRequest,
  renewLeases,
  takeOverLapsedSessions,
  takeSessionRequests,
  PHONE_LEASE_RENEW_INTERVAL_MS,
  PHONE_LEASE_TRUSTED_MS,
  type TakenOverSession,
} from './leases.ts';
import type { ConsultationLifecycle, PhoneEndReason } from './lifecycle.ts';
import type { CallFact, CallParty, ConferenceRef, ReturningCaller, TelephonyProvider } from './provider.ts';
import {
  deleteUnfinishedSession,
  finishSession,
  insertSession,
  readCalls,
  readFacts,
  readPhoneConsultation,
  readUnfinishedSessions,
  recordCall,
  recordConferenceId,
  recordFact,
  type UnfinishedSession,
} from './store.ts';

/** How long a phone rings before the provider gives up (Twilio's `Timeout`). */
export const RING_TIMEOUT_SECONDS = 30;
/** A missed call before both parties were ever connected is tried again after this long. */
export const RETRY_AFTER_SECONDS = 15;
/** Upper bound of calls to one party of one consultation (retries before the start). */
export const MAX_CALLS_PER_PARTY = 20;
/** BOOK-4: the expert has this long to pick up an immediate request. */
export const IMMEDIATE_JOIN_MINUTES = 5;

/** Unfinished phone sessions recovered at one start. */
const RECOVERY_BATCH_SIZE = 1000;
/** Where provider callbacks and party requests for a phone session are announced (migration 080). */
const PHONE_SESSION_EVENTS_CHANNEL = 'phone_session_events';
/** Consultations started per poll; the next poll takes the rest. */
const START_BATCH_SIZE = 100;
const MINUTE_MS = 60_000;
const SECOND_MS = 1000;
const PARTIES: readonly CallParty[] = ['expert', 'client'];

type FinishOutcome = PhoneEndReason | 'expert_never_answered' | 'client_never_answered';

interface Session {
  consultationId: string;
  conference: ConferenceRef;
  numbers: Record<CallParty, string>;
  pricing: 'free_rate' | 'package';
  legs: Map<string, LegState>;
  callsPlaced: Record<CallParty, number>;
  /** What the meter was last told (BILL-4). */
  present: Record<CallParty, boolean>;
  joinedReported: Set<CallParty>;
  everConnected: boolean;
  finished: boolean;
  /** Every decision about one consultation runs here, one after the other. */
  chain: Promise<void>;
  /** Facts already decided (by id): a fact comes both from this node's callback and from the wake-up. */
  applied: Set<string>;
  /** The last phone_call_events row read for this session (wake-ups read the rows after it). */
  lastFactRowId: number;
  /** When this node last set or renewed the session's lease (its clock, as the statement was sent). */
  leaseHeldFromMs: number;
  /** Another node took the session over: nothing more is done for it here. */
  leaseLost: boolean;
}

export interface PhoneSessionView {
  consultationId: string;
  conferenceName: string;
  connectedSeconds: number;
  running: boolean;
  maxSeconds: number;
  legs: LegState[];
}

/**
 * TEL-1, TEL-3, BILL-3, BILL-4, BOOK-4, BOOK-5: runs the calls of a phone consultation.
 *
 * The platform calls the expert first; once the expert answers it calls the client; both legs
 * enter one conference. Provider callbacks are recorded as facts (phone_call_events, once each)
 * and then decided here, one consultation at a time: each leg's state only moves forward
 * (legs.ts), so duplicated and out-of-order callbacks change nothing twice. Connected time is
 * the time both parties are in the conference, fed to the Meter, whose single deadline per
 * consultation drives the spoken warning, the cap and the end of the reconnection grace.
 *
 * TEL-5: once both have talked, a party who hangs up (or whose line drops: the network cannot
 * tell them apart) is not called back. The other hears that their correspondent left; the one
 * who left may call the platform's number within 120 s (`admitReturningCaller`), while the
 * meter is paused. Both gone, the 120 s passed, or the expert ending it (`endByExpert`) ends it.
 */
export class PhoneConsultations {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #provider: TelephonyProvider;
  readonly #lifecycle: ConsultationLifecycle;
  readonly #meter: Meter;
  readonly #deadlines: DeadlineQueue;
  readonly #sessions = new Map<string, Session>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #starting = new Map<string, Promise<void>>();
  /** This API node's name: the owner recorded in the leases of the sessions it runs. */
  readonly #nodeId: string;
  #listener: ChannelListener | undefined;

  constructor(deps: {
    db: Database;
    clock: Clock;
    logger: Logger;
    provider: TelephonyProvider;
    lifecycle: ConsultationLifecycle;
    timers?: Timers;
    nodeId?: string;
  }) {
    this.#nodeId = deps.nodeId ?? 'local';
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#provider = deps.provider;
    this.#lifecycle = deps.lifecycle;
    const timers = deps.timers ?? processTimers;
    this.#meter = new Meter({ clock: deps.clock, timers, onSignal: (signal) => this.#onMeterSignal(signal) });
    this.#deadlines = new DeadlineQueue({
      now: () => this.#clock.now().getTime(),
      timers,
      onDue: (key) => this.#onDeadline(key),
    });
  }

  get provider(): TelephonyProvider {
    return this.#provider;
  }

  get liveCount(): number {
    return this.#sessions.size;
  }

  /**
   * Starts calling for a phone consultation: an immediate request (BOOK-4), an appointment at its
   * start time (BOOK-5), or a consultation already live. Starting twice does nothing.
   */
  async start(consultationId: string): Promise<void> {
    // Two starters at once (the poller and a caller) share one start.
    const starting = this.#starting.get(consultationId);
    if (starting) return starting;
    const started = this.#start(consultationId).finally(() => this.#starting.delete(consultationId));
    this.#starting.set(consultationId, started);
    return started;
  }

  async #start(consultationId: string): Promise<void> {
    const row = await readPhoneConsultation(this.#db, consultationId);
    if (!row) throw notFound('Consultation');
    if (row.mode !== 'phone') throw conflict('not_a_phone_consultation', 'This consultation is not by phone.');
    if (!['requested', 'scheduled', 'live'].includes(row.status)) throw conflict('consultation_over', `This consultation is ${row.status}.`);
    if (!row.client_number || !row.expert_number) throw conflict('missing_phone_number', 'Both parties need a phone number to be called.');
    if (this.#sessions.has(consultationId)) return;
    const now = this.#clock.now();
    const leaseHeldFromMs = now.getTime();
    const joinDeadlineAt = joinDeadline(row);
    const conferenceName = `consulto-${consultationId}`;
    const created = await insertSession(this.#db, {
      consultationId,
      provider: this.#provider.name,
      conferenceName,
      startedAt: now,
      joinDeadlineAt,
      ownerNodeId: this.#nodeId,
    });
    if (!created) {
      // Another start (or an earlier process) owns it; a restart does not call anybody twice.
      this.#logger.warn({ consultationId }, 'phone session already started');
      return;
    }
    const session: Session = {
      consultationId,
      conference: { consultationId, conferenceName, conferenceId: null },
      numbers: { expert: row.expert_number, client: row.client_number },
      pricing: row.terms.pricing,
      legs: new Map(),
      callsPlaced: { expert: 0, client: 0 },
      present: { expert: false, client: false },
      joinedReported: new Set(),
      everConnected: false,
      finished: false,
      chain: Promise.resolve(),
      applied: new Set(),
      lastFactRowId: 0,
      leaseHeldFromMs,
      leaseLost: false,
    };
    this.#sessions.set(consultationId, session);
    // BILL-1 / BILL-5: what the frozen terms buy, by the same code as the settlement.
    this.#meter.open(consultationId, settleConsultation(row.terms, 0).maxSeconds);
    this.#deadlines.schedule(joinKey(consultationId), joinDeadlineAt.getTime());
    await this.#enqueue(session, () => this.#call(session, 'expert')); // TEL-1: the expert first
  }

  /**
   * Starts every phone consultation whose calls are due: immediate requests (BOOK-4) and
   * appointments whose start time came (BOOK-5). The session row makes this safe to run often,
   * on several nodes, and after a restart.
   */
  async startDue(): Promise<number> {
    const now = this.#clock.now();
    const due = await this.#db.query<{ id: string }>(
      `SELECT c.id FROM consultations c LEFT JOIN phone_sessions s ON s.consultation_id = c.id
        WHERE c.mode = 'phone' AND s.consultation_id IS NULL
          AND (c.status = 'requested' OR (c.status = 'scheduled' AND c.start_at <= $1 AND c.start_at + make_interval(mins => $2) > $1))
        ORDER BY c.created_at LIMIT ${START_BATCH_SIZE}`,
      [now, NO_SHOW_MINUTES],
    );
    for (const { id } of due) {
      await this.start(id).catch((error: unknown) => this.#logger.error({ err: error, consultationId: id }, 'starting a phone consultation failed'));
    }
    await this.#hangUpClosedElsewhere();
    return due.length;
  }

  /**
   * A consultation closed by its owner while its phones ring (a cancellation, an expiry or a
   * no-show decided by the booking jobs) is hung up here, without reporting anything back.
   */
  async #hangUpClosedElsewhere(): Promise<void> {
    if (this.#sessions.size === 0) return;
    const closed = await this.#db.query<{ id: string }>(
      `SELECT id FROM consultations WHERE id = ANY($1::uuid[]) AND status NOT IN ('requested', 'scheduled', 'live')`,
      [[...this.#sessions.keys()]],
    );
    for (const { id } of closed) {
      const session = this.#sessions.get(id);
      if (session) await this.#enqueue(session, () => this.#finish(session, 'platform', this.#meter.close(id), { report: false }));
    }
  }

  /** The poller of `startDue`; start.ts runs it next to the job worker. */
  startPolling(intervalMs: number): { stop(): Promise<void> } {
    let running: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      running ??= this.startDue()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'phone start poll failed'))
        .finally(() => {
          running = undefined;
        });
    }, intervalMs);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
        await this.idle();
      },
    };
  }

  /**
   * After a restart the meter's memory is gone, but the provider may still carry the calls
   * (Twilio keeps a conference up without us). Each phone session left unfinished is settled
   * now: a consultation whose parties talked is hung up and ends with the connected time its
   * recorded facts give, closed at this instant and never beyond the cap (BILL-3, BILL-4); one
   * whose parties never talked starts calling again, within its joining window.
   */
  async recoverAfterRestart(): Promise<number> {
    const unfinished = await readUnfinishedSessions(this.#db, RECOVERY_BATCH_SIZE, this.#nodeId);
    let recovered = 0;
    for (const session of unfinished) {
      if (this.#sessions.has(session.consultation_id) || this.#starting.has(session.consultation_id)) continue;
      try {
        await this.#recover(session);
        recovered += 1;
      } catch (error) {
        this.#logger.error({ err: error, consultationId: session.consultation_id }, 'recovering a phone consultation failed');
      }
    }
    return recovered;
  }

  async #recover(session: UnfinishedSession): Promise<void> {
    const consultationId = session.consultation_id;
    const row = await readPhoneConsultation(this.#db, consultationId);
    if (!row) return;
    const facts = await readFacts(this.#db, consultationId);
    const now = this.#clock.now();
    const { connectedSeconds, everConnected } = connectedSecondsFromFacts(facts, now.getTime(), settleConsultation(row.terms, 0).maxSeconds);
    // Hang up whatever may still be up at the provider.
    if (session.conference_id) {
      await this.#provider
        .endConference({ consultationId, conferenceName: session.conference_name, conferenceId: session.conference_id })
        .catch((error: unknown) => this.#logger.error({ err: error }, 'ending the conference failed'));
    }
    const calls = await readCalls(this.#db, consultationId);
    for (const leg of legsFromCallsAndFacts(calls, facts)) {
      if (leg.phase !== 'over') await this.#hangUp(leg);
    }
    const open = ['requested', 'scheduled', 'live'].includes(row.status);
    if (!everConnected && open) {
      // Nobody talked yet: call again, as if starting now (the joining window is unchanged).
      await deleteUnfinishedSession(this.#db, consultationId);
      await this.start(consultationId);
      return;
    }
    await finishSession(this.#db, consultationId, 'platform', now);
    if (open && everConnected) await this.#lifecycle.end(consultationId, { connectedSeconds, reason: 'platform' });
  }

  /**
   * TEL-2: a provider fact, recorded once, then decided. A duplicate returns false and decides
   * nothing. A fact for a session another node owns is only recorded: the table's trigger wakes
   * the owner (LISTEN), which decides it in its order.
   */
  async onFact(fact: CallFact): Promise<boolean> {
    const fresh = await recordFact(this.#db, fact, this.#clock.now());
    if (!fresh) return false;
    const session = this.#sessions.get(fact.consultationId);
    if (!session) {
      this.#logger.info({ factId: fact.factId }, 'telephony fact recorded for the node owning its session, or for a consultation no longer on the phone');
      return true;
    }
    await this.#enqueue(session, () => this.#decideOnce(session, fact));
    return true;
  }

  /** Whether calls are running for this consultation, on this node or another (an answered leg of a finished one is hung up). */
  async isOnThePhone(consultationId: string): Promise<boolean> {
    return this.#sessions.has(consultationId) || (await hasUnfinishedSession(this.#db, consultationId));
  }

  /**
   * Scale out: hears the callbacks and requests recorded by other nodes for the sessions this node
   * owns, renews its leases, and takes over the sessions of dead nodes (their lease lapsed).
   */
  async startOwnership(): Promise<{ stop(): Promise<void> }> {
    this.#listener = await this.#db.listen(PHONE_SESSION_EVENTS_CHANNEL, {
      onNotification: (consultationId) => this.#wake(consultationId),
      // Notifications may have been lost while the connection was down: read every session again.
      onReconnect: () => {
        for (const consultationId of this.#sessions.keys()) this.#wake(consultationId);
      },
    });
    // Renewing and taking over run apart: a long takeover never delays this node's own renewals.
    const rounds = [
      this.#every(PHONE_LEASE_RENEW_INTERVAL_MS, 'renewing phone leases', () => this.renewLeases()),
      this.#every(PHONE_LEASE_RENEW_INTERVAL_MS, 'taking over phone sessions', () => this.takeOverLapsed()),
    ];
    return {
      stop: async () => {
        for (const round of rounds) await round.stop();
        await this.#listener?.close();
        this.#listener = undefined;
      },
    };
  }

  #every(intervalMs: number, what: string, work: () => Promise<unknown>): { stop(): Promise<void> } {
    let running: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      running ??= work()
        .catch((error: unknown) => this.#logger.error({ err: error }, `${what} failed`))
        .finally(() => {
          running = undefined;
        });
    }, intervalMs);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }

  /** Renews this node's leases and lets go of the sessions another node took meanwhile. */
  async renewLeases(): Promise<void> {
    await this.#renew([...this.#sessions.values()]);
  }

  async #renew(sessions: Session[]): Promise<void> {
    const sentAtMs = this.#clock.now().getTime();
    const kept = await renewLeases(
      this.#db,
      this.#nodeId,
      sessions.map((session) => session.consultationId),
    );
    for (const session of sessions) {
      if (kept.has(session.consultationId)) session.leaseHeldFromMs = sentAtMs;
      // Finished meanwhile (its row says so) or owned by another node now: either way not ours to act on.
      else if (!session.finished) this.#letGo(session);
    }
  }

  /** Takes over the sessions whose lease lapsed (their owner died); returns how many. */
  async takeOverLapsed(): Promise<number> {
    const sentAtMs = this.#clock.now().getTime();
    const lapsed = await takeOverLapsedSessions(this.#db, this.#nodeId);
    let adopted = 0;
    for (const row of lapsed) {
      try {
        if (await this.#adopt(row, sentAtMs)) adopted += 1;
      } catch (error) {
        this.#logger.error({ err: error, consultationId: row.consultation_id }, 'taking over a phone consultation failed');
      }
    }
    return adopted;
  }

  /** Another node holds the session now (this node stalled past its lease): forget it without acting. */
  #letGo(session: Session): void {
    this.#logger.warn({ consultationId: session.consultationId }, 'phone session lease lost: another node runs it now');
    session.leaseLost = true;
    session.finished = true;
    this.#meter.close(session.consultationId);
    this.#deadlines.cancel(joinKey(session.consultationId));
    for (const party of PARTIES) this.#deadlines.cancel(retryKey(session.consultationId, party));
    this.#sessions.delete(session.consultationId);
  }

  /**
   * A takeover: the session's calls go on at the provider; this node rebuilds the legs and the
   * meter from the recorded facts (BILL-4: the connected time the facts give, nothing billed twice,
   * nothing lost), obeys what was asked meanwhile, and carries on as if it had started it.
   */
  async #adopt(row: TakenOverSession, leaseHeldFromMs: number): Promise<boolean> {
    const consultationId = row.consultation_id;
    if (this.#sessions.has(consultationId)) return false; // this node's own, renewed late
    const consultation = await readPhoneConsultation(this.#db, consultationId);
    if (!consultation) return false;
    const facts = await readFacts(this.#db, consultationId);
    const calls = await readCalls(this.#db, consultationId);
    const legs = new Map<string, LegState>(legsFromCallsAndFacts(calls, facts).map((leg) => [leg.callId, leg]));
    const state = meterStateFromFacts(facts);
    const session: Session = {
      consultationId,
      conference: { consultationId, conferenceName: row.conference_name, conferenceId: row.conference_id },
      numbers: { expert: consultation.expert_number ?? '', client: consultation.client_number ?? '' },
      pricing: consultation.terms.pricing,
      legs,
      callsPlaced: { expert: calls.filter((call) => call.party === 'expert').length, client: calls.filter((call) => call.party === 'client').length },
      present: { expert: state.present.includes('expert'), client: state.present.includes('client') },
      joinedReported: new Set([...legs.values()].filter((leg) => leg.answered).map((leg) => leg.party)),
      everConnected: state.everRan,
      finished: false,
      chain: Promise.resolve(),
      applied: new Set(facts.map(({ fact }) => fact.factId)),
      lastFactRowId: facts.at(-1)?.id ?? 0,
      leaseHeldFromMs,
      leaseLost: false,
    };
    this.#sessions.set(consultationId, session);
    this.#logger.warn(
      { consultationId, connectedSecondsSoFar: Math.floor(state.accumulatedMs / SECOND_MS) },
      'phone consultation taken over from a node whose lease lapsed',
    );
    if (!['requested', 'scheduled', 'live'].includes(consultation.status)) {
      // Closed while nobody owned it: hang up, report nothing.
      await this.#enqueue(session, () => this.#finish(session, 'platform', 0, { report: false }));
      return true;
    }
    this.#meter.open(consultationId, settleConsultation(consultation.terms, 0).maxSeconds, state);
    if (session.everConnected && !session.present.expert && !session.present.client) {
      // Both hung up while nobody owned the session: it ends now, as on the owner, not when the 120 s of TEL-5 run out.
      await this.#enqueue(session, () => this.#finish(session, 'party_left', this.#meter.close(consultationId)));
      return true;
    }
    if (!session.everConnected) {
      this.#deadlines.schedule(joinKey(consultationId), row.join_deadline_at.getTime());
      // A missed call the dead owner would have retried is retried now.
      for (const party of PARTIES) {
        const due = party === 'expert' || session.joinedReported.has('expert');
        if (due && !this.#hasActiveLeg(session, party) && !session.present[party])
          this.#deadlines.schedule(retryKey(consultationId, party), this.#clock.now().getTime());
      }
    }
    this.#wake(consultationId);
    return true;
  }

  /**
   * Reads what other nodes recorded for a session this node owns: the calls to the platform's
   * number they let in (TEL-5: the leg is then this node's, as if it had admitted it), the facts
   * after the last one read, then requests.
   */
  #wake(consultationId: string): void {
    const session = this.#sessions.get(consultationId);
    if (!session) return;
    void this.#enqueue(session, async () => {
      for (const call of await readCalls(this.#db, consultationId)) {
        if (!session.legs.has(call.call_id)) session.legs.set(call.call_id, legOfCall(call));
      }
      for (const { id, fact } of await readFacts(this.#db, consultationId, session.lastFactRowId)) {
        session.lastFactRowId = Math.max(session.lastFactRowId, id);
        await this.#decideOnce(session, fact);
      }
      for (const request of await takeSessionRequests(this.#db, consultationId)) {
        if (request.action === 'end_by_expert') await this.#finish(session, 'party_left', this.#meter.close(consultationId));
      }
    });
  }

  async #decideOnce(session: Session, fact: CallFact): Promise<void> {
    if (session.applied.has(fact.factId)) return;
    session.applied.add(fact.factId);
    await this.#decide(session, fact);
  }

  /**
   * TEL-5: a call to the platform's number. It is a party who left a live consultation coming
   * back when the caller's number is that party's number on file, or when the keypad code is the
   * consultation's; the call then becomes that party's leg (the provider puts it into the
   * conference) and its join resumes the meter. Anything else is not recognised (undefined).
   * Decided from PostgreSQL alike on every node (return-calls.ts); the owner, this node or
   * another, is woken to take the leg.
   */
  async admitReturningCaller(input: { callId: string; from: string | undefined; code: string | undefined }): Promise<ReturningCaller | undefined> {
    const admitted = await admitReturningCall(this.#db, input, this.#clock.now());
    if (admitted) this.#wake(admitted.consultationId);
    return admitted;
  }

  /**
   * TEL-5: the expert ends a live phone consultation from the workspace; false when it is not on
   * the phone. A session another node owns gets the request recorded, and its owner ends it.
   */
  async endByExpert(consultationId: string): Promise<boolean> {
    const session = this.#sessions.get(consultationId);
    if (!session) return recordSessionRequest(this.#db, consultationId, 'end_by_expert', this.#clock.now());
    await this.#enqueue(session, () => this.#finish(session, 'party_left', this.#meter.close(consultationId)));
    return true;
  }

  /**
   * The live display (BILL-3) of a session another node runs: the connected time its recorded facts
   * give now (what that node's meter counts), and whether both parties are on the line.
   */
  async viewElsewhere(consultationId: string, maxSeconds: number): Promise<{ connectedSeconds: number; running: boolean } | undefined> {
    if (!(await hasUnfinishedSession(this.#db, consultationId))) return undefined;
    const facts = await readFacts(this.#db, consultationId);
    const { connectedSeconds } = connectedSecondsFromFacts(facts, this.#clock.now().getTime(), maxSeconds);
    return { connectedSeconds, running: meterStateFromFacts(facts).runningSinceMs !== null };
  }

  /** The live display (BILL-3) and the simulator page. */
  view(consultationId: string): PhoneSessionView | undefined {
    const session = this.#sessions.get(consultationId);
    const reading = this.#meter.reading(consultationId);
    if (!session || !reading) return undefined;
    return {
      consultationId,
      conferenceName: session.conference.conferenceName,
      connectedSeconds: reading.connectedSeconds,
      running: reading.running,
      maxSeconds: reading.maxSeconds,
      legs: [...session.legs.values()],
    };
  }

  /** Tests on a manual clock: fire what is due, then wait until every decision is taken. */
  async runDue(): Promise<void> {
    this.#meter.runDue();
    this.#deadlines.runDue();
    await this.idle();
  }

  get busy(): boolean {
    return this.#inFlight.size > 0;
  }

  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #enqueue(session: Session, work: () => Promise<void>): Promise<void> {
    const next = session.chain
      .then(async () => {
        if (await this.#holdsLease(session)) await work();
      })
      .catch((error: unknown) => {
        this.#logger.error({ err: error, consultationId: session.consultationId }, 'phone consultation step failed');
      });
    session.chain = next;
    this.#inFlight.add(next);
    void next.finally(() => this.#inFlight.delete(next));
    return next;
  }

  /**
   * Scale out: a node acts on a session only while its lease surely holds. After a stall (the
   * event loop or the database held this node past PHONE_LEASE_TRUSTED_MS since its last renewal)
   * another node may have taken the session over: the lease is renewed first, and a session taken
   * meanwhile is let go without acting (it would call a party the new owner already called, or
   * hang up a leg the new owner keeps). A finished session only hangs up stray legs.
   */
  async #holdsLease(session: Session): Promise<boolean> {
    if (session.leaseLost) return false;
    if (session.finished) return true;
    if (this.#clock.now().getTime() - session.leaseHeldFromMs < PHONE_LEASE_TRUSTED_MS) return true;
    try {
      await this.#renew([session]);
    } catch (error) {
      // The database cannot say: the node acts, as it did before this check. A step skipped is lost for
      // good (the hang-up at the cap, BILL-3); one taken beside a new owner is a call placed or ended twice.
      this.#logger.warn({ err: error, consultationId: session.consultationId }, 'phone lease not confirmed: acting on it anyway');
      return true;
    }
    return !session.leaseLost;
  }

  async #call(session: Session, party: CallParty): Promise<void> {
    if (session.finished || session.callsPlaced[party] >= MAX_CALLS_PER_PARTY) return;
    session.callsPlaced[party] += 1;
    let callId: string;
    try {
      ({ callId } = await this.#provider.placeCall({
        consultationId: session.consultationId,
        party,
        to: session.numbers[party],
        conferenceName: session.conference.conferenceName,
        ringTimeoutSeconds: RING_TIMEOUT_SECONDS,
      }));
    } catch (error) {
      // TEL-1: the provider did not take the call (unreachable, an error, no answer in time). The
      // party is tried again as after a missed call; a call the provider did place after all shows
      // up through its callbacks as an active leg, and the retry then places nothing.
      this.#logger.warn({ err: error, consultationId: session.consultationId, party }, 'placing a call failed: trying again');
      this.#callAgainLater(session, party);
      return;
    }
    if (!session.legs.has(callId)) session.legs.set(callId, newLeg(callId, party));
    await recordCall(this.#db, { callId, consultationId: session.consultationId, party, placedAt: this.#clock.now(), direction: 'outbound' });
  }

  /** The one place that decides what a fact means. */
  async #decide(session: Session, fact: CallFact): Promise<void> {
    const before = session.legs.get(fact.callId) ?? newLeg(fact.callId, fact.party);
    const after = applyFact(before, fact);
    session.legs.set(fact.callId, after);
    if (session.finished) {
      // A leg that picks up after the end is hung up at once.
      if (after.phase !== 'over' && after.answered) await this.#hangUp(after);
      return;
    }
    if (fact.kind === 'conference_joined' && session.conference.conferenceId === null) {
      session.conference.conferenceId = fact.conferenceId;
      await recordConferenceId(this.#db, session.consultationId, fact.conferenceId);
    }
    if (!before.answered && after.answered) await this.#answered(session, after.party);
    if (session.finished) return;
    const { bothGone, left } = this.#syncPresence(session);
    if (bothGone) {
      await this.#finish(session, 'party_left', this.#meter.close(session.consultationId));
      return;
    }
    // TEL-5: not called back; the one still there hears it, and the meter's 120 s run.
    if (left.length > 0) {
      await this.#provider
        .announce(session.conference, { kind: 'correspondent_left' })
        .catch((error: unknown) => this.#logger.error({ err: error }, 'announcing the departure failed'));
      return;
    }
    if (before.phase !== 'over' && after.phase === 'over') await this.#legOver(session, after);
  }

  async #answered(session: Session, party: CallParty): Promise<void> {
    if (!session.joinedReported.has(party)) {
      session.joinedReported.add(party);
      try {
        await this.#lifecycle.partyJoined(session.consultationId, party);
      } catch (error) {
        if (error instanceof AppError && error.status === 409) {
          // The owner of the status already closed it (a cancellation, a no-show decided elsewhere).
          this.#logger.info({ consultationId: session.consultationId, code: error.code }, 'consultation closed elsewhere: hanging up');
          await this.#finish(session, 'platform', this.#meter.close(session.consultationId), { report: false });
          return;
        }
        throw error;
      }
    }
    // TEL-1: the client is called once the expert is on the line.
    if (party === 'expert' && !this.#hasActiveLeg(session, 'client') && !session.joinedReported.has('client')) {
      await this.#call(session, 'client');
    }
  }

  /**
   * BILL-4: tells the meter who is in the conference. `left`: the parties who just went after
   * both had talked (TEL-5); `bothGone`: nobody is left.
   */
  #syncPresence(session: Session): { bothGone: boolean; left: CallParty[] } {
    const left: CallParty[] = [];
    for (const party of PARTIES) {
      const inConference = [...session.legs.values()].some((leg) => leg.party === party && isInConference(leg));
      if (inConference === session.present[party]) continue;
      session.present[party] = inConference;
      if (inConference) this.#meter.connect(session.consultationId, party);
      else {
        this.#meter.disconnect(session.consultationId, party);
        if (session.everConnected) left.push(party);
      }
    }
    if (session.present.expert && session.present.client && !session.everConnected) {
      session.everConnected = true;
      for (const party of PARTIES) this.#deadlines.cancel(retryKey(session.consultationId, party));
    }
    return { bothGone: session.everConnected && !session.present.expert && !session.present.client, left };
  }

  /** Before both have talked, a missed or dropped call is tried again until the joining window closes (TEL-1). */
  async #legOver(session: Session, leg: LegState): Promise<void> {
    if (this.#hasActiveLeg(session, leg.party) || session.everConnected) return;
    if (leg.party === 'client' && !session.joinedReported.has('expert')) return;
    this.#callAgainLater(session, leg.party);
  }

  /** TEL-1: the party's phone is called again RETRY_AFTER_SECONDS from now (the `retry` deadline). */
  #callAgainLater(session: Session, party: CallParty): void {
    this.#deadlines.schedule(retryKey(session.consultationId, party), this.#clock.now().getTime() + RETRY_AFTER_SECONDS * SECOND_MS);
  }

  #onMeterSignal(signal: MeterSignal): void {
    const session = this.#sessions.get(signal.consultationId);
    if (!session) return;
    void this.#enqueue(session, async () => {
      switch (signal.kind) {
        case 'budget_warning':
          // TEL-3: spoken 60 s before the cap, or at the start when the terms buy 60 s or less (BILL-3).
          if (!session.finished)
            await this.#provider.announce(session.conference, { kind: 'budget_warning', secondsLeft: signal.secondsLeft, atStart: signal.atStart });
          return;
        case 'cap_reached':
          // BILL-3 / BILL-5: the budget or the package minutes are used up.
          await this.#finish(session, session.pricing === 'package' ? 'package_exhausted' : 'budget_exhausted', signal.connectedSeconds);
          return;
        case 'grace_expired':
          // BILL-4: a party did not come back within 120 s.
          await this.#finish(session, 'connection_lost', signal.connectedSeconds);
          return;
      }
    });
  }

  #onDeadline(key: string): void {
    const [kind, consultationId, party] = key.split(':') as [string, string, CallParty | undefined];
    const session = this.#sessions.get(consultationId);
    if (!session) return;
    void this.#enqueue(session, async () => {
      if (session.finished) return;
      if (kind === 'join') {
        if (session.everConnected) return;
        // BOOK-4 / BOOK-5: the window closed; whoever never answered is the absent party.
        const absent: CallParty = session.joinedReported.has('expert') ? 'client' : 'expert';
        await this.#finish(session, absent === 'expert' ? 'expert_never_answered' : 'client_never_answered', this.#meter.close(consultationId));
        return;
      }
      if (kind === 'retry' && party && !session.everConnected && !this.#hasActiveLeg(session, party)) await this.#call(session, party);
    });
  }

  /** Ends every leg and the conference, then reports the end; the owner settles (PAY-2). */
  async #finish(session: Session, outcome: FinishOutcome, connectedSeconds: number, options: { report: boolean } = { report: true }): Promise<void> {
    if (session.finished) return;
    session.finished = true;
    this.#meter.close(session.consultationId);
    this.#deadlines.cancel(joinKey(session.consultationId));
    for (const party of PARTIES) this.#deadlines.cancel(retryKey(session.consultationId, party));
    // BILL-3: hang up first, so that nobody talks past the cap while the database works.
    if (session.conference.conferenceId !== null) {
      await this.#provider.endConference(session.conference).catch((error: unknown) => this.#logger.error({ err: error }, 'ending the conference failed'));
    }
    for (const leg of session.legs.values()) {
      const endedWithConference = isInConference(leg) && session.conference.conferenceId !== null;
      if (leg.phase !== 'over' && !endedWithConference) await this.#hangUp(leg);
    }
    this.#sessions.delete(session.consultationId);
    // The owner hears first and the session is closed after: a crash in between leaves an
    // unfinished session, which the next start recovers (recoverAfterRestart), never a live
    // consultation nobody will end.
    if (options.report) {
      if (outcome === 'expert_never_answered') await this.#lifecycle.joinWindowClosed(session.consultationId, 'expert');
      else if (outcome === 'client_never_answered') await this.#lifecycle.joinWindowClosed(session.consultationId, 'client');
      else await this.#lifecycle.end(session.consultationId, { connectedSeconds, reason: outcome });
    }
    await finishSession(this.#db, session.consultationId, outcome, this.#clock.now());
    // TEL-5: a call another node let in while this one was ending the session, not heard of yet
    // (the session's row lock puts that admission before the closing write above), is hung up too.
    for (const call of await readCalls(this.#db, session.consultationId)) {
      if (!session.legs.has(call.call_id)) await this.#hangUp(legOfCall(call));
    }
  }

  async #hangUp(leg: LegState): Promise<void> {
    await this.#provider
      .endCall(leg.callId, leg.answered ? 'answered' : 'ringing')
      .catch((error: unknown) => this.#logger.error({ err: error, callId: leg.callId }, 'hanging up failed'));
  }

  #hasActiveLeg(session: Session, party: CallParty): boolean {
    return [...session.legs.values()].some((leg) => leg.party === party && leg.phase !== 'over');
  }
}

/** BOOK-4: 5 minutes after an immediate request; BOOK-5: 10 minutes after an appointment's start. */
function joinDeadline(row: { start_at: Date | null; created_at: Date }): Date {
  return row.start_at === null
    ? new Date(row.created_at.getTime() + IMMEDIATE_JOIN_MINUTES * MINUTE_MS)
    : new Date(row.start_at.getTime() + NO_SHOW_MINUTES * MINUTE_MS);
}

const joinKey = (consultationId: string) => `join:${consultationId}`;
const retryKey = (consultationId: string, party: CallParty) => `retry:${consultationId}:${party}`;
