/**
 * BOOK-4: the expert's answer to an immediate request, the same on the workspace and on the
 * consultation's page: Accept (`POST …/accept`, then straight into the call for video, past the
 * device check, since the client is waiting; or "we
 * are calling you" for phone) and Decline (`POST …/decline`: the client is told at once, nothing
 * is charged).
 */
import { useState } from 'preact/hooks';
import { apiCall } from '../api.ts';
import { defineMessages } from '../i18n/index.ts';
import { navigate } from '../router.ts';
import { apiErrorMessage } from '../ui/errors.ts';

const text = defineMessages({
  fr: {
    accept: 'Accepter',
    acceptLabel: 'Accepter la demande de {name}',
    decline: 'Refuser',
    declineLabel: 'Refuser la demande de {name}',
    declined: 'Demande refusée : le client est prévenu, rien n’est facturé.',
    calling: 'Demande acceptée : nous vous appelons, puis nous appelons {name}. Gardez votre téléphone à portée de main.',
    goingIn: 'Demande acceptée : entrée dans la salle…',
  },
  en: {
    accept: 'Accept',
    acceptLabel: 'Accept the request from {name}',
    decline: 'Decline',
    declineLabel: 'Decline the request from {name}',
    declined: 'Request declined: the client is told, nothing is charged.',
    calling: 'Request accepted: we are calling you, then {name}. Keep your phone at hand.',
    goingIn: 'Request accepted: entering the room…',
  },
});

interface RequestAnswerProps {
  consultationId: string;
  mode: 'video' | 'phone';
  client: { firstName: string; lastName: string };
  /**
   * After an answer that keeps this page (a phone acceptance, a refusal), with what happened in
   * words: the parent says it, since the request (and these buttons) may leave the list.
   */
  onAnswered: (message: string) => void;
}

export function RequestAnswer({ consultationId, mode, client, onAnswered }: RequestAnswerProps) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const name = `${client.firstName} ${client.lastName}`;
  const send = (verb: 'accept' | 'decline') => {
    setBusy(true);
    setError('');
    apiCall('POST', `/api/consultations/${encodeURIComponent(consultationId)}/${verb}`).then(
      () => {
        if (verb === 'accept' && mode === 'video') {
          setStatus(text('goingIn'));
          navigate(`/salle/${encodeURIComponent(consultationId)}?entrer=1`);
          return;
        }
        onAnswered(verb === 'accept' ? text('calling', { name: client.firstName }) : text('declined'));
      },
      (failure: unknown) => {
        setBusy(false);
        setError(apiErrorMessage(failure));
      },
    );
  };
  return (
    <div class="request-answer">
      <div class="button-row">
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          aria-label={text('acceptLabel', { name })}
          onClick={() => send('accept')}
          data-testid="accept-request"
        >
          {text('accept')}
        </button>
        <button
          type="button"
          class="button button-secondary"
          disabled={busy}
          aria-label={text('declineLabel', { name })}
          onClick={() => send('decline')}
          data-testid="decline-request"
        >
          {text('decline')}
        </button>
      </div>
      <p class="form-status" role="status">
        {status}
      </p>
      {error ? (
        <p class="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
