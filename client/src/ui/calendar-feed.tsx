import { useState } from 'preact/hooks';
import { apiCall } from '../api.ts';
import { defineMessages } from '../i18n/index.ts';
import { CopyField } from './copy-field.tsx';
import { Dialog } from './dialog.tsx';
import { apiErrorMessage } from './errors.ts';
import { LoadFailed, Loading } from './load-state.tsx';
import { useResource } from './use-resource.ts';
import './kit.css';

const text = defineMessages({
  fr: {
    title: 'Mes rendez-vous dans mon agenda',
    intro:
      'Abonnez votre agenda Google, Outlook ou Apple à cette adresse privée : vos rendez-vous y apparaissent et suivent chaque changement (déplacement, annulation).',
    url: 'Adresse d’abonnement (privée)',
    urlHint: 'Ne la partagez pas : elle donne accès à vos rendez-vous.',
    copy: 'Copier l’adresse',
    google: 'Ajouter à Google Agenda',
    webcal: 'Ouvrir dans Apple Calendrier ou Outlook',
    outlookHint: 'Outlook sur le web : Ajouter un calendrier → S’abonner à partir du web, puis collez l’adresse.',
    refreshHint: 'Les agendas relisent l’abonnement eux-mêmes, en général toutes les quelques heures.',
    rotate: 'Remplacer l’adresse',
    rotateTitle: 'Remplacer l’adresse d’abonnement ?',
    rotateText:
      'L’adresse actuelle cessera de fonctionner immédiatement : les agendas abonnés ne recevront plus vos rendez-vous tant que vous ne les aurez pas abonnés à la nouvelle.',
    rotateConfirm: 'Remplacer l’adresse',
    cancel: 'Garder l’adresse actuelle',
    rotated: 'Nouvelle adresse créée ; l’ancienne ne fonctionne plus.',
  },
  en: {
    title: 'My appointments in my calendar',
    intro:
      'Subscribe your Google, Outlook or Apple calendar to this private address: your appointments appear there and follow every change (moves, cancellations).',
    url: 'Subscription address (private)',
    urlHint: 'Do not share it: it gives access to your appointments.',
    copy: 'Copy the address',
    google: 'Add to Google Calendar',
    webcal: 'Open in Apple Calendar or Outlook',
    outlookHint: 'Outlook on the web: Add calendar → Subscribe from web, then paste the address.',
    refreshHint: 'Calendars read the subscription again by themselves, usually every few hours.',
    rotate: 'Replace the address',
    rotateTitle: 'Replace the subscription address?',
    rotateText: 'The current address stops working at once: subscribed calendars no longer receive your appointments until you subscribe them to the new one.',
    rotateConfirm: 'Replace the address',
    cancel: 'Keep the current address',
    rotated: 'New address created; the old one no longer works.',
  },
});

interface FeedUrls {
  url: string;
  webcalUrl: string;
}

/** BOOK-8: the user's private calendar subscription (`GET /api/me/calendar`), and replacing it. */
export function CalendarFeed() {
  const feed = useResource(() => apiCall<FeedUrls>('GET', '/api/me/calendar'), []);
  const [rotated, setRotated] = useState<FeedUrls | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; message: string } | undefined>(undefined);
  const urls = rotated ?? feed.data;
  const rotate = () => {
    setBusy(true);
    apiCall<FeedUrls>('POST', '/api/me/calendar/rotate')
      .then(
        (next) => {
          setRotated(next);
          setStatus({ kind: 'success', message: text('rotated') });
        },
        (error: unknown) => setStatus({ kind: 'error', message: apiErrorMessage(error) }),
      )
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };
  return (
    <section class="card calendar-feed" aria-labelledby="calendar-feed-title">
      <h2 id="calendar-feed-title">{text('title')}</h2>
      <p class="hint">{text('intro')}</p>
      {feed.state === 'failed' && !urls ? <LoadFailed error={feed.error} onRetry={feed.reload} /> : null}
      {!urls && feed.state === 'loading' ? <Loading /> : null}
      {urls ? (
        <>
          <CopyField label={text('url')} hint={text('urlHint')} value={urls.url} copyLabel={text('copy')} testId="calendar-feed-url" />
          <ul class="calendar-links">
            <li>
              <a href={`https://calendar.google.com/calendar/render?cid=${encodeURIComponent(urls.webcalUrl)}`} target="_blank" rel="noopener noreferrer">
                {text('google')}
              </a>
            </li>
            <li>
              <a href={urls.webcalUrl}>{text('webcal')}</a>
            </li>
          </ul>
          <p class="hint">{text('outlookHint')}</p>
          <p class="hint">{text('refreshHint')}</p>
          <button type="button" class="button button-secondary button-small" onClick={() => setConfirming(true)}>
            {text('rotate')}
          </button>
        </>
      ) : null}
      <p class="form-status" role="status" data-kind={status?.kind}>
        {status?.message ?? ''}
      </p>
      <Dialog title={text('rotateTitle')} open={confirming} onClose={() => setConfirming(false)}>
        <p>{text('rotateText')}</p>
        <div class="button-row">
          <button type="button" class="button button-primary" disabled={busy} onClick={rotate}>
            {text('rotateConfirm')}
          </button>
          <button type="button" class="button button-secondary" onClick={() => setConfirming(false)}>
            {text('cancel')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
