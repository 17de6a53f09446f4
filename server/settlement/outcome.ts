import { priceCancellation, settleConsultation, type CancellationEvent, type ConsultationTerms, InvariantViolation } from '../billing/index.ts';

/** The facts of a finished consultation that decide what it costs. */
export interface FinishedConsultation {
  status: 'ended' | 'cancelled' | 'expired' | 'no_show_client' | 'no_show_expert';
  terms: ConsultationTerms;
  connectedSeconds: number;
  startAt: Date | null;
  cancelledAt: Date | null;
  cancelledBy: 'client' | 'expert' | 'platform' | null;
}

export interface Outcome {
  kind: 'consultation' | 'cancellation';
  chargeCents: number;
  feeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
  expertPenaltyCents: number;
  billedSeconds: number;
  oneThirdRuleApplied: boolean;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Pure: which billing rule applies to how the consultation finished. Only the booking state
 * machine sets those facts; this reads them.
 */
export function priceOutcome(consultation: FinishedConsultation): Outcome {
  if (consultation.status === 'ended') {
    const settled = settleConsultation(consultation.terms, consultation.connectedSeconds);
    return {
      kind: 'consultation',
      chargeCents: settled.chargeCents,
      feeCents: settled.feeCents,
      surchargeCents: settled.surchargeCents,
      expertEarningsCents: settled.expertEarningsCents,
      expertPenaltyCents: 0,
      billedSeconds: settled.billedSeconds,
      oneThirdRuleApplied: settled.oneThirdRuleApplied,
    };
  }
  const price = priceCancellation(consultation.terms, cancellationEvent(consultation));
  return {
    kind: 'cancellation',
    chargeCents: price.clientChargeCents,
    feeCents: price.feeCents,
    surchargeCents: price.surchargeCents,
    expertEarningsCents: price.expertEarningsCents,
    expertPenaltyCents: price.expertPenaltyCents,
    billedSeconds: 0,
    oneThirdRuleApplied: false,
  };
}

function cancellationEvent(consultation: FinishedConsultation): CancellationEvent {
  switch (consultation.status) {
    case 'no_show_client':
      return { kind: 'client_no_show' };
    case 'no_show_expert':
      return { kind: 'expert_no_show' };
    case 'expired':
      return { kind: 'immediate_request_expired' };
    case 'cancelled': {
      if (consultation.startAt === null) {
        // BILL-11 / BOOK-4: an immediate request cancelled by anyone before the expert joined costs nothing.
        return { kind: 'immediate_request_cancelled' };
      }
      if (consultation.cancelledBy === 'client') {
        if (!consultation.cancelledAt) throw new InvariantViolation('a client cancellation without its time');
        return {
          kind: 'client_cancellation',
          hoursBeforeStart: (consultation.startAt.getTime() - consultation.cancelledAt.getTime()) / HOUR_MS,
        };
      }
      if (consultation.cancelledBy === 'expert') return { kind: 'expert_cancellation' };
      // The platform cancels only when the deferred hold failed (BOOK-3) or the expert blocked the client (TRUST-6): no fee.
      return { kind: 'payment_hold_failed' };
    }
    case 'ended':
      throw new InvariantViolation('an ended consultation is not a cancellation');
  }
}
