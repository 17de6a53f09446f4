import type { Queryable } from '../platform/database.ts';
import { InvariantViolation, type SurchargeTable } from '../billing/index.ts';

/**
 * BILL-7, BILL-8, BILL-13: the fee per minute and the surcharge table in force at a moment:
 * the row with the latest effective date not after it. The migration seeds rows in force
 * since 2000, so there is always one.
 */
export async function feeScheduleAt(db: Queryable, at: Date): Promise<{ id: number; feePerMinuteCents: number }> {
  const [row] = await db.query<{ id: number; fee_per_minute_cents: number }>(
    'SELECT id, fee_per_minute_cents FROM fee_schedules WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1',
    [at],
  );
  if (!row) throw new InvariantViolation(`no fee schedule in force at ${at.toISOString()}`);
  return { id: row.id, feePerMinuteCents: row.fee_per_minute_cents };
}

export async function surchargeTableAt(db: Queryable, at: Date): Promise<SurchargeTable & { id: number }> {
  const [row] = await db.query<{ id: number; france_cents: number; eu_cents: number; world_cents: number }>(
    'SELECT id, france_cents, eu_cents, world_cents FROM surcharge_tables WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1',
    [at],
  );
  if (!row) throw new InvariantViolation(`no surcharge table in force at ${at.toISOString()}`);
  return { id: row.id, franceCents: row.france_cents, euCents: row.eu_cents, worldCents: row.world_cents };
}
