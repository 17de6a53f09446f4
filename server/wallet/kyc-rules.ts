import type { KycDocumentKind, LegalStatus } from '../payments/provider.ts';

export type KycStatus = 'not_submitted' | 'pending' | 'validated' | 'refused';

export const KYC_DOCUMENT_KINDS = [
  'id_document',
  'proof_of_address',
  'registry_extract',
  'articles_of_association',
] as const satisfies readonly KycDocumentKind[];

/**
 * PAY-4: what an expert must give before the check starts, by legal status. A sole trader has
 * no articles of association (an EI has no statuts): the INSEE certificate stands for the
 * registry extract and the trade name for the company name.
 */
export function requiredDocuments(status: LegalStatus): readonly KycDocumentKind[] {
  switch (status) {
    case 'individual':
      return ['id_document', 'proof_of_address'];
    case 'sole_trader':
      return ['id_document', 'proof_of_address', 'registry_extract'];
    case 'company':
      return ['id_document', 'proof_of_address', 'registry_extract', 'articles_of_association'];
  }
}

export function companyNameRequired(status: LegalStatus): boolean {
  return status !== 'individual';
}

/** PAY-4: a proof of address, registry extract or articles "less than 3 months old". */
export const RECENT_DOCUMENT_MONTHS = 3;

export function mustBeRecent(kind: KycDocumentKind): boolean {
  return kind !== 'id_document';
}

/** True when a document issued on `issuedOn` (YYYY-MM-DD) is less than 3 months old at `now`. */
export function isRecentEnough(issuedOn: string, now: Date): boolean {
  const issued = new Date(`${issuedOn}T00:00:00Z`);
  if (Number.isNaN(issued.getTime()) || issued > now) return false;
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - RECENT_DOCUMENT_MONTHS);
  return issued >= limit;
}

/** What is still missing before submission; empty when the file is complete. */
export function missingForSubmission(input: {
  legalStatus: LegalStatus;
  documents: readonly KycDocumentKind[];
  hasBankDetails: boolean;
  companyName: string | null;
}): string[] {
  const missing: string[] = requiredDocuments(input.legalStatus).filter((kind) => !input.documents.includes(kind));
  if (!input.hasBankDetails) missing.push('bank_details');
  if (companyNameRequired(input.legalStatus) && !input.companyName) missing.push('company_name');
  return missing;
}
