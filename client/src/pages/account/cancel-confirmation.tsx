/**
 * BILL-10, BILL-11: cancelling, with its price said before the button is pressed. The price is
 * the server's (`cancellation.chargeCents`, what a cancellation now settles at), fetched again
 * when the dialog opens so a page left open across the 48-hour mark never shows yesterday's.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatMoney } from '../../i18n/index.ts';
import { formatAppointment } from '../../i18n/time-zone.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { cancelConsultation, type UpcomingConsultation } from './client-area-api.ts';
import { clientAreaErrorWords, ct } from './client-area-messages.ts';
import { expertName } from './expert-avatar.tsx';

interface CancelConfirmationProps {
  consultation: UpcomingConsultation;
  timeZone: string;
  /** Fetches the upcoming list again; the dialog waits for it before showing a price. */
  refresh: () => Promise<void>;
  onCancelled: (message: string) => void;
  onKeep: () => void;
}

export function CancelConfirmation({ consultation, timeZone, refresh, onCancelled, onKeep }: CancelConfirmationProps) {
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<StatusMessage | undefined>(undefined);
  useEffect(() => {
    void refresh().finally(() => setChecked(true));
  }, []);
  const chargeCents = consultation.cancellation.chargeCents ?? 0;
  const when = consultation.startAt ? formatAppointment(consultation.startAt, timeZone) : ct('immediateWhen');
  const confirm = () => {
    setBusy(true);
    cancelConsultation(consultation.id)
      .then(
        (cancelled) => {
          const charged = cancelled.cancellationChargeCents ?? 0;
          onCancelled(charged > 0 ? ct('cancelledPaid', { amount: formatMoney(charged) }) : ct('cancelledFree'));
        },
        (error: unknown) => setFailure({ kind: 'error', text: errorInWords(error, clientAreaErrorWords) }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <div aria-busy={checked ? undefined : 'true'}>
      <p>{ct('cancelDialog.question', { expert: expertName(consultation.expert), date: when })}</p>
      {!checked ? (
        <p class="hint">{ct('cancelDialog.checking')}</p>
      ) : (
        <p class={chargeCents > 0 ? 'price-line price-line-due' : 'price-line'}>
          {chargeCents > 0
            ? ct('cancelDialog.late', { amount: formatMoney(chargeCents) })
            : consultation.kind === 'immediate'
              ? ct('cancelDialog.freeImmediate')
              : ct('cancelDialog.free')}
        </p>
      )}
      <LiveStatus message={failure} />
      <div class="actions">
        <button type="button" class="button button-secondary" onClick={onKeep}>
          {ct('cancelDialog.keep')}
        </button>
        <button type="button" class="button button-primary button-danger" disabled={!checked || busy || !consultation.cancellation.allowed} onClick={confirm}>
          {chargeCents > 0 ? ct('cancelDialog.confirmPaid', { amount: formatMoney(chargeCents) }) : ct('cancelDialog.confirmFree')}
        </button>
      </div>
    </div>
  );
}
