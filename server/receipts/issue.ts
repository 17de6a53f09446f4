import type { Queryable } from '../platform/database.ts';
import type { ConsultationTerms } from '../billing/index.ts';
import type { Outcome } from '../settlement/outcome.ts';
import { receiptContent } from './content.ts';

/**
 * BILL-9: issues the receipt of a charge inside the settlement's transaction. Numbers run
 * without gaps per expert (`<slug-initials>-<year>-<n>` would leak nothing useful, so the
 * number is `R<sequence>-<short expert id>`); the expert's row is locked so two settlements
 * for one expert cannot take the same number.
 */
export async function issueReceipt(
  tx: Queryable,
  input: { consultationId: string; expertId: string; clientId: string; consultationDate: Date; terms: ConsultationTerms; outcome: Outcome; issuedAt: Date },
): Promise<void> {
  const [expert] = await tx.query<{
    first_name: string;
    last_name: string;
    legal_status: string;
    address: { line1: string; postalCode: string; city: string; country: string } | null;
    siret: string | null;
    vat_number: string | null;
  }>(
    `SELECT u.first_name, u.last_name, e.legal_status, u.address, e.siret, e.vat_number
       FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.user_id = $1 FOR UPDATE OF e`,
    [input.expertId],
  );
  const [client] = await tx.query<{ first_name: string; last_name: string }>('SELECT first_name, last_name FROM users WHERE id = $1', [input.clientId]);
  const [{ next } = { next: 1 }] = await tx.query<{ next: number }>(
    'SELECT COALESCE(max(sequence_number), 0) + 1 AS next FROM receipts WHERE expert_id = $1',
    [input.expertId],
  );
  const number = `R${String(next).padStart(6, '0')}-${input.expertId.slice(0, 8).toUpperCase()}`;
  const content = receiptContent({
    number,
    issuedAt: input.issuedAt,
    parties: {
      expert: {
        name: `${expert!.first_name} ${expert!.last_name}`,
        legalStatus: expert!.legal_status,
        address: expert!.address,
        siret: expert!.siret,
        vatNumber: expert!.vat_number,
      },
      clientName: `${client!.first_name} ${client!.last_name}`,
    },
    consultationId: input.consultationId,
    consultationDate: input.consultationDate,
    terms: input.terms,
    outcome: input.outcome,
  });
  await tx.query(
    `INSERT INTO receipts (consultation_id, expert_id, client_id, sequence_number, number, issued_at, content)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (consultation_id) DO NOTHING`,
    [input.consultationId, input.expertId, input.clientId, next, number, input.issuedAt, JSON.stringify(content)],
  );
}
