import { useId } from 'preact/hooks';
import { DAY_MINUTES } from './availability-model.ts';
import { clockOf } from './expert-time.ts';

/** Offered times are quarter-hours, like the booking slots (server SLOT_STEP_MINUTES). */
const STEP_MINUTES = 15;

interface TimeSelectProps {
  /** Minutes since midnight; an end may be 1440 (24:00). */
  value: number;
  kind: 'start' | 'end';
  /** Visible word ("De", "À"). */
  shortLabel: string;
  /** What a screen reader hears ("lundi, plage 1, début"). */
  fullLabel: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  onChange: (minutes: number) => void;
}

/**
 * A time of day as a select of quarter-hours: one tap on a phone, type-ahead on a keyboard,
 * and `24:00` (midnight, end of day) which a browser's time picker cannot enter. A value off
 * the quarter-hour grid (saved elsewhere) is kept as an extra choice.
 */
export function TimeSelect({ value, kind, shortLabel, fullLabel, invalid, describedBy, onChange }: TimeSelectProps) {
  const id = useId();
  const first = kind === 'start' ? 0 : STEP_MINUTES;
  const last = kind === 'start' ? DAY_MINUTES - STEP_MINUTES : DAY_MINUTES;
  const minutes: number[] = [];
  for (let minute = first; minute <= last; minute += STEP_MINUTES) minutes.push(minute);
  if (!minutes.includes(value)) minutes.push(value);
  minutes.sort((a, b) => a - b);
  return (
    <span class="time-select">
      <label for={id}>
        <span aria-hidden="true">{shortLabel}</span>
        <span class="visually-hidden">{fullLabel}</span>
      </label>
      <select
        id={id}
        value={String(value)}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy}
        onChange={(event) => onChange(Number(event.currentTarget.value))}
      >
        {minutes.map((minute) => (
          <option key={minute} value={String(minute)}>
            {clockOf(minute)}
          </option>
        ))}
      </select>
    </span>
  );
}
