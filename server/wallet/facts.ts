import type { Database, Queryable } from '../platform/database.ts';
import { InvariantViolation } from '../billing/index.ts';
import { accounts } from '../ledger/accounts.ts';
import { postJournal } from '../ledger/journal.ts';
import type { ProviderEvent } from '../payments/provider.ts';
import { assertUnreachable, decideKyc, decidePayout, type PayoutStatus } from './state-machine.ts';
import type { KycStatus } from './kyc-rules.ts';
import type { WalletNotification } from './notifications.ts';

/**
 * Applies one provider fact (webhook or local simulation) inside the caller's transaction,
 * as the state machine decides. Returns the emails to send once committed.
 */
export async function applyProviderFact(tx: Queryable, event: ProviderEvent, now: Date): Promise<WalletNotification[]> {
  switch (event.type) {
    case 'kyc.validated':
    case 'kyc.refused':
      return applyKycFact(tx, event, now);
    case 'payout.paid':
      return applyPayoutFact(tx, { payoutId: event.payoutId, payoutRef: event.payoutRef }, { outcome: 'paid' }, now);
    case 'payout.failed':
      return applyPayoutFact(tx, { payoutId: event.payoutId, payoutRef: event.payoutRef }, { outcome: 'failed', reason: event.reason }, now);
    case 'ignored':
      return [];
    default:
      return assertUnreachable(event);
  }
}

/**
 * BILL-14: records the fact once by its id; a replayed webhook finds it and changes nothing.
 * Recording and applying commit together, so a crash never leaves a fact recorded but unapplied.
 */
export async function recordProviderEvent(
  db: Database,
  provider: string,
  event: ProviderEvent,
  now: Date,
): Promise<{ duplicate: boolean; notifications: WalletNotification[] }> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx.query(
      `INSERT INTO payment_provider_events (provider, event_id, type, occurred_at, received_at, payload) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id`,
      [provider, event.id, event.providerType, event.occurredAt, now, JSON.stringify(event)],
    );
    if (!inserted) return { duplicate: true, notifications: [] };
    return { duplicate: false, notifications: await applyProviderFact(tx, event, now) };
  });
}

async function applyKycFact(tx: Queryable, event: Extract<ProviderEvent, { type: 'kyc.validated' | 'kyc.refused' }>, now: Date): Promise<WalletNotification[]> {
  const [profile] = await tx.query<{ user_id: string; status: KycStatus; last_event_at: Date | null; submitted_at: Date | null }>(
    'SELECT user_id, status, last_event_at, submitted_at FROM kyc_profiles WHERE provider_account_ref = $1 FOR UPDATE',
    [event.accountRef],
  );
  if (!profile) return [];
  const decision = decideKyc({ status: profile.status, lastEventAt: profile.last_event_at, submittedAt: profile.submitted_at }, event);
  if (decision.action === 'none') return [];
  const reason = decision.status === 'refused' ? decision.reason : null;
  await tx.query(`UPDATE kyc_profiles SET status = $2, refusal_reason = $3, decided_at = $4, last_event_at = $5, updated_at = $4 WHERE user_id = $1`, [
    profile.user_id,
    decision.status,
    reason,
    now,
    event.occurredAt,
  ]);
  return [
    {
      event: 'kyc_status_changed',
      userId: profile.user_id,
      data: { status: decision.status, reason },
      idempotencyKey: `kyc_status_changed:${profile.user_id}:${event.id}`,
    },
  ];
}

interface PayoutRow {
  id: string;
  user_id: string;
  amount_cents: number;
  status: PayoutStatus;
}

/** PAY-5: the outcome of a payout; a failure posts `payout-failed:<id>`, returning the money to available. */
export async function applyPayoutFact(
  tx: Queryable,
  which: { payoutId: string | undefined; payoutRef: string },
  fact: { outcome: 'paid' } | { outcome: 'failed'; reason: string },
  now: Date,
): Promise<WalletNotification[]> {
  const [payout] = await tx.query<PayoutRow>(
    `SELECT id, user_id, amount_cents, status FROM payouts
      WHERE ($1::uuid IS NOT NULL AND id = $1::uuid) OR ($1::uuid IS NULL AND provider_ref = $2) FOR UPDATE`,
    [which.payoutId && /^[0-9a-f-]{36}$/.test(which.payoutId) ? which.payoutId : null, which.payoutRef],
  );
  if (!payout) return [];
  const decision = decidePayout(payout.status, fact);
  switch (decision.action) {
    case 'none':
      return [];
    case 'mark_paid':
      await tx.query(`UPDATE payouts SET status = 'paid', provider_ref = COALESCE(provider_ref, $2), updated_at = $3 WHERE id = $1`, [
        payout.id,
        which.payoutRef,
        now,
      ]);
      return [
        {
          event: 'payout_paid',
          userId: payout.user_id,
          data: { payoutId: payout.id, amountCents: payout.amount_cents },
          idempotencyKey: `payout_paid:${payout.id}`,
        },
      ];
    case 'mark_failed': {
      if (payout.amount_cents <= 0) throw new InvariantViolation(`payout ${payout.id} of ${payout.amount_cents}`);
      await tx.query(`UPDATE payouts SET status = 'failed', failure_reason = $2, provider_ref = COALESCE(provider_ref, $3), updated_at = $4 WHERE id = $1`, [
        payout.id,
        decision.reason,
        which.payoutRef,
        now,
      ]);
      await postJournal(tx, {
        idempotencyKey: `payout-failed:${payout.id}`,
        kind: 'payout_failed',
        createdAt: now,
        lines: [
          { account: accounts.payouts, amountCents: -payout.amount_cents, purpose: 'payout_failed' },
          { account: accounts.walletAvailable(payout.user_id), amountCents: payout.amount_cents, purpose: 'payout_failed' },
        ],
      });
      return [
        {
          event: 'payout_failed',
          userId: payout.user_id,
          data: { payoutId: payout.id, amountCents: payout.amount_cents, reason: decision.reason },
          // Failed is final (state machine): one failure email per payout.
          idempotencyKey: `payout_failed:${payout.id}`,
        },
      ];
    }
    default:
      return assertUnreachable(decision);
  }
}
