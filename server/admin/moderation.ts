import type { Database, Queryable } from '../platform/database.ts';
import { UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.ts';
import type { Sessions } from '../accounts/sessions.ts';
import type { ConsultationStateMachine } from '../bookings/state-machine.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { setWalletBlocked } from '../wallet/wallet.ts';
import { NOTIFY_JOB } from '../jobs/notify.ts';
import { enqueueNotification } from '../trust/notify.ts';
import type { ComplaintService, AnswerInput, ComplaintView } from '../trust/complaints.ts';
import { readReport, type ReportView } from '../trust/reports.ts';
import { recordAdminAction } from './audit.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * BILL-13: a fee-schedule change is announced to every expert at least this long before it
 * applies (the EU platform-to-business regulation 2019/1150 asks for 15 days' notice).
 */
export const FEE_CHANGE_NOTICE_DAYS = 15;
/** An open consultation list cancelled by one moderation action is bounded. */
const OPEN_CONSULTATIONS_MAX = 500;

export type ModerationAction = 'suspended' | 'reinstated' | 'terminated' | 'content_removed' | 'photo_removed' | 'wallet_blocked' | 'wallet_unblocked';

interface Admin {
  id: string;
}

interface TargetRow {
  id: string;
  role: 'client' | 'expert' | 'admin';
  status: 'active' | 'suspended' | 'closed';
}

/**
 * TRUST-4 and the rest of the admin console. Every action writes its audit entry and its email
 * in the transaction that does it; side effects on other capabilities (cancelling appointments
 * through the consultation state machine) follow the commit.
 */
export class AdminService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #sessions: Sessions;
  readonly #consultations: ConsultationStateMachine;
  readonly #notifier: Notifier;
  readonly #complaints: ComplaintService;
  readonly #logger: Logger;

  constructor(deps: {
    db: Database;
    clock: Clock;
    sessions: Sessions;
    consultations: ConsultationStateMachine;
    notifier: Notifier;
    complaints: ComplaintService;
    logger: Logger;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#sessions = deps.sessions;
    this.#consultations = deps.consultations;
    this.#notifier = deps.notifier;
    this.#complaints = deps.complaints;
    this.#logger = deps.logger;
  }

  /** TRUST-4: the account is signed out everywhere at once; its open appointments are cancelled at no fee for anyone. */
  async suspend(admin: Admin, userId: string, reason: string): Promise<void> {
    await this.#moderateAccount(admin, userId, reason, {
      action: 'user_suspended',
      notice: 'suspended',
      allowedFrom: ['active'],
      to: 'suspended',
      refusal: conflict('not_active', 'Only an active account can be suspended.'),
    });
    await this.#cancelOpenConsultations(userId);
  }

  async reinstate(admin: Admin, userId: string, reason: string): Promise<void> {
    await this.#moderateAccount(admin, userId, reason, {
      action: 'user_reinstated',
      notice: 'reinstated',
      allowedFrom: ['suspended'],
      to: 'active',
      refusal: conflict('not_suspended', 'Only a suspended account can be reinstated.'),
    });
  }

  /**
   * TRUST-4: the account is closed for good. Its data is kept (unlike a deregistration, ACC-8):
   * a termination usually follows abuse, and the records may be needed. The email goes out
   * before the account closes, since closed accounts receive nothing.
   */
  async terminate(admin: Admin, userId: string, reason: string): Promise<void> {
    const target = await this.#target(this.#db, userId);
    if (target.status === 'closed') throw conflict('already_closed', 'This account is already closed.');
    await this.#notifier
      .notify({ event: 'account_moderated', userId, data: { action: 'terminated', reason }, idempotencyKey: `account_moderated:terminated:${userId}` })
      .catch((error: unknown) => this.#logger.warn({ err: error, userId }, 'termination email not sent'));
    await this.#moderateAccount(admin, userId, reason, {
      action: 'user_terminated',
      notice: undefined,
      allowedFrom: ['active', 'suspended'],
      to: 'closed',
      refusal: conflict('already_closed', 'This account is already closed.'),
      extra: async (tx, now) => {
        await tx.query(`INSERT INTO account_closures (user_id, kind, closed_at) VALUES ($1, 'terminated', $2) ON CONFLICT (user_id) DO NOTHING`, [userId, now]);
      },
    });
    await this.#cancelOpenConsultations(userId);
  }

  /** TRUST-4: the headline and/or description of an expert's profile are emptied. */
  async removeProfileContent(admin: Admin, userId: string, fields: readonly ('headline' | 'description')[], reason: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const target = await this.#target(tx, userId, { lock: true });
      if (target.role !== 'expert') throw notFound('Expert');
      const assignments = [...new Set(fields)].map((field) => `${field} = ''`).join(', ');
      await tx.query(`UPDATE expert_profiles SET ${assignments} WHERE user_id = $1`, [userId]);
      await this.#audit(tx, admin, 'profile_content_removed', 'user', userId, reason, { fields });
      await this.#notifyModerated(tx, userId, 'content_removed', reason);
    });
  }

  async removeProfilePhoto(admin: Admin, userId: string, reason: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const target = await this.#target(tx, userId, { lock: true });
      if (target.role !== 'expert') throw notFound('Expert');
      const removed = await tx.query(
        'UPDATE expert_profiles SET photo = NULL, photo_content_type = NULL, photo_updated_at = NULL WHERE user_id = $1 AND photo IS NOT NULL RETURNING user_id',
        [userId],
      );
      if (removed.length === 0) throw conflict('no_photo', 'This profile has no photo.');
      await this.#audit(tx, admin, 'profile_photo_removed', 'user', userId, reason);
      await this.#notifyModerated(tx, userId, 'photo_removed', reason);
    });
  }

  /** TRUST-4, PAY-5: a blocked wallet cannot pay out until unblocked. */
  async setWalletBlocked(admin: Admin, userId: string, blocked: boolean, reason: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const target = await this.#target(tx, userId, { lock: true });
      if (target.role !== 'expert') throw notFound('Wallet');
      const [wallet] = await tx.query<{ blocked: boolean }>('SELECT blocked FROM wallets WHERE user_id = $1 FOR UPDATE', [userId]);
      const isBlocked = wallet?.blocked ?? false;
      if (blocked && isBlocked) throw conflict('wallet_already_blocked', 'This wallet is already blocked.');
      if (!blocked && !isBlocked) throw conflict('wallet_not_blocked', 'This wallet is not blocked.');
      const now = this.#clock.now();
      await setWalletBlocked(tx, userId, { blocked, reason, at: now });
      await this.#audit(tx, admin, blocked ? 'wallet_blocked' : 'wallet_unblocked', 'wallet', userId, reason);
      await this.#notifyModerated(tx, userId, blocked ? 'wallet_blocked' : 'wallet_unblocked', reason);
    });
  }

  /** TRUST-4: a notice on every page while in force (from `startsAt`, until `endsAt` or withdrawal). */
  async publishNotice(
    admin: Admin,
    input: { messageFr: string; messageEn: string; level: 'info' | 'warning'; startsAt?: string | undefined; endsAt?: string | undefined; reason: string },
  ): Promise<{ id: string }> {
    const now = this.#clock.now();
    const startsAt = input.startsAt ? new Date(input.startsAt) : now;
    const endsAt = input.endsAt ? new Date(input.endsAt) : null;
    if (endsAt && endsAt <= startsAt) throw badRequest('invalid_period', 'A notice ends after it starts.', 'endsAt');
    if (endsAt && endsAt <= now) throw badRequest('invalid_period', 'A notice that already ended would never show.', 'endsAt');
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO site_notices (message_fr, message_en, level, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [input.messageFr, input.messageEn, input.level, startsAt, endsAt, admin.id, now],
      );
      await this.#audit(tx, admin, 'notice_published', 'notice', row!.id, input.reason, {
        messageFr: input.messageFr,
        messageEn: input.messageEn,
        level: input.level,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt?.toISOString() ?? null,
      });
      return { id: row!.id };
    });
  }

  async withdrawNotice(admin: Admin, noticeId: string, reason: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const rows = await tx.query('UPDATE site_notices SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL RETURNING id', [
        noticeId,
        this.#clock.now(),
      ]);
      if (rows.length === 0) throw notFound('Notice');
      await this.#audit(tx, admin, 'notice_withdrawn', 'notice', noticeId, reason);
    });
  }

  /** TRUST-5: the admin dismisses a report or acts on it (for a review: removes it). */
  async decideReport(
    admin: Admin,
    reportId: string,
    input: { decision: 'dismissed' | 'actioned'; removeReview: boolean; reason: string },
  ): Promise<ReportView> {
    await this.#db.transaction(async (tx) => {
      const [report] = await tx.query<{ status: string; review_id: string | null }>('SELECT status, review_id FROM reports WHERE id = $1 FOR UPDATE', [
        reportId,
      ]);
      if (!report) throw notFound('Report');
      if (report.status !== 'open') throw conflict('report_already_decided', 'This report was already decided.');
      if (input.removeReview && (!report.review_id || input.decision !== 'actioned')) {
        throw badRequest('invalid_decision', 'Only an actioned report about a review can remove it.', 'removeReview');
      }
      const now = this.#clock.now();
      await tx.query('UPDATE reports SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1', [
        reportId,
        input.decision,
        admin.id,
        now,
        input.reason,
      ]);
      if (input.removeReview) await this.#removeReview(tx, admin, report.review_id!, input.reason, now);
      await this.#audit(tx, admin, 'report_decided', 'report', reportId, input.reason, { decision: input.decision, removeReview: input.removeReview });
    });
    return (await readReport(this.#db, reportId))!;
  }

  async removeReview(admin: Admin, reviewId: string, reason: string): Promise<void> {
    await this.#db.transaction((tx) => this.#removeReview(tx, admin, reviewId, reason, this.#clock.now()));
  }

  async #removeReview(tx: Queryable, admin: Admin, reviewId: string, reason: string, now: Date): Promise<void> {
    const rows = await tx.query(
      `UPDATE reviews SET moderation_state = 'removed', removed_at = $2, removed_reason = $3 WHERE id = $1 AND moderation_state = 'published' RETURNING id`,
      [reviewId, now, reason],
    );
    if (rows.length === 0) throw conflict('review_not_published', 'This review is not published (already removed, or unknown).');
    await this.#audit(tx, admin, 'review_removed', 'review', reviewId, reason);
  }

  /** TRUST-2 after escalation, TRUST-3: the admin answers; the audit entry commits with the answer. */
  async answerComplaint(admin: Admin, complaintId: string, input: AnswerInput & { reason: string }): Promise<ComplaintView> {
    return this.#complaints.answer({ id: admin.id, role: 'admin' }, complaintId, input, {
      audit: (tx) =>
        this.#audit(tx, admin, 'complaint_answered', 'complaint', complaintId, input.reason, {
          resolution: input.resolution,
          refundCents: input.refundCents ?? null,
        }),
    });
  }

  /**
   * BILL-7, BILL-13: a new fee per minute from a future date. Consultations booked before keep
   * their frozen terms; every active expert is emailed now, at least FEE_CHANGE_NOTICE_DAYS ahead.
   */
  async addFeeSchedule(admin: Admin, input: { feePerMinuteCents: number; effectiveFrom: string; reason: string }): Promise<{ id: number }> {
    const now = this.#clock.now();
    const effectiveFrom = new Date(input.effectiveFrom);
    if (effectiveFrom.getTime() < now.getTime() + FEE_CHANGE_NOTICE_DAYS * DAY_MS) {
      throw badRequest('notice_too_short', `A fee change applies at least ${FEE_CHANGE_NOTICE_DAYS} days after it is announced (BILL-13).`, 'effectiveFrom');
    }
    return this.#insertDated(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        'INSERT INTO fee_schedules (fee_per_minute_cents, effective_from, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
        [input.feePerMinuteCents, effectiveFrom, now, admin.id],
      );
      const id = row!.id;
      // One email job per active expert, written in one statement whatever their number.
      await tx.query(
        `INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at)
         SELECT $1, jsonb_build_object('event', 'fee_schedule_changed', 'userId', u.id, 'idempotencyKey', 'fee_schedule_changed:' || $2::text || ':' || u.id,
                  'withSettlement', false, 'data', jsonb_build_object('feePerMinuteCents', $3::integer, 'effectiveFrom', $4::text)),
                'notify:fee_schedule_changed:' || $2::text || ':' || u.id, $5, $5
           FROM users u WHERE u.role = 'expert' AND u.status = 'active'
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [NOTIFY_JOB, String(id), input.feePerMinuteCents, effectiveFrom.toISOString(), now],
      );
      await this.#audit(tx, admin, 'fee_schedule_added', 'fee_schedule', String(id), input.reason, {
        feePerMinuteCents: input.feePerMinuteCents,
        effectiveFrom: effectiveFrom.toISOString(),
      });
      return { id };
    });
  }

  /** BILL-8: a new surcharge table from a future date; bookings made before keep theirs (BILL-13). */
  async addSurchargeTable(
    admin: Admin,
    input: { franceCents: number; euCents: number; worldCents: number; effectiveFrom: string; reason: string },
  ): Promise<{ id: number }> {
    const now = this.#clock.now();
    const effectiveFrom = new Date(input.effectiveFrom);
    if (effectiveFrom <= now) throw badRequest('effective_date_in_past', 'A new surcharge table applies from a future date (BILL-13).', 'effectiveFrom');
    return this.#insertDated(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        'INSERT INTO surcharge_tables (france_cents, eu_cents, world_cents, effective_from, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [input.franceCents, input.euCents, input.worldCents, effectiveFrom, now, admin.id],
      );
      await this.#audit(tx, admin, 'surcharge_table_added', 'surcharge_table', String(row!.id), input.reason, {
        franceCents: input.franceCents,
        euCents: input.euCents,
        worldCents: input.worldCents,
        effectiveFrom: effectiveFrom.toISOString(),
      });
      return { id: row!.id };
    });
  }

  async #insertDated<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction(work);
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw conflict('effective_date_taken', 'Another version already starts at that exact time.', 'effectiveFrom');
      throw error;
    }
  }

  async #moderateAccount(
    admin: Admin,
    userId: string,
    reason: string,
    change: {
      action: 'user_suspended' | 'user_reinstated' | 'user_terminated';
      notice: ModerationAction | undefined;
      allowedFrom: readonly TargetRow['status'][];
      to: TargetRow['status'];
      refusal: AppError;
      extra?: (tx: Queryable, now: Date) => Promise<void>;
    },
  ): Promise<void> {
    if (userId === admin.id) throw conflict('cannot_moderate_yourself', 'Admins cannot moderate their own account.');
    await this.#db.transaction(async (tx) => {
      const target = await this.#target(tx, userId, { lock: true });
      if (target.role === 'admin') throw conflict('target_is_admin', 'Admin accounts are not moderated from the console.');
      if (!change.allowedFrom.includes(target.status)) throw change.refusal;
      const now = this.#clock.now();
      await tx.query('UPDATE users SET status = $2 WHERE id = $1', [userId, change.to]);
      // ACC-5: sessions are checked on every request, so this signs the user out at once.
      if (change.to !== 'active') await this.#sessions.revokeAllForUser(userId, change.action, tx);
      await change.extra?.(tx, now);
      await this.#audit(tx, admin, change.action, 'user', userId, reason, { from: target.status, to: change.to });
      if (change.notice) await this.#notifyModerated(tx, userId, change.notice, reason);
    });
  }

  /** Appointments and requests of a suspended or closed account end at no cost for anyone (cancelled by the platform). */
  async #cancelOpenConsultations(userId: string): Promise<void> {
    const open = await this.#db.query<{ id: string }>(
      `SELECT id FROM consultations WHERE (expert_id = $1 OR client_id = $1) AND status IN ('requested', 'scheduled') ORDER BY created_at LIMIT ${OPEN_CONSULTATIONS_MAX}`,
      [userId],
    );
    for (const { id } of open) {
      try {
        await this.#consultations.cancel(id, 'platform');
      } catch (error) {
        if (error instanceof AppError && error.status === 409) continue; // went live or ended meanwhile
        this.#logger.error({ err: error, consultationId: id }, 'cancelling an appointment of a moderated account failed');
      }
    }
  }

  async #target(db: Queryable, userId: string, options: { lock?: boolean } = {}): Promise<TargetRow> {
    const [row] = await db.query<TargetRow>(`SELECT id, role, status FROM users WHERE id = $1 ${options.lock ? 'FOR UPDATE' : ''}`, [userId]);
    if (!row) throw notFound('User');
    return row;
  }

  async #audit(
    tx: Queryable,
    admin: Admin,
    action: Parameters<typeof recordAdminAction>[1]['action'],
    targetType: string,
    targetId: string | null,
    reason: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await recordAdminAction(tx, { adminId: admin.id, action, targetType, targetId, reason, details, at: this.#clock.now() });
  }

  async #notifyModerated(tx: Queryable, userId: string, action: ModerationAction, reason: string): Promise<void> {
    const now = this.#clock.now();
    await enqueueNotification(tx, {
      event: 'account_moderated',
      userId,
      data: { action, reason },
      idempotencyKey: `account_moderated:${action}:${userId}:${now.getTime()}`,
      at: now,
    });
  }
}
