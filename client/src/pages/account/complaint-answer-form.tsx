/** TRUST-2: the expert answers within 14 days: full refund, partial refund of an amount in euros, or a reasoned refusal. */
import { apiCall } from '../../api.ts';
import { language } from '../../i18n/index.ts';
import { formatDayAtTime } from '../../i18n/time-zone.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { eurosToCents } from '../../ui/euros.ts';
import { Form, RadioGroup, TextAreaField, TextField, useForm, type FieldError } from '../../ui/form.tsx';
import type { ComplaintView } from '../../../../server/trust/complaints.ts';
import { accountErrorWords, at } from './account-messages.ts';

const REPLY_MAX_LENGTH = 5000;

export function AnswerForm({ complaint, onAnswered }: { complaint: ComplaintView; onAnswered: () => void }) {
  const form = useForm({ resolution: '', refund: '', reply: '' });
  const { resolution } = form.values.value;
  return (
    <>
      <p class="complaint-text">{complaint.comment}</p>
      <p class="hint">{at('answerRule', { date: formatDayAtTime(complaint.answerDueAt) })}</p>
      <Form
        form={form}
        label={at('answerTitle')}
        submitLabel={at('answerSubmit')}
        validate={(values): FieldError[] => {
          const errors: FieldError[] = [];
          if (values.resolution === 'partial_refund' && eurosToCents(values.refund) === undefined)
            errors.push({ name: 'refund', message: at('refundInvalid') });
          if (values.resolution === 'rejected' && values.reply.trim() === '') errors.push({ name: 'reply', message: accountErrorWords('reply_required')! });
          return errors;
        }}
        onSubmit={async (values) => {
          try {
            await apiCall('POST', `/api/complaints/${complaint.id}/answer`, {
              json: {
                resolution: values.resolution,
                refundCents: values.resolution === 'partial_refund' ? eurosToCents(values.refund) : undefined,
                reply: values.reply.trim() || undefined,
              },
            });
          } catch (error) {
            form.status.value = { kind: 'error', message: errorInWords(error, accountErrorWords) };
            return;
          }
          onAnswered();
        }}
      >
        <RadioGroup
          form={form}
          name="resolution"
          label={at('answerResolution')}
          required
          choices={[
            { value: 'full_refund', label: at('answerFullUnknown') },
            { value: 'partial_refund', label: at('answerPartial') },
            { value: 'rejected', label: at('answerReject') },
          ]}
        />
        {resolution === 'partial_refund' ? (
          <TextField
            form={form}
            name="refund"
            label={at('answerRefund')}
            hint={at('answerRefundHint')}
            required
            inputMode="decimal"
            suffix="€"
            placeholder={language() === 'fr' ? '12,50' : '12.50'}
          />
        ) : null}
        <TextAreaField
          form={form}
          name="reply"
          label={at('answerReply')}
          hint={at('answerReplyHint')}
          required={resolution === 'rejected'}
          rows={4}
          maxLength={REPLY_MAX_LENGTH}
        />
      </Form>
    </>
  );
}
