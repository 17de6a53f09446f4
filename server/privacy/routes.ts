import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { exportPersonalData } from './export.ts';
import type { Deregistration } from './deregistration.ts';

/** ACC-8 and ACC-9 (correction is `PATCH /api/me`, in accounts). */
export function privacyRoutes(api: Api, deps: { db: Database; clock: Clock; deregistration: Deregistration }) {
  const { db, clock, deregistration } = deps;
  const tag = 'privacy';

  api.route({ method: 'get', path: '/api/me/export', summary: 'Download all my personal data as JSON (ACC-9)', tag, access: 'user' }, async ({ user, res }) => {
    const now = clock.now();
    res.set('Content-Disposition', `attachment; filename="consulto-data-${now.toISOString().slice(0, 10)}.json"`);
    res.set('Cache-Control', 'no-store');
    return exportPersonalData(db, user!.id, now);
  });

  api.route(
    {
      method: 'post',
      path: '/api/me/deregistration',
      summary: 'Close my account and erase my personal data (ACC-8): 202, or 409 with the reason while money or a complaint is open',
      tag,
      access: ['client', 'expert'],
      successStatus: 202,
    },
    ({ user }) => deregistration.request(user!),
  );
}
