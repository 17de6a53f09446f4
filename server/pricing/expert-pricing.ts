import type { Queryable } from '../platform/database.ts';
import type { ConsultationMode, ExpertPricing } from '../billing/index.ts';

export interface OfferedPackage {
  id: string;
  mode: ConsultationMode;
  minutes: number;
  priceCents: number;
}

export interface ExpertPricingView {
  videoRatePerMinuteCents: number | null;
  phoneRatePerMinuteCents: number | null;
  packages: OfferedPackage[];
}

export async function readExpertPricing(db: Queryable, expertId: string): Promise<ExpertPricingView> {
  const [rates] = await db.query<{ video_rate_per_minute_cents: number | null; phone_rate_per_minute_cents: number | null }>(
    'SELECT video_rate_per_minute_cents, phone_rate_per_minute_cents FROM expert_rates WHERE expert_id = $1',
    [expertId],
  );
  const packages = await db.query<{ id: string; mode: ConsultationMode; minutes: number; price_cents: number }>(
    'SELECT id, mode, minutes, price_cents FROM packages WHERE expert_id = $1 AND retired_at IS NULL ORDER BY position',
    [expertId],
  );
  return {
    videoRatePerMinuteCents: rates?.video_rate_per_minute_cents ?? null,
    phoneRatePerMinuteCents: rates?.phone_rate_per_minute_cents ?? null,
    packages: packages.map((row) => ({ id: row.id, mode: row.mode, minutes: row.minutes, priceCents: row.price_cents })),
  };
}

/**
 * EXP-4, EXP-5: the new pricing replaces the old one. A package offered again unchanged keeps
 * its id (links and open pages stay valid); the others are retired, never deleted, because
 * booked consultations point at them (their terms are frozen anyway, BILL-13).
 */
export async function replaceExpertPricing(tx: Queryable, expertId: string, pricing: ExpertPricing, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO expert_rates (expert_id, video_rate_per_minute_cents, phone_rate_per_minute_cents, updated_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (expert_id) DO UPDATE SET video_rate_per_minute_cents = $2, phone_rate_per_minute_cents = $3, updated_at = $4`,
    [expertId, pricing.videoRatePerMinuteCents ?? null, pricing.phoneRatePerMinuteCents ?? null, at],
  );
  const current = await tx.query<{ id: string; mode: string; minutes: number; price_cents: number }>(
    'SELECT id, mode, minutes, price_cents FROM packages WHERE expert_id = $1 AND retired_at IS NULL FOR UPDATE',
    [expertId],
  );
  const kept = new Set<string>();
  for (const [position, offer] of pricing.packages.entries()) {
    const same = current.find((row) => !kept.has(row.id) && row.mode === offer.mode && row.minutes === offer.minutes && row.price_cents === offer.priceCents);
    if (same) {
      kept.add(same.id);
      await tx.query('UPDATE packages SET position = $2 WHERE id = $1', [same.id, position]);
    } else {
      await tx.query('INSERT INTO packages (expert_id, mode, minutes, price_cents, position, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        expertId,
        offer.mode,
        offer.minutes,
        offer.priceCents,
        position,
        at,
      ]);
    }
  }
  const retired = current.filter((row) => !kept.has(row.id)).map((row) => row.id);
  if (retired.length) await tx.query('UPDATE packages SET retired_at = $2 WHERE id = ANY($1::uuid[])', [retired, at]);
}
