import type { Database } from './platform/database.ts';
import type { Clock } from './platform/clock.ts';
import type { Services } from './app.ts';
import { hashPassword } from './accounts/passwords.ts';
import { TERMS_VERSION } from './accounts/terms.ts';
import { replaceExpertPricing } from './pricing/expert-pricing.ts';
import { writeAvailability } from './availability/store.ts';
import { solidColourPng } from './demo-photo.ts';

const DEMO_PHOTO_PIXELS = 96;
/** Monday to Friday 08:00–20:00, Saturday morning, Paris time. */
const DEMO_HOURS = {
  timeZone: 'Europe/Paris',
  weekly: [...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '20:00' })), { weekday: 6, start: '09:00', end: '12:00' }],
  exceptions: [],
};

/** Printed at start so a newcomer can sign in at once; only ever created in an empty database. */
export const DEMO_PASSWORD = 'consulto-demo-2026';

export interface DemoAccount {
  role: string;
  email: string;
  password: string;
  url?: string;
}

export async function seedDemoAccounts(db: Database, clock: Clock, services: Services, publicUrl: string): Promise<DemoAccount[] | undefined> {
  const [{ users } = { users: 0 }] = await db.query<{ users: number }>('SELECT count(*)::int AS users FROM users');
  if (users > 0) return undefined;
  const seedSource = { address: 'seed', deviceToken: undefined };
  // ACC-10: demo accounts are verified from the start.
  await db.query(
    `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at, email_verified_at)
     VALUES ('admin', 'admin@consulto.test', $1, 'Admin', 'Consulto', $2, $3, $3)`,
    [await hashPassword(DEMO_PASSWORD), TERMS_VERSION, clock.now()],
  );
  const expert = async (email: string, firstName: string, lastName: string, category: 'therapy' | 'it', sponsorSlug?: string) => {
    const registered = await services.accounts.registerExpert(
      {
        email,
        password: DEMO_PASSWORD,
        firstName,
        lastName,
        birthDate: '1985-04-12',
        civility: 'ms',
        status: 'sole_trader',
        address: { line1: '12 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
        phoneLandline: '+33140000000',
        phoneMobile: '+33612345678',
        category,
        certifyAdult: true,
        certifyLiabilityInsurance: true,
        acceptTerms: true,
        siret: '73282932000074',
        vatNumber: 'FR44732829320',
        sponsorSlug,
        language: 'fr',
      },
      seedSource,
    );
    await services.emailVerification.markVerified(registered.user.id);
    return registered;
  };
  const camille = await expert('camille.dubois@consulto.test', 'Camille', 'Dubois', 'therapy');
  const leo = await expert('leo.moreau@consulto.test', 'Léo', 'Moreau', 'it', camille.user.slug!);
  await publishDemoPage(db, clock, camille.user.id, [46, 125, 110], {
    videoRatePerMinuteCents: 180,
    phoneRatePerMinuteCents: 150,
    packages: [
      { mode: 'video', minutes: 15, priceCents: 2500 },
      { mode: 'video', minutes: 45, priceCents: 6500 },
    ],
  });
  await publishDemoPage(db, clock, leo.user.id, [52, 84, 150], {
    videoRatePerMinuteCents: 120,
    phoneRatePerMinuteCents: null,
    packages: [{ mode: 'video', minutes: 30, priceCents: 3000 }],
  });
  await db.query('UPDATE expert_profiles SET available_now = true WHERE user_id = $1', [camille.user.id]);
  const alice = await services.accounts.registerClient(
    { email: 'alice.bernard@consulto.test', password: DEMO_PASSWORD, firstName: 'Alice', lastName: 'Bernard', acceptTerms: true, language: 'fr' },
    seedSource,
  );
  await services.emailVerification.markVerified(alice.user.id);
  return [
    { role: 'admin', email: 'admin@consulto.test', password: DEMO_PASSWORD },
    { role: 'expert', email: 'camille.dubois@consulto.test', password: DEMO_PASSWORD, url: `${publicUrl}/consultation/${camille.user.slug}` },
    { role: 'expert', email: 'leo.moreau@consulto.test', password: DEMO_PASSWORD, url: `${publicUrl}/consultation/${leo.user.slug}` },
    { role: 'client', email: 'alice.bernard@consulto.test', password: DEMO_PASSWORD },
  ];
}

/** A demo expert's page is published at once: photo, headline, pricing and opening hours. */
async function publishDemoPage(
  db: Database,
  clock: Clock,
  expertId: string,
  colour: readonly [number, number, number],
  pricing: Parameters<typeof replaceExpertPricing>[2],
): Promise<void> {
  const now = clock.now();
  await db.query(
    `UPDATE expert_profiles SET photo = $2, photo_content_type = 'image/png', photo_updated_at = $3,
       headline = 'Compte de démonstration', description = 'Ce profil sert à essayer Consulto : réservez une consultation avec une carte de test.'
     WHERE user_id = $1`,
    [expertId, solidColourPng(DEMO_PHOTO_PIXELS, colour), now],
  );
  await db.transaction((tx) => replaceExpertPricing(tx, expertId, pricing, now));
  await writeAvailability(db, expertId, DEMO_HOURS, now);
}
