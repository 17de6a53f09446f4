import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobHandler, JobRequest } from '../jobs/queue.ts';
import type { TelephonyProvider } from '../telephony/provider.ts';
import { IMMEDIATE_REQUEST_TIMEOUT_MINUTES } from '../bookings/rules.ts';
import { consultationPageUrl } from '../notifications/calendar-identity.ts';

/**
 * BOOK-4: a text to the expert's mobile for each immediate request, when they opted in (the
 * expert setting `smsOnImmediateRequest`, off by default), through the telephony provider (Twilio's
 * Messages API, or the simulator's phones). Sent from the job table, so a provider that is down is
 * retried; claimed in `sms_messages` before the provider is called, so a retry never texts twice in
 * a row.
 */
export const REQUEST_SMS_JOB = 'live.request_sms';
/** A send that has not finished after this long is presumed dead (a crashed process) and may be retried. */
const SEND_LEASE_MS = 5 * 60_000;

export function requestSmsJob(input: { consultationId: string; at: Date }): JobRequest {
  return { kind: REQUEST_SMS_JOB, payload: { consultationId: input.consultationId }, runAt: input.at, dedupeKey: `request-sms:${input.consultationId}` };
}

/** The words of the text, in the expert's language; short enough for two SMS segments. */
export function requestSmsBody(input: { language: 'fr' | 'en'; clientFirstName: string; mode: 'video' | 'phone'; url: string }): string {
  const name = input.clientFirstName.slice(0, 40);
  return input.language === 'fr'
    ? `Consulto : ${name} demande une consultation ${input.mode === 'video' ? 'vidéo' : 'par téléphone'} maintenant. Acceptez dans les ${IMMEDIATE_REQUEST_TIMEOUT_MINUTES} min : ${input.url}`
    : `Consulto: ${name} asks for a ${input.mode === 'video' ? 'video' : 'phone'} consultation now. Accept within ${IMMEDIATE_REQUEST_TIMEOUT_MINUTES} min: ${input.url}`;
}

export function requestSmsHandler(deps: { db: Database; clock: Clock; provider: TelephonyProvider; publicUrl: string; logger: Logger }): JobHandler {
  const { db, clock } = deps;
  return async (payload) => {
    const consultationId = String(payload['consultationId']);
    const [row] = await db.query<{
      status: string;
      mode: 'video' | 'phone';
      expert_id: string;
      phone_mobile: string | null;
      language: 'fr' | 'en';
      opted_in: boolean;
      expert_status: string;
      client_first_name: string;
    }>(
      `SELECT c.status, c.mode, c.expert_id, eu.phone_mobile, eu.language, e.sms_on_immediate_request AS opted_in, eu.status AS expert_status,
              cu.first_name AS client_first_name
         FROM consultations c JOIN users eu ON eu.id = c.expert_id JOIN expert_profiles e ON e.user_id = c.expert_id JOIN users cu ON cu.id = c.client_id
        WHERE c.id = $1`,
      [consultationId],
    );
    // Answered or over already, not opted in, or nowhere to text: nothing to say.
    if (!row || row.status !== 'requested' || !row.opted_in || !row.phone_mobile || row.expert_status !== 'active') return;
    const body = requestSmsBody({
      language: row.language,
      clientFirstName: row.client_first_name,
      mode: row.mode,
      url: consultationPageUrl(deps.publicUrl, consultationId),
    });
    const idempotencyKey = `immediate_request:${consultationId}`;
    const now = clock.now();
    const [claimed] = await db.query(
      `INSERT INTO sms_messages (idempotency_key, user_id, to_number, body, status, claimed_at, created_at)
       VALUES ($1, $2, $3, $4, 'sending', $5, $5)
       ON CONFLICT (idempotency_key) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
         WHERE sms_messages.status = 'sending' AND sms_messages.claimed_at <= $6
       RETURNING idempotency_key`,
      [idempotencyKey, row.expert_id, row.phone_mobile, body, now, new Date(now.getTime() - SEND_LEASE_MS)],
    );
    if (!claimed) return; // sent already, or being sent right now
    let messageId: string;
    try {
      ({ messageId } = await deps.provider.sendSms({ to: row.phone_mobile, body }));
    } catch (error) {
      // Let the job's next attempt claim it at once.
      await db.query(`UPDATE sms_messages SET claimed_at = '-infinity' WHERE idempotency_key = $1 AND status = 'sending'`, [idempotencyKey]);
      deps.logger.warn({ err: error, consultationId }, 'request SMS not sent; retried by the job');
      throw error;
    }
    await db.query(`UPDATE sms_messages SET status = 'sent', provider_message_id = $2, sent_at = $3 WHERE idempotency_key = $1`, [
      idempotencyKey,
      messageId,
      clock.now(),
    ]);
  };
}
