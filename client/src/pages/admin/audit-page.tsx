/** `/admin/journal`: the audit log (TRUST-4), newest first, filtered by action, older entries on demand (cursor). */
import { useEffect, useState } from 'preact/hooks';
import { replaceQuery, type PageProps } from '../../router.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { ShowMore } from '../../ui/pager.tsx';
import { fetchAudit, type AdminAction, type AuditEntry } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { AuditTable } from './audit-table.tsx';
import { FilterSelect } from './filter-select.tsx';

const ACTIONS: readonly AdminAction[] = [
  'user_suspended',
  'user_reinstated',
  'user_terminated',
  'profile_content_removed',
  'profile_photo_removed',
  'wallet_blocked',
  'wallet_unblocked',
  'notice_published',
  'notice_withdrawn',
  'report_decided',
  'review_removed',
  'complaint_answered',
  'fee_schedule_added',
  'surcharge_table_added',
];

export default function AuditPage({ query, notice }: PageProps) {
  const requested = query.get('action');
  const action = ACTIONS.includes(requested as AdminAction) ? (requested as AdminAction) : '';
  const [entries, setEntries] = useState<AuditEntry[] | undefined>(undefined);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const load = (before: number | null, reset: boolean) => {
    setBusy(true);
    fetchAudit({ before, action })
      .then(
        (page) => {
          setEntries((previous) => (reset ? page.entries : [...(previous ?? []), ...page.entries]));
          setNextBefore(page.nextBefore);
          setError(undefined);
        },
        (failure: unknown) => setError(failure),
      )
      .finally(() => setBusy(false));
  };
  useEffect(() => load(null, true), [action]);
  return (
    <AdminLayout notice={notice}>
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{am('auditTitle')}</h2>
        <FilterSelect
          label={am('auditFilter')}
          value={action}
          options={[{ value: '', label: am('allActions') }, ...ACTIONS.map((value) => ({ value, label: am(`audit.${value}`) }))]}
          onChange={(value) => replaceQuery(new URLSearchParams(value ? { action: value } : {}), { push: true })}
        />
        {error && !entries ? (
          <p class="error-text" role="alert">
            {errorInWords(error, adminErrorWords)}
          </p>
        ) : entries === undefined ? (
          <p aria-busy="true" class="hint">
            {am('loading')}
          </p>
        ) : (
          <AuditTable entries={entries} empty={am('noEntries')} />
        )}
        <ShowMore visible={nextBefore !== null} busy={busy} label={am('olderEntries')} onMore={() => load(nextBefore, false)} />
      </section>
    </AdminLayout>
  );
}
