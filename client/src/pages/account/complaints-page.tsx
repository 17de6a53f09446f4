/**
 * `/compte/reclamations`: my complaints and their answers (TRUST-2, TRUST-3), the expert's
 * answers to complaints about their consultations, a complaint about the platform, and for an
 * expert the clients they block (TRUST-6).
 */
import { useState } from 'preact/hooks';
import { apiCall, type User } from '../../api.ts';
import type { PageProps } from '../../router.ts';
import { formatMoney } from '../../i18n/index.ts';
import { formatDayAtTime, formatLongDay } from '../../i18n/time-zone.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { Form, TextAreaField, useForm } from '../../ui/form.tsx';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import type { ComplaintView } from '../../../../server/trust/complaints.ts';
import { AccountLayout } from './account-layout.tsx';
import { accountErrorWords, at } from './account-messages.ts';
import { AnswerForm } from './complaint-answer-form.tsx';
import { BlockedClientsSection } from './blocked-clients-section.tsx';

/** TRUST-2/3: complaint texts are capped by the API. */
const COMPLAINT_MAX_LENGTH = 5000;

export default function ComplaintsPage({ notice }: PageProps) {
  return (
    <AccountLayout notice={notice}>
      {(user) =>
        user.role === 'admin' ? (
          <p>
            <a href="/admin/reclamations">{at('complaints')}</a>
          </p>
        ) : (
          <>
            <ComplaintsSection user={user} />
            {user.role === 'expert' ? <BlockedClientsSection /> : null}
          </>
        )
      }
    </AccountLayout>
  );
}

function ComplaintsSection({ user }: { user: User }) {
  const complaints = useRefreshable(() => apiCall<{ complaints: ComplaintView[] }>('GET', '/api/complaints').then((answer) => answer.complaints), []);
  const [answering, setAnswering] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const list = complaints.data ?? [];
  const current = list.find((complaint) => complaint.id === answering);
  return (
    <>
      <section class="card" aria-labelledby="account-complaints">
        <h2 id="account-complaints">{user.role === 'expert' ? at('complaintsExpert') : at('complaints')}</h2>
        <LiveStatus message={message} />
        {complaints.data === undefined ? (
          complaints.error ? (
            <p class="error-text" role="alert">
              {errorInWords(complaints.error, accountErrorWords)}
            </p>
          ) : (
            <p aria-busy="true" class="hint">
              {kitText('loading')}
            </p>
          )
        ) : list.length === 0 ? (
          <p>{at('noComplaints')}</p>
        ) : (
          <ul class="complaint-list">
            {list.map((complaint) => (
              <ComplaintItem key={complaint.id} complaint={complaint} user={user} onAnswer={() => setAnswering(complaint.id)} />
            ))}
          </ul>
        )}
        <Dialog open={current !== undefined} title={at('answerTitle')} onClose={() => setAnswering(undefined)}>
          {current ? (
            <AnswerForm
              complaint={current}
              onAnswered={() => {
                setAnswering(undefined);
                setMessage({ kind: 'success', text: at('answered') });
                void complaints.refresh();
              }}
            />
          ) : null}
        </Dialog>
      </section>
      <PlatformComplaintSection onSent={() => void complaints.refresh()} />
    </>
  );
}

function ComplaintItem({ complaint, user, onAnswer }: { complaint: ComplaintView; user: User; onAnswer: () => void }) {
  const mine = complaint.complainant.id === user.id;
  const toAnswer = !mine && complaint.expert?.id === user.id && complaint.status === 'open';
  const resolution =
    complaint.resolution === 'partial_refund'
      ? at('resolution.partial_refund', { amount: formatMoney(complaint.refundCents ?? 0) })
      : complaint.resolution
        ? at(`resolution.${complaint.resolution}`)
        : null;
  return (
    <li class="complaint">
      <p class="complaint-head">
        <span class="badge badge-neutral">{at(`complaintKind.${complaint.kind}`)}</span>{' '}
        <span class={`badge ${complaint.status === 'resolved' ? 'badge-good' : complaint.overdue ? 'badge-bad' : 'badge-warning'}`}>
          {at(`complaintStatus.${complaint.status}`)}
        </span>{' '}
        <span class="hint-inline">{at('complaintFiled', { date: formatLongDay(complaint.filedAt) })}</span>
      </p>
      {mine ? null : <p class="hint">{at('complaintBy', { name: `${complaint.complainant.firstName} ${complaint.complainant.lastName}` })}</p>}
      {mine && complaint.expert ? <p class="hint">{at('complaintAbout', { name: `${complaint.expert.firstName} ${complaint.expert.lastName}` })}</p> : null}
      <p class="complaint-text">{complaint.comment}</p>
      {complaint.status === 'resolved' ? null : <p class="hint">{at('complaintDue', { date: formatDayAtTime(complaint.answerDueAt) })}</p>}
      {resolution ? <p>{resolution}</p> : null}
      {complaint.reply ? <p>{at('complaintReply', { reply: complaint.reply })}</p> : null}
      {complaint.mediatorUrl ? (
        <p>
          {at('complaintMediator')}{' '}
          <a href={complaint.mediatorUrl} rel="noopener noreferrer">
            {complaint.mediatorUrl}
          </a>
        </p>
      ) : null}
      {toAnswer ? <DialogButton label={at('answer')} onOpen={onAnswer} /> : null}
    </li>
  );
}

function PlatformComplaintSection({ onSent }: { onSent: () => void }) {
  const form = useForm({ comment: '' });
  return (
    <section class="card" aria-labelledby="account-platform-complaint">
      <h2 id="account-platform-complaint">{at('platformComplaint')}</h2>
      <p class="hint">{at('platformComplaintHint')}</p>
      <Form
        form={form}
        label={at('platformComplaint')}
        submitLabel={at('platformComplaintSubmit')}
        submitClass="button button-secondary"
        onSubmit={async (values) => {
          try {
            await apiCall('POST', '/api/complaints', { json: { kind: 'platform', comment: values.comment.trim() } });
          } catch (error) {
            form.status.value = { kind: 'error', message: errorInWords(error, accountErrorWords) };
            return;
          }
          form.values.value = { comment: '' };
          form.showSuccess(at('complaintSent'));
          onSent();
        }}
      >
        <TextAreaField form={form} name="comment" label={at('platformComplaintText')} required rows={4} maxLength={COMPLAINT_MAX_LENGTH} />
      </Form>
    </section>
  );
}
