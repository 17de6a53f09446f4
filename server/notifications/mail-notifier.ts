import { createHash } from 'node:crypto';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notification, NotificationEvent, Notifier } from './notifier.ts';
import type { MailAttachment, MailTransport } from './transport.ts';
import type { Language, NotificationData } from './format.ts';
import { renderEmail } from './render.ts';
import { TEMPLATES } from './templates.ts';
import { buildIcs } from './ics.ts';
import { calendarSequence, consultationUid } from './calendar-identity.ts';
import { emailConsultationUrl } from './links.ts';

/** A send that has not finished after this long is presumed dead (crashed process) and may be retried. */
export const SEND_LEASE_MS = 5 * 60_000;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** BOOK-6: the events whose email carries the appointment as a calendar file. */
const CALENDAR_EVENTS: Partial<Record<NotificationEvent, 'PUBLISH' | 'CANCEL'>> = {
  booking_confirmed_client: 'PUBLISH',
  booking_confirmed_expert: 'PUBLISH',
  appointment_reminder_24h: 'PUBLISH',
  appointment_reminder_15min: 'PUBLISH',
  consultation_cancelled: 'CANCEL',
  // BOOK-7: the moved appointment replaces the old one in the calendar (same UID, higher SEQUENCE).
  consultation_rescheduled: 'PUBLISH',
};

export class UnknownRecipientError extends Error {}

interface Recipient {
  email: string;
  language: Language;
  first_name: string;
  last_name: string;
  status: 'active' | 'suspended' | 'closed';
}

/**
 * §10: the Notifier the domain calls. Picks the template in the recipient's language, attaches an
 * .ics for appointments (BOOK-6) and sends through the configured transport, once per
 * idempotency key: the key is claimed in `notifications_sent` before sending and marked sent
 * after, so a retried job finds it and sends nothing. A failed send releases the claim and
 * throws, so the caller's job can retry.
 */
export class MailNotifier implements Notifier {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #transport: MailTransport;
  readonly #from: string;
  readonly #publicUrl: string;
  readonly #logger: Logger;

  constructor(deps: { db: Database; clock: Clock; transport: MailTransport; from: string; publicUrl: string; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#transport = deps.transport;
    this.#from = deps.from;
    this.#publicUrl = deps.publicUrl;
    this.#logger = deps.logger;
  }

  get transport(): MailTransport {
    return this.#transport;
  }

  async notify(notification: Notification): Promise<void> {
    const { event, userId, idempotencyKey } = notification;
    if (!(event in TEMPLATES)) throw new RangeError(`no template for notification event ${event}`);
    if (!idempotencyKey || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_LENGTH) throw new RangeError(`bad idempotency key for ${event}`);
    const [recipient] = await this.#db.query<Recipient>('SELECT email, language, first_name, last_name, status FROM users WHERE id = $1', [userId]);
    if (!recipient) throw new UnknownRecipientError(`notification ${event} for unknown user ${userId}`);

    const now = this.#clock.now();
    const messageId = `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${new URL(this.#publicUrl).hostname}>`;
    const [claimed] = await this.#db.query<{ attempts: number }>(
      `INSERT INTO notifications_sent (idempotency_key, event, user_id, status, message_id, claimed_at, created_at)
       VALUES ($1, $2, $3, 'sending', $4, $5, $5)
       ON CONFLICT (idempotency_key) DO UPDATE SET attempts = notifications_sent.attempts + 1, claimed_at = EXCLUDED.claimed_at
         WHERE notifications_sent.status = 'sending' AND notifications_sent.claimed_at <= $6
       RETURNING attempts`,
      [idempotencyKey, event, userId, messageId, now, new Date(now.getTime() - SEND_LEASE_MS)],
    );
    if (!claimed) return; // sent already, or being sent by another worker right now
    if (recipient.status === 'closed') {
      // ACC-8: a closed account's address is erased; nothing is sent, and a retry will not try again.
      await this.#db.query(`UPDATE notifications_sent SET status = 'skipped' WHERE idempotency_key = $1`, [idempotencyKey]);
      return;
    }

    const data = await this.#withConsultationFacts(notification.data, userId);
    const rendered = renderEmail(event, {
      language: recipient.language,
      publicUrl: this.#publicUrl,
      recipient: { firstName: recipient.first_name, lastName: recipient.last_name },
      data,
    });
    const attachments = this.#calendarAttachment(event, data, idempotencyKey, now);
    try {
      await this.#transport.send({
        messageId,
        from: this.#from,
        to: recipient.email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        attachments,
        event,
        date: now,
      });
    } catch (error) {
      // Let the next attempt claim it at once instead of waiting for the lease.
      await this.#db.query(`UPDATE notifications_sent SET claimed_at = '-infinity' WHERE idempotency_key = $1 AND status = 'sending'`, [idempotencyKey]);
      this.#logger.warn({ err: error, event, idempotencyKey }, 'email not sent; the caller may retry');
      throw error;
    }
    await this.#db.query(`UPDATE notifications_sent SET status = 'sent', sent_at = $2, subject = $3 WHERE idempotency_key = $1`, [
      idempotencyKey,
      this.#clock.now(),
      rendered.subject,
    ]);
  }

  /**
   * Facts the templates show about a consultation, read from the database when the caller gave
   * only its id: names of the parties, mode, start and reserved minutes. What the caller sent wins.
   */
  async #withConsultationFacts(data: NotificationData, recipientId: string): Promise<NotificationData> {
    const consultationId = data['consultationId'];
    if (typeof consultationId !== 'string' || !UUID.test(consultationId)) return data;
    const [row] = await this.#db.query<{
      mode: string;
      start_at: Date | null;
      reserved_minutes: number;
      schedule_version: number;
      expert_id: string;
      expert_name: string;
      expert_slug: string;
      client_name: string;
    }>(
      `SELECT c.mode, c.start_at, c.reserved_minutes, c.schedule_version, c.expert_id, e.slug AS expert_slug,
              eu.first_name || ' ' || eu.last_name AS expert_name, cu.first_name || ' ' || cu.last_name AS client_name
         FROM consultations c JOIN users eu ON eu.id = c.expert_id JOIN users cu ON cu.id = c.client_id
         JOIN expert_profiles e ON e.user_id = c.expert_id
        WHERE c.id = $1`,
      [consultationId],
    );
    if (!row) return data;
    const recipientRole = recipientId === row.expert_id ? 'expert' : 'client';
    const facts: NotificationData = {
      mode: row.mode,
      expertName: row.expert_name,
      clientName: row.client_name,
      recipientRole,
      counterpartName: recipientRole === 'expert' ? row.client_name : row.expert_name,
      consultationUrl: `${this.#publicUrl}/consultation/${row.expert_slug}`,
      ...(row.start_at ? { startAt: row.start_at.toISOString(), durationMinutes: row.reserved_minutes } : {}),
      // BOOK-7: the .ics SEQUENCE; an email about an earlier version says so in its own data.
      scheduleVersion: row.schedule_version,
    };
    return { ...facts, ...data };
  }

  #calendarAttachment(event: NotificationEvent, data: NotificationData, idempotencyKey: string, now: Date): MailAttachment[] {
    const method = CALENDAR_EVENTS[event];
    const startAt = typeof data['startAt'] === 'string' ? new Date(data['startAt']) : undefined;
    const durationMinutes = Number(data['durationMinutes']);
    if (!method || !startAt || !Number.isFinite(startAt.getTime()) || !Number.isInteger(durationMinutes) || durationMinutes < 1) return [];
    const consultationId =
      typeof data['consultationId'] === 'string' ? data['consultationId'] : createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    const url =
      typeof data['url'] === 'string'
        ? data['url']
        : emailConsultationUrl(this.#publicUrl, {
            consultationId,
            recipientRole: String(data['recipientRole'] ?? ''),
            mode: String(data['mode'] ?? ''),
            join: true,
          });
    const scheduleVersion = Number(data['scheduleVersion'] ?? 0);
    const ics = buildIcs({
      // The same UID for the confirmation, the reminders, a move and the cancellation, and in the feed (BOOK-8): one event.
      uid: consultationUid(consultationId, this.#publicUrl),
      startAt,
      durationMinutes,
      summary: summaryFor(data),
      description: url,
      url,
      stampedAt: now,
      method,
      sequence: calendarSequence(Number.isSafeInteger(scheduleVersion) && scheduleVersion >= 0 ? scheduleVersion : 0, method === 'CANCEL'),
    });
    return [{ filename: 'consultation.ics', contentType: `text/calendar; charset=utf-8; method=${method}`, content: ics }];
  }
}

function summaryFor(data: NotificationData): string {
  const other = data['counterpartName'] ?? (data['recipientRole'] === 'expert' ? data['clientName'] : data['expertName']);
  return other ? `Consulto – ${String(other)}` : 'Consulto';
}
