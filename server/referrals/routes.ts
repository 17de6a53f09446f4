import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { readOwnProfile, signupBannerFor } from '../experts/workspace.ts';
import { signupUrlOf } from '../experts/qr.ts';
import { readReferralWorkspace, type ReferralTerms } from './workspace.ts';
import { readSponsor } from './sponsor.ts';

const referralQuery = z.object({ language: z.enum(['fr', 'en']).default('fr') }).strict();

/** REF-1 … REF-4: the referral workspace. Every expert can sponsor (SPEC §1). */
export function referralRoutes(api: Api, deps: { db: Database; clock: Clock; publicUrl: string; referral: ReferralTerms }) {
  const { db, clock, publicUrl, referral } = deps;
  const tag = 'referral workspace';

  api.route(
    {
      method: 'get',
      path: '/api/referrals/me',
      summary: 'My signup URL, QR codes and banner, referred experts and commissions per month (REF-1 … REF-4)',
      tag,
      access: ['expert'],
      query: referralQuery,
    },
    async ({ user, query }) => {
      const profile = await readOwnProfile(db, user!.id, publicUrl);
      const qrBase = `${publicUrl}/api/experts/${profile.slug}`;
      return {
        signupUrl: signupUrlOf(publicUrl, profile.slug),
        signupQrSvgUrl: `${qrBase}/signup-qr.svg`,
        signupQrPngUrl: `${qrBase}/signup-qr.png`,
        banner: signupBannerFor(profile, publicUrl, query.language),
        ...(await readReferralWorkspace(db, user!.id, referral, clock.now())),
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/referrals/sponsors/:slug',
      summary: 'REF-1: the sponsor named by a referral signup URL (`/inscription/<slug>`): display name and photo for the signup page',
      tag,
      access: 'public',
    },
    async ({ req }) => readSponsor(db, String(req.params['slug']), publicUrl),
  );
}
