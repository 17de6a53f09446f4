import { useId, useState } from 'preact/hooks';
import { locale } from '../../i18n/index.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { CloseIcon, CopyIcon, PlusIcon } from '../../ui/icons.tsx';
import { availabilityText, weekdayName } from './availability-messages.ts';
import { DEFAULT_RANGE, DAY_MINUTES, WEEKDAYS, copyDay, rangeProblem, type Range, type Week, type Weekday } from './availability-model.ts';
import { TimeSelect } from './time-select.tsx';

interface DayHoursProps {
  week: Week;
  onChange: (week: Week, announcement?: string) => void;
}

/**
 * The weekly hours as a list of days, the keyboard's and screen reader's way to the same
 * state as the grid: a day is opened by its box (with the usual 09:00–17:00), each range has
 * a start and an end, and a day's hours can be copied to other days.
 */
export function DayHours({ week, onChange }: DayHoursProps) {
  const [copyFrom, setCopyFrom] = useState<Weekday | undefined>(undefined);
  return (
    <div class="day-list">
      {WEEKDAYS.map((day) => (
        <DayRow key={day} day={day} ranges={week[day]} onRanges={(ranges) => onChange({ ...week, [day]: ranges })} onCopy={() => setCopyFrom(day)} />
      ))}
      {copyFrom !== undefined ? (
        <CopyDialog
          from={copyFrom}
          onClose={() => setCopyFrom(undefined)}
          onApply={(targets) => {
            onChange(copyDay(week, copyFrom, targets), availabilityText('copyDone', { day: weekdayName(copyFrom, locale()) }));
            setCopyFrom(undefined);
          }}
        />
      ) : null}
    </div>
  );
}

function DayRow({ day, ranges, onRanges, onCopy }: { day: Weekday; ranges: Range[]; onRanges: (ranges: Range[]) => void; onCopy: () => void }) {
  const id = useId();
  const name = weekdayName(day, locale());
  const problem = rangeProblem(ranges);
  const open = ranges.length > 0;
  const addRange = () => {
    const lastEnd = ranges.reduce((latest, range) => Math.max(latest, range.end), 0);
    // The next range starts an hour after the last one ends, when the day has room for it.
    const start = Math.min(lastEnd + 60, DAY_MINUTES - 60);
    onRanges([...ranges, lastEnd === 0 ? { ...DEFAULT_RANGE } : { start, end: Math.min(start + 120, DAY_MINUTES) }]);
  };
  const setRange = (index: number, change: Partial<Range>) => onRanges(ranges.map((range, other) => (other === index ? { ...range, ...change } : range)));
  return (
    <div class={open ? 'day-row day-open' : 'day-row'} role="group" aria-labelledby={`${id}-day`} data-weekday={day}>
      <div class="day-toggle">
        <input id={`${id}-open`} type="checkbox" checked={open} onChange={(event) => onRanges(event.currentTarget.checked ? [{ ...DEFAULT_RANGE }] : [])} />
        <label for={`${id}-open`} id={`${id}-day`} class="day-name">
          {name}
        </label>
      </div>
      <div class="day-ranges">
        {open ? null : <span class="day-closed">{availabilityText('closed')}</span>}
        {ranges.map((range, index) => {
          const wrong = problem?.index === index;
          return (
            <div class="range-row" key={index}>
              <TimeSelect
                kind="start"
                value={range.start}
                shortLabel={availabilityText('from')}
                fullLabel={availabilityText('rangeLabel', { day: name, n: index + 1, part: availabilityText('start') })}
                onChange={(start) => setRange(index, { start })}
              />
              <TimeSelect
                kind="end"
                value={range.end}
                shortLabel={availabilityText('to')}
                fullLabel={availabilityText('rangeLabel', { day: name, n: index + 1, part: availabilityText('end') })}
                invalid={wrong}
                describedBy={wrong ? `${id}-problem` : undefined}
                onChange={(end) => setRange(index, { end })}
              />
              <button
                type="button"
                class="icon-button"
                aria-label={availabilityText('removeRangeOf', { n: index + 1, day: name })}
                title={availabilityText('removeRangeOf', { n: index + 1, day: name })}
                onClick={() => onRanges(ranges.filter((_, other) => other !== index))}
              >
                <CloseIcon />
              </button>
            </div>
          );
        })}
        {problem ? (
          <p class="field-error" id={`${id}-problem`}>
            {problem.kind === 'order' ? availabilityText('problemOrder') : availabilityText('problemOverlap')}
          </p>
        ) : null}
      </div>
      <div class="day-actions">
        <button
          type="button"
          class="icon-button"
          aria-label={availabilityText('addRangeTo', { day: name })}
          title={availabilityText('addRangeTo', { day: name })}
          onClick={addRange}
        >
          <PlusIcon />
        </button>
        {open ? (
          <button
            type="button"
            class="icon-button"
            aria-label={availabilityText('copyToOf', { day: name })}
            title={availabilityText('copyToOf', { day: name })}
            onClick={onCopy}
          >
            <CopyIcon />
          </button>
        ) : null}
      </div>
    </div>
  );
}

function CopyDialog({ from, onClose, onApply }: { from: Weekday; onClose: () => void; onApply: (targets: Weekday[]) => void }) {
  const [targets, setTargets] = useState<Weekday[]>([]);
  const id = useId();
  const name = weekdayName(from, locale());
  return (
    <Dialog title={availabilityText('copyTitle', { day: name })} open onClose={onClose}>
      <fieldset class="copy-targets">
        <legend class="visually-hidden">{availabilityText('copyTitle', { day: name })}</legend>
        {WEEKDAYS.filter((day) => day !== from).map((day) => (
          <div class="checkbox-row" key={day}>
            <input
              id={`${id}-${day}`}
              type="checkbox"
              checked={targets.includes(day)}
              onChange={(event) => setTargets(event.currentTarget.checked ? [...targets, day] : targets.filter((other) => other !== day))}
            />
            <label for={`${id}-${day}`} class="day-name">
              {weekdayName(day, locale())}
            </label>
          </div>
        ))}
      </fieldset>
      <div class="button-row">
        <button type="button" class="button button-primary" disabled={targets.length === 0} onClick={() => onApply(targets)}>
          {availabilityText('copyApply')}
        </button>
        <button type="button" class="button button-secondary" onClick={onClose}>
          {availabilityText('copyCancel')}
        </button>
      </div>
    </Dialog>
  );
}
