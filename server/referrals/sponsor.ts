import type { Queryable } from '../platform/database.ts';
import { AppError } from '../platform/errors.ts';
import { photoUrlOf } from '../experts/public-profile.ts';

export interface SponsorView {
  slug: string;
  firstName: string;
  lastName: string;
  displayName: string;
  headline: string;
  photoUrl: string | null;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * REF-1: who invites the person opening `/inscription/<slug>`. Only an active expert can sponsor
 * (REF-2), so any other slug answers 404 `unknown_sponsor`, the code signup gives the same slug.
 */
export async function readSponsor(db: Queryable, slug: string, publicUrl: string): Promise<SponsorView> {
  const [row] = SLUG.test(slug)
    ? await db.query<{ slug: string; first_name: string; last_name: string; headline: string; has_photo: boolean; photo_version: number | null }>(
        `SELECT e.slug, u.first_name, u.last_name, e.headline, e.photo IS NOT NULL AS has_photo, extract(epoch FROM e.photo_updated_at)::bigint AS photo_version
           FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.slug = $1 AND u.status = 'active' AND u.role = 'expert'`,
        [slug],
      )
    : [];
  if (!row) throw new AppError(404, 'unknown_sponsor', 'No expert invites you with this address.');
  return {
    slug: row.slug,
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: `${row.first_name} ${row.last_name}`,
    headline: row.headline,
    photoUrl: row.has_photo ? photoUrlOf(publicUrl, row.slug, row.photo_version) : null,
  };
}
