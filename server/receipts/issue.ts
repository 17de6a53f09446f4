import type { ConsultationTerms } from '../billing/index.ts';
import type { Outcome } from '../settlement/outcome.ts';
import { receiptContent, type ReceiptContent, type ReceiptParties } from './content.ts';

/** A receipt before its number: the settlement statement numbers and inserts it (BILL-9). */
export interface ReceiptDraft {
  consultationId: string;
  expertId: string;
  clientId: string;
  /** `number` is empty here; the database writes the one it gives. */
  content: ReceiptContent;
}

/**
 * BILL-9: the receipt of a charge, issued on behalf of the expert when the consultation is
 * settled. Numbers run without gaps per expert (`R<sequence>-<short expert id>`, formatted by
 * the SQL function `receipt_number`): the statement that posts the settlement bumps the expert's
 * row in `receipt_sequences` and inserts the receipt, so a number is taken only by a receipt that
 * is committed, and two settlements of one expert wait for each other on that row.
 */
export function receiptDraft(input: {
  consultationId: string;
  expertId: string;
  clientId: string;
  parties: ReceiptParties;
  consultationDate: Date;
  terms: ConsultationTerms;
  outcome: Outcome;
  issuedAt: Date;
}): ReceiptDraft {
  return {
    consultationId: input.consultationId,
    expertId: input.expertId,
    clientId: input.clientId,
    content: receiptContent({
      number: '',
      issuedAt: input.issuedAt,
      parties: input.parties,
      consultationId: input.consultationId,
      consultationDate: input.consultationDate,
      terms: input.terms,
      outcome: input.outcome,
    }),
  };
}
