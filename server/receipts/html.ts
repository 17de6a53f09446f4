import type { PrintedDocument, Section } from './document.ts';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every string that reaches the page goes through here: names and addresses are user input. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

// Self-contained on purpose: no font, image or script to fetch, so the page prints the same
// offline, years later, and passes any Content-Security-Policy that allows inline styles.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:800px;margin:24px auto;background:#fff;padding:40px 48px;border:1px solid #e5e7eb}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#4b5563;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.lead{color:#374151;margin:0}
.parties{display:flex;gap:32px;margin-top:24px}
.parties section{flex:1}
.parties p{margin:0}
table{width:100%;border-collapse:collapse}
th,td{padding:4px 6px;vertical-align:top}
th{font-size:12px;color:#4b5563;text-align:left;border-bottom:1px solid #d1d5db}
tbody td{border-bottom:1px solid #f3f4f6}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.facts th{width:40%;font-size:14px;color:#374151;border:0;font-weight:normal}
.amounts td{border-bottom:1px solid #f3f4f6}
.strong td{font-weight:700}
.amounts tr:last-child td,tfoot td{font-weight:700;border-top:2px solid #111827}
.notes p{margin:4px 0}
footer{margin-top:32px;font-size:12px;color:#4b5563}
footer p{margin:2px 0}
@page{size:A4;margin:15mm}
@media print{body{background:#fff}main{margin:0;border:0;padding:0;max-width:none}}
`;

/** A complete, printable HTML page for a printed document. */
export function renderHtmlDocument(document: PrintedDocument): string {
  const e = escapeHtml;
  return [
    '<!DOCTYPE html>',
    `<html lang="${e(document.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(document.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${e(document.title)}</h1>`,
    ...document.lead.map((line) => `<p class="lead">${e(line)}</p>`),
    ...renderSections(document.sections),
    `<footer>${document.footer.map((line) => `<p>${e(line)}</p>`).join('')}</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderSections(sections: readonly Section[]): string[] {
  const e = escapeHtml;
  return sections.map((section) => {
    switch (section.kind) {
      case 'parties':
        return `<div class="parties">${section.parties
          .map((party) => `<section><h2>${e(party.heading)}</h2>${party.lines.map((line) => `<p>${e(line)}</p>`).join('')}</section>`)
          .join('')}</div>`;
      case 'facts':
        return `<h2>${e(section.heading)}</h2><table class="facts"><tbody>${section.rows
          .map((row) => `<tr><th scope="row">${e(row.label)}</th><td>${e(row.value)}</td></tr>`)
          .join('')}</tbody></table>`;
      case 'amounts':
        return `<h2>${e(section.heading)}</h2><table class="amounts"><tbody>${section.rows
          .map((row) => `<tr${row.strong ? ' class="strong"' : ''}><td>${e(row.label)}</td><td class="num">${e(row.value)}</td></tr>`)
          .join('')}</tbody></table>`;
      case 'table': {
        const cell = (value: string, index: number, tag: 'td' | 'th') =>
          `<${tag}${section.columns[index]?.align === 'right' ? ' class="num"' : ''}>${e(value)}</${tag}>`;
        const head = `<thead><tr>${section.columns.map((column, index) => cell(column.label, index, 'th')).join('')}</tr></thead>`;
        const body = section.rows.length
          ? section.rows.map((row) => `<tr>${row.map((value, index) => cell(value, index, 'td')).join('')}</tr>`).join('')
          : `<tr><td colspan="${section.columns.length}">${e(section.empty)}</td></tr>`;
        const foot = section.totals ? `<tfoot><tr>${section.totals.map((value, index) => cell(value, index, 'td')).join('')}</tr></tfoot>` : '';
        return `<h2>${e(section.heading)}</h2><table class="lines">${head}<tbody>${body}</tbody>${foot}</table>`;
      }
      case 'notes':
        return `<div class="notes">${section.lines.map((line) => `<p>${e(line)}</p>`).join('')}</div>`;
    }
  });
}
