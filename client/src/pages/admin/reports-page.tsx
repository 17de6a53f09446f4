/** `/admin/signalements`: the reports queue (TRUST-5), oldest first, each dismissed or upheld with a reason. */
import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../../i18n/time-zone.ts';
import { replaceQuery, type PageProps } from '../../router.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { RadioGroup } from '../../ui/form.tsx';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { PageNumbers } from '../../ui/pager.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { TableScroll } from '../../ui/table-scroll.tsx';
import { decideReport, fetchReports, type ReportQueue, type ReportView } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { readPage } from './admin-parts.tsx';
import { FilterSelect } from './filter-select.tsx';
import { ReasonForm } from './reason-form.tsx';

const QUEUES: readonly ReportQueue[] = ['open', 'dismissed', 'actioned'];

const expertName = (report: ReportView) => `${report.expert.firstName} ${report.expert.lastName}`;

export default function ReportsPage({ query, notice }: PageProps) {
  const requested = query.get('status');
  const queue: ReportQueue = QUEUES.includes(requested as ReportQueue) ? (requested as ReportQueue) : 'open';
  const page = readPage(query);
  const reports = useRefreshable(() => fetchReports(queue, page), [queue, page]);
  const [deciding, setDeciding] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const show = (next: { queue: ReportQueue; page: number }) => {
    const address = new URLSearchParams();
    if (next.queue !== 'open') address.set('status', next.queue);
    if (next.page > 1) address.set('page', String(next.page));
    replaceQuery(address, { push: true });
  };
  const current = reports.data?.reports.find((report) => report.id === deciding);
  return (
    <AdminLayout notice={notice}>
      <section aria-labelledby="reports-title">
        <h2 id="reports-title">{am('reportsTitle')}</h2>
        <FilterSelect
          label={am('queue')}
          value={queue}
          options={QUEUES.map((value) => ({ value, label: am(`reportQueue.${value}`) }))}
          onChange={(value) => show({ queue: value as ReportQueue, page: 1 })}
        />
        <LiveStatus message={message} />
        {reports.data === undefined ? (
          reports.error ? (
            <p class="error-text" role="alert">
              {errorInWords(reports.error, adminErrorWords)}
            </p>
          ) : (
            <p aria-busy="true" class="hint">
              {am('loading')}
            </p>
          )
        ) : reports.data.reports.length === 0 ? (
          <p>{am('noReports')}</p>
        ) : (
          <div class="admin-list">
            <TableScroll label={am('reportsTitle')}>
              <table class="data-table admin-table">
                <thead>
                  <tr>
                    <th scope="col">{am('reportedOn')}</th>
                    <th scope="col">{am('expertConcerned')}</th>
                    <th scope="col">{am('target')}</th>
                    <th scope="col">{am('reportReason')}</th>
                    <th scope="col">{am('details')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{am('decide')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {reports.data.reports.map((report) => (
                    <tr key={report.id}>
                      <td data-label={am('reportedOn')}>
                        <time dateTime={report.createdAt}>{formatShortDateTime(report.createdAt)}</time>
                      </td>
                      <td data-label={am('expertConcerned')}>
                        <a href={`/admin/utilisateurs/${report.expert.id}`}>{expertName(report)}</a>
                      </td>
                      <td data-label={am('target')}>
                        {report.review ? am('target.review', { stars: report.review.stars }) : am('target.profile')}
                        {report.review?.comment ? <span class="cell-detail long-text">« {report.review.comment} »</span> : null}
                      </td>
                      <td data-label={am('reportReason')}>{am(`reportReason.${report.reason}`)}</td>
                      <td data-label={am('details')} class="long-text">
                        {report.comment ?? ''}
                        {report.decisionNote ? <span class="cell-detail">{am('decisionNote', { note: report.decisionNote })}</span> : null}
                      </td>
                      <td>
                        {report.status === 'open' ? (
                          <DialogButton
                            class="button button-secondary button-small"
                            label={
                              <>
                                {am('decide')}
                                <span class="visually-hidden"> {expertName(report)}</span>
                              </>
                            }
                            onOpen={() => setDeciding(report.id)}
                          />
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <PageNumbers
              page={reports.data.page}
              limit={reports.data.limit}
              total={reports.data.total}
              label={am('reportsTitle')}
              onPage={(next) => show({ queue, page: next })}
            />
          </div>
        )}
        <Dialog open={current !== undefined} title={am('decideTitle')} onClose={() => setDeciding(undefined)}>
          {current ? (
            <ReasonForm
              initial={{ reason: '', decision: '' }}
              label={am('decideTitle')}
              effect={`${expertName(current)} — ${current.review ? am('target.review', { stars: current.review.stars }) : am('target.profile')} — ${am(`reportReason.${current.reason}`)}`}
              submitLabel={am('decide')}
              onSubmit={async (values) => {
                await decideReport(current.id, {
                  decision: values.decision === 'dismissed' ? 'dismissed' : 'actioned',
                  removeReview: values.decision === 'remove_review',
                  reason: values.reason,
                });
                setDeciding(undefined);
                setMessage({ kind: 'success', text: am('decided') });
                void reports.refresh();
              }}
            >
              {(form) => (
                <RadioGroup
                  form={form}
                  name="decision"
                  label={am('decision')}
                  required
                  choices={[
                    { value: 'dismissed', label: am('dismiss') },
                    current.review ? { value: 'remove_review', label: am('upholdRemove') } : { value: 'actioned', label: am('uphold') },
                  ]}
                />
              )}
            </ReasonForm>
          ) : null}
        </Dialog>
      </section>
    </AdminLayout>
  );
}
