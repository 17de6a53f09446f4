import { t } from '../i18n/index.ts';
import { kitText } from './kit-messages.ts';
import { apiErrorMessage } from './errors.ts';

/** What a block shows while its data is on the way; busy, so tests and assistive technology wait for the data. */
export function Loading() {
  return (
    <p class="hint loading" aria-busy="true">
      {t('shell.loading')}
    </p>
  );
}

/** A failure said in place, with a way to try again; the rest of the page stays usable. */
export function LoadFailed({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="load-failed" role="alert">
      <p class="error-text">{apiErrorMessage(error)}</p>
      {onRetry ? (
        <button type="button" class="button button-secondary button-small" onClick={onRetry}>
          {kitText('retry')}
        </button>
      ) : null}
    </div>
  );
}
