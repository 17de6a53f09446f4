import type { ConsultationTerms } from '../billing/index.ts';
import { discountedPackagePriceCents, discountedRatePerMinuteCents } from '../billing/index.ts';
import type { Outcome } from '../settlement/outcome.ts';
import { VAT_EXEMPTION_MENTION, VAT_RATE_PERCENT, vatBreakdown } from './vat.ts';

/** Everything a receipt prints (BILL-9), frozen at issue time. */
export interface ReceiptContent {
  number: string;
  issuedAt: string;
  expert: {
    name: string;
    legalStatus: string;
    address: { line1: string; postalCode: string; city: string; country: string } | null;
    siret: string | null;
    vatNumber: string | null;
  };
  client: { name: string };
  consultation: {
    id: string;
    mode: 'video' | 'phone';
    kind: 'consultation' | 'cancellation';
    date: string;
    billedSeconds: number;
    pricing: 'free_rate' | 'package';
    ratePerMinuteCents: number | null;
    packageMinutes: number | null;
    packagePriceCents: number | null;
    discountPercent: number;
    oneThirdRuleApplied: boolean;
  };
  amounts: {
    totalInclVatCents: number;
    surchargeCents: number;
    vat: { ratePercent: number; amountExclVatCents: number; vatCents: number } | null;
    vatMention: string | null;
  };
  currency: 'EUR';
}

export interface ReceiptParties {
  expert: ReceiptContent['expert'];
  clientName: string;
}

/** Pure: the receipt of a charge, issued on behalf of the expert. */
export function receiptContent(input: {
  number: string;
  issuedAt: Date;
  parties: ReceiptParties;
  consultationId: string;
  consultationDate: Date;
  terms: ConsultationTerms;
  outcome: Outcome;
}): ReceiptContent {
  const { terms, outcome } = input;
  const vatRegistered = input.parties.expert.vatNumber !== null;
  return {
    number: input.number,
    issuedAt: input.issuedAt.toISOString(),
    expert: input.parties.expert,
    client: { name: input.parties.clientName },
    consultation: {
      id: input.consultationId,
      mode: terms.mode,
      kind: outcome.kind,
      date: input.consultationDate.toISOString(),
      billedSeconds: outcome.billedSeconds,
      pricing: terms.pricing,
      ratePerMinuteCents: terms.pricing === 'free_rate' ? discountedRatePerMinuteCents(terms) : null,
      packageMinutes: terms.pricing === 'package' ? terms.packageMinutes : null,
      packagePriceCents: terms.pricing === 'package' ? discountedPackagePriceCents(terms) : null,
      discountPercent: terms.discountPercent,
      oneThirdRuleApplied: outcome.oneThirdRuleApplied,
    },
    amounts: {
      totalInclVatCents: outcome.chargeCents,
      surchargeCents: outcome.surchargeCents,
      vat: vatRegistered ? { ratePercent: VAT_RATE_PERCENT, ...vatBreakdown(outcome.chargeCents) } : null,
      vatMention: vatRegistered ? null : VAT_EXEMPTION_MENTION,
    },
    currency: 'EUR',
  };
}
