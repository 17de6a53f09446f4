/**
 * A value to copy elsewhere (a private address, a link): shown read-only in full, with a copy
 * button whose result is announced.
 */
import { useId, useRef, useState } from 'preact/hooks';
import { ut } from './messages.ts';
import './ui.css';

export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<'' | 'copied' | 'failed'>('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setResult('copied');
    } catch {
      // No clipboard access (an insecure origin, a refused permission): leave the text selected for Ctrl+C.
      input.current?.select();
      setResult('failed');
    }
  };
  return (
    <div class="field copy-field">
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div class="copy-row">
        <input ref={input} id={id} class="url" type="text" readOnly value={value} aria-describedby={hint ? `${id}-hint` : undefined} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" class="button button-secondary" onClick={() => void copy()}>
          {ut('copy')}
        </button>
      </div>
      <p class="copy-result" role="status">
        {result === 'copied' ? ut('copied') : result === 'failed' ? ut('copyFailed') : ''}
      </p>
    </div>
  );
}
