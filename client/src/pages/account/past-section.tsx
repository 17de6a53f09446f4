/**
 * Past consultations, newest first, a page at a time (`nextBefore`): date, length connected,
 * amount, status in words, receipt, and rate / complain / report while each is still possible
 * (`actions`: each disappears once used or too late).
 */
import { useState } from 'preact/hooks';
import { formatDuration, formatMoney } from '../../i18n/index.ts';
import { formatShortDay, formatTimeRange } from '../../i18n/time-zone.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { ShowMore } from '../../ui/pager.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import type { PastConsultation } from './client-area-api.ts';
import { clientAreaErrorWords, ct, type ClientAreaMessageKey } from './client-area-messages.ts';
import { ExpertAvatar, expertName } from './expert-avatar.tsx';
import { ComplaintForm, RateForm, ReportForm } from './past-action-forms.tsx';
import { ReceiptLinks } from './receipt-links.tsx';
import type { PastList } from './use-past-consultations.ts';

type PastAction = 'rate' | 'complain' | 'report';

const DIALOG_TITLES: Record<PastAction, ClientAreaMessageKey> = {
  rate: 'rateDialog.title',
  complain: 'complaintDialog.title',
  report: 'reportDialog.title',
};

function statusWords(consultation: PastConsultation): string {
  if (consultation.status === 'cancelled') return ct(`pastStatus.cancelled.${consultation.cancelledBy ?? 'platform'}`);
  return ct(`pastStatus.${consultation.status}`);
}

function amountWords(consultation: PastConsultation): string {
  if (consultation.chargeCents === null) return ct('past.settling');
  if (consultation.chargeCents === 0) return ct('past.nothingCharged');
  return formatMoney(consultation.chargeCents);
}

interface PastSectionProps {
  past: PastList;
  timeZone: string;
  onOutcome: (message: { kind: 'success' | 'error'; text: string }) => void;
}

export function PastSection({ past, timeZone, onOutcome }: PastSectionProps) {
  const [open, setOpen] = useState<{ id: string; action: PastAction } | undefined>(undefined);
  const current = open ? past.items.find((item) => item.id === open.id) : undefined;
  const close = () => setOpen(undefined);
  const done = (text: string) => {
    close();
    onOutcome({ kind: 'success', text });
    void past.refresh();
  };
  const form = current && open ? { rate: RateForm, complain: ComplaintForm, report: ReportForm }[open.action] : undefined;
  return (
    <section class="card client-past" aria-labelledby="past-title">
      <h2 id="past-title">{ct('past.title')}</h2>
      {past.error && past.items.length === 0 ? (
        <p class="error-text" role="alert">
          {errorInWords(past.error, clientAreaErrorWords)}
        </p>
      ) : !past.loaded ? (
        <p aria-busy="true" class="hint">
          {kitText('loading')}
        </p>
      ) : past.items.length === 0 ? (
        <p>{ct('past.empty')}</p>
      ) : (
        <table class="data-table past-table">
          <thead>
            <tr>
              <th scope="col">{ct('past.date')}</th>
              <th scope="col">{ct('past.expert')}</th>
              <th scope="col" class="numeric">
                {ct('past.duration')}
              </th>
              <th scope="col" class="numeric">
                {ct('past.amount')}
              </th>
              <th scope="col">{ct('past.status')}</th>
              <th scope="col">{ct('past.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {past.items.map((consultation) => (
              <PastRow key={consultation.id} consultation={consultation} timeZone={timeZone} onOpen={(action) => setOpen({ id: consultation.id, action })} />
            ))}
          </tbody>
        </table>
      )}
      <ShowMore visible={past.nextBefore !== null} busy={past.loadingMore} label={ct('past.more')} onMore={() => void past.loadMore()} />
      <Dialog open={form !== undefined} title={open ? ct(DIALOG_TITLES[open.action]) : ''} onClose={close}>
        {form && current ? form({ consultation: current, timeZone, onDone: done }) : null}
      </Dialog>
    </section>
  );
}

function PastRow({ consultation, timeZone, onOpen }: { consultation: PastConsultation; timeZone: string; onOpen: (action: PastAction) => void }) {
  const { actions } = consultation;
  const context = ct('past.actionsFor', { date: formatShortDay(consultation.date, timeZone), expert: expertName(consultation.expert) });
  const actionButton = (action: PastAction, label: ClientAreaMessageKey) => (
    <DialogButton
      class="button button-secondary button-small"
      label={
        <>
          {ct(label)}
          <span class="visually-hidden"> {context}</span>
        </>
      }
      onOpen={() => onOpen(action)}
    />
  );
  return (
    <tr>
      <td data-label={ct('past.date')}>
        <time dateTime={consultation.date}>{formatShortDay(consultation.date, timeZone)}</time>
        {consultation.startAt && consultation.endedAt ? (
          <span class="cell-detail">{formatTimeRange(consultation.startAt, consultation.endedAt, timeZone)}</span>
        ) : null}
      </td>
      <td data-label={ct('past.expert')}>
        <span class="expert-cell">
          <ExpertAvatar expert={consultation.expert} size={32} />
          <span>
            {expertName(consultation.expert)}
            <span class="cell-detail">{ct(`mode.${consultation.mode}`)}</span>
          </span>
        </span>
      </td>
      <td data-label={ct('past.duration')} class="numeric">
        {consultation.connectedSeconds > 0 ? formatDuration(consultation.connectedSeconds) : ct('past.noDuration')}
      </td>
      <td data-label={ct('past.amount')} class="numeric">
        {amountWords(consultation)}
        {consultation.refundedCents > 0 ? <span class="cell-detail">{ct('past.refunded', { amount: formatMoney(consultation.refundedCents) })}</span> : null}
      </td>
      <td data-label={ct('past.status')}>
        {statusWords(consultation)}
        {consultation.review ? <span class="cell-detail">{ct('past.review', { stars: consultation.review.stars })}</span> : null}
        {consultation.complaint ? (
          <span class="cell-detail">{ct(`complaintStatus.${consultation.complaint.status as 'open' | 'escalated' | 'resolved'}`)}</span>
        ) : null}
      </td>
      <td data-label={ct('past.actions')}>
        <div class="row-actions">
          {consultation.receipt ? <ReceiptLinks receipt={consultation.receipt} /> : null}
          {actions.rate ? actionButton('rate', 'past.rate') : null}
          {actions.complain ? actionButton('complain', 'past.complain') : null}
          {actions.report ? actionButton('report', 'past.report') : null}
        </div>
      </td>
    </tr>
  );
}
