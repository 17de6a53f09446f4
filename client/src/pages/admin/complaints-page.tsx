/**
 * `/admin/reclamations`: the complaints queue sorted by deadline, overdue ones flagged (TRUST-3),
 * escalated consultation complaints (TRUST-2) and platform complaints to answer first.
 */
import { useState } from 'preact/hooks';
import { language } from '../../i18n/index.ts';
import { formatLongDay, formatShortDateTime } from '../../i18n/time-zone.ts';
import { replaceQuery, type PageProps } from '../../router.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { eurosToCents } from '../../ui/euros.ts';
import { Form, RadioGroup, TextAreaField, TextField, useForm, type FieldError } from '../../ui/form.tsx';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { PageNumbers } from '../../ui/pager.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { TableScroll } from '../../ui/table-scroll.tsx';
import { answerComplaint, fetchComplaints, type ComplaintQueue, type ComplaintView } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { readPage } from './admin-parts.tsx';
import { FilterSelect } from './filter-select.tsx';

const QUEUES: readonly ComplaintQueue[] = ['to_answer', 'open', 'escalated', 'resolved'];
const REPLY_MAX_LENGTH = 5000;

const personName = (person: { firstName: string; lastName: string } | null) => (person ? `${person.firstName} ${person.lastName}` : '—');

export default function AdminComplaintsPage({ query, notice }: PageProps) {
  const requested = query.get('status');
  const queue: ComplaintQueue = QUEUES.includes(requested as ComplaintQueue) ? (requested as ComplaintQueue) : 'to_answer';
  const page = readPage(query);
  const complaints = useRefreshable(() => fetchComplaints(queue, page), [queue, page]);
  const [answering, setAnswering] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const show = (next: { queue: ComplaintQueue; page: number }) => {
    const address = new URLSearchParams();
    if (next.queue !== 'to_answer') address.set('status', next.queue);
    if (next.page > 1) address.set('page', String(next.page));
    replaceQuery(address, { push: true });
  };
  const current = complaints.data?.complaints.find((complaint) => complaint.id === answering);
  return (
    <AdminLayout notice={notice}>
      <section aria-labelledby="complaints-title">
        <h2 id="complaints-title">{am('complaintsTitle')}</h2>
        <FilterSelect
          label={am('queue')}
          value={queue}
          options={QUEUES.map((value) => ({ value, label: am(`queue.${value}`) }))}
          onChange={(value) => show({ queue: value as ComplaintQueue, page: 1 })}
        />
        <LiveStatus message={message} />
        {complaints.data === undefined ? (
          complaints.error ? (
            <p class="error-text" role="alert">
              {errorInWords(complaints.error, adminErrorWords)}
            </p>
          ) : (
            <p aria-busy="true" class="hint">
              {am('loading')}
            </p>
          )
        ) : complaints.data.complaints.length === 0 ? (
          <p>{am('noComplaints')}</p>
        ) : (
          <div class="admin-list">
            <TableScroll label={am('complaintsTitle')}>
              <table class="data-table admin-table">
                <thead>
                  <tr>
                    <th scope="col">{am('deadline')}</th>
                    <th scope="col">{am('kind')}</th>
                    <th scope="col">{am('complainant')}</th>
                    <th scope="col">{am('expertConcerned')}</th>
                    <th scope="col">{am('complaint')}</th>
                    <th scope="col">{am('status')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{am('answer')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {complaints.data.complaints.map((complaint) => (
                    <tr key={complaint.id} class={complaint.overdue ? 'overdue' : undefined}>
                      <td data-label={am('deadline')}>
                        <time dateTime={complaint.answerDueAt}>{formatShortDateTime(complaint.answerDueAt)}</time>
                        {complaint.overdue ? <span class="badge badge-bad">{am('overdue')}</span> : null}
                      </td>
                      <td data-label={am('kind')}>{am(`kind.${complaint.kind}`)}</td>
                      <td data-label={am('complainant')}>{personName(complaint.complainant)}</td>
                      <td data-label={am('expertConcerned')}>{personName(complaint.expert)}</td>
                      <td data-label={am('complaint')} class="long-text">
                        {complaint.comment}
                      </td>
                      <td data-label={am('status')}>{am(`complaintStatus.${complaint.status}`)}</td>
                      <td>
                        {complaint.status !== 'resolved' && (complaint.status === 'escalated' || complaint.kind === 'platform') ? (
                          <DialogButton
                            class="button button-secondary button-small"
                            label={
                              <>
                                {am('answer')}
                                <span class="visually-hidden"> {personName(complaint.complainant)}</span>
                              </>
                            }
                            onOpen={() => setAnswering(complaint.id)}
                          />
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <PageNumbers
              page={complaints.data.page}
              limit={complaints.data.limit}
              total={complaints.data.total}
              label={am('complaintsTitle')}
              onPage={(next) => show({ queue, page: next })}
            />
          </div>
        )}
        <Dialog open={current !== undefined} title={am('answerTitle')} onClose={() => setAnswering(undefined)}>
          {current ? (
            <AdminAnswerForm
              complaint={current}
              onAnswered={() => {
                setAnswering(undefined);
                setMessage({ kind: 'success', text: am('answered') });
                void complaints.refresh();
              }}
            />
          ) : null}
        </Dialog>
      </section>
    </AdminLayout>
  );
}

function AdminAnswerForm({ complaint, onAnswered }: { complaint: ComplaintView; onAnswered: () => void }) {
  const form = useForm({ resolution: complaint.kind === 'platform' ? 'answered' : '', refund: '', reply: '' });
  const { resolution } = form.values.value;
  const choices = complaint.kind === 'platform' ? (['answered'] as const) : (['full_refund', 'partial_refund', 'rejected'] as const);
  return (
    <>
      <p>{am('answerFor', { name: personName(complaint.complainant), date: formatLongDay(complaint.filedAt) })}</p>
      <p class="complaint-text">{complaint.comment}</p>
      <Form
        form={form}
        label={am('answerTitle')}
        submitLabel={am('answer')}
        validate={(values): FieldError[] => {
          const errors: FieldError[] = [];
          if (values.resolution === 'partial_refund' && eurosToCents(values.refund) === undefined)
            errors.push({ name: 'refund', message: am('refundInvalid') });
          if ((values.resolution === 'rejected' || values.resolution === 'answered') && values.reply.trim() === '')
            errors.push({ name: 'reply', message: am('replyRequired') });
          return errors;
        }}
        onSubmit={async (values) => {
          try {
            await answerComplaint(complaint.id, {
              resolution: values.resolution,
              refundCents: values.resolution === 'partial_refund' ? eurosToCents(values.refund) : undefined,
              reply: values.reply.trim() || undefined,
            });
          } catch (error) {
            form.status.value = { kind: 'error', message: errorInWords(error, adminErrorWords) };
            return;
          }
          onAnswered();
        }}
      >
        <RadioGroup
          form={form}
          name="resolution"
          label={am('resolution')}
          required
          choices={choices.map((value) => ({ value, label: am(`resolution.${value}`) }))}
        />
        {resolution === 'partial_refund' ? (
          <TextField
            form={form}
            name="refund"
            label={am('refund')}
            hint={am('refundHint')}
            required
            inputMode="decimal"
            suffix="€"
            placeholder={language() === 'fr' ? '12,50' : '12.50'}
          />
        ) : null}
        <TextAreaField
          form={form}
          name="reply"
          label={am('reply')}
          required={resolution === 'rejected' || resolution === 'answered'}
          rows={4}
          maxLength={REPLY_MAX_LENGTH}
        />
      </Form>
    </>
  );
}
