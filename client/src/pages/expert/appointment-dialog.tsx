import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { formatMoney } from '../../i18n/index.ts';
import { currentUser } from '../../session.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { apiErrorMessage } from '../../ui/errors.ts';
import { RadioGroup, TextField, useForm } from '../../ui/form.tsx';
import { agendaText, rescheduleRefusal } from './agenda-messages.ts';
import { dayLabel, localDateOf, momentLabel, timeLabel, zoneLabel } from './expert-time.ts';
import { WayIn } from './way-in.tsx';
import type { AgendaAppointment, RescheduleProposal } from './workspace-api.ts';
import { modeWord, statusWord, workspaceText } from './workspace-messages.ts';

interface AppointmentDialogProps {
  appointment: AgendaAppointment;
  timeZone: string;
  now: Date;
  onClose: () => void;
  /** Something changed (moved, proposed, withdrawn, cancelled): the agenda reloads and says so. */
  onChanged: (message: string) => void;
}

type Step = 'details' | 'move' | 'cancel';

/**
 * An appointment's details and what the expert can do about it (BOOK-7, BILL-12): join it,
 * move it (a move 48 h or more ahead, a proposal to the client within 48 h, as the API says
 * for this appointment now), withdraw an open proposal, or cancel it with the fee shown first.
 */
export function AppointmentDialog({ appointment, timeZone, now, onClose, onChanged }: AppointmentDialogProps) {
  const [step, setStep] = useState<Step>('details');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const name = `${appointment.client.firstName} ${appointment.client.lastName}`;
  const actions = appointment.expertActions;
  const proposal = appointment.rescheduleProposal;

  const act = (work: () => Promise<string>) => {
    setBusy(true);
    setError('');
    work()
      .then(onChanged, (failure: unknown) => setError((failure instanceof ApiError && rescheduleRefusal(failure.code)) || apiErrorMessage(failure)))
      .finally(() => setBusy(false));
  };
  const withdraw = (open: RescheduleProposal) =>
    act(async () => {
      await apiCall('POST', `/api/consultations/${appointment.id}/reschedule-proposal/withdraw`, { json: { proposalId: open.id } });
      return agendaText('withdrawn');
    });
  const cancel = () =>
    act(async () => {
      await apiCall('POST', `/api/consultations/${appointment.id}/cancel`);
      return agendaText('cancelled');
    });

  return (
    <Dialog title={agendaText('details', { name })} open onClose={onClose} testId="appointment-dialog">
      <dl class="summary appointment-summary">
        <dt>{agendaText('date')}</dt>
        <dd>{dayLabel(appointment.startAt, timeZone)}</dd>
        <dt>{agendaText('time')}</dt>
        <dd>
          {timeLabel(appointment.startAt, timeZone)}–{timeLabel(appointment.endAt, timeZone)} ({zoneLabel(timeZone, new Date(appointment.startAt))})
        </dd>
        <dt>{agendaText('mode')}</dt>
        <dd>{modeWord(appointment.mode)}</dd>
        <dt>{agendaText('length')}</dt>
        <dd>
          {agendaText('minutes', { count: appointment.reservedMinutes })} · {workspaceText(`pricing.${appointment.pricing}`)}
        </dd>
        <dt>{agendaText('status')}</dt>
        <dd>{statusWord(appointment.status)}</dd>
      </dl>
      <WayIn
        consultationId={appointment.id}
        mode={appointment.mode}
        status={appointment.status}
        startAt={appointment.startAt}
        joinableFrom={appointment.joinableFrom}
        clientName={name}
        timeZone={timeZone}
        now={now}
      />
      {proposal ? (
        <div class="proposal-box">
          <p>{agendaText('proposal', { time: momentLabel(proposal.proposedStartAt, timeZone), deadline: momentLabel(proposal.expiresAt, timeZone) })}</p>
          <button type="button" class="button button-secondary button-small" disabled={busy} onClick={() => withdraw(proposal)}>
            {agendaText('withdraw')}
          </button>
        </div>
      ) : null}
      {actions && step === 'details' ? (
        <div class="button-row">
          <button type="button" class="button button-primary" disabled={proposal !== null} onClick={() => setStep('move')}>
            {agendaText('reschedule')}
          </button>
          <button type="button" class="button button-secondary" onClick={() => setStep('cancel')}>
            {agendaText('cancel')}
          </button>
        </div>
      ) : null}
      {actions && step === 'move' ? (
        <MoveStep
          appointment={appointment}
          timeZone={timeZone}
          movesAtOnce={actions.movesAtOnce}
          busy={busy}
          onBack={() => setStep('details')}
          onMove={(startAt) =>
            act(async () => {
              const moved = await apiCall<{ proposal?: RescheduleProposal; startAt?: string }>('POST', `/api/consultations/${appointment.id}/reschedule`, {
                json: { startAt },
              });
              return moved.proposal
                ? agendaText('proposed', { time: momentLabel(moved.proposal.proposedStartAt, timeZone) })
                : agendaText('moved', { time: momentLabel(moved.startAt ?? startAt, timeZone) });
            })
          }
        />
      ) : null}
      {actions && step === 'cancel' ? (
        <div class="cancel-step">
          <p>{agendaText('cancelText', { penalty: formatMoney(actions.cancellationPenaltyCents) })}</p>
          <div class="button-row">
            <button type="button" class="button button-danger" disabled={busy} onClick={cancel}>
              {agendaText('confirmCancel')}
            </button>
            <button type="button" class="button button-secondary" onClick={() => setStep('details')}>
              {agendaText('back')}
            </button>
          </div>
        </div>
      ) : null}
      <p class="form-status" role="status" data-kind={error ? 'error' : undefined}>
        {error}
      </p>
    </Dialog>
  );
}

interface MoveStepProps {
  appointment: AgendaAppointment;
  timeZone: string;
  movesAtOnce: boolean;
  busy: boolean;
  onBack: () => void;
  onMove: (startAt: string) => void;
}

/** A new time among the expert's free slots of the chosen day, for the appointment's length (BOOK-7). */
function MoveStep({ appointment, timeZone, movesAtOnce, busy, onBack, onMove }: MoveStepProps) {
  const today = localDateOf(new Date(), timeZone);
  const form = useForm({ moveDate: appointment.localDate < today ? today : appointment.localDate, slot: '' });
  const date = form.values.value.moveDate;
  const [slots, setSlots] = useState<{ date: string; slots: string[] } | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(undefined);
  const slug = currentUser.value?.slug;
  useEffect(() => {
    if (!slug || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
    let current = true;
    setFailure(undefined);
    apiCall<{ slots: string[] }>('GET', `/api/experts/${encodeURIComponent(slug)}/slots?from=${date}&days=1&minutes=${appointment.reservedMinutes}`).then(
      (answer) => current && setSlots({ date, slots: answer.slots.filter((slot) => slot !== appointment.startAt) }),
      (error: unknown) => current && setFailure(error),
    );
    return () => {
      current = false;
    };
  }, [date, slug]);
  const chosen = form.values.value.slot;
  const ready = slots?.date === date;
  return (
    <div class="move-step">
      <p class="hint">{movesAtOnce ? agendaText('moveFree') : agendaText('moveProposal')}</p>
      <TextField form={form} name="moveDate" type="date" label={agendaText('newDate')} min={today} required />
      {failure ? <p class="error-text">{apiErrorMessage(failure)}</p> : null}
      {!ready && !failure ? <p class="hint">{agendaText('loadingSlots')}</p> : null}
      {ready && slots.slots.length === 0 ? <p class="empty">{agendaText('noSlots')}</p> : null}
      {ready && slots.slots.length > 0 ? (
        <RadioGroup
          form={form}
          name="slot"
          class="slot-choices"
          label={agendaText('slots', { zone: zoneLabel(timeZone, new Date(`${date}T12:00:00Z`)) })}
          choices={slots.slots.map((slot) => ({ value: slot, label: timeLabel(slot, timeZone) }))}
        />
      ) : null}
      <div class="button-row">
        <button
          type="button"
          class="button button-primary"
          disabled={busy || !chosen || !ready || !slots.slots.includes(chosen)}
          onClick={() => onMove(chosen)}
        >
          {chosen && ready && slots.slots.includes(chosen)
            ? agendaText(movesAtOnce ? 'confirmMove' : 'confirmPropose', { time: momentLabel(chosen, timeZone) })
            : agendaText(movesAtOnce ? 'confirmMove' : 'confirmPropose', { time: '…' })}
        </button>
        <button type="button" class="button button-secondary" onClick={onBack}>
          {agendaText('back')}
        </button>
      </div>
    </div>
  );
}
