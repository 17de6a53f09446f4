/**
 * Building blocks shared by the expert workspace (`/espace`) and the referral workspace
 * (`/parrainage`): money in the reader's language, a copyable address, a QR code with its
 * downloads, a banner snippet with a live preview, and plain data tables.
 */
import { h, uniqueId } from '../dom.ts';
import { language, t } from '../i18n/index.ts';
import { ApiError, getMe, isSignedIn, type User } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { navigate } from '../router.ts';
import { pageLayout } from './layout.ts';

/** fr `12,50 €`, en `€12.50`: amounts are integer cents in the API (SPEC §11). */
export function money(cents: number): string {
  return new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** Euros as typed by a person (`12,5`, `12.50`, `12`) → cents; undefined when it is not an amount. */
export function parseEurosToCents(text: string): number | undefined {
  const compact = text.replace(/\s|€/g, '').replace(',', '.');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(compact)) return undefined;
  const [whole, fraction = ''] = compact.split('.');
  // Integer arithmetic: 0.1 + 0.2 must not become 30.000000004 cents.
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Cents → the text put back in an amount field, in the reader's decimal style. */
export function centsToEurosText(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '';
  const text = (cents / 100).toFixed(2);
  return language() === 'fr' ? text.replace('.', ',') : text;
}

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `${minutes} min ${String(rest).padStart(2, '0')} s`;
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** `2026-11` → "novembre 2026" / "November 2026". */
export function formatMonth(month: string): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, index - 1, 1)),
  );
}

/** `2026-11` → "nov. 26" for the chart's axis, where room is short. */
export function formatShortMonth(month: string): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, index - 1, 1)),
  );
}

export function section(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), children);
}

/**
 * Experts only. Signed out: sign in and come back; a client or admin gets a sentence, not a
 * broken page. Returns the user, or the node to show instead.
 */
export async function requireExpert(path: string, title: string, notice: string | undefined): Promise<User | Node> {
  if (!isSignedIn()) {
    navigate(`/connexion?retour=${encodeURIComponent(path)}`, { replace: true });
    return document.createTextNode('');
  }
  try {
    const user = await getMe();
    if (user.role !== 'expert') return pageLayout(title, notice, h('p', { class: 'error-text' }, t('workspace.expertsOnly')));
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      navigate(`/connexion?retour=${encodeURIComponent(path)}`, { replace: true, notice: t('error.sessionExpired') });
      return document.createTextNode('');
    }
    return pageLayout(title, notice, h('p', { class: 'error-text' }, apiErrorMessage(error)));
  }
}

/** The clipboard needs a secure context; elsewhere the text is selected for Ctrl+C. */
async function copyText(text: string, source: HTMLInputElement | HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    source.focus();
    source.select();
    return false;
  }
}

function copyButton(label: string, source: HTMLInputElement | HTMLTextAreaElement): HTMLElement {
  const status = h('span', { class: 'copy-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'button button-secondary' }, label);
  button.addEventListener('click', () => {
    void copyText(source.value, source).then((copied) => {
      status.textContent = copied ? t('workspace.copied') : t('workspace.copyManually');
    });
  });
  return h('span', { class: 'copy-row' }, button, status);
}

/** A read-only address with its copy button and a link to open it. */
export function copyableUrl(label: string, url: string, openLabel: string): HTMLElement {
  const id = uniqueId('copy-url');
  const input = h('input', { id, type: 'text', readonly: true, value: url, class: 'url-field' });
  return h(
    'div',
    { class: 'field copy-field' },
    h('label', { for: id }, label),
    h('div', { class: 'copy-line' }, input, copyButton(t('workspace.copyUrl'), input)),
    h('p', {}, h('a', { href: url, target: '_blank', rel: 'noopener' }, openLabel)),
  );
}

/** EXP-2 / REF-1: the QR code as the API draws it, and both downloads. Paths stay on this origin (CSP `img-src 'self'`). */
export function qrBlock(svgUrl: string, pngUrl: string, alt: string): HTMLElement {
  const svgPath = new URL(svgUrl, location.origin).pathname;
  const pngPath = new URL(pngUrl, location.origin).pathname;
  return h(
    'div',
    { class: 'qr-block' },
    h('img', { src: svgPath, alt, width: 200, height: 200, class: 'qr-image', 'data-testid': 'qr-svg' }),
    h(
      'ul',
      { class: 'download-links' },
      h('li', {}, h('a', { href: `${svgPath}?download=1`, download: '' }, t('workspace.downloadSvg'))),
      h('li', {}, h('a', { href: `${pngPath}?download=1`, download: '' }, t('workspace.downloadPng'))),
    ),
  );
}

/**
 * EXP-3 / REF-1: the snippet to paste, and how it looks. The preview is a sandboxed frame with
 * no script permission: the snippet is shown exactly as a third-party page would show it,
 * and our page never turns it into its own markup.
 */
export function bannerBlock(html: string, label: string): HTMLElement {
  const id = uniqueId('banner');
  const textarea = h('textarea', { id, readonly: true, rows: 8, class: 'banner-code', spellcheck: 'false' });
  textarea.value = html;
  const preview = h('iframe', {
    title: t('workspace.bannerPreview'),
    sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox',
    class: 'banner-preview',
    'data-testid': 'banner-preview',
  });
  preview.srcdoc = `<!doctype html><meta charset="utf-8"><body style="margin:8px;background:#f6f8fa">${html}</body>`;
  return h(
    'div',
    { class: 'banner-block' },
    h('label', { for: id }, label),
    h('p', { class: 'hint' }, t('workspace.bannerHint')),
    textarea,
    copyButton(t('workspace.copyBanner'), textarea),
    h('h3', {}, t('workspace.bannerPreview')),
    preview,
  );
}

/** A table with a caption and column headers, for screen readers and for the eye. */
export function dataTable(caption: string, headers: string[], rows: (Node | string)[][], options: { numericFrom?: number } = {}): HTMLElement {
  const numeric = (index: number) => options.numericFrom !== undefined && index >= options.numericFrom;
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((header, index) => h('th', { scope: 'col', class: numeric(index) ? 'numeric' : undefined }, header)))),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            row.map((cell, index) => (index === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: numeric(index) ? 'numeric' : undefined }, cell))),
          ),
        ),
      ),
    ),
  );
}

/** Fills a container once its data arrives; a failure is said in place, the rest of the page stays usable. */
export function loadInto(container: HTMLElement, load: () => Promise<(Node | null)[] | Node>): void {
  container.replaceChildren(h('p', { class: 'hint' }, t('shell.loading')));
  load()
    .then((content) => container.replaceChildren(...(Array.isArray(content) ? content.filter((node): node is Node => node !== null) : [content])))
    .catch((error: unknown) => container.replaceChildren(h('p', { class: 'error-text', role: 'alert' }, apiErrorMessage(error))));
}
