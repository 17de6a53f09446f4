/**
 * The end of the call (BILL-4, PAY-2, TRUST-1): why it ended (kept when the settlement adds the
 * amount), the time charged, the amount, the receipt and, for the client, the rating.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiCall, apiDocument } from '../../api.ts';
import { formatDuration, formatMoney } from '../../i18n/index.ts';
import type { CallEnd } from '../../media/call.ts';
import type { Party } from '../../../../media/signaling/messages.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { PageLayout } from '../../ui/page.tsx';
import { roomText } from './room-messages.ts';

interface EndScreenProps {
  consultationId: string;
  end: CallEnd;
  isClient: boolean;
  /** The other party's name, to say who ended the call. */
  otherName: string;
}

export function EndScreen({ consultationId, end, isClient, otherName }: EndScreenProps) {
  const [recordedChargeCents, setRecordedChargeCents] = useState<number | null | undefined>(undefined);
  // The settlement as the API records it (PAY-2), whatever the socket said.
  useEffect(() => {
    if (end.chargeCents === undefined || end.reason === 'left') return;
    let current = true;
    apiCall<{ chargeCents: number | null }>('GET', `/api/consultations/${encodeURIComponent(consultationId)}`).then(
      (latest) => current && latest.chargeCents !== null && setRecordedChargeCents(latest.chargeCents),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [end.chargeCents === undefined]);
  const chargeCents = recordedChargeCents ?? end.chargeCents;
  return (
    <PageLayout title={roomText('endTitle')}>
      <section class="call-end card" data-testid="end-screen" data-reason={end.reason} aria-label={roomText('endTitle')}>
        <p class="call-end-reason" data-testid="end-reason">
          {endReasonText(end, isClient ? 'client' : 'expert', otherName)}
        </p>
        <p>{roomText('duration', { duration: formatDuration(end.connectedSeconds) })}</p>
        {chargeCents === undefined ? (
          <p role="status">{roomText('settling')}</p>
        ) : (
          <p class="call-end-amount" data-testid="amount-charged">
            {chargeCents === null ? roomText('chargeUnknown') : roomText('charged', { amount: formatMoney(chargeCents) })}
          </p>
        )}
        <div class="button-row">
          {chargeCents !== undefined && chargeCents !== null && chargeCents > 0 ? <ReceiptButton consultationId={consultationId} /> : null}
          <a class="button button-secondary" href={`/consultations/${encodeURIComponent(consultationId)}`}>
            {roomText('details')}
          </a>
        </div>
      </section>
      {isClient && chargeCents !== undefined && chargeCents !== null && chargeCents > 0 ? <RatingForm consultationId={consultationId} /> : null}
    </PageLayout>
  );
}

/** In a call of two, "a participant ended it" is said with who: you, or the other by name. */
function endReasonText(end: CallEnd, me: Party, otherName: string): string {
  if (end.reason === 'party_left' && end.endedBy)
    return end.endedBy === me ? roomText('reason.ended_by_me') : roomText('reason.ended_by_other', { name: otherName });
  return roomText(`reason.${end.reason}`);
}

function ReceiptButton({ consultationId }: { consultationId: string }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const open = () => {
    apiDocument(`/api/consultations/${encodeURIComponent(consultationId)}/receipt.html`).then(
      (blob) => window.open(URL.createObjectURL(blob), '_blank', 'noopener'),
      (failure: unknown) => setError(apiErrorMessage(failure)),
    );
  };
  return (
    <>
      <button type="button" class="button button-primary" onClick={open} data-testid="receipt">
        {roomText('receipt')}
      </button>
      {error ? (
        <p class="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** TRUST-1: the client rates the expert once, 1 to 5 stars, with an optional comment. */
function RatingForm({ consultationId }: { consultationId: string }) {
  const [stars, setStars] = useState(5);
  const [comment, setComment] = useState('');
  const [result, setResult] = useState<{ kind: 'success' | 'error'; message: string } | undefined>(undefined);
  const [sent, setSent] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    const text = comment.trim();
    apiCall('POST', `/api/consultations/${encodeURIComponent(consultationId)}/review`, { json: { stars, ...(text ? { comment: text } : {}) } }).then(
      () => {
        setSent(true);
        setResult({ kind: 'success', message: roomText('rateThanks') });
      },
      (error: unknown) => setResult({ kind: 'error', message: apiErrorMessage(error) }),
    );
  };
  return (
    <form class="call-rating card" onSubmit={submit} data-testid="rating-form" aria-labelledby="rating-title">
      <h2 id="rating-title">{roomText('rateTitle')}</h2>
      <fieldset class="star-field">
        <legend>{roomText('rateStars')}</legend>
        {[1, 2, 3, 4, 5].map((value) => (
          <label key={value} class="star-choice">
            <input type="radio" name="stars" value={value} checked={stars === value} onChange={() => setStars(value)} />
            <span aria-hidden="true">{'★'.repeat(value)}</span>
            <span class="visually-hidden">{value} / 5</span>
          </label>
        ))}
      </fieldset>
      <label class="field">
        <span>{roomText('rateComment')}</span>
        <textarea maxLength={2000} rows={3} value={comment} onInput={(event) => setComment(event.currentTarget.value)} />
      </label>
      <button type="submit" class="button button-primary" disabled={sent}>
        {roomText('rateSubmit')}
      </button>
      <p class="form-status" role="status" data-kind={result?.kind}>
        {result?.message ?? ''}
      </p>
    </form>
  );
}
