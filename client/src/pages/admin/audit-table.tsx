/** Entries of the audit log (TRUST-4) in words: when, who, what, on what, why. */
import { formatShortDateTime } from '../../i18n/time-zone.ts';
import { TableScroll } from '../../ui/table-scroll.tsx';
import type { AuditEntry } from './admin-api.ts';
import { am, type AdminMessageKey } from './admin-messages.ts';

const TARGET_TYPES = new Set(['user', 'wallet', 'notice', 'report', 'review', 'complaint', 'fee_schedule', 'surcharge_table']);

function targetWords(entry: AuditEntry) {
  const type = am((TARGET_TYPES.has(entry.targetType) ? `targetType.${entry.targetType}` : 'targetType.other') as AdminMessageKey);
  // A user's and a wallet's target is the user: their page is one click away.
  if ((entry.targetType === 'user' || entry.targetType === 'wallet') && entry.targetId) return <a href={`/admin/utilisateurs/${entry.targetId}`}>{type}</a>;
  return type;
}

export function AuditTable({ entries, empty }: { entries: AuditEntry[]; empty: string }) {
  if (entries.length === 0) return <p>{empty}</p>;
  return (
    <TableScroll label={am('auditTitle')}>
      <table class="data-table admin-table audit-table">
        <thead>
          <tr>
            <th scope="col">{am('when')}</th>
            <th scope="col">{am('action')}</th>
            <th scope="col">{am('targetColumn')}</th>
            <th scope="col">{am('reportReason')}</th>
            <th scope="col">{am('admin')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td data-label={am('when')}>
                <time dateTime={entry.at}>{formatShortDateTime(entry.at)}</time>
              </td>
              <td data-label={am('action')}>{am(`audit.${entry.action}`)}</td>
              <td data-label={am('targetColumn')}>{targetWords(entry)}</td>
              <td data-label={am('reportReason')} class="long-text">
                {entry.reason}
              </td>
              <td data-label={am('admin')} class="cell-email">
                {entry.adminEmail}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
