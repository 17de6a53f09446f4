import { useEffect, useRef, useState } from 'preact/hooks';
import { locale } from '../../i18n/index.ts';
import { weekdayName } from './availability-messages.ts';
import { DAY_MINUTES, WEEKDAYS, addRange, isOpenAt, removeRange, type Range, type Week, type Weekday } from './availability-model.ts';
import { clockOf } from './expert-time.ts';

/** The grid's cells are half-hours; the day rows below give quarter-hours. */
const CELL_MINUTES = 30;
/** The hour the grid shows at the top when the week has no hours yet. */
const FIRST_HOUR_SHOWN = 7;

interface Drag {
  day: Weekday;
  /** The half-hour where the pointer went down, and where it is now. */
  from: number;
  to: number;
  /** Starting on an open half-hour erases; on a closed one, opens. */
  erase: boolean;
  moved: boolean;
}

const span = (from: number, to: number): Range => ({ start: Math.min(from, to), end: Math.max(from, to) + CELL_MINUTES });

/**
 * The week as a grid to paint with a pointer (Calendly / Cal.com style): drag down a day to
 * open hours, or from an open hour to close them; a tap marks a start, a second tap in the
 * same day the end. It is a shortcut for pointing devices: hidden from assistive technology,
 * whose way to the same state is the list of days (`DayHours`).
 */
export function WeekGrid({ week, onChange }: { week: Week; onChange: (week: Week) => void }) {
  const [drag, setDrag] = useState<Drag | undefined>(undefined);
  const [anchor, setAnchor] = useState<{ day: Weekday; minute: number } | undefined>(undefined);
  const scroller = useRef<HTMLDivElement>(null);

  // Scrolled at first to the earliest open hour (or the morning): 24 hours do not fit on a screen.
  useEffect(() => {
    const box = scroller.current;
    const row = box?.querySelector<HTMLElement>('.wg-cell');
    if (!box || !row) return;
    const earliest = Math.min(...WEEKDAYS.flatMap((day) => week[day].map((range) => range.start)), FIRST_HOUR_SHOWN * 60);
    box.scrollTop = (Math.max(0, earliest - 60) / CELL_MINUTES) * row.offsetHeight;
  }, []);

  const minuteAt = (column: HTMLElement, clientY: number) => {
    const box = column.getBoundingClientRect();
    const cells = DAY_MINUTES / CELL_MINUTES;
    const index = Math.min(cells - 1, Math.max(0, Math.floor(((clientY - box.top) / box.height) * cells)));
    return index * CELL_MINUTES;
  };

  const onPointerDown = (day: Weekday, event: PointerEvent) => {
    if (event.button !== 0) return;
    const column = event.currentTarget as HTMLElement;
    const minute = minuteAt(column, event.clientY);
    // A mouse or pen paints by dragging; a finger scrolls the page, so it paints by taps.
    if (event.pointerType !== 'touch') column.setPointerCapture(event.pointerId);
    setDrag({ day, from: minute, to: minute, erase: isOpenAt(week[day], minute + CELL_MINUTES / 2), moved: false });
  };
  const onPointerMove = (day: Weekday, event: PointerEvent) => {
    if (!drag || drag.day !== day) return;
    const minute = minuteAt(event.currentTarget as HTMLElement, event.clientY);
    if (minute !== drag.to) setDrag({ ...drag, to: minute, moved: true });
  };
  const onPointerUp = (day: Weekday) => {
    if (!drag || drag.day !== day) return;
    const current = drag;
    setDrag(undefined);
    if (current.moved) {
      setAnchor(undefined);
      const range = span(current.from, current.to);
      onChange({ ...week, [day]: current.erase ? removeRange(week[day], range) : addRange(week[day], range) });
      return;
    }
    // A tap: on an open half-hour it closes it; otherwise it marks a start, and a second tap the end.
    if (current.erase && !anchor) {
      onChange({ ...week, [day]: removeRange(week[day], span(current.from, current.from)) });
    } else if (anchor && anchor.day === day) {
      setAnchor(undefined);
      onChange({ ...week, [day]: addRange(week[day], span(anchor.minute, current.from)) });
    } else {
      setAnchor({ day, minute: current.from });
    }
  };

  const hours = Array.from({ length: 24 }, (_, hour) => hour);
  return (
    <div class="week-grid" aria-hidden="true" data-testid="week-grid">
      <div class="wg-head">
        <span />
        {WEEKDAYS.map((day) => (
          <span key={day} class="wg-day-name">
            {weekdayName(day, locale(), 'short')}
          </span>
        ))}
      </div>
      <div class="wg-scroll" ref={scroller}>
        <div class="wg-body">
          <div class="wg-hours">
            {hours.map((hour) => (
              <span key={hour} class="wg-hour">
                {clockOf(hour * 60)}
              </span>
            ))}
          </div>
          {WEEKDAYS.map((day) => {
            const preview = drag && drag.day === day && drag.moved ? span(drag.from, drag.to) : undefined;
            return (
              <div
                key={day}
                class="wg-day"
                data-weekday={day}
                onPointerDown={(event) => onPointerDown(day, event)}
                onPointerMove={(event) => onPointerMove(day, event)}
                onPointerUp={() => onPointerUp(day)}
                onPointerCancel={() => setDrag(undefined)}
              >
                {Array.from({ length: DAY_MINUTES / CELL_MINUTES }, (_, index) => (
                  <span key={index} class={index % 2 === 0 ? 'wg-cell wg-cell-hour' : 'wg-cell'} data-minute={index * CELL_MINUTES} />
                ))}
                {week[day].map((range) => (
                  <span
                    key={`${range.start}-${range.end}`}
                    class="wg-range"
                    style={{ top: `${(range.start / DAY_MINUTES) * 100}%`, height: `${((range.end - range.start) / DAY_MINUTES) * 100}%` }}
                  >
                    {clockOf(range.start)}
                    <br />
                    {clockOf(range.end)}
                  </span>
                ))}
                {preview ? (
                  <span
                    class={drag?.erase ? 'wg-preview wg-preview-erase' : 'wg-preview'}
                    style={{ top: `${(preview.start / DAY_MINUTES) * 100}%`, height: `${((preview.end - preview.start) / DAY_MINUTES) * 100}%` }}
                  />
                ) : null}
                {anchor && anchor.day === day ? <span class="wg-anchor" style={{ top: `${(anchor.minute / DAY_MINUTES) * 100}%` }} /> : null}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
