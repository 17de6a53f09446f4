/** Small pieces the console's pages share: status badges and the page number of the address. */
import { MAX_PAGE_NUMBER, type AdminUserSummary } from './admin-api.ts';
import { am } from './admin-messages.ts';

const STATUS_TONE: Record<AdminUserSummary['status'], string> = { active: 'badge-good', suspended: 'badge-warning', closed: 'badge-bad' };

export function StatusBadge({ status }: { status: AdminUserSummary['status'] }) {
  return (
    <span class={`badge ${STATUS_TONE[status]}`} data-account-status={status}>
      {am(`status.${status}`)}
    </span>
  );
}

/** `?page=` of the address, 1 when absent or not a page number the API accepts. */
export function readPage(query: URLSearchParams): number {
  const page = Number(query.get('page') ?? '1');
  return Number.isInteger(page) && page >= 1 && page <= MAX_PAGE_NUMBER ? page : 1;
}
