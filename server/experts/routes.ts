import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { sendJsonBody } from '../platform/json-body.ts';
import { PHOTO_CONTENT_TYPES, PHOTO_MAX_BYTES, assertPhoto } from './photo.ts';
import type { ConsultationPages } from './consultation-page.ts';
import { workspaceRoutes } from './workspace.ts';
import { earningsRoutes } from './workspace-earnings.ts';
import { discountCodeRoutes } from './discount-codes.ts';
import { qrRoutes } from './qr.ts';
import { dashboardRoutes } from './dashboard-routes.ts';

export function expertRoutes(api: Api, deps: { db: Database; clock: Clock; publicUrl: string; pages: ConsultationPages }) {
  const { db, clock, publicUrl, pages } = deps;
  const tag = 'experts';

  // The expert workspace (`/api/experts/me/…`) is declared before the public `/:slug` routes.
  workspaceRoutes(api, { db, clock, publicUrl });
  earningsRoutes(api, { db, clock });
  discountCodeRoutes(api, { db, clock });
  qrRoutes(api, { db, publicUrl });
  dashboardRoutes(api, { db, clock, publicUrl });

  api.route(
    {
      method: 'put',
      path: '/api/experts/me/photo',
      summary: 'Upload my photo (ACC-3), PNG or JPEG, at most 5 MB',
      tag,
      access: ['expert'],
      rawBody: { contentTypes: PHOTO_CONTENT_TYPES, maxBytes: PHOTO_MAX_BYTES },
    },
    async ({ req, user }) => {
      const photo = assertPhoto(req.body, req.headers['content-type']);
      await db.query('UPDATE expert_profiles SET photo = $2, photo_content_type = $3, photo_updated_at = $4 WHERE user_id = $1', [
        user!.id,
        photo.bytes,
        photo.contentType,
        clock.now(),
      ]);
    },
  );

  api.route({ method: 'get', path: '/api/experts/:slug/photo', summary: "An expert's photo", tag, access: 'public' }, async ({ req, res }) => {
    const [row] = await db.query<{ photo: Uint8Array | null; photo_content_type: string | null; photo_updated_at: Date | null }>(
      `SELECT e.photo, e.photo_content_type, e.photo_updated_at FROM expert_profiles e JOIN users u ON u.id = e.user_id
          WHERE e.slug = $1 AND u.status = 'active'`,
      [req.params['slug']],
    );
    if (!row?.photo) throw notFound('Photo');
    res
      .type(row.photo_content_type!)
      .set('Cache-Control', 'public, max-age=300')
      .set('Cross-Origin-Resource-Policy', 'cross-origin')
      .set('Last-Modified', row.photo_updated_at!.toUTCString())
      .send(Buffer.from(row.photo));
  });

  api.route(
    { method: 'get', path: '/api/experts/:slug', summary: 'Public profile of a consultation page: pricing, availability', tag, access: 'public' },
    async ({ req, res }) => {
      const slug = String(req.params['slug']);
      const page = await pages.get(slug);
      if (!page) {
        // TRUST-4: a suspended or closed expert's page says "unavailable" rather than "no such page".
        const [known] = await db.query('SELECT 1 FROM expert_profiles WHERE slug = $1', [slug]);
        if (known) throw new AppError(404, 'expert_unavailable', 'This expert is unavailable.');
        throw notFound('Expert');
      }
      sendJsonBody(res, page.profileJson);
    },
  );
}
