/**
 * One upcoming consultation (issue 13): when, in the reader's zone; with whom; how; what is held
 * on the card; the way in from 10 minutes before; and moving or cancelling it with their terms
 * shown before anything is confirmed.
 */
import { formatDate, formatDuration, formatMoney, formatTime } from '../../i18n/index.ts';
import { formatDayAtTime, formatDayHeading, formatTimeRange, timeZoneShort } from '../../i18n/time-zone.ts';
import { DialogButton } from '../../ui/dialog.tsx';
import { ct } from './client-area-messages.ts';
import type { UpcomingConsultation } from './client-area-api.ts';
import { ExpertAvatar, expertName } from './expert-avatar.tsx';
import { ProposalBox } from './proposal-box.tsx';

const SECONDS_PER_MINUTE = 60;

export type UpcomingDialog = 'reschedule' | 'cancel';

interface UpcomingCardProps {
  consultation: UpcomingConsultation;
  now: number;
  timeZone: string;
  onOpen: (dialog: UpcomingDialog) => void;
  onAnswered: (message: string) => void;
  onFailed: (message: string) => void;
}

export function UpcomingCard({ consultation, now, timeZone, onOpen, onAnswered, onFailed }: UpcomingCardProps) {
  const { expert, startAt, endAt } = consultation;
  const headingId = `upcoming-${consultation.id}`;
  const when =
    startAt && endAt ? (
      <>
        <time dateTime={startAt}>{formatDayHeading(startAt, timeZone)}</time>
        <span class="when-time">
          {formatTimeRange(startAt, endAt, timeZone)} <span class="zone">{timeZoneShort(timeZone, new Date(startAt))}</span>
        </span>
      </>
    ) : (
      <span>{ct('immediateWhen')}</span>
    );
  return (
    <li class="consultation-card">
      <article aria-labelledby={headingId}>
        <div class="card-top">
          <ExpertAvatar expert={expert} size={48} />
          <div class="card-title">
            <h3 id={headingId} class="when">
              {when}
            </h3>
            <p class="with">
              {ct('withExpert', { mode: ct(`mode.${consultation.mode}`) })} <a href={expert.consultationUrl}>{expertName(expert)}</a>
              {/* A booked appointment is the normal case; only a request still waiting or a live consultation says more. */}
              {consultation.status === 'scheduled' ? null : (
                <>
                  {' '}
                  <span class={`badge ${consultation.status === 'live' ? 'badge-good' : 'badge-warning'}`}>{ct(`status.${consultation.status}`)}</span>
                </>
              )}
            </p>
          </div>
        </div>
        <dl class="facts">
          <div>
            <dt>{ct('label.formula')}</dt>
            <dd>
              {consultation.pricing === 'package'
                ? ct('formula.package', { minutes: formatDuration((consultation.packageMinutes ?? 0) * SECONDS_PER_MINUTE) })
                : ct('formula.freeRate', { duration: formatDuration(consultation.reservedMinutes * SECONDS_PER_MINUTE) })}
            </dd>
          </div>
          <div>
            <dt>{ct('label.held')}</dt>
            <dd>
              {consultation.holdPlaced || !consultation.holdPlannedAt
                ? ct('heldNow', { amount: formatMoney(consultation.amountHeldCents) })
                : ct('heldLater', { amount: formatMoney(consultation.amountHeldCents), date: formatDate(consultation.holdPlannedAt, timeZone) })}
            </dd>
          </div>
        </dl>
        {consultation.reschedule.proposal ? (
          <ProposalBox
            consultation={consultation}
            proposal={consultation.reschedule.proposal}
            timeZone={timeZone}
            onAnswered={onAnswered}
            onFailed={onFailed}
          />
        ) : null}
        <WayIn consultation={consultation} now={now} timeZone={timeZone} />
        <Changes consultation={consultation} timeZone={timeZone} onOpen={onOpen} />
      </article>
    </li>
  );
}

/** BOOK-5: the way in from `joinableFrom` (10 minutes before); the room itself opens at the start. */
function WayIn({ consultation, now, timeZone }: { consultation: UpcomingConsultation; now: number; timeZone: string }) {
  const { startAt, joinableFrom, roomOpensAt } = consultation;
  if (consultation.mode === 'phone') {
    return <p class="way-in">{startAt ? ct('phoneCall', { time: formatTime(startAt, timeZone) }) : ct('phoneImmediate')}</p>;
  }
  const open = !joinableFrom || consultation.status === 'live' || now >= Date.parse(joinableFrom);
  if (!open) {
    return <p class="way-in way-in-later">{ct('joinFrom', { time: formatTime(joinableFrom, timeZone) })}</p>;
  }
  const beforeStart = roomOpensAt !== null && consultation.status !== 'live' && now < Date.parse(roomOpensAt);
  return (
    <p class="way-in">
      <a class="button button-primary" href={`/salle/${consultation.id}`}>
        {ct('join')}
      </a>
      {beforeStart ? <span class="room-opens"> {ct('roomOpensAt', { time: formatTime(roomOpensAt, timeZone) })}</span> : null}
    </p>
  );
}

/** BOOK-7 and BILL-10: what moving and cancelling cost now, said before the buttons are pressed. */
function Changes({ consultation, timeZone, onOpen }: { consultation: UpcomingConsultation; timeZone: string; onOpen: (dialog: UpcomingDialog) => void }) {
  const { cancellation, reschedule } = consultation;
  const termsId = `terms-${consultation.id}`;
  const appointment = consultation.kind === 'appointment' && consultation.status === 'scheduled';
  const terms: string[] = [];
  if (appointment)
    terms.push(
      reschedule.allowedForClient && reschedule.allowedUntil
        ? ct('rescheduleUntil', { date: formatDayAtTime(reschedule.allowedUntil, timeZone) })
        : ct('rescheduleClosed'),
    );
  if (cancellation.allowed) {
    if (cancellation.chargeCents && cancellation.chargeCents > 0) terms.push(ct('cancelCostsNow', { amount: formatMoney(cancellation.chargeCents) }));
    else terms.push(cancellation.freeUntil ? ct('cancelFreeUntil', { date: formatDayAtTime(cancellation.freeUntil, timeZone) }) : ct('cancelFreeNow'));
  }
  if (terms.length === 0) return null;
  return (
    <div class="changes">
      <ul class="terms" id={termsId}>
        {terms.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
      <div class="button-row">
        {appointment && reschedule.allowedForClient ? (
          <DialogButton label={ct('reschedule')} describedBy={termsId} onOpen={() => onOpen('reschedule')} />
        ) : null}
        {cancellation.allowed ? <DialogButton label={ct('cancel')} describedBy={termsId} onOpen={() => onOpen('cancel')} /> : null}
      </div>
    </div>
  );
}
