import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import { AppError } from '../platform/errors.ts';
import { DOCUMENT_MAX_BYTES, DOCUMENT_UPLOAD_CONTENT_TYPES, DocumentIntegrityError } from './documents.ts';
import { KYC_DOCUMENT_KINDS } from './kyc-rules.ts';
import { MOVEMENTS_PAGE_MAX, readMovements, readWallet } from './wallet.ts';
import { PAYOUT_PAGE_MAX } from './payouts.ts';
import type { Wallet } from './index.ts';

/** Sponsors are experts (REF-3), so one role owns wallets. */
const WALLET_OWNERS = ['expert'] as const;
const DEFAULT_PAGE_SIZE = 20;

export function walletRoutes(api: Api, deps: { db: Database; wallet: Wallet }) {
  const { db, wallet } = deps;
  const tag = 'wallet';

  api.route(
    { method: 'get', path: '/api/wallet', summary: 'My wallet: pending and available balances (PAY-3), KYC status, blocked flag', tag, access: WALLET_OWNERS },
    ({ user }) => readWallet(db, user!.id),
  );

  api.route(
    {
      method: 'get',
      path: '/api/wallet/movements',
      summary: 'My wallet movements, newest first (ledger postings); page with `before`',
      tag,
      access: WALLET_OWNERS,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(MOVEMENTS_PAGE_MAX).default(DEFAULT_PAGE_SIZE),
        before: z.coerce.number().int().positive().optional(),
      }),
    },
    ({ user, query }) => readMovements(db, user!.id, query),
  );

  api.route(
    {
      method: 'get',
      path: '/api/wallet/kyc',
      summary: 'My identity check (PAY-4): status, required and uploaded documents, bank details',
      tag,
      access: WALLET_OWNERS,
    },
    ({ user }) => wallet.kyc.view(user!.id),
  );

  api.route(
    {
      method: 'get',
      path: '/api/admin/users/:userId/kyc',
      summary: "An expert's identity check (admins)",
      tag,
      access: ['admin'],
    },
    ({ req }) => wallet.kyc.view(String(req.params['userId'])),
  );

  api.route(
    {
      method: 'post',
      path: '/api/wallet/kyc/documents',
      summary: 'Upload one identity document (PAY-4): raw PDF, JPEG or PNG body, at most 10 MB; stored encrypted',
      tag,
      access: WALLET_OWNERS,
      successStatus: 201,
      rawBody: { contentTypes: DOCUMENT_UPLOAD_CONTENT_TYPES, maxBytes: DOCUMENT_MAX_BYTES },
      query: z.object({
        type: z.enum(KYC_DOCUMENT_KINDS),
        fileName: z.string().trim().min(1).max(200),
        issuedOn: z.iso.date().optional(),
      }),
    },
    ({ user, query, req }) => wallet.kyc.upload(user!.id, { kind: query.type, fileName: query.fileName, issuedOn: query.issuedOn, bytes: req.body }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/wallet/kyc/documents/:documentId',
      summary: 'Download an identity document: its owner and admins only',
      tag,
      access: ['expert', 'admin'],
    },
    async ({ user, req, res }) => {
      try {
        const document = await wallet.kyc.readDocument(user!, String(req.params['documentId']));
        res
          .type(document.contentType)
          .set('Cache-Control', 'private, no-store')
          .set('Content-Disposition', `attachment; filename="${document.fileName.replace(/[^\w.-]/g, '_')}"`)
          .send(document.bytes);
      } catch (error) {
        // The file on disk was altered or swapped: an incident, never served.
        if (error instanceof DocumentIntegrityError) throw new AppError(500, 'document_integrity_failed', 'This document failed its integrity check.');
        throw error;
      }
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/wallet/kyc/details',
      summary: 'Bank details (IBAN with checksum, BIC) and, for sole traders and companies, the company name',
      tag,
      access: WALLET_OWNERS,
      body: z.object({ iban: z.string().min(15).max(42), bic: z.string().min(8).max(14), companyName: z.string().trim().min(1).max(200).optional() }),
    },
    ({ user, body }) => wallet.kyc.setDetails(user!.id, body),
  );

  api.route(
    {
      method: 'post',
      path: '/api/wallet/kyc/submit',
      summary: 'Send the complete file to the payment provider: status becomes pending',
      tag,
      access: WALLET_OWNERS,
    },
    ({ user }) => wallet.kyc.submit(user!.id),
  );

  api.route(
    {
      method: 'post',
      path: '/api/payouts',
      summary: 'Order a payout (PAY-5) of at least 5000 cents from the available balance; honours Idempotency-Key',
      tag,
      access: WALLET_OWNERS,
      successStatus: 201,
      body: z.object({ amountCents: z.number().int().positive() }),
      idempotent: true,
    },
    ({ user, body }) => wallet.payouts.request(user!.id, body.amountCents),
  );

  api.route(
    {
      method: 'get',
      path: '/api/payouts',
      summary: 'My payouts, newest first',
      tag,
      access: WALLET_OWNERS,
      query: z.object({ limit: z.coerce.number().int().min(1).max(PAYOUT_PAGE_MAX).default(DEFAULT_PAGE_SIZE), before: z.iso.datetime().optional() }),
    },
    ({ user, query }) => wallet.payouts.list(user!.id, query),
  );
}
