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
  if (!code) throw refusal('This discount code does not exist.');
  if (code.expires_at && code.expires_at <= input.at) throw refusal('This discount code has expired.');
  if (code.max_uses !== null && (await usesOf(db, code.id)) >= code.max_uses) throw usedUp();
  if (code.first_consultation_only && input.clientId) {
    const [previous] = await db.query('SELECT 1 FROM consultations WHERE expert_id = $1 AND client_id = $2 AND status = ANY($3::text[]) LIMIT 1', [
      input.expertId,
      input.clientId,
      STATUSES_USING_A_CODE,
    ]);
    if (previous) throw refusal('This discount code is only for a first consultation.');
  }
  return { id: code.id, percentOff: code.percent_off };
}

/**
 * EXP-7: called first in the transaction that inserts the booking. Locks the code's row (before the
 * insert's foreign-key lock on it, so two bookings never wait for each other), so racing bookings
 * count its uses one after the other, and refuses the one that would go past `max_uses`.
 */
export async function claimDiscountCodeUse(tx: Queryable, codeId: string): Promise<void> {
  const [code] = await tx.query<{ max_uses: number | null }>('SELECT max_uses FROM discount_codes WHERE id = $1 FOR UPDATE', [codeId]);
  if (code?.max_uses != null && (await usesOf(tx, codeId)) >= code.max_uses) throw usedUp();
}

async function usesOf(db: Queryable, codeId: string): Promise<number> {
  const [row] = await db.query<{ uses: number }>('SELECT count(*)::int AS uses FROM consultations WHERE discount_code_id = $1 AND status = ANY($2::text[])', [
    codeId,
    STATUSES_USING_A_CODE,
  ]);
  return row!.uses;
}

const refusal = (message: string) => badRequest('invalid_discount_code', message, 'discountCode');
const usedUp = () => refusal('This discount code has been used up.');
