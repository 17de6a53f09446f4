import { defineMessages } from '../../i18n/index.ts';
import { timeLabel } from './expert-time.ts';

const text = defineMessages({
  fr: {
    join: 'Rejoindre la salle',
    joinWith: 'Rejoindre la salle avec {name}',
    opensAt: 'La salle ouvre à {time}.',
    from: 'Accès à partir de {time}.',
    phoneCall: 'La plateforme vous appelle à {time}, puis appelle votre client.',
    phoneNow: 'La plateforme vous appelle : décrochez pour commencer.',
  },
  en: {
    join: 'Join the room',
    joinWith: 'Join the room with {name}',
    opensAt: 'The room opens at {time}.',
    from: 'Way in from {time}.',
    phoneCall: 'The platform calls you at {time}, then calls your client.',
    phoneNow: 'The platform is calling you: pick up to start.',
  },
});

interface WayInProps {
  consultationId: string;
  mode: 'video' | 'phone';
  status: string;
  startAt: string;
  /** 10 minutes before the start (BOOK-5 via the API): the way in is shown from then. */
  joinableFrom: string;
  clientName: string;
  timeZone: string;
  now: Date;
}

/**
 * The way into an appointment. Video: nothing to click before `joinableFrom`; from then a link
 * to the room, which itself opens at the start (until then it answers "not started"), so the
 * opening time is said next to the link. Phone: the platform calls the expert (TEL-1).
 */
export function WayIn({ consultationId, mode, status, startAt, joinableFrom, clientName, timeZone, now }: WayInProps) {
  if (status !== 'scheduled' && status !== 'live') return null;
  const time = timeLabel(startAt, timeZone);
  if (mode === 'phone') return <p class="way-in">{status === 'live' || now >= new Date(startAt) ? text('phoneNow') : text('phoneCall', { time })}</p>;
  if (status === 'scheduled' && now < new Date(joinableFrom))
    return <p class="way-in way-in-later">{text('from', { time: timeLabel(joinableFrom, timeZone) })}</p>;
  return (
    <p class="way-in">
      <a class="button button-primary button-small" href={`/salle/${consultationId}`} aria-label={text('joinWith', { name: clientName })}>
        {text('join')}
      </a>
      {status === 'scheduled' && now < new Date(startAt) ? <span class="way-in-note"> {text('opensAt', { time })}</span> : null}
    </p>
  );
}
