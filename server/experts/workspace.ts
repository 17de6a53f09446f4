import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { notFound } from '../platform/errors.ts';
import { EXPERT_CATEGORIES } from './categories.ts';
import { readPublicProfile, type PublicExpertProfile } from './public-profile.ts';
import { consultationBanner, signupBanner, type BannerLanguage } from './banner.ts';
import { consultationUrlOf, signupUrlOf } from './qr.ts';

/** What a consultation page shows above the fold; long enough for a title and a speciality. */
export const HEADLINE_MAX_CHARS = 120;
/** A presentation of a few paragraphs; the page is not a CV. */
export const DESCRIPTION_MAX_CHARS = 4000;

// Control characters would break the banner and the emails; a description may keep its line breaks.
// eslint-disable-next-line no-control-regex -- control characters are what these patterns refuse
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
// eslint-disable-next-line no-control-regex -- idem, line breaks excepted
const NO_CONTROL_EXCEPT_LINE_BREAKS = /^[^\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]*$/;

const profileBody = z
  .object({
    headline: z.string().trim().max(HEADLINE_MAX_CHARS).regex(NO_CONTROL, 'must be a single line').optional(),
    description: z
      .string()
      .trim()
      .max(DESCRIPTION_MAX_CHARS)
      .regex(NO_CONTROL_EXCEPT_LINE_BREAKS, 'must not contain control characters')
      .transform((value) => value.replace(/\r\n?/g, '\n'))
      .optional(),
    category: z.enum(EXPERT_CATEGORIES).optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one of headline, description, category' });

const bannerQuery = z.object({ language: z.enum(['fr', 'en']).default('fr') }).strict();

/** The expert's own profile, whatever its publication state (the workspace shows it before publication). */
export async function readOwnProfile(db: Queryable, userId: string, publicUrl: string): Promise<PublicExpertProfile> {
  const [row] = await db.query<{ slug: string }>('SELECT slug FROM expert_profiles WHERE user_id = $1', [userId]);
  const profile = row ? await readPublicProfile(db, row.slug, publicUrl) : undefined;
  if (!profile) throw notFound('Expert profile');
  return profile;
}

export function bannerFor(profile: PublicExpertProfile, publicUrl: string, language: BannerLanguage = 'fr') {
  return {
    html: consultationBanner(profile, consultationUrlOf(publicUrl, profile.slug), language),
    consultationUrl: consultationUrlOf(publicUrl, profile.slug),
  };
}

export function signupBannerFor(profile: PublicExpertProfile, publicUrl: string, language: BannerLanguage = 'fr') {
  return { html: signupBanner(profile, signupUrlOf(publicUrl, profile.slug), language), signupUrl: signupUrlOf(publicUrl, profile.slug) };
}

/** EXP-1 … EXP-3 and the profile (issue 4 §1): what the expert workspace shows and edits. */
export function workspaceRoutes(api: Api, deps: { db: Database; clock: Clock; publicUrl: string }) {
  const { db, publicUrl } = deps;
  const tag = 'expert workspace';

  api.route(
    { method: 'get', path: '/api/experts/me/workspace', summary: 'My consultation URL, QR codes and banner (EXP-1, EXP-2, EXP-3)', tag, access: ['expert'] },
    async ({ user }) => {
      const profile = await readOwnProfile(db, user!.id, publicUrl);
      const api = `${publicUrl}/api/experts/${profile.slug}`;
      return {
        slug: profile.slug,
        published: profile.published,
        consultationUrl: consultationUrlOf(publicUrl, profile.slug),
        qrSvgUrl: `${api}/qr.svg`,
        qrPngUrl: `${api}/qr.png`,
        banner: bannerFor(profile, publicUrl),
        profile,
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/banner',
      summary: 'My banner: a copy-paste HTML snippet with no script (EXP-3)',
      tag,
      access: ['expert'],
      query: bannerQuery,
    },
    async ({ user, query }) => bannerFor(await readOwnProfile(db, user!.id, publicUrl), publicUrl, query.language),
  );

  api.route(
    { method: 'patch', path: '/api/experts/me/profile', summary: 'Edit my headline, description and category', tag, access: ['expert'], body: profileBody },
    async ({ user, body }) => {
      const columns = Object.entries({ headline: body.headline, description: body.description, category: body.category }).filter(
        ([, value]) => value !== undefined,
      );
      await db.query(`UPDATE expert_profiles SET ${columns.map(([column], index) => `${column} = $${index + 2}`).join(', ')} WHERE user_id = $1`, [
        user!.id,
        ...columns.map(([, value]) => value),
      ]);
      return readOwnProfile(db, user!.id, publicUrl);
    },
  );
}
