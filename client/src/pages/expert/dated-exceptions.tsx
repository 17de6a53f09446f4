import { useId, useState } from 'preact/hooks';
import { RadioGroup, TextField, useForm } from '../../ui/form.tsx';
import { availabilityText } from './availability-messages.ts';
import { DEFAULT_RANGE, rangeProblem, type DatedHours, type Range } from './availability-model.ts';
import { calendarDateLabel, clockOf } from './expert-time.ts';
import { TimeSelect } from './time-select.tsx';

interface DatedExceptionsProps {
  exceptions: DatedHours[];
  /** The expert's today (`YYYY-MM-DD`): earlier days are kept but not listed. */
  today: string;
  onChange: (exceptions: DatedHours[], announcement?: string) => void;
}

const rangesText = (ranges: Range[]) => ranges.map((range) => `${clockOf(range.start)}–${clockOf(range.end)}`).join(', ');

/** EXP-6 dated exceptions: a day off or special hours on a date picked in the browser's date picker. */
export function DatedExceptions({ exceptions, today, onChange }: DatedExceptionsProps) {
  const upcoming = exceptions.filter((exception) => exception.date >= today);
  const past = exceptions.length - upcoming.length;
  return (
    <>
      {upcoming.length === 0 ? <p class="empty">{availabilityText('noExceptions')}</p> : null}
      <ul class="exception-list" data-testid="exceptions">
        {upcoming.map((exception) => {
          const date = calendarDateLabel(exception.date);
          return (
            <li key={exception.date} class="exception-item">
              <span class="exception-date">{date}</span>
              <span class={exception.closed ? 'pill pill-warn' : 'pill'}>
                {exception.closed ? availabilityText('exceptionClosed') : availabilityText('exceptionHours', { ranges: rangesText(exception.ranges) })}
              </span>
              <button
                type="button"
                class="button button-secondary button-small"
                aria-label={availabilityText('removeExceptionOf', { date })}
                onClick={() => onChange(exceptions.filter((other) => other.date !== exception.date))}
              >
                {availabilityText('removeException')}
              </button>
            </li>
          );
        })}
      </ul>
      {past > 0 ? <p class="hint">{availabilityText('pastKept', { count: past })}</p> : null}
      <NewException today={today} exceptions={exceptions} onChange={onChange} />
    </>
  );
}

/**
 * Adding one day. Its values live in their own small form state (inside the page's form, so it
 * is a group, not a nested <form>): a language switch redraws it with the date and hours kept.
 */
function NewException({ today, exceptions, onChange }: { today: string; exceptions: DatedHours[]; onChange: DatedExceptionsProps['onChange'] }) {
  const form = useForm({ exceptionDate: '', exceptionKind: 'closed' });
  const [ranges, setRanges] = useState<Range[]>([{ ...DEFAULT_RANGE }]);
  const id = useId();
  const problem = rangeProblem(ranges);
  const add = () => {
    const { exceptionDate: date, exceptionKind: kind } = form.values.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      form.showErrors([{ name: 'exceptionDate', message: availabilityText('exceptionDateMissing') }]);
      return;
    }
    if (kind === 'hours' && problem) return;
    const replaced = exceptions.some((exception) => exception.date === date);
    const added: DatedHours = kind === 'closed' ? { date, closed: true } : { date, closed: false, ranges: ranges.map((range) => ({ ...range })) };
    onChange(
      [...exceptions.filter((exception) => exception.date !== date), added].sort((a, b) => a.date.localeCompare(b.date)),
      replaced ? availabilityText('exceptionReplaced', { date: calendarDateLabel(date) }) : undefined,
    );
    form.values.value = { exceptionDate: '', exceptionKind: kind };
    form.errors.value = {};
  };
  return (
    <div class="new-exception" role="group" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{availabilityText('newException')}</h3>
      <div class="new-exception-fields">
        <TextField form={form} name="exceptionDate" type="date" label={availabilityText('exceptionDate')} min={today} required />
        <RadioGroup
          form={form}
          name="exceptionKind"
          label={availabilityText('exceptionKind')}
          class="radio-inline"
          choices={[
            { value: 'closed', label: availabilityText('kindClosed') },
            { value: 'hours', label: availabilityText('kindHours') },
          ]}
        />
      </div>
      {form.values.value.exceptionKind === 'hours' ? (
        <div class="day-ranges">
          {ranges.map((range, index) => (
            <div class="range-row" key={index}>
              <TimeSelect
                kind="start"
                value={range.start}
                shortLabel={availabilityText('from')}
                fullLabel={`${availabilityText('newException')}, ${availabilityText('start')} ${index + 1}`}
                onChange={(start) => setRanges(ranges.map((other, at) => (at === index ? { ...other, start } : other)))}
              />
              <TimeSelect
                kind="end"
                value={range.end}
                shortLabel={availabilityText('to')}
                fullLabel={`${availabilityText('newException')}, ${availabilityText('end')} ${index + 1}`}
                invalid={problem?.index === index}
                onChange={(end) => setRanges(ranges.map((other, at) => (at === index ? { ...other, end } : other)))}
              />
              {ranges.length > 1 ? (
                <button type="button" class="button button-secondary button-small" onClick={() => setRanges(ranges.filter((_, at) => at !== index))}>
                  {availabilityText('removeRange')}
                </button>
              ) : null}
            </div>
          ))}
          {problem ? <p class="field-error">{problem.kind === 'order' ? availabilityText('problemOrder') : availabilityText('problemOverlap')}</p> : null}
          <button
            type="button"
            class="button button-secondary button-small"
            onClick={() => {
              const lastEnd = Math.max(...ranges.map((range) => range.end));
              setRanges([...ranges, { start: Math.min(lastEnd + 60, 23 * 60), end: Math.min(lastEnd + 180, 24 * 60) }]);
            }}
          >
            {availabilityText('addRange')}
          </button>
        </div>
      ) : null}
      <div class="button-row">
        <button type="button" class="button button-secondary" onClick={add}>
          {availabilityText('addException')}
        </button>
      </div>
    </div>
  );
}
