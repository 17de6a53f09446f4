/**
 * TRUST-1, TRUST-2, TRUST-5 from a past consultation: rating, complaining and reporting are
 * three separate actions, each with its own form (a rating is public, a complaint goes to the
 * expert and may refund, a report goes to the Consulto team).
 */
import { formatDayAtTime, formatLongDay } from '../../i18n/time-zone.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { Form, RadioGroup, TextAreaField, useForm, type FormState, type FormValues } from '../../ui/form.tsx';
import { fileConsultationComplaint, rateConsultation, reportExpert, type PastConsultation, type ReportReason } from './client-area-api.ts';
import { clientAreaErrorWords, ct, type ClientAreaMessageKey } from './client-area-messages.ts';
import { expertName } from './expert-avatar.tsx';

/** TRUST-1 comments and TRUST-5 details are capped by the API at 2000 characters, TRUST-2 complaints at 5000. */
const REVIEW_COMMENT_MAX_LENGTH = 2000;
const COMPLAINT_MAX_LENGTH = 5000;
const REPORT_COMMENT_MAX_LENGTH = 2000;

const REASON_WORDS: Record<ReportReason, ClientAreaMessageKey> = {
  inappropriate_content: 'reason.inappropriate_content',
  fake_or_misleading: 'reason.fake_or_misleading',
  harassment: 'reason.harassment',
  fraud: 'reason.fraud',
  other: 'reason.other',
};

const STAR_WORDS: readonly ClientAreaMessageKey[] = ['rateDialog.star5', 'rateDialog.star4', 'rateDialog.star3', 'rateDialog.star2', 'rateDialog.star1'];

interface ActionFormProps {
  consultation: PastConsultation;
  timeZone: string;
  onDone: (message: string) => void;
}

/** The API's refusal, in words, in the form's live region. */
async function sending<Values extends FormValues>(form: FormState<Values>, work: () => Promise<unknown>, onDone: () => void): Promise<void> {
  try {
    await work();
  } catch (error) {
    form.status.value = { kind: 'error', message: errorInWords(error, clientAreaErrorWords) };
    return;
  }
  onDone();
}

function About({ consultation, timeZone }: { consultation: PastConsultation; timeZone: string }) {
  return <p>{ct('rateDialog.about', { expert: expertName(consultation.expert), date: formatLongDay(consultation.date, timeZone) })}</p>;
}

export function RateForm({ consultation, timeZone, onDone }: ActionFormProps) {
  const form = useForm({ stars: '', comment: '' });
  return (
    <>
      <About consultation={consultation} timeZone={timeZone} />
      <Form
        form={form}
        label={ct('rateDialog.title')}
        submitLabel={ct('rateDialog.submit')}
        onSubmit={(values) =>
          sending(
            form,
            () => rateConsultation(consultation.id, Number(values.stars), values.comment.trim()),
            () => onDone(ct('rated')),
          )
        }
      >
        <RadioGroup
          form={form}
          name="stars"
          label={ct('rateDialog.stars')}
          required
          class="star-choices"
          choices={STAR_WORDS.map((key, index) => ({ value: String(5 - index), label: ct(key) }))}
        />
        <TextAreaField form={form} name="comment" label={ct('rateDialog.comment')} hint={ct('rateDialog.commentHint')} maxLength={REVIEW_COMMENT_MAX_LENGTH} />
      </Form>
    </>
  );
}

export function ComplaintForm({ consultation, timeZone, onDone }: ActionFormProps) {
  const form = useForm({ comment: '' });
  return (
    <>
      <About consultation={consultation} timeZone={timeZone} />
      {consultation.complainUntil ? <p class="hint">{ct('complaintDialog.rule', { date: formatDayAtTime(consultation.complainUntil, timeZone) })}</p> : null}
      <Form
        form={form}
        label={ct('complaintDialog.title')}
        submitLabel={ct('complaintDialog.submit')}
        onSubmit={(values) =>
          sending(
            form,
            () => fileConsultationComplaint(consultation.id, values.comment.trim()),
            () => onDone(ct('complained')),
          )
        }
      >
        <TextAreaField form={form} name="comment" label={ct('complaintDialog.comment')} required rows={5} maxLength={COMPLAINT_MAX_LENGTH} />
      </Form>
    </>
  );
}

export function ReportForm({ consultation, timeZone, onDone }: ActionFormProps) {
  const form = useForm({ reason: '', comment: '' });
  return (
    <>
      <About consultation={consultation} timeZone={timeZone} />
      <p class="hint">{ct('reportDialog.rule')}</p>
      <Form
        form={form}
        label={ct('reportDialog.title')}
        submitLabel={ct('reportDialog.submit')}
        onSubmit={(values) =>
          sending(
            form,
            () => reportExpert(consultation.expert.slug, values.reason as ReportReason, values.comment.trim()),
            () => onDone(ct('reported')),
          )
        }
      >
        <RadioGroup
          form={form}
          name="reason"
          label={ct('reportDialog.reason')}
          required
          choices={Object.entries(REASON_WORDS).map(([reason, key]) => ({ value: reason, label: ct(key) }))}
        />
        <TextAreaField form={form} name="comment" label={ct('reportDialog.comment')} maxLength={REPORT_COMMENT_MAX_LENGTH} />
      </Form>
    </>
  );
}
