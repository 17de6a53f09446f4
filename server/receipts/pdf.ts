import PDFDocument from 'pdfkit';
import type { LabelledValue, PrintedDocument, Section } from './document.ts';

const PAGE_MARGIN_POINTS = 50;
const BODY_FONT = 'Helvetica';
const BOLD_FONT = 'Helvetica-Bold';
const BODY_SIZE_POINTS = 10;
const SMALL_SIZE_POINTS = 8;
const TITLE_SIZE_POINTS = 18;
const HEADING_SIZE_POINTS = 10;
const ROW_GAP_POINTS = 3;
const GREY = '#4b5563';
const BLACK = '#111827';

export interface PdfOptions {
  /** Streams are deflated by default; tests may ask for readable ones. */
  compress?: boolean;
}

/**
 * Draws a printed document with pdfkit and the PDF standard fonts (nothing embedded, every
 * character of our wording is in WinAnsi). The metadata dates are the document's own date, so
 * the same document renders to the same bytes every time (pdfkit derives the file ID from them).
 */
export async function renderPdfDocument(document: PrintedDocument, options: PdfOptions = {}): Promise<Buffer> {
  const datedAt = new Date(document.datedAt);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: PAGE_MARGIN_POINTS,
    compress: options.compress ?? true,
    lang: document.language,
    displayTitle: true,
    info: { Title: document.title, Author: 'Consulto', Creator: 'Consulto', Producer: 'Consulto', CreationDate: datedAt, ModDate: datedAt },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });

  const left = PAGE_MARGIN_POINTS;
  const width = pdf.page.width - 2 * PAGE_MARGIN_POINTS;
  const ensureSpace = (heightPoints: number) => {
    if (pdf.y + heightPoints > pdf.page.height - PAGE_MARGIN_POINTS) pdf.addPage();
  };

  pdf.font(BOLD_FONT).fontSize(TITLE_SIZE_POINTS).fillColor(BLACK).text(document.title, left, PAGE_MARGIN_POINTS, { width });
  pdf.moveDown(0.3);
  pdf.font(BODY_FONT).fontSize(BODY_SIZE_POINTS).fillColor(GREY);
  for (const line of document.lead) pdf.text(line, left, pdf.y, { width });
  pdf.fillColor(BLACK);

  const heading = (text: string) => {
    pdf.moveDown(1);
    ensureSpace(40);
    pdf.font(BOLD_FONT).fontSize(HEADING_SIZE_POINTS).fillColor(GREY).text(text.toUpperCase(), left, pdf.y, { width });
    const y = pdf.y + 2;
    pdf
      .moveTo(left, y)
      .lineTo(left + width, y)
      .lineWidth(0.5)
      .strokeColor('#d1d5db')
      .stroke();
    pdf.y = y + 4;
    pdf.font(BODY_FONT).fontSize(BODY_SIZE_POINTS).fillColor(BLACK);
  };

  /** One row of cells side by side; the row is as tall as its tallest cell. */
  const row = (cells: readonly { text: string; x: number; width: number; align: 'left' | 'right'; bold?: boolean }[], sizePoints: number) => {
    const heights = cells.map((cell) => {
      pdf.font(cell.bold ? BOLD_FONT : BODY_FONT).fontSize(sizePoints);
      return pdf.heightOfString(cell.text || ' ', { width: cell.width });
    });
    const rowHeight = Math.max(...heights);
    ensureSpace(rowHeight + ROW_GAP_POINTS);
    const y = pdf.y;
    for (const cell of cells) {
      pdf
        .font(cell.bold ? BOLD_FONT : BODY_FONT)
        .fontSize(sizePoints)
        .text(cell.text, cell.x, y, { width: cell.width, align: cell.align });
    }
    pdf.x = left;
    pdf.y = y + rowHeight + ROW_GAP_POINTS;
  };

  const labelled = (rows: readonly LabelledValue[], labelShare: number, valueAlign: 'left' | 'right') => {
    const labelWidth = Math.round(width * labelShare);
    for (const item of rows) {
      row(
        [
          { text: item.label, x: left, width: labelWidth - 8, align: 'left', bold: item.strong },
          { text: item.value, x: left + labelWidth, width: width - labelWidth, align: valueAlign, bold: item.strong },
        ],
        BODY_SIZE_POINTS,
      );
    }
  };

  const drawSection = (section: Section) => {
    switch (section.kind) {
      case 'parties': {
        pdf.moveDown(1);
        const columnWidth = (width - 24) / section.parties.length;
        const top = pdf.y;
        let bottom = top;
        section.parties.forEach((party, index) => {
          const x = left + index * (columnWidth + 24);
          pdf.font(BOLD_FONT).fontSize(HEADING_SIZE_POINTS).fillColor(GREY).text(party.heading.toUpperCase(), x, top, { width: columnWidth });
          pdf.font(BODY_FONT).fontSize(BODY_SIZE_POINTS).fillColor(BLACK);
          for (const line of party.lines) pdf.text(line, x, pdf.y, { width: columnWidth });
          bottom = Math.max(bottom, pdf.y);
        });
        pdf.x = left;
        pdf.y = bottom;
        return;
      }
      case 'facts':
        heading(section.heading);
        labelled(section.rows, 0.38, 'left');
        return;
      case 'amounts':
        heading(section.heading);
        labelled(section.rows, 0.7, 'right');
        return;
      case 'table': {
        heading(section.heading);
        const totalWeight = section.columns.reduce((sum, column) => sum + column.weight, 0);
        const positions: { x: number; width: number }[] = [];
        let x = left;
        for (const column of section.columns) {
          const columnWidth = (width * column.weight) / totalWeight;
          positions.push({ x, width: columnWidth - 4 });
          x += columnWidth;
        }
        const cells = (values: readonly string[], bold: boolean) =>
          values.map((text, index) => ({ text, ...positions[index]!, align: section.columns[index]!.align, bold }));
        pdf.fillColor(GREY);
        row(
          cells(
            section.columns.map((column) => column.label),
            true,
          ),
          SMALL_SIZE_POINTS,
        );
        pdf.fillColor(BLACK);
        if (section.rows.length === 0) row([{ text: section.empty, x: left, width, align: 'left' }], SMALL_SIZE_POINTS);
        for (const values of section.rows) row(cells(values, false), SMALL_SIZE_POINTS);
        if (section.totals) row(cells(section.totals, true), SMALL_SIZE_POINTS);
        return;
      }
      case 'notes':
        pdf.moveDown(1);
        for (const line of section.lines) {
          ensureSpace(pdf.heightOfString(line, { width }));
          pdf.font(BODY_FONT).fontSize(BODY_SIZE_POINTS).text(line, left, pdf.y, { width });
        }
        return;
    }
  };
  for (const section of document.sections) drawSection(section);

  pdf.moveDown(2);
  pdf.font(BODY_FONT).fontSize(SMALL_SIZE_POINTS).fillColor(GREY);
  for (const line of document.footer) {
    ensureSpace(pdf.heightOfString(line, { width }));
    pdf.text(line, left, pdf.y, { width });
  }
  pdf.end();
  await ended;
  return Buffer.concat(chunks);
}
