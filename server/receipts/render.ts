import type { ReceiptContent } from './content.ts';
import type { Language } from './format.ts';
import { renderHtmlDocument } from './html.ts';
import { renderPdfDocument, type PdfOptions } from './pdf.ts';
import { receiptDocument } from './receipt-document.ts';
import { statementDocument } from './statement-document.ts';
import type { FeeStatement } from './statement.ts';

/** BILL-9: the receipt as a self-contained, printable HTML page, from its frozen content only. */
export function renderReceiptHtml(content: ReceiptContent, language: Language): string {
  return renderHtmlDocument(receiptDocument(content, language));
}

/** BILL-9: the receipt as a PDF; the same content always gives the same bytes. */
export function renderReceiptPdf(content: ReceiptContent, language: Language, options?: PdfOptions): Promise<Buffer> {
  return renderPdfDocument(receiptDocument(content, language), options);
}

/** BILL-9: an expert's monthly statement of operating fees as an HTML page. */
export function renderStatementHtml(statement: FeeStatement, language: Language): string {
  return renderHtmlDocument(statementDocument(statement, language));
}

/** BILL-9: an expert's monthly statement of operating fees as a PDF. */
export function renderStatementPdf(statement: FeeStatement, language: Language, options?: PdfOptions): Promise<Buffer> {
  return renderPdfDocument(statementDocument(statement, language), options);
}
