import type { Queryable } from '../platform/database.ts';
import { badRequest } from '../platform/errors.ts';

/** Consultations that did not happen do not use up a code. */
const STATUSES_USING_A_CODE = ['requested', 'scheduled', 'live', 'ended', 'no_show_client', 'no_show_expert'];

/**
 * EXP-7: a code of this expert, enabled, not expired, with uses left, and for a first-consultation
 * code a client who never consulted this expert. A quote without a signed-in client cannot check
 * "first consultation"; booking checks it again with the client.
 */
export async function resolveDiscountCode(
  db: Queryable,
  input: { expertId: string; code: string; at: Date; clientId?: string },
): Promise<{ id: string; percentOff: number }> {
  const [code] = await db.query<{ id: string; percent_off: number; expires_at: Date | null; max_uses: number | null; first_consultation_only: boolean }>(
    `SELECT id, percent_off, expires_at, max_uses, first_consultation_only FROM discount_codes
      WHERE expert_id = $1 AND upper(code) = upper($2) AND disabled_at IS NULL`,
    [input.expertId, input.code],
  );
  const refuse = (message: string) => badRequest('invalid_discount_code', message, 'discountCode');
  if (!code) throw refuse('This discount code does not exist.');
  if (code.expires_at && code.expires_at <= input.at) throw refuse('This discount code has expired.');
  if (code.max_uses !== null) {
    const [{ uses } = { uses: 0 }] = await db.query<{ uses: number }>(
      'SELECT count(*)::int AS uses FROM consultations WHERE discount_code_id = $1 AND status = ANY($2::text[])',
      [code.id, STATUSES_USING_A_CODE],
    );
    if (uses >= code.max_uses) throw refuse('This discount code has been used up.');
  }
  if (code.first_consultation_only && input.clientId) {
    const [previous] = await db.query(
      'SELECT 1 FROM consultations WHERE expert_id = $1 AND client_id = $2 AND status = ANY($3::text[]) LIMIT 1',
      [input.expertId, input.clientId, STATUSES_USING_A_CODE],
    );
    if (previous) throw refuse('This discount code is only for a first consultation.');
  }
  return { id: code.id, percentOff: code.percent_off };
}
