/**
 * Paging for lists (STYLE: every list has a limit). `PageNumbers` for lists the API pages by
 * number with a total (the admin console); `ShowMore` for lists read newest first with a cursor
 * (past consultations, the audit log).
 */
import { formatNumber } from '../i18n/index.ts';
import { kitText } from './kit-messages.ts';
import './kit.css';

interface PageNumbersProps {
  page: number;
  limit: number;
  total: number;
  /** What the pager is for ("Users"), so two pagers on a page have distinct names. */
  label: string;
  onPage: (page: number) => void;
}

export function PageNumbers({ page, limit, total, label, onPage }: PageNumbersProps) {
  const from = total === 0 ? 0 : (page - 1) * limit + 1;
  const to = Math.min(total, page * limit);
  const hasMore = page * limit < total;
  return (
    <nav class="pager" aria-label={`${kitText('pagination')} : ${label}`}>
      <p class="pager-range" aria-live="polite">
        {total === 0 ? kitText('pageEmpty') : kitText('pageRange', { from: formatNumber(from), to: formatNumber(to), count: formatNumber(total) })}
      </p>
      <div class="pager-buttons">
        <button type="button" class="button button-secondary button-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          <span aria-hidden="true">← </span>
          {kitText('previous')}
        </button>
        <button type="button" class="button button-secondary button-small" disabled={!hasMore} onClick={() => onPage(page + 1)}>
          {kitText('next')}
          <span aria-hidden="true"> →</span>
        </button>
      </div>
    </nav>
  );
}

export function ShowMore({ visible, busy, label, onMore }: { visible: boolean; busy: boolean; label?: string; onMore: () => void }) {
  if (!visible) return null;
  return (
    <p class="show-more">
      <button type="button" class="button button-secondary" disabled={busy} aria-busy={busy ? 'true' : undefined} onClick={onMore}>
        {busy ? kitText('loading') : (label ?? kitText('more'))}
      </button>
    </p>
  );
}
