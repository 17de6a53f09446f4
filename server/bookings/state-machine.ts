import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, conflict } from '../platform/errors.ts';
import { InvariantViolation, NO_SHOW_MINUTES } from '../billing/index.ts';
import type { SettlementRecord, SettlementService } from '../settlement/service.ts';
import type { NotificationEvent } from '../notifications/notifier.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { notificationJob } from '../jobs/notify.ts';
import { ACCEPTED_JOIN_GRACE_MINUTES, minutesAfter } from './rules.ts';

/**
 * The one module that changes a consultation's `status` (SPEC §11). Webhooks, the SFU, the
 * telephony bridge, the routes and the jobs report facts here ("the expert joined", "the
 * 5 minutes passed", "the client cancels"); this module decides what they mean, checks the
 * move against the transition table, writes it with its follow-up jobs and emails in one
 * transaction, and settles every terminal state (PAY-2).
 */
export type ConsultationStatus = 'requested' | 'scheduled' | 'live' | 'ended' | 'cancelled' | 'expired' | 'no_show_client' | 'no_show_expert';
export type Party = 'client' | 'expert';
export type Canceller = 'client' | 'expert' | 'platform';

export const TRANSITIONS = {
  // BOOK-4: the expert joins within 5 minutes, or anyone cancels (BILL-11), or it expires.
  requested: ['live', 'cancelled', 'expired'],
  // BOOK-5: both join, or someone cancels (BILL-10, BILL-12, BOOK-3), or someone is absent 10 minutes after the start.
  scheduled: ['live', 'cancelled', 'no_show_client', 'no_show_expert'],
  // BILL-3, BILL-4: the budget, the package, a party or the platform ends it.
  live: ['ended'],
  ended: [],
  cancelled: [],
  expired: [],
  no_show_client: [],
  no_show_expert: [],
} as const satisfies Record<ConsultationStatus, readonly ConsultationStatus[]>;

export type TerminalStatus = 'ended' | 'cancelled' | 'expired' | 'no_show_client' | 'no_show_expert';

export function isTerminal(status: ConsultationStatus): status is TerminalStatus {
  return TRANSITIONS[status].length === 0;
}

export function canTransition(from: ConsultationStatus, to: ConsultationStatus): boolean {
  return (TRANSITIONS[from] as readonly ConsultationStatus[]).includes(to);
}

/** The columns a transition may write besides `status`. */
interface TransitionFields {
  live_at?: Date;
  ended_at?: Date;
  end_reason?: string;
  connected_seconds?: number;
  cancelled_by?: Canceller;
  cancelled_at?: Date;
  expert_joined_at?: Date;
  client_joined_at?: Date;
  accepted_at?: Date;
  declined_at?: Date;
}

interface Change {
  to: ConsultationStatus | undefined;
  fields: TransitionFields;
  /** Emails, with the facts of docs/notifications.md; the notifier adds names, start and duration. */
  notify: { event: NotificationEvent; parties: readonly Party[]; withSettlement?: boolean; data?: Record<string, string> }[];
}

interface LockedConsultation {
  id: string;
  status: ConsultationStatus;
  expert_id: string;
  client_id: string;
  mode: string;
  start_at: Date | null;
  expert_joined_at: Date | null;
  client_joined_at: Date | null;
  accepted_at: Date | null;
  declined_at: Date | null;
}

/** A longest connected time no consultation reaches: 90 package minutes, or 50 € at 0.50 €/min (BILL-1). */
const MAX_CONNECTED_SECONDS = 24 * 60 * 60;
const END_REASONS = ['party_left', 'budget_exhausted', 'package_exhausted', 'connection_lost', 'platform'] as const;
export type EndReason = (typeof END_REASONS)[number];

export class ConsultationStateMachine {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #settlements: SettlementService;

  constructor(deps: { db: Database; clock: Clock; settlements: SettlementService }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#settlements = deps.settlements;
  }

  /**
   * MEDIA/TEL report that a party is in the room or on the call. BOOK-4: the expert joining an
   * immediate request starts it. BOOK-5: an appointment's room opens at the start time and the
   * consultation is live once both parties have joined. Joining twice changes nothing.
   */
  async markPartyJoined(consultationId: string, party: Party): Promise<ConsultationStatus> {
    const { status } = await this.#move(consultationId, (row, now) => {
      if (isTerminal(row.status)) throw conflict('consultation_over', `This consultation is over (${row.status}).`);
      const fields: TransitionFields = {};
      if (party === 'expert' && !row.expert_joined_at) fields.expert_joined_at = now;
      if (party === 'client' && !row.client_joined_at) fields.client_joined_at = now;
      if (row.status === 'scheduled') {
        if (now < row.start_at!) throw conflict('not_started', 'The consultation room opens at the start time (BOOK-5).');
        const bothJoined = (row.expert_joined_at ?? fields.expert_joined_at) && (row.client_joined_at ?? fields.client_joined_at);
        return { to: bothJoined ? 'live' : undefined, fields: bothJoined ? { ...fields, live_at: now } : fields, notify: [] };
      }
      if (row.status === 'requested' && party === 'expert') {
        // The client asked and is waiting on the page: their presence is the request itself.
        return { to: 'live', fields: { ...fields, ...(row.client_joined_at ? {} : { client_joined_at: now }), live_at: now }, notify: [] };
      }
      return { to: undefined, fields, notify: [] };
    });
    return status;
  }

  /** BILL-3, BILL-4: the meter ends a live consultation; it is then settled for the connected seconds. */
  async endConsultation(consultationId: string, input: { connectedSeconds: number; reason: EndReason }): Promise<SettlementRecord> {
    if (!Number.isSafeInteger(input.connectedSeconds) || input.connectedSeconds < 0 || input.connectedSeconds > MAX_CONNECTED_SECONDS) {
      throw new InvariantViolation(`connected seconds ${input.connectedSeconds} out of 0..${MAX_CONNECTED_SECONDS}`);
    }
    if (!END_REASONS.includes(input.reason)) throw new InvariantViolation(`unknown end reason ${String(input.reason)}`);
    const { status } = await this.#move(consultationId, (row, now) => {
      if (row.status === 'ended') return { to: undefined, fields: {}, notify: [] }; // the meter may report twice
      if (row.status !== 'live') throw conflict('not_live', `Only a live consultation can end (it is ${row.status}).`);
      return { to: 'ended', fields: { ended_at: now, end_reason: input.reason, connected_seconds: input.connectedSeconds }, notify: [] };
    });
    if (status !== 'ended') throw new InvariantViolation(`consultation ${consultationId} did not end`);
    return this.#settlements.settle(consultationId);
  }

  /**
   * A party cancels (BILL-10, BILL-11, BILL-12), or the platform does (BOOK-3 failed hold). The
   * settlement prices it from who cancelled and when.
   */
  async cancel(consultationId: string, by: Canceller): Promise<SettlementRecord> {
    await this.#move(consultationId, (row, now) => {
      if (row.status !== 'requested' && row.status !== 'scheduled') {
        throw conflict('not_cancellable', `A ${row.status} consultation cannot be cancelled.`);
      }
      return {
        to: 'cancelled',
        fields: { cancelled_by: by, cancelled_at: now },
        notify: [{ event: 'consultation_cancelled', parties: ['client', 'expert'], withSettlement: true, data: { cancelledBy: by } }],
      };
    });
    return this.#settlements.settle(consultationId);
  }

  /**
   * BOOK-4: the expert takes an immediate request: by video they go straight into the room (their
   * arrival makes it live), by phone the calls start. It stays a request until then; accepting
   * twice, or a request already live, changes nothing.
   */
  async acceptRequest(consultationId: string): Promise<ConsultationStatus> {
    const { status } = await this.#move(consultationId, (row, now) => {
      if (row.start_at !== null) throw conflict('not_a_request', 'Only an immediate request is accepted; an appointment is joined at its start.');
      if (row.status === 'live' || (row.status === 'requested' && row.accepted_at)) return { to: undefined, fields: {}, notify: [] };
      if (row.status !== 'requested') throw conflict('request_over', `This request is over (${row.status}).`);
      return { to: undefined, fields: { accepted_at: now }, notify: [] };
    });
    return status;
  }

  /**
   * BOOK-4: the expert declines an immediate request: it ends as `expired` at no charge for anyone
   * (the hold is released by the settlement), and the client is told at once (the live channel)
   * and by email. Declining twice changes nothing.
   */
  async declineRequest(consultationId: string): Promise<SettlementRecord> {
    await this.#move(consultationId, (row, now) => {
      if (row.start_at !== null) throw conflict('not_a_request', 'An appointment is cancelled, not declined.');
      if (row.status === 'expired' && row.declined_at) return { to: undefined, fields: {}, notify: [] };
      if (row.status !== 'requested') throw conflict('request_over', `This request can no longer be declined (${row.status}).`);
      return { to: 'expired', fields: { declined_at: now }, notify: [{ event: 'immediate_request_declined', parties: ['client'] }] };
    });
    return this.#settlements.settle(consultationId);
  }

  /**
   * BOOK-4: the expert did not join within 5 minutes. A request no longer waiting is left alone;
   * one the expert accepted a moment ago gets ACCEPTED_JOIN_GRACE_MINUTES to arrive, and the
   * caller asks again then (`retryAt`).
   */
  async expireRequest(consultationId: string): Promise<{ expired: boolean; retryAt?: Date }> {
    let retryAt: Date | undefined;
    const { changed } = await this.#move(consultationId, (row, now) => {
      if (row.status !== 'requested') return { to: undefined, fields: {}, notify: [] };
      const graceEnd = row.accepted_at ? minutesAfter(row.accepted_at, ACCEPTED_JOIN_GRACE_MINUTES) : undefined;
      if (graceEnd && now < graceEnd) {
        retryAt = graceEnd;
        return { to: undefined, fields: {}, notify: [] };
      }
      return { to: 'expired', fields: {}, notify: [{ event: 'immediate_request_expired', parties: ['client'] }] };
    });
    if (changed) await this.#settlements.settle(consultationId);
    return retryAt ? { expired: false, retryAt } : { expired: changed };
  }

  /**
   * BOOK-5, 10 minutes after the start of an appointment nobody made live: the expert absent is
   * an expert no-show (BILL-12); the expert present and the client absent is a client no-show
   * (BILL-10).
   */
  async detectNoShow(consultationId: string): Promise<ConsultationStatus> {
    const { status, changed } = await this.#move(consultationId, (row, now) => {
      if (row.status !== 'scheduled') return { to: undefined, fields: {}, notify: [] };
      if (now < minutesAfter(row.start_at!, NO_SHOW_MINUTES)) throw new InvariantViolation(`no-show check of ${row.id} before its deadline`);
      const absentParty: Party = row.expert_joined_at ? 'client' : 'expert';
      return {
        to: absentParty === 'client' ? 'no_show_client' : 'no_show_expert',
        fields: {},
        notify: [{ event: 'no_show', parties: ['client', 'expert'], withSettlement: true, data: { absentParty } }],
      };
    });
    if (changed) await this.#settlements.settle(consultationId);
    return status;
  }

  async #move(consultationId: string, decide: (row: LockedConsultation, now: Date) => Change): Promise<{ status: ConsultationStatus; changed: boolean }> {
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.query<LockedConsultation>(
        `SELECT id, status, expert_id, client_id, mode, start_at, expert_joined_at, client_joined_at, accepted_at, declined_at
           FROM consultations WHERE id = $1 FOR UPDATE`,
        [consultationId],
      );
      if (!row) throw new AppError(404, 'not_found', 'Consultation not found.');
      const now = this.#clock.now();
      const change = decide(row, now);
      if (change.to !== undefined && !canTransition(row.status, change.to)) {
        throw new InvariantViolation(`consultation ${row.id}: ${row.status} → ${change.to} is not in the transition table`);
      }
      const entries: [string, unknown][] = Object.entries(change.fields).filter(([, value]) => value !== undefined);
      if (change.to === undefined && entries.length === 0) return { status: row.status, changed: false };
      const to = change.to ?? row.status;
      const assignments = entries.map(([column], index) => `${column} = $${index + 3}`);
      await tx.query(`UPDATE consultations SET ${['status = $2', ...assignments].join(', ')} WHERE id = $1`, [
        row.id,
        to,
        ...entries.map(([, value]) => value),
      ]);
      for (const notification of change.notify) {
        for (const party of notification.parties) {
          await enqueueJob(
            tx,
            notificationJob({
              event: notification.event,
              userId: party === 'client' ? row.client_id : row.expert_id,
              consultationId: row.id,
              at: now,
              withSettlement: notification.withSettlement ?? false,
              data: {
                consultationId: row.id,
                status: to,
                mode: row.mode,
                startAt: row.start_at?.toISOString() ?? null,
                recipientRole: party,
                ...notification.data,
              },
            }),
            now,
          );
        }
      }
      return { status: to, changed: change.to !== undefined };
    });
  }
}
