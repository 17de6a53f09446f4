import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import { conflict } from '../platform/errors.ts';

const notificationSettings = z.object({ smsOnImmediateRequest: z.boolean() }).strict();

/** BOOK-4: whether an immediate request also texts the expert's mobile (off until the expert opts in). */
export function expertNotificationRoutes(api: Api, deps: { db: Database }): void {
  const { db } = deps;
  const read = async (userId: string) => {
    const [row] = await db.query<{ sms: boolean; phone_mobile: string | null }>(
      'SELECT e.sms_on_immediate_request AS sms, u.phone_mobile FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.user_id = $1',
      [userId],
    );
    return { smsOnImmediateRequest: row?.sms ?? false, mobile: row?.phone_mobile ?? null };
  };

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/notifications',
      summary: 'BOOK-4: my notification settings (an SMS for each immediate request)',
      tag: 'experts',
      access: ['expert'],
    },
    ({ user }) => read(user!.id),
  );

  api.route(
    {
      method: 'put',
      path: '/api/experts/me/notifications',
      summary: 'BOOK-4: opt in or out of an SMS to my mobile for each immediate request',
      tag: 'experts',
      access: ['expert'],
      body: notificationSettings,
    },
    async ({ user, body }) => {
      const current = await read(user!.id);
      if (body.smsOnImmediateRequest && !current.mobile)
        throw conflict('mobile_missing', 'Add a mobile number to your profile first.', 'smsOnImmediateRequest');
      await db.query('UPDATE expert_profiles SET sms_on_immediate_request = $2 WHERE user_id = $1', [user!.id, body.smsOnImmediateRequest]);
      return read(user!.id);
    },
  );
}
