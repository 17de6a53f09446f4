/**
 * The outcome of an action that is not a form (a cancellation, a download): one live region,
 * always on the page so screen readers announce what appears in it.
 */
export interface StatusMessage {
  kind: 'success' | 'error' | 'info';
  text: string;
}

export function LiveStatus({ message }: { message: StatusMessage | undefined }) {
  return (
    <div class="form-status" role="status" data-kind={message?.kind ?? 'info'}>
      {message?.text ?? ''}
    </div>
  );
}
