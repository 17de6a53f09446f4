import type { Response } from 'express';
import { z } from 'zod';
import type { Api, AuthUser } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { ReceiptContent } from './content.ts';
import type { PrintedDocument } from './document.ts';
import { DOCUMENT_TIME_ZONE, type Language } from './format.ts';
import { renderHtmlDocument } from './html.ts';
import { renderPdfDocument } from './pdf.ts';
import { receiptDocument } from './receipt-document.ts';
import { statementDocument } from './statement-document.ts';
import { MONTH_PATTERN, monthlyFeeStatement, statementMonths } from './statement.ts';

const consultationIdParam = z.uuid();
const monthParam = z.string().regex(MONTH_PATTERN, 'expected a month as YYYY-MM (e.g. 2026-11)');

interface StoredReceipt {
  number: string;
  issuedAt: string;
  content: ReceiptContent;
}

/**
 * BILL-9: receipts (for the consultation's client, its expert and admins) and the experts'
 * monthly statements of operating fees, as JSON, printable HTML and PDF, worded in the
 * requesting user's language.
 */
export function receiptRoutes(api: Api, deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  const tag = 'receipts';

  /** Anyone but the parties and admins gets the same 404 as for a consultation that does not exist. */
  async function readableReceipt(user: AuthUser, consultationIdText: string | undefined): Promise<StoredReceipt> {
    const consultationId = consultationIdParam.safeParse(consultationIdText);
    if (!consultationId.success) throw notFound('Consultation');
    const [consultation] = await db.query<{ client_id: string; expert_id: string }>('SELECT client_id, expert_id FROM consultations WHERE id = $1', [
      consultationId.data,
    ]);
    const allowed = consultation && (user.role === 'admin' || user.id === consultation.client_id || user.id === consultation.expert_id);
    if (!allowed) throw notFound('Consultation');
    const [receipt] = await db.query<{ number: string; issued_at: Date; content: ReceiptContent }>(
      'SELECT number, issued_at, content FROM receipts WHERE consultation_id = $1',
      [consultationId.data],
    );
    if (!receipt) throw new AppError(404, 'receipt_not_found', 'This consultation has no receipt yet: a receipt is issued once it is charged.');
    return { number: receipt.number, issuedAt: receipt.issued_at.toISOString(), content: receipt.content };
  }

  async function languageOf(user: AuthUser): Promise<Language> {
    const [row] = await db.query<{ language: Language }>('SELECT language FROM users WHERE id = $1', [user.id]);
    return row?.language ?? 'fr';
  }

  api.route(
    { method: 'get', path: '/api/consultations/:id/receipt', summary: 'The receipt of a charged consultation (BILL-9)', tag, access: 'user' },
    async ({ req, user }) => {
      const receipt = await readableReceipt(user!, String(req.params['id']));
      return { consultationId: receipt.content.consultation.id, number: receipt.number, issuedAt: receipt.issuedAt, content: receipt.content };
    },
  );

  api.route(
    { method: 'get', path: '/api/consultations/:id/receipt.html', summary: 'The receipt as a printable HTML page (BILL-9)', tag, access: 'user' },
    async ({ req, res, user }) => {
      const receipt = await readableReceipt(user!, String(req.params['id']));
      sendHtml(res, receiptDocument(receipt.content, await languageOf(user!)));
    },
  );

  api.route(
    { method: 'get', path: '/api/consultations/:id/receipt.pdf', summary: 'The receipt as a PDF download (BILL-9)', tag, access: 'user' },
    async ({ req, res, user }) => {
      const receipt = await readableReceipt(user!, String(req.params['id']));
      await sendPdf(res, receiptDocument(receipt.content, await languageOf(user!)));
    },
  );

  api.route(
    { method: 'get', path: '/api/experts/me/statements', summary: 'Months with a monthly statement of operating fees (BILL-9)', tag, access: ['expert'] },
    async ({ user }) => ({ timeZone: DOCUMENT_TIME_ZONE, months: await statementMonths(db, user!.id) }),
  );

  const statementOf = (user: AuthUser, monthText: string | undefined) =>
    monthlyFeeStatement(db, { expertId: user.id, month: parseMonthParam(monthText), now: clock.now() });

  // The suffixed routes come first: `:month` alone would also match `2026-11.pdf`.
  api.route(
    {
      method: 'get',
      path: '/api/experts/me/statements/:month.html',
      summary: 'A monthly statement of operating fees as HTML (BILL-9)',
      tag,
      access: ['expert'],
    },
    async ({ req, res, user }) => {
      const statement = await statementOf(user!, String(req.params['month']));
      sendHtml(res, statementDocument(statement, await languageOf(user!)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/statements/:month.pdf',
      summary: 'A monthly statement of operating fees as a PDF (BILL-9)',
      tag,
      access: ['expert'],
    },
    async ({ req, res, user }) => {
      const statement = await statementOf(user!, String(req.params['month']));
      await sendPdf(res, statementDocument(statement, await languageOf(user!)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/statements/:month',
      summary: 'A monthly statement of operating fees, month YYYY-MM in Paris time (BILL-9)',
      tag,
      access: ['expert'],
    },
    ({ req, user }) => statementOf(user!, String(req.params['month'])),
  );
}

function parseMonthParam(month: string | undefined): string {
  const parsed = monthParam.safeParse(month);
  if (parsed.success) return parsed.data;
  throw new AppError(400, 'invalid_request', `Invalid path parameter 'month': ${parsed.error.issues[0]!.message}`, 'month');
}

// Personal and financial: never kept by a shared cache.
const PRIVATE_NO_STORE = 'private, no-store';

function sendHtml(res: Response, document: PrintedDocument): void {
  res
    .status(200)
    .type('html')
    .set('Cache-Control', PRIVATE_NO_STORE)
    .set('Content-Disposition', `inline; filename="${document.fileName}.html"`)
    .send(renderHtmlDocument(document));
}

async function sendPdf(res: Response, document: PrintedDocument): Promise<void> {
  const pdf = await renderPdfDocument(document);
  res
    .status(200)
    .type('application/pdf')
    .set('Cache-Control', PRIVATE_NO_STORE)
    .set('Content-Disposition', `attachment; filename="${document.fileName}.pdf"`)
    .send(pdf);
}
