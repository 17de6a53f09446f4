/**
 * A list's one filter (a queue, a state) that applies as soon as it is chosen: the list lives in
 * the address, so the choice survives a reload and Back undoes it.
 */
import { useId } from 'preact/hooks';

interface FilterSelectProps {
  label: string;
  /** The query parameter it sets, also the control's name. */
  name?: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
}

export function FilterSelect({ label, name, value, options, onChange }: FilterSelectProps) {
  const id = useId();
  return (
    <div class="field filter-select">
      <label for={id}>{label}</label>
      <select id={id} name={name ?? 'filter'} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
