import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { PAST_LIMIT_MAX, UPCOMING_LIMIT_MAX, pastConsultations, upcomingConsultations } from './client-area.ts';

const DEFAULT_UPCOMING = 50;
const DEFAULT_PAST = 20;
const CURSOR_MAX_LENGTH = 200;

/** The client area (issue 13): upcoming and past consultations with what the page needs to show and offer. */
export function clientAreaRoutes(api: Api, deps: { db: Database; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;
  const tag = 'client area';

  api.route(
    {
      method: 'get',
      path: '/api/client-area/upcoming',
      summary:
        'My upcoming consultations, soonest first: time, expert, mode, amount held, way in from 10 minutes before, cancellation price now, rescheduling (BOOK-7)',
      tag,
      access: ['client'],
      query: z.object({ limit: z.coerce.number().int().min(1).max(UPCOMING_LIMIT_MAX).default(DEFAULT_UPCOMING) }).strict(),
    },
    async ({ user, query }) => ({ consultations: await upcomingConsultations(db, { clientId: user!.id, now: clock.now(), limit: query.limit, publicUrl }) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/client-area/past',
      summary:
        'My past consultations, newest first: date, connected time, amount, status, receipt, and whether rating, complaint and report are still possible; page with `before`',
      tag,
      access: ['client'],
      query: z
        .object({
          limit: z.coerce.number().int().min(1).max(PAST_LIMIT_MAX).default(DEFAULT_PAST),
          before: z.string().min(1).max(CURSOR_MAX_LENGTH).optional(),
        })
        .strict(),
    },
    ({ user, query }) => pastConsultations(db, { clientId: user!.id, now: clock.now(), limit: query.limit, before: query.before, publicUrl }),
  );
}
