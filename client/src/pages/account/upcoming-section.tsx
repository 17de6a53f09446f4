/** The client's upcoming consultations, soonest first, with the dialogs that move or cancel one. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ct } from './client-area-messages.ts';
import type { UpcomingConsultation } from './client-area-api.ts';
import { Dialog } from '../../ui/dialog.tsx';
import type { Refreshable } from '../../ui/use-refreshable.ts';
import { useNowAtMoments } from '../../ui/use-now.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { kitText } from '../../ui/kit-messages.ts';
import { CancelConfirmation } from './cancel-confirmation.tsx';
import { RescheduleForm } from './reschedule-form.tsx';
import { UpcomingCard, type UpcomingDialog } from './upcoming-card.tsx';
import { clientAreaErrorWords } from './client-area-messages.ts';

interface UpcomingSectionProps {
  upcoming: Refreshable<UpcomingConsultation[]>;
  timeZone: string;
  onOutcome: (message: { kind: 'success' | 'error'; text: string }) => void;
}

export function UpcomingSection({ upcoming, timeZone, onOutcome }: UpcomingSectionProps) {
  const [open, setOpen] = useState<{ id: string; dialog: UpcomingDialog } | undefined>(undefined);
  const list = upcoming.data ?? [];
  // The page changes by itself at these moments: the way in appears, and the terms of moving
  // and cancelling change at the 48-hour mark (then the server's figures are fetched again).
  const now = useNowAtMoments(list.flatMap((item) => [item.joinableFrom, item.roomOpensAt, item.cancellation.freeUntil, item.reschedule.allowedUntil]));
  const fetchedAt = useMemo(() => Date.now(), [upcoming.data]);
  const termsChangedSinceFetch = list
    .flatMap((item) => [item.cancellation.freeUntil, item.reschedule.allowedUntil])
    .some((moment) => moment !== null && Date.parse(moment) > fetchedAt && Date.parse(moment) <= now);
  useEffect(() => {
    if (termsChangedSinceFetch) void upcoming.refresh();
  }, [termsChangedSinceFetch]);
  const current = open ? list.find((item) => item.id === open.id) : undefined;
  const close = () => setOpen(undefined);
  const done = (text: string) => {
    close();
    onOutcome({ kind: 'success', text });
  };
  return (
    <section class="client-upcoming" aria-labelledby="upcoming-title">
      <h2 id="upcoming-title">{ct('upcoming.title')}</h2>
      {upcoming.data === undefined && upcoming.error ? (
        <p class="error-text" role="alert">
          {errorInWords(upcoming.error, clientAreaErrorWords)}
        </p>
      ) : upcoming.data === undefined ? (
        <p aria-busy="true" class="hint">
          {kitText('loading')}
        </p>
      ) : list.length === 0 ? (
        <p>{ct('upcoming.empty')}</p>
      ) : (
        <ul class="consultation-cards">
          {list.map((consultation) => (
            <UpcomingCard
              key={consultation.id}
              consultation={consultation}
              now={now}
              timeZone={timeZone}
              onOpen={(dialog) => setOpen({ id: consultation.id, dialog })}
              onAnswered={(text) => onOutcome({ kind: 'success', text })}
              onFailed={(text) => onOutcome({ kind: 'error', text })}
            />
          ))}
        </ul>
      )}
      <Dialog open={open?.dialog === 'reschedule' && current !== undefined} title={ct('rescheduleDialog.title')} onClose={close}>
        {current ? <RescheduleForm consultation={current} timeZone={timeZone} onMoved={done} /> : null}
      </Dialog>
      <Dialog open={open?.dialog === 'cancel' && current !== undefined} title={ct('cancelDialog.title')} onClose={close}>
        {current ? <CancelConfirmation consultation={current} timeZone={timeZone} refresh={upcoming.refresh} onCancelled={done} onKeep={close} /> : null}
      </Dialog>
    </section>
  );
}
