import { z } from 'zod';
import { assertEmailVerified } from '../accounts/email-verification.ts';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { badRequest, notFound } from '../platform/errors.ts';
import { MAX_PACKAGE_MINUTES } from '../billing/index.ts';
import { addDays, isCalendarDate, localDate } from './time-zone.ts';
import { MAX_EXCEPTIONS, MAX_SLOT_DAYS, MAX_WEEKLY_RANGES, freeSlots, validateAvailability } from './schedule.ts';
import { bookedIntervals, readAvailability, writeAvailability } from './store.ts';

const clockTime = z.string().max(5);
const availabilityBody = z.object({
  timeZone: z.string().min(1).max(64),
  weekly: z.array(z.object({ weekday: z.number().int().min(1).max(7), start: clockTime, end: clockTime }).strict()).max(MAX_WEEKLY_RANGES),
  exceptions: z
    .array(
      z.union([
        z.object({ date: z.string().max(10), closed: z.literal(true) }).strict(),
        z.object({ date: z.string().max(10), start: clockTime, end: clockTime }).strict(),
      ]),
    )
    .max(MAX_EXCEPTIONS),
});

const DEFAULT_SLOT_DAYS = 7;
const DEFAULT_SLOT_MINUTES = 15;
const DAY_MS = 24 * 60 * 60 * 1000;

const slotsQuery = z.object({
  /** First local date, in the expert's time zone; default today there. */
  from: z.string().max(10).optional(),
  days: z.coerce.number().int().min(1).max(MAX_SLOT_DAYS).default(DEFAULT_SLOT_DAYS),
  /** Length of the appointment: the package minutes or the minutes a budget buys. */
  minutes: z.coerce.number().int().min(1).max(MAX_PACKAGE_MINUTES).default(DEFAULT_SLOT_MINUTES),
});

/** EXP-6: opening hours, the "available now" switch, and the free slots shown on the consultation page. */
export function availabilityRoutes(api: Api, deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  const tag = 'availability';

  api.route({ method: 'get', path: '/api/experts/me/availability', summary: 'My opening hours (EXP-6)', tag, access: ['expert'] }, ({ user }) =>
    readAvailability(db, user!.id),
  );

  api.route(
    {
      method: 'put',
      path: '/api/experts/me/availability',
      summary: 'Replace my weekly opening hours and dated exceptions, in my time zone (EXP-6)',
      tag,
      access: ['expert'],
      body: availabilityBody,
    },
    async ({ user, body }) => {
      const availability = body;
      validateAvailability(availability);
      await writeAvailability(db, user!.id, availability, clock.now());
      return availability;
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/experts/me/presence',
      summary: 'The "available now" switch: clients may request an immediate consultation (EXP-6, BOOK-4)',
      tag,
      access: ['expert'],
      body: z.object({ availableNow: z.boolean() }).strict(),
    },
    async ({ user, body }) => {
      // ACC-10: "available now" invites bookings, which a page without a verified email cannot take.
      if (body.availableNow) await assertEmailVerified(db, user!.id);
      await db.query('UPDATE expert_profiles SET available_now = $2 WHERE user_id = $1', [user!.id, body.availableNow]);
      return { availableNow: body.availableNow };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/:slug/slots',
      summary: 'Free appointment start times of an expert (EXP-6, BOOK-1)',
      tag,
      access: 'public',
      query: slotsQuery,
    },
    async ({ req, query }) => {
      const [expert] = await db.query<{ user_id: string }>(
        `SELECT e.user_id FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.slug = $1 AND u.status = 'active'`,
        [req.params['slug']],
      );
      if (!expert) throw notFound('Expert');
      const availability = await readAvailability(db, expert.user_id);
      const now = clock.now();
      const fromDate = query.from ?? localDate(now, availability.timeZone);
      if (!isCalendarDate(fromDate)) throw badRequest('invalid_date', 'from is a calendar date YYYY-MM-DD.', 'from');
      // Booked appointments of the window, with a day of margin for time zones.
      const windowStart = new Date(Date.parse(`${addDays(fromDate, -1)}T00:00:00Z`));
      const windowEnd = new Date(windowStart.getTime() + (query.days + 3) * DAY_MS);
      const booked = await bookedIntervals(db, expert.user_id, windowStart, windowEnd);
      const slots = freeSlots({ availability, fromDate, days: query.days, minutes: query.minutes, notBefore: now, booked });
      return { timeZone: availability.timeZone, minutes: query.minutes, slots: slots.map((slot) => slot.toISOString()) };
    },
  );
}
