import { useId, useRef, useState } from 'preact/hooks';
import { kitText } from './kit-messages.ts';
import './kit.css';

interface CopyFieldProps {
  label: string;
  value: string;
  /** "Copier" unless the value needs its own words ("Copier le lien"). */
  copyLabel?: string;
  hint?: string;
  /** A snippet of several lines (a banner's HTML) rather than an address. */
  rows?: number;
  /** Called once the text is on the clipboard (the workspace reports a share, EXP-1 … EXP-3). */
  onCopied?: () => void;
  testId?: string;
}

/**
 * A read-only value with its copy button. The clipboard needs a secure context and the
 * user's permission; without them the text is selected for Ctrl+C and the status says so.
 */
export function CopyField({ label, value, copyLabel, hint, rows, onCopied, testId }: CopyFieldProps) {
  const id = useId();
  const control = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus(kitText('copied'));
      onCopied?.();
    } catch {
      control.current?.focus();
      control.current?.select();
      setStatus(kitText('copyManually'));
    }
  };
  const describedBy = hint ? `${id}-hint` : undefined;
  return (
    <div class="field copy-field">
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div class={rows ? 'copy-line copy-line-block' : 'copy-line'}>
        {rows ? (
          <textarea
            id={id}
            ref={control}
            readOnly
            rows={rows}
            spellcheck={false}
            class="copy-value copy-snippet"
            value={value}
            aria-describedby={describedBy}
            data-testid={testId}
          />
        ) : (
          <input id={id} ref={control} type="text" readOnly class="copy-value" value={value} aria-describedby={describedBy} data-testid={testId} />
        )}
        <button type="button" class="button button-secondary" onClick={() => void copy()}>
          {copyLabel ?? kitText('copy')}
        </button>
      </div>
      <p class="copy-status" role="status">
        {status}
      </p>
    </div>
  );
}
