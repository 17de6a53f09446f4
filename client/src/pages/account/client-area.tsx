/**
 * The client area (issue 13), like a patient's area at Doctolib: what is coming (with the way
 * in and the terms of moving or cancelling), what happened (amount, status, receipt, and what can
 * still be done about it), and the calendar subscription. Times are in the reader's zone, named.
 */
import { useState } from 'preact/hooks';
import type { User } from '../../api.ts';
import { timeZoneName, viewerTimeZone } from '../../i18n/time-zone.ts';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { CalendarFeedSection } from './calendar-feed-section.tsx';
import { fetchUpcoming } from './client-area-api.ts';
import { ct } from './client-area-messages.ts';
import { PastSection } from './past-section.tsx';
import { UpcomingSection } from './upcoming-section.tsx';
import { usePastConsultations } from './use-past-consultations.ts';
import './client-area.css';

export function ClientArea({ user }: { user: User }) {
  const timeZone = viewerTimeZone();
  const upcoming = useRefreshable(fetchUpcoming, []);
  const past = usePastConsultations();
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  return (
    <div class="client-area">
      <p class="lead">{ct('hello', { name: user.firstName })}</p>
      <p class="zone-note">{ct('zoneNote', { zone: timeZoneName(timeZone) })}</p>
      <LiveStatus message={message} />
      <UpcomingSection
        upcoming={upcoming}
        timeZone={timeZone}
        onOutcome={(outcome) => {
          setMessage(outcome);
          // A cancelled consultation moves to the past list; a moved one changes its place.
          void upcoming.refresh();
          void past.refresh();
        }}
      />
      <PastSection past={past} timeZone={timeZone} onOutcome={setMessage} />
      <CalendarFeedSection />
    </div>
  );
}
