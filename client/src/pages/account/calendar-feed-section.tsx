/**
 * BOOK-8: the private subscription address of the user's calendar feed, to copy or open in a
 * calendar app (webcal), and to replace when it leaked (the old one stops at once).
 */
import { useState } from 'preact/hooks';
import { CopyField } from '../../ui/copy-field.tsx';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import { useResource } from '../../ui/use-resource.ts';
import { fetchCalendarFeed, rotateCalendarFeed, type CalendarFeed } from './client-area-api.ts';
import { clientAreaErrorWords, ct } from './client-area-messages.ts';
import './calendar-feed.css';

export function CalendarFeedSection() {
  const feed = useResource(fetchCalendarFeed, []);
  const [rotated, setRotated] = useState<CalendarFeed | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const current = rotated ?? feed.data;
  const rotate = () => {
    setBusy(true);
    rotateCalendarFeed()
      .then(
        (next) => {
          setRotated(next);
          setMessage({ kind: 'success', text: ct('calendar.rotated') });
        },
        (error: unknown) => setMessage({ kind: 'error', text: errorInWords(error, clientAreaErrorWords) }),
      )
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };
  return (
    <section class="card calendar-feed" aria-labelledby="calendar-title">
      <h2 id="calendar-title">{ct('calendar.title')}</h2>
      <p>{ct('calendar.intro')}</p>
      {feed.state === 'failed' && !current ? (
        <p class="error-text" role="alert">
          {errorInWords(feed.error, clientAreaErrorWords)}
        </p>
      ) : !current ? (
        <p aria-busy="true" class="hint">
          {kitText('loading')}
        </p>
      ) : (
        <>
          <p>
            <a class="button button-primary" href={current.webcalUrl}>
              {ct('calendar.subscribe')}
            </a>
          </p>
          <CopyField label={ct('calendar.url')} hint={ct('calendar.urlHint')} value={current.url} />
          <details class="how-to">
            <summary>{ct('calendar.howTo')}</summary>
            <ul>
              <li>{ct('calendar.google')}</li>
              <li>{ct('calendar.outlook')}</li>
              <li>{ct('calendar.apple')}</li>
            </ul>
          </details>
          <LiveStatus message={message} />
          <p>
            <DialogButton label={ct('calendar.rotate')} onOpen={() => setConfirming(true)} />
          </p>
        </>
      )}
      <Dialog open={confirming} title={ct('calendar.rotateTitle')} onClose={() => setConfirming(false)}>
        <p>{ct('calendar.rotateText')}</p>
        <div class="actions">
          <button type="button" class="button button-secondary" onClick={() => setConfirming(false)}>
            {ct('calendar.keep')}
          </button>
          <button type="button" class="button button-primary" disabled={busy} onClick={rotate}>
            {ct('calendar.rotateConfirm')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
