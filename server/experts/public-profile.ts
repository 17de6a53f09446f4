import type { Queryable } from '../platform/database.ts';
import { ratingFromSummary } from '../trust/reviews.ts';

export interface PublicExpertProfile {
  slug: string;
  firstName: string;
  lastName: string;
  category: string;
  headline: string;
  description: string;
  photoUrl: string | null;
  consultationUrl: string;
  availableNow: boolean;
  /** The page is published once the photo and at least one rate or package are set, and the expert's email is verified (ACC-10). */
  published: boolean;
  /** TRUST-1: published reviews only; `averageStars` has one decimal and is null without reviews. */
  rating: { averageStars: number | null; count: number };
  pricing: {
    videoRatePerMinuteCents: number | null;
    phoneRatePerMinuteCents: number | null;
    packages: { id: string; mode: 'video' | 'phone'; minutes: number; priceCents: number }[];
  };
}

/** An expert's photo; the version (photo time) in the address makes a new photo bypass caches. */
export function photoUrlOf(publicUrl: string, slug: string, photoVersion: number | null): string {
  return `${publicUrl}/api/experts/${slug}/photo?v=${photoVersion}`;
}

/** The columns of a public profile (`PROFILE_FROM` names the tables), shared by the page and the workspace. */
export const PROFILE_COLUMNS = `e.slug, u.first_name, u.last_name, e.category, e.headline, e.description,
  e.photo IS NOT NULL AS has_photo, u.email_verified_at IS NOT NULL AS email_verified, extract(epoch FROM e.photo_updated_at)::bigint AS photo_version, e.available_now,
  r.video_rate_per_minute_cents, r.phone_rate_per_minute_cents, rs.review_count, rs.stars_total,
  COALESCE((SELECT json_agg(json_build_object('id', p.id, 'mode', p.mode, 'minutes', p.minutes, 'priceCents', p.price_cents) ORDER BY p.position)
              FROM packages p WHERE p.expert_id = e.user_id AND p.retired_at IS NULL), '[]'::json) AS packages`;

export const PROFILE_FROM = `expert_profiles e JOIN users u ON u.id = e.user_id LEFT JOIN expert_rates r ON r.expert_id = e.user_id
  LEFT JOIN expert_rating_summaries rs ON rs.expert_id = e.user_id`;

export interface ProfileRow {
  slug: string;
  first_name: string;
  last_name: string;
  category: string;
  headline: string;
  description: string;
  has_photo: boolean;
  email_verified: boolean;
  photo_version: number | null;
  available_now: boolean;
  video_rate_per_minute_cents: number | null;
  phone_rate_per_minute_cents: number | null;
  packages: { id: string; mode: 'video' | 'phone'; minutes: number; priceCents: number }[];
  review_count: number | null;
  stars_total: number | null;
}

/** An expert's public profile by slug, whatever its publication state (the workspace shows it before publication). */
export async function readPublicProfile(db: Queryable, slug: string, publicUrl: string): Promise<PublicExpertProfile | undefined> {
  const [row] = await db.query<ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM ${PROFILE_FROM} WHERE e.slug = $1 AND u.status = 'active'`, [slug]);
  return row ? profileFromRow(row, publicUrl) : undefined;
}

export function profileFromRow(row: ProfileRow, publicUrl: string): PublicExpertProfile {
  const hasPricing = row.video_rate_per_minute_cents !== null || row.phone_rate_per_minute_cents !== null || row.packages.length > 0;
  return {
    slug: row.slug,
    firstName: row.first_name,
    lastName: row.last_name,
    category: row.category,
    headline: row.headline,
    description: row.description,
    photoUrl: row.has_photo ? photoUrlOf(publicUrl, row.slug, row.photo_version) : null,
    consultationUrl: `${publicUrl}/consultation/${row.slug}`,
    availableNow: row.available_now,
    published: row.has_photo && hasPricing && row.email_verified,
    rating: ratingFromSummary(row.review_count ?? 0, row.stars_total ?? 0),
    pricing: {
      videoRatePerMinuteCents: row.video_rate_per_minute_cents,
      phoneRatePerMinuteCents: row.phone_rate_per_minute_cents,
      packages: row.packages,
    },
  };
}
