/**
 * BOOK-7 for the client, more than 48 h before the start: pick a free slot of the expert (the
 * consultation page's own slot source), shown in the client's zone and grouped by their days.
 * The length, the price and the hold do not change, so the dialog says so and asks nothing else.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { calendarDateIn, formatAppointment, formatDayHeading } from '../../i18n/time-zone.ts';
import { formatTime } from '../../i18n/index.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { Form, RadioGroup, SelectField, useForm } from '../../ui/form.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { SLOT_WINDOW_DAYS, fetchSlots, reschedule, type UpcomingConsultation } from './client-area-api.ts';
import { clientAreaErrorWords, ct } from './client-area-messages.ts';
import { expertName } from './expert-avatar.tsx';

/** A calendar date moved by whole days (YYYY-MM-DD, no time zone involved). */
function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + days)).toISOString().slice(0, 10);
}

interface RescheduleFormProps {
  consultation: UpcomingConsultation;
  timeZone: string;
  onMoved: (message: string) => void;
}

export function RescheduleForm({ consultation, timeZone, onMoved }: RescheduleFormProps) {
  const form = useForm({ day: '', startAt: '' });
  /** The first day of the window, in the expert's zone; undefined is today there. */
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const slots = useResource(() => fetchSlots(consultation.expert.slug, consultation.reservedMinutes, from), [from, generation]);
  const days = useMemo(() => {
    const byDay = new Map<string, string[]>();
    for (const slot of slots.data?.slots ?? []) {
      const day = calendarDateIn(slot, timeZone);
      byDay.set(day, [...(byDay.get(day) ?? []), slot]);
    }
    return byDay;
  }, [slots.data, timeZone]);
  const { day, startAt } = form.values.value;
  // A new window of days: start on its first day with a free slot.
  useEffect(() => {
    if (slots.state !== 'ready') return;
    if (!days.has(day)) form.values.value = { day: days.keys().next().value ?? '', startAt: '' };
  }, [days]);
  // A time belongs to its day: choosing another day clears a time chosen on the previous one.
  useEffect(() => {
    if (startAt && !(days.get(day) ?? []).includes(startAt)) form.set('startAt', '');
  }, [day]);
  const windowStart = from ?? (slots.data ? calendarDateIn(new Date().toISOString(), slots.data.timeZone) : undefined);
  const times = days.get(day) ?? [];
  return (
    <>
      <p>{ct('rescheduleDialog.current', { date: consultation.startAt ? formatAppointment(consultation.startAt, timeZone) : '' })}</p>
      <p class="hint">{ct('rescheduleDialog.rule', { expert: expertName(consultation.expert) })}</p>
      <div class="slot-window">
        <button
          type="button"
          class="button button-secondary button-small"
          disabled={from === undefined || slots.state === 'loading'}
          onClick={() => setFrom(from && windowStart ? addDays(windowStart, -SLOT_WINDOW_DAYS) : undefined)}
        >
          <span aria-hidden="true">← </span>
          {ct('rescheduleDialog.previous')}
        </button>
        <button
          type="button"
          class="button button-secondary button-small"
          disabled={!windowStart || slots.state === 'loading'}
          onClick={() => windowStart && setFrom(addDays(windowStart, SLOT_WINDOW_DAYS))}
        >
          {ct('rescheduleDialog.next')}
          <span aria-hidden="true"> →</span>
        </button>
      </div>
      {slots.state === 'failed' ? (
        <p class="error-text" role="alert">
          {ct('rescheduleDialog.loadFailed')} {errorInWords(slots.error, clientAreaErrorWords)}
        </p>
      ) : null}
      <Form
        form={form}
        label={ct('rescheduleDialog.title')}
        submitLabel={ct('rescheduleDialog.submit')}
        onSubmit={async (values) => {
          try {
            const moved = await reschedule(consultation.id, values.startAt);
            onMoved(ct('moved', { date: formatAppointment(moved.startAt, timeZone) }));
          } catch (error) {
            form.status.value = { kind: 'error', message: errorInWords(error, clientAreaErrorWords) };
            // The slot may have gone: show the free ones as they are now.
            setGeneration(generation + 1);
          }
        }}
      >
        <div aria-busy={slots.state === 'loading' ? 'true' : undefined}>
          {slots.state === 'ready' && days.size === 0 ? <p class="hint">{ct('rescheduleDialog.noSlots')}</p> : null}
          {days.size > 0 ? (
            <>
              <SelectField
                form={form}
                name="day"
                label={ct('rescheduleDialog.day')}
                required
                options={[...days].map(([date, list]) => ({
                  value: date,
                  label: ct('rescheduleDialog.daySlots', { day: formatDayHeading(list[0]!, timeZone), count: list.length }),
                }))}
              />
              {times.length > 0 ? (
                <RadioGroup
                  form={form}
                  name="startAt"
                  label={ct('rescheduleDialog.time')}
                  required
                  class="slot-times"
                  choices={times.map((slot) => ({ value: slot, label: formatTime(slot, timeZone) }))}
                />
              ) : null}
            </>
          ) : null}
        </div>
      </Form>
    </>
  );
}
