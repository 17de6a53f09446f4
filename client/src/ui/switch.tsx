import { useId } from 'preact/hooks';
import './kit.css';

interface SwitchProps {
  label: string;
  checked: boolean;
  busy?: boolean;
  hint?: string;
  onChange: (checked: boolean) => void;
}

/** An on/off setting that applies at once ("available now"): a checkbox announced as a switch. */
export function Switch({ label, checked, busy, hint, onChange }: SwitchProps) {
  const id = useId();
  return (
    <div class="switch-field">
      <div class="switch-row">
        <input
          id={id}
          type="checkbox"
          role="switch"
          class="switch-input"
          checked={checked}
          disabled={busy}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />
        <label for={id}>{label}</label>
      </div>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
