import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { NEXT_APPOINTMENTS_DEFAULT, NEXT_APPOINTMENTS_MAX, SHARING_CHANNELS, readExpertDashboard, recordSharing } from './dashboard.ts';
import { AGENDA_DAYS_DEFAULT, AGENDA_DAYS_MAX, readAgenda } from './agenda.ts';

/** The expert's dashboard and agenda (issue 13). */
export function dashboardRoutes(api: Api, deps: { db: Database; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;
  const tag = 'expert workspace';

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/dashboard',
      summary:
        "What now: live requests, the consultation in progress, the next appointments with their way in, this month's earnings, the wallet, the setup checklist and whether the page is published",
      tag,
      access: ['expert'],
      query: z.object({ next: z.coerce.number().int().min(1).max(NEXT_APPOINTMENTS_MAX).default(NEXT_APPOINTMENTS_DEFAULT) }).strict(),
    },
    ({ user, query }) => readExpertDashboard(db, { expertId: user!.id, now: clock.now(), next: query.next, publicUrl }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/agenda',
      summary: 'My appointments over `days` local dates from `from` (default today), with the opening hours of each date, in my time zone (EXP-6)',
      tag,
      access: ['expert'],
      query: z
        .object({
          from: z.string().max(10).optional(),
          days: z.coerce.number().int().min(1).max(AGENDA_DAYS_MAX).default(AGENDA_DAYS_DEFAULT),
        })
        .strict(),
    },
    ({ user, query }) => readAgenda(db, { expertId: user!.id, from: query.from, days: query.days, now: clock.now(), publicUrl }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/experts/me/sharing',
      summary: 'Record that I shared my page (URL copied, QR code downloaded, banner copied): the last step of the setup checklist',
      tag,
      access: ['expert'],
      body: z.object({ channel: z.enum(SHARING_CHANNELS) }).strict(),
    },
    async ({ user, body }) => {
      await recordSharing(db, user!.id, body.channel, clock.now());
    },
  );
}
