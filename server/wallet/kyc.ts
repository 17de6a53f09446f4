import { randomUUID } from 'node:crypto';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { AuthUser } from '../platform/http.ts';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.ts';
import type { KycDocumentKind, LegalStatus, PaymentProvider, ProviderEvent } from '../payments/provider.ts';
import { DOCUMENT_MAX_BYTES, sniffDocumentType, type DocumentStore } from './documents.ts';
import { isRecentEnough, missingForSubmission, mustBeRecent, requiredDocuments, companyNameRequired, type KycStatus } from './kyc-rules.ts';
import { isValidBic, isValidIban, normaliseBic, normaliseIban } from './bank-details.ts';
import { recordProviderEvent } from './facts.ts';
import { sendAll, type WalletNotifier } from './notifications.ts';

export interface KycDocumentView {
  id: string;
  kind: KycDocumentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  issuedOn: string | null;
  uploadedAt: string;
}

export interface KycView {
  status: KycStatus;
  refusalReason: string | null;
  legalStatus: LegalStatus;
  requiredDocuments: readonly KycDocumentKind[];
  companyNameRequired: boolean;
  documents: KycDocumentView[];
  bankDetails: { ibanLast4: string; bic: string } | null;
  companyName: string | null;
  /** What is still needed before `submit` (documents, `bank_details`, `company_name`). */
  missing: string[];
  submittedAt: string | null;
  decidedAt: string | null;
}

interface ProfileRow {
  status: KycStatus;
  refusal_reason: string | null;
  iban: string | null;
  bic: string | null;
  company_name: string | null;
  provider_account_ref: string | null;
  submitted_at: Date | null;
  decided_at: Date | null;
}

/**
 * PAY-4 identity checks: documents and bank details are collected here, sent to the provider,
 * and the provider's verdict arrives as a fact (webhook, or the local simulation) that the
 * state machine applies.
 */
export class KycService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #provider: PaymentProvider;
  readonly #documents: DocumentStore;
  readonly #logger: Logger;
  readonly #notifier: WalletNotifier | undefined;

  constructor(deps: { db: Database; clock: Clock; provider: PaymentProvider; documents: DocumentStore; logger: Logger; notifier?: WalletNotifier }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#provider = deps.provider;
    this.#documents = deps.documents;
    this.#logger = deps.logger;
    this.#notifier = deps.notifier;
  }

  async view(userId: string): Promise<KycView> {
    const legalStatus = await this.#legalStatus(userId);
    const profile = await this.#profile(userId);
    const rows = await this.#db.query<{
      id: string;
      kind: KycDocumentKind;
      file_name: string;
      content_type: string;
      size_bytes: number;
      issued_on: string | null;
      uploaded_at: Date;
    }>(
      `SELECT id, kind, file_name, content_type, size_bytes, issued_on, uploaded_at FROM kyc_documents
        WHERE user_id = $1 AND replaced_at IS NULL ORDER BY uploaded_at`,
      [userId],
    );
    const documents = rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      fileName: row.file_name,
      contentType: row.content_type,
      sizeBytes: row.size_bytes,
      issuedOn: row.issued_on,
      uploadedAt: new Date(row.uploaded_at).toISOString(),
    }));
    return {
      status: profile?.status ?? 'not_submitted',
      refusalReason: profile?.refusal_reason ?? null,
      legalStatus,
      requiredDocuments: requiredDocuments(legalStatus),
      companyNameRequired: companyNameRequired(legalStatus),
      documents,
      bankDetails: profile?.iban && profile.bic ? { ibanLast4: profile.iban.slice(-4), bic: profile.bic } : null,
      companyName: profile?.company_name ?? null,
      missing: missingForSubmission({
        legalStatus,
        documents: documents.map((document) => document.kind),
        hasBankDetails: Boolean(profile?.iban && profile.bic),
        companyName: profile?.company_name ?? null,
      }),
      submittedAt: profile?.submitted_at ? new Date(profile.submitted_at).toISOString() : null,
      decidedAt: profile?.decided_at ? new Date(profile.decided_at).toISOString() : null,
    };
  }

  /** PAY-4: one document; the bytes must be PDF, JPEG or PNG (read from the bytes), at most 10 MB. */
  async upload(userId: string, input: { kind: KycDocumentKind; fileName: string; issuedOn: string | undefined; bytes: unknown }): Promise<KycDocumentView> {
    if (!Buffer.isBuffer(input.bytes) || input.bytes.length === 0) {
      throw new AppError(415, 'unsupported_document_type', 'Send the document as the raw body (application/pdf, image/jpeg or image/png).');
    }
    if (input.bytes.length > DOCUMENT_MAX_BYTES) throw new AppError(413, 'payload_too_large', 'A document is at most 10 MB.');
    const contentType = sniffDocumentType(input.bytes);
    if (!contentType) throw new AppError(415, 'unsupported_document_type', 'A document must be a PDF, JPEG or PNG file.');
    const legalStatus = await this.#legalStatus(userId);
    if (!requiredDocuments(legalStatus).includes(input.kind)) {
      throw badRequest('document_not_required', `A ${input.kind} is not asked of this legal status (${legalStatus}).`, 'type');
    }
    const now = this.#clock.now();
    if (mustBeRecent(input.kind)) {
      if (!input.issuedOn) throw badRequest('issued_on_required', 'Give the date the document was issued (issuedOn=YYYY-MM-DD).', 'issuedOn');
      if (!isRecentEnough(input.issuedOn, now)) throw badRequest('document_too_old', 'The document must be less than 3 months old.', 'issuedOn');
    }
    await this.#assertEditable(userId);
    const id = randomUUID();
    const bytes = input.bytes;
    const storagePath = await this.#documents.write(userId, id, bytes);
    await this.#db.transaction(async (tx) => {
      await tx.query('UPDATE kyc_documents SET replaced_at = $3 WHERE user_id = $1 AND kind = $2 AND replaced_at IS NULL', [userId, input.kind, now]);
      await tx.query(
        `INSERT INTO kyc_documents (id, user_id, kind, file_name, content_type, size_bytes, issued_on, storage_path, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, userId, input.kind, input.fileName, contentType, bytes.length, input.issuedOn ?? null, storagePath, now],
      );
    });
    return {
      id,
      kind: input.kind,
      fileName: input.fileName,
      contentType,
      sizeBytes: bytes.length,
      issuedOn: input.issuedOn ?? null,
      uploadedAt: now.toISOString(),
    };
  }

  /** PAY-4: only the owner and admins read a document; anyone else gets the same 404 as for a missing one. */
  async readDocument(requester: AuthUser, documentId: string): Promise<{ bytes: Buffer; contentType: string; fileName: string }> {
    if (!/^[0-9a-f-]{36}$/.test(documentId)) throw notFound('Document');
    const [row] = await this.#db.query<{ user_id: string; storage_path: string; content_type: string; file_name: string }>(
      'SELECT user_id, storage_path, content_type, file_name FROM kyc_documents WHERE id = $1',
      [documentId],
    );
    if (!row || (row.user_id !== requester.id && requester.role !== 'admin')) throw notFound('Document');
    return { bytes: await this.#documents.read(row.storage_path, documentId), contentType: row.content_type, fileName: row.file_name };
  }

  async #readStored(documentId: string): Promise<Buffer> {
    const [row] = await this.#db.query<{ storage_path: string }>('SELECT storage_path FROM kyc_documents WHERE id = $1', [documentId]);
    return this.#documents.read(row!.storage_path, documentId);
  }

  async setDetails(userId: string, input: { iban: string; bic: string; companyName?: string | undefined }): Promise<KycView> {
    const iban = normaliseIban(input.iban);
    if (!isValidIban(iban)) throw badRequest('invalid_iban', 'This IBAN is not valid (check digits).', 'iban');
    const bic = normaliseBic(input.bic);
    if (!isValidBic(bic)) throw badRequest('invalid_bic', 'This BIC is not valid.', 'bic');
    await this.#assertEditable(userId);
    await this.#db.query(
      `INSERT INTO kyc_profiles (user_id, iban, bic, company_name, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET iban = EXCLUDED.iban, bic = EXCLUDED.bic, company_name = EXCLUDED.company_name, updated_at = EXCLUDED.updated_at`,
      [userId, iban, bic, input.companyName?.trim() || null, this.#clock.now()],
    );
    return this.view(userId);
  }

  /** PAY-4: the complete file goes to the provider; the status is `pending` until its verdict. */
  async submit(userId: string): Promise<KycView> {
    const view = await this.view(userId);
    if (view.status === 'pending') throw conflict('kyc_pending', 'Your identity check is already under review.');
    if (view.missing.length) throw conflict('kyc_incomplete', `Still missing: ${view.missing.join(', ')}.`, view.missing.join(','));
    const [user] = await this.#db.query<{ email: string; first_name: string; last_name: string; country: string | null }>(
      `SELECT email, first_name, last_name, address->>'country' AS country FROM users WHERE id = $1`,
      [userId],
    );
    const profile = (await this.#profile(userId))!;
    let accountRef = profile.provider_account_ref;
    if (!accountRef) {
      try {
        ({ accountRef } = await this.#provider.createConnectedAccount({
          userId,
          email: user!.email,
          legalStatus: view.legalStatus,
          country: user!.country ?? 'FR',
          idempotencyKey: `connected-account:${userId}`,
        }));
      } catch (error) {
        throw this.#unavailable(error, userId);
      }
      await this.#db.query('UPDATE kyc_profiles SET provider_account_ref = $2 WHERE user_id = $1', [userId, accountRef]);
    }
    const submittedAt = this.#clock.now();
    const documents = await Promise.all(
      view.documents.map(async (document) => ({
        kind: document.kind,
        fileName: document.fileName,
        contentType: document.contentType,
        bytes: await this.#readStored(document.id),
      })),
    );
    // Pending before the provider hears of it: its verdict may arrive (webhook) before the call returns.
    const [claimed] = await this.#db.query(
      `UPDATE kyc_profiles SET status = 'pending', refusal_reason = NULL, submitted_at = $2, decided_at = NULL, updated_at = $2
        WHERE user_id = $1 AND status <> 'pending' RETURNING user_id`,
      [userId, submittedAt],
    );
    if (!claimed) throw conflict('kyc_pending', 'Your identity check is already under review.');
    try {
      await this.#provider.submitIdentity({
        accountRef,
        legalStatus: view.legalStatus,
        documents,
        bank: { iban: profile.iban!, bic: profile.bic!, holderName: view.companyName ?? `${user!.first_name} ${user!.last_name}` },
        companyName: view.companyName ?? undefined,
        idempotencyKey: `kyc-submission:${userId}:${submittedAt.getTime()}`,
      });
    } catch (error) {
      // The provider never got the file: back to where the expert was, so they can submit again.
      await this.#db.query(
        `UPDATE kyc_profiles SET status = $3, refusal_reason = $4, submitted_at = $5, decided_at = $6
          WHERE user_id = $1 AND status = 'pending' AND submitted_at = $2`,
        [userId, submittedAt, profile.status, profile.refusal_reason, profile.submitted_at, profile.decided_at],
      );
      throw this.#unavailable(error, userId);
    }
    await sendAll(
      this.#notifier,
      [
        {
          event: 'kyc_status_changed',
          userId,
          data: { status: 'pending', reason: null },
          idempotencyKey: `kyc_status_changed:${userId}:submitted:${submittedAt.getTime()}`,
        },
      ],
      (error) => this.#logger.error({ err: error, userId }, 'KYC email failed'),
    );
    return this.view(userId);
  }

  /** Records a provider fact (webhook or local simulation) once, applies it, then emails. */
  async record(providerName: string, event: ProviderEvent): Promise<{ duplicate: boolean }> {
    const { duplicate, notifications } = await recordProviderEvent(this.#db, providerName, event, this.#clock.now());
    await sendAll(this.#notifier, notifications, (error) => this.#logger.error({ err: error, eventId: event.id }, 'wallet email failed'));
    return { duplicate };
  }

  /** A provider outage is not our bug: the expert is told to retry (502), the cause is logged. */
  #unavailable(error: unknown, userId: string): AppError {
    this.#logger.error({ err: error, userId }, 'identity submission to the payment provider failed');
    return new AppError(502, 'payment_provider_unavailable', 'The payment provider could not be reached: try again in a moment.');
  }

  async #assertEditable(userId: string): Promise<void> {
    const profile = await this.#profile(userId);
    if (profile?.status === 'pending') throw conflict('kyc_pending', 'Your identity check is under review: wait for its answer before changing it.');
  }

  async #profile(userId: string): Promise<ProfileRow | undefined> {
    const [row] = await this.#db.query<ProfileRow>(
      'SELECT status, refusal_reason, iban, bic, company_name, provider_account_ref, submitted_at, decided_at FROM kyc_profiles WHERE user_id = $1',
      [userId],
    );
    return row;
  }

  async #legalStatus(userId: string): Promise<LegalStatus> {
    const [row] = await this.#db.query<{ legal_status: LegalStatus }>('SELECT legal_status FROM expert_profiles WHERE user_id = $1', [userId]);
    if (!row) throw notFound('Expert profile');
    return row.legal_status;
  }
}
