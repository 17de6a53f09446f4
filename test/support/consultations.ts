import { holdAmountCents, type ConsultationTerms } from '../../server/billing/index.ts';
import type { TestPlatform } from './platform.ts';

export const freeRateVideoTerms = (overrides: Partial<ConsultationTerms> = {}): ConsultationTerms =>
  ({
    pricing: 'free_rate',
    mode: 'video',
    ratePerMinuteCents: 200,
    surchargePerMinuteCents: 0,
    feePerMinuteCents: 15,
    discountPercent: 0,
    budgetCents: 3000,
    ...overrides,
  }) as ConsultationTerms;

export const packageTerms = (overrides: Partial<ConsultationTerms> = {}): ConsultationTerms =>
  ({
    pricing: 'package',
    mode: 'video',
    packageMinutes: 15,
    packagePriceCents: 7500,
    surchargePerMinuteCents: 0,
    feePerMinuteCents: 15,
    discountPercent: 0,
    ...overrides,
  }) as ConsultationTerms;

export interface FinishedConsultationInput {
  expertId: string;
  clientId: string;
  terms: ConsultationTerms;
  status?: 'ended' | 'cancelled' | 'expired' | 'no_show_client' | 'no_show_expert';
  connectedSeconds?: number;
  startAt?: Date | null;
  cancelledAt?: Date | null;
  cancelledBy?: 'client' | 'expert' | 'platform' | null;
  paymentMethod?: string;
}

/**
 * A consultation that has finished, with its card hold placed through the platform's own
 * payment provider, as booking and the meter leave it. Settlement tests start from here.
 */
export async function insertFinishedConsultation(platform: TestPlatform, input: FinishedConsultationInput): Promise<string> {
  const now = platform.clock.now();
  const startAt = input.startAt === undefined ? null : input.startAt;
  const reservedMinutes = input.terms.pricing === 'package' ? input.terms.packageMinutes : 15;
  const [row] = await platform.db.query<{ id: string }>(
    `INSERT INTO consultations (expert_id, client_id, mode, pricing, status, start_at, reserved_minutes, reserved_during, terms,
       phone_number, terms_accepted_at, withdrawal_waived_at, payment_method_ref, created_at, live_at, ended_at,
       connected_seconds, cancelled_at, cancelled_by)
     VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7, CASE WHEN $6::timestamptz IS NULL THEN NULL ELSE tstzrange($6::timestamptz, $6::timestamptz + make_interval(mins => $7)) END,
       $8, $9, $10, $10, $11, $10, $12, $13, $14, $15, $16) RETURNING id`,
    [
      input.expertId,
      input.clientId,
      input.terms.mode,
      input.terms.pricing,
      input.status ?? 'ended',
      startAt,
      reservedMinutes,
      JSON.stringify(input.terms),
      input.terms.mode === 'phone' ? '+33612345678' : null,
      now,
      input.paymentMethod ?? 'pm_card_visa',
      input.status === 'ended' || input.status === undefined ? now : null,
      input.status === 'ended' || input.status === undefined ? now : null,
      input.connectedSeconds ?? 0,
      input.cancelledAt ?? null,
      input.cancelledBy ?? null,
    ],
  );
  const holdCents = holdAmountCents(input.terms);
  // A 100 % discounted package costs nothing: there is nothing to hold.
  if (holdCents === 0) return row!.id;
  const authorisation = await platform.services.payments.authorise({
    amountCents: holdCents,
    paymentMethod: input.paymentMethod ?? 'pm_card_visa',
    idempotencyKey: `hold:${row!.id}`,
    description: `Consultation ${row!.id}`,
  });
  await platform.db.query('UPDATE consultations SET payment_hold_ref = $2 WHERE id = $1', [row!.id, authorisation.holdRef]);
  return row!.id;
}
