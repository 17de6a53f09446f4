/**
 * BOOK-4: one live channel per tab (`GET /api/events`), shared by whatever listens (the
 * workspace's live requests, the consultation status page): opened with the first listener,
 * closed with the last, reopened for the new account after a sign-in or sign-out. The server
 * allows a few streams per person; a tab never holds more than one.
 */
import { apiEventStream, isSignedIn, onSessionChange } from '../api.ts';
import { ConsultationEventStream, type LiveEvent } from './consultation-events.ts';

const listeners = new Set<(event: LiveEvent) => void>();
let stream: ConsultationEventStream | undefined;

function open(): void {
  if (stream || listeners.size === 0 || !isSignedIn()) return;
  stream = new ConsultationEventStream({
    open: (signal) => apiEventStream('/api/events', signal),
    onEvent: (event) => {
      for (const listener of [...listeners]) listener(event);
    },
  });
  stream.start();
}

function close(): void {
  stream?.stop();
  stream = undefined;
}

onSessionChange(() => {
  close();
  open();
});

/** The listener hears every live event until the returned function is called. */
export function listenLive(listener: (event: LiveEvent) => void): () => void {
  listeners.add(listener);
  open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) close();
  };
}
