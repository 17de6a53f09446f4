/**
 * `/consultations/<id>` (BOOK-4, BOOK-5): where a consultation stands, in words, for its client
 * and its expert. An immediate request waits here with the minutes left before it expires, then
 * leads into the room (video) or says we are calling (phone); an appointment shows its
 * confirmation and, from 10 minutes before, the way in; the end shows what was charged and the
 * receipt. The state comes from `useConsultationState`, the one seam the push channel replaces.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiCall, apiDocument } from '../../api.ts';
import { formatDuration, formatMoney } from '../../i18n/index.ts';
import { navigate, type PageProps } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { PageLayout } from '../../ui/page.tsx';
import { useNow } from '../../ui/use-now.ts';
import { holdAmountCents } from '../../../../server/billing/hold.ts';
import { RequestAnswer } from '../../consultations/request-answer.tsx';
import { requestExpiresAtMs, useConsultationState, viewerOf, type ConsultationView, type Viewer } from '../../consultations/use-consultation-state.ts';
import { formatFullDateTime, visitorTimeZone } from '../consultation/booking-format.ts';
import { stm } from './status-messages.ts';
import './consultation-status.css';

/** BOOK-5: the way into an appointment shows this long before its start. */
const WAY_IN_BEFORE_START_MS = 10 * 60_000;
const SECOND_MS = 1000;

/** BOOK-4's accept and decline add these to the consultation; until then they are absent. */
type Consultation = ConsultationView & Partial<{ acceptedAt: string | null; declinedAt: string | null }>;

export default function ConsultationStatusPage({ params, notice }: PageProps) {
  const id = params['id'] ?? '';
  const isSignedIn = signedIn.value;
  useEffect(() => {
    if (!isSignedIn) navigate(`/connexion?retour=${encodeURIComponent(`/consultations/${id}`)}`, { replace: true });
  }, [isSignedIn]);
  if (!isSignedIn) return null;
  return <ConsultationStatus id={id} notice={notice} />;
}

function ConsultationStatus({ id, notice }: { id: string; notice: string | undefined }) {
  const state = useConsultationState(id);
  const user = currentUser.value;
  const consultation = state.consultation;
  useIntoTheRoomWhenAccepted(consultation, user?.id);
  if (state.status === 'failed' && !consultation) {
    const notFound = state.error instanceof ApiError && state.error.status === 404;
    return (
      <PageLayout title={stm('notFoundTitle')} notice={notice}>
        <p>{notFound ? stm('notFoundText') : apiErrorMessage(state.error)}</p>
      </PageLayout>
    );
  }
  if (!consultation || !user) {
    return (
      <div class="page" aria-busy="true">
        <p class="hint">{stm('loading')}</p>
      </div>
    );
  }
  const viewer = viewerOf(consultation, user.id);
  return (
    <StatusView consultation={consultation} viewer={viewer} notice={notice} onChanged={state.refresh}>
      {state.status === 'failed' ? <p class="notice">{stm('stale')}</p> : null}
    </StatusView>
  );
}

/**
 * BOOK-4: the client who waits on this page goes into the room (video) the moment the expert
 * accepts; someone who opens the page of a consultation already under way stays and chooses.
 */
function useIntoTheRoomWhenAccepted(consultation: Consultation | undefined, userId: string | undefined): void {
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (!consultation || !userId || consultation.client.id !== userId || consultation.mode !== 'video') return;
    const waiting = consultation.status === 'requested' && !consultation.acceptedAt;
    const accepted = (consultation.status === 'requested' && Boolean(consultation.acceptedAt)) || consultation.status === 'live';
    if (wasWaiting.current && accepted) navigate(`/salle/${encodeURIComponent(consultation.id)}`);
    wasWaiting.current = waiting;
  }, [consultation, userId]);
}

interface StatusViewProps {
  consultation: Consultation;
  viewer: Viewer;
  notice: string | undefined;
  onChanged: () => void;
  children?: ComponentChildren;
}

function StatusView({ consultation, viewer, notice, onChanged, children }: StatusViewProps) {
  const other = viewer === 'client' ? consultation.expert : consultation.client;
  const otherName = viewer === 'client' ? `${other.firstName} ${other.lastName}` : other.firstName;
  const page = (title: string, body: ComponentChildren) => (
    <PageLayout title={title} notice={notice}>
      <div class={`consultation-status status-${consultation.status}`} data-testid="consultation-status" data-status={consultation.status}>
        {children}
        {body}
      </div>
    </PageLayout>
  );
  switch (consultation.status) {
    case 'requested':
      if (consultation.acceptedAt) return page(stm(viewer === 'client' ? 'live.title' : 'live.expertTitle'), <Joining consultation={consultation} />);
      return viewer === 'client'
        ? page(stm('waiting.title', { name: otherName }), <Waiting consultation={consultation} expertName={otherName} onChanged={onChanged} />)
        : page(stm('expertWaiting.title'), <RequestForExpert consultation={consultation} clientName={otherName} onChanged={onChanged} />);
    case 'live':
      return page(stm(viewer === 'client' ? 'live.title' : 'live.expertTitle'), <Joining consultation={consultation} />);
    case 'scheduled':
      return page(
        stm(viewer === 'client' ? 'scheduled.title' : 'scheduled.expertTitle'),
        <Scheduled consultation={consultation} viewer={viewer} otherName={otherName} />,
      );
    case 'ended':
      return page(stm('ended.title'), <Ended consultation={consultation} viewer={viewer} />);
    case 'expired': {
      const declined = Boolean(consultation.declinedAt);
      return page(
        stm(declined ? 'expired.declinedTitle' : 'expired.title'),
        viewer === 'client' ? (
          <>
            <p>{stm(declined ? 'expired.declined' : 'expired.text', { name: otherName })}</p>
            <p class="status-reassurance">{stm('nothingCharged')}</p>
            <p>
              <a class="button button-primary" href={`/consultation/${encodeURIComponent(consultation.expert.slug)}?quand=rdv`}>
                {stm('expired.again', { name: otherName })}
              </a>
            </p>
          </>
        ) : (
          <p>{stm('expired.expertText')}</p>
        ),
      );
    }
    case 'cancelled':
      return page(
        stm('cancelled.title'),
        viewer === 'expert' ? (
          <p>{stm('cancelled.expertText')}</p>
        ) : (consultation.cancellationChargeCents ?? 0) > 0 ? (
          <>
            <p>{stm('cancelled.charged', { amount: formatMoney(consultation.cancellationChargeCents!) })}</p>
            <ReceiptButton consultationId={consultation.id} />
          </>
        ) : (
          <p class="status-reassurance">{stm('nothingCharged')}</p>
        ),
      );
    case 'no_show_client':
      return page(stm('noShowClient.title'), <p>{stm('noShowClient.text', { amount: formatMoney(consultation.cancellationChargeCents ?? 0) })}</p>);
    case 'no_show_expert':
      return page(stm('noShowExpert.title'), <p>{viewer === 'client' ? stm('noShowExpert.text', { name: otherName }) : stm('noShowExpert.expertText')}</p>);
  }
}

/** BOOK-4, the client's side: the minutes left, what happens on acceptance, what is held, and a way out. */
function Waiting({ consultation, expertName, onChanged }: { consultation: Consultation; expertName: string; onChanged: () => void }) {
  const deadlineMs = requestExpiresAtMs(consultation) ?? Date.now();
  const nowMs = useNow(SECOND_MS).getTime();
  const leftSeconds = Math.max(0, Math.ceil((deadlineMs - nowMs) / SECOND_MS));
  const [cancel, setCancel] = useState<{ busy: boolean; error: string }>({ busy: false, error: '' });
  const cancelRequest = () => {
    if (!window.confirm(stm('waiting.cancelConfirm'))) return;
    setCancel({ busy: true, error: '' });
    apiCall('POST', `/api/consultations/${encodeURIComponent(consultation.id)}/cancel`).then(
      () => {
        setCancel({ busy: false, error: '' });
        onChanged();
      },
      (error: unknown) => setCancel({ busy: false, error: apiErrorMessage(error) }),
    );
  };
  return (
    <>
      <p>{stm('waiting.text', { name: expertName })}</p>
      {leftSeconds > 0 ? (
        <div class="countdown-box">
          <p class="countdown-label" id="countdown-label">
            {stm('waiting.timeLeft')}
          </p>
          <p class="countdown" role="timer" aria-labelledby="countdown-label" data-testid="countdown">
            {clock(leftSeconds)}
          </p>
          {/* Read out once a minute, not every second. */}
          <p class="visually-hidden" aria-live="polite">
            {stm('waiting.minutesLeft', { count: Math.ceil(leftSeconds / 60), name: expertName })}
          </p>
        </div>
      ) : (
        <p class="notice" role="status">
          {stm('waiting.checking', { name: expertName })}
        </p>
      )}
      <p>
        {consultation.mode === 'video'
          ? stm('waiting.video', { name: expertName })
          : stm('waiting.phone', { name: expertName, number: consultation.phoneNumber ?? '' })}
      </p>
      <p class="status-reassurance">{stm('waiting.held', { amount: formatMoney(holdAmountCents(consultation.terms)), name: expertName })}</p>
      <p class="status-actions">
        {consultation.mode === 'video' ? (
          <a class="button button-secondary" href={`/salle/${encodeURIComponent(consultation.id)}`}>
            {stm('waiting.openRoom')}
          </a>
        ) : null}
        <button type="button" class="button button-secondary" onClick={cancelRequest} disabled={cancel.busy}>
          {stm('waiting.cancel')}
        </button>
      </p>
      {cancel.error ? (
        <p class="error-text" role="alert">
          {cancel.error}
        </p>
      ) : null}
    </>
  );
}

/** BOOK-4, the expert's side: the client, the minutes left, and the answer (the same buttons as the workspace). */
function RequestForExpert({ consultation, clientName, onChanged }: { consultation: Consultation; clientName: string; onChanged: () => void }) {
  const deadlineMs = requestExpiresAtMs(consultation) ?? Date.now();
  const leftSeconds = Math.max(0, Math.ceil((deadlineMs - useNow(SECOND_MS).getTime()) / SECOND_MS));
  return (
    <>
      <p>{stm('expertWaiting.text', { name: clientName, amount: formatMoney(holdAmountCents(consultation.terms)) })}</p>
      <p class="countdown" role="timer" aria-label={stm('waiting.timeLeft')}>
        {clock(leftSeconds)}
      </p>
      <p>{consultation.mode === 'video' ? stm('expertWaiting.video') : stm('expertWaiting.phone', { name: clientName })}</p>
      <RequestAnswer consultationId={consultation.id} mode={consultation.mode} client={consultation.client} onAnswered={() => onChanged()} />
    </>
  );
}

/** Accepted or live: into the room, or the phone is about to ring. */
function Joining({ consultation }: { consultation: Consultation }) {
  if (consultation.mode === 'phone') return <p class="status-reassurance">{stm('live.phone')}</p>;
  return (
    <>
      <p>{stm('live.video')}</p>
      <p>
        <a class="button button-primary" href={`/salle/${encodeURIComponent(consultation.id)}`} data-testid="enter-room">
          {stm('live.enterRoom')}
        </a>
      </p>
    </>
  );
}

function Scheduled({ consultation, viewer, otherName }: { consultation: Consultation; viewer: Viewer; otherName: string }) {
  const startMs = Date.parse(consultation.startAt ?? '');
  const nowMs = useNow(30 * SECOND_MS).getTime();
  const wayIn = nowMs >= startMs - WAY_IN_BEFORE_START_MS;
  const when = `${formatFullDateTime(consultation.startAt!)} (${visitorTimeZone()})`;
  return (
    <>
      {viewer === 'client' ? <p class="notice">{stm('scheduled.text', { name: otherName })}</p> : null}
      <dl class="summary booking-confirmation">
        <Row
          term={stm(viewer === 'client' ? 'row.expert' : 'row.client')}
          value={`${consultation[viewer === 'client' ? 'expert' : 'client'].firstName} ${consultation[viewer === 'client' ? 'expert' : 'client'].lastName}`}
        />
        <Row term={stm('row.mode')} value={stm(`mode.${consultation.mode}`)} />
        <Row term={stm('row.when')} value={when} />
        <Row term={stm('row.minutes')} value={stm('row.minutesValue', { minutes: consultation.reservedMinutes })} />
        {viewer === 'client' ? <Row term={stm('row.held')} value={formatMoney(holdAmountCents(consultation.terms))} /> : null}
      </dl>
      {viewer === 'client' ? <p class="hint">{consultation.paymentHoldPlaced ? stm('scheduled.holdExplained') : stm('scheduled.deferredHold')}</p> : null}
      {consultation.mode === 'video' ? (
        wayIn ? (
          <p>
            <a class="button button-primary" href={`/salle/${encodeURIComponent(consultation.id)}`} data-testid="enter-room">
              {stm('scheduled.enterRoom')}
            </a>
          </p>
        ) : (
          <p>{stm('scheduled.opensAt', { date: formatFullDateTime(new Date(startMs - WAY_IN_BEFORE_START_MS).toISOString()) })}</p>
        )
      ) : viewer === 'client' ? (
        <p>{stm('scheduled.phoneAt', { number: consultation.phoneNumber ?? '' })}</p>
      ) : null}
      {viewer === 'client' ? <p>{stm('scheduled.email')}</p> : null}
      <p>
        <a class="button button-secondary" href="/compte">
          {stm('scheduled.account')}
        </a>
      </p>
    </>
  );
}

function Ended({ consultation, viewer }: { consultation: Consultation; viewer: Viewer }) {
  const settled = consultation.chargeCents !== null;
  return (
    <>
      <dl class="summary">
        <Row term={stm('row.duration')} value={formatDuration(consultation.connectedSeconds)} />
        {settled ? <Row term={stm('row.charged')} value={formatMoney(consultation.chargeCents!)} /> : null}
        {settled && viewer === 'expert' && consultation.expertEarningsCents !== null ? (
          <Row term={stm('row.earnings')} value={formatMoney(consultation.expertEarningsCents)} />
        ) : null}
      </dl>
      {settled ? (
        <>
          {viewer === 'client' ? <p class="hint">{stm('ended.rest')}</p> : null}
          <ReceiptButton consultationId={consultation.id} />
        </>
      ) : (
        <p class="hint">{stm('ended.settling')}</p>
      )}
    </>
  );
}

function Row({ term, value }: { term: string; value: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </>
  );
}

/** BILL-9: the receipt needs the session, so it is fetched, then opened in a new tab. */
function ReceiptButton({ consultationId }: { consultationId: string }) {
  const [error, setError] = useState('');
  const open = () => {
    setError('');
    apiDocument(`/api/consultations/${encodeURIComponent(consultationId)}/receipt.html`).then(
      (blob) => void window.open(URL.createObjectURL(blob), '_blank', 'noopener'),
      (failure: unknown) => setError(apiErrorMessage(failure)),
    );
  };
  return (
    <p>
      <button type="button" class="button button-secondary" onClick={open} data-testid="receipt">
        {stm('ended.receipt')}
      </button>
      {error ? (
        <span class="error-text" role="alert">
          {' '}
          {error}
        </span>
      ) : null}
    </p>
  );
}

/** 4:05 */
function clock(totalSeconds: number): string {
  return `${Math.floor(totalSeconds / 60)}:${String(totalSeconds % 60).padStart(2, '0')}`;
}
