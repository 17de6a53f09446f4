import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database, Queryable } from '../platform/database.ts';
import { UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';

/**
 * EXP-7: the expert's discount codes. Checked at quote and booking by server/pricing/discounts.ts
 * (BILL-6: the discount lowers the rate or package price, never the operating fee). A code is
 * never deleted, only disabled: consultations keep pointing at the code they used, and the same
 * text cannot be reused for another discount (a client's old link must not change meaning).
 */

/** An expert with more live codes than this is doing something else than discounts. */
export const DISCOUNT_CODES_PER_EXPERT_MAX = 100;
export const DISCOUNT_CODE_MAX_USES = 100_000;
/** The table's CHECK (migration 002): letters, digits, `_` and `-`, 3 to 32 characters. */
export const DISCOUNT_CODE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
/** Same list as server/pricing/discounts.ts: consultations that did not happen do not use up a code. */
const STATUSES_USING_A_CODE = ['requested', 'scheduled', 'live', 'ended', 'no_show_client', 'no_show_expert'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const createBody = z
  .object({
    code: z.string().regex(DISCOUNT_CODE_PATTERN, 'must be 3 to 32 letters, digits, _ or -'),
    percentOff: z.number().int().min(1).max(100),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    maxUses: z.number().int().min(1).max(DISCOUNT_CODE_MAX_USES).nullable().optional(),
    firstConsultationOnly: z.boolean().default(false),
  })
  .strict();

export interface DiscountCodeView {
  id: string;
  code: string;
  percentOff: number;
  expiresAt: string | null;
  maxUses: number | null;
  firstConsultationOnly: boolean;
  usesCount: number;
  status: 'active' | 'disabled' | 'expired' | 'used_up';
  createdAt: string;
  disabledAt: string | null;
}

interface DiscountCodeRow {
  id: string;
  code: string;
  percent_off: number;
  expires_at: Date | null;
  max_uses: number | null;
  first_consultation_only: boolean;
  disabled_at: Date | null;
  created_at: Date;
  uses_count: number;
}

const SELECT_CODES = `
  SELECT d.id, d.code, d.percent_off, d.expires_at, d.max_uses, d.first_consultation_only, d.disabled_at, d.created_at,
         (SELECT count(*)::int FROM consultations c WHERE c.discount_code_id = d.id AND c.status = ANY($2::text[])) AS uses_count
    FROM discount_codes d WHERE d.expert_id = $1`;

function toView(row: DiscountCodeRow, now: Date): DiscountCodeView {
  const status = row.disabled_at
    ? 'disabled'
    : row.expires_at && row.expires_at <= now
      ? 'expired'
      : row.max_uses !== null && row.uses_count >= row.max_uses
        ? 'used_up'
        : 'active';
  return {
    id: row.id,
    code: row.code,
    percentOff: row.percent_off,
    expiresAt: row.expires_at?.toISOString() ?? null,
    maxUses: row.max_uses,
    firstConsultationOnly: row.first_consultation_only,
    usesCount: row.uses_count,
    status,
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

async function readCode(db: Queryable, expertId: string, id: string, now: Date): Promise<DiscountCodeView> {
  const [row] = await db.query<DiscountCodeRow>(`${SELECT_CODES} AND d.id = $3`, [expertId, STATUSES_USING_A_CODE, id]);
  if (!row) throw notFound('Discount code');
  return toView(row, now);
}

export function discountCodeRoutes(api: Api, deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  const tag = 'expert workspace';

  api.route(
    { method: 'get', path: '/api/experts/me/discount-codes', summary: 'My discount codes with their uses (EXP-7)', tag, access: ['expert'] },
    async ({ user }) => {
      const rows = await db.query<DiscountCodeRow>(`${SELECT_CODES} ORDER BY d.created_at DESC, d.code`, [user!.id, STATUSES_USING_A_CODE]);
      const now = clock.now();
      return { discountCodes: rows.map((row) => toView(row, now)) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/experts/me/discount-codes',
      summary: 'Create a discount code: percent off, optional expiry, max uses, first consultation only (EXP-7)',
      tag,
      access: ['expert'],
      body: createBody,
      successStatus: 201,
    },
    async ({ user, body }) => {
      const now = clock.now();
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= now) throw badRequest('invalid_expiry', 'The expiry must be in the future.', 'expiresAt');
      const id = await db.transaction(async (tx) => {
        // Serialises this expert's creations so two concurrent requests cannot both pass the limit.
        await tx.query('SELECT 1 FROM expert_profiles WHERE user_id = $1 FOR UPDATE', [user!.id]);
        const [{ live } = { live: 0 }] = await tx.query<{ live: number }>(
          'SELECT count(*)::int AS live FROM discount_codes WHERE expert_id = $1 AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > $2)',
          [user!.id, now],
        );
        if (live >= DISCOUNT_CODES_PER_EXPERT_MAX) {
          throw conflict('too_many_discount_codes', `At most ${DISCOUNT_CODES_PER_EXPERT_MAX} active discount codes; disable some first.`);
        }
        try {
          const [row] = await tx.query<{ id: string }>(
            `INSERT INTO discount_codes (expert_id, code, percent_off, expires_at, max_uses, first_consultation_only, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
            [user!.id, body.code, body.percentOff, expiresAt, body.maxUses ?? null, body.firstConsultationOnly, now],
          );
          return row!.id;
        } catch (error) {
          if (sqlState(error) === UNIQUE_VIOLATION) {
            throw conflict('discount_code_taken', 'You already have a discount code with this text (codes are not case-sensitive).', 'code');
          }
          throw error;
        }
      });
      return readCode(db, user!.id, id, now);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/experts/me/discount-codes/:id/disable',
      summary: 'Disable a discount code; it can no longer be used (EXP-7)',
      tag,
      access: ['expert'],
    },
    async ({ user, req }) => {
      const id = String(req.params['id']);
      if (!UUID.test(id)) throw notFound('Discount code');
      const now = clock.now();
      const [row] = await db.query<{ id: string }>(
        'UPDATE discount_codes SET disabled_at = COALESCE(disabled_at, $3) WHERE id = $1 AND expert_id = $2 RETURNING id',
        [id, user!.id, now],
      );
      if (!row) throw notFound('Discount code');
      return readCode(db, user!.id, id, now);
    },
  );
}
