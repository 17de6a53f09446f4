import type { ChecklistKey } from './workspace-api.ts';

/** The sections of the expert workspace, each at its own address (issue 13). */
export const SECTIONS = ['dashboard', 'agenda', 'availability', 'pricing', 'profile', 'sharing', 'earnings', 'wallet', 'discounts', 'referrals'] as const;
export type SectionKey = (typeof SECTIONS)[number];

export const SECTION_PATHS: Record<SectionKey, string> = {
  dashboard: '/espace',
  agenda: '/espace/agenda',
  availability: '/espace/disponibilites',
  pricing: '/espace/tarifs',
  profile: '/espace/profil',
  sharing: '/espace/partage',
  earnings: '/espace/gains',
  wallet: '/espace/portefeuille',
  discounts: '/espace/codes',
  referrals: '/parrainage',
};

/** Where each step of the setup checklist is done. */
export const CHECKLIST_PATHS: Record<ChecklistKey, string> = {
  photo: SECTION_PATHS.profile,
  pricing: SECTION_PATHS.pricing,
  opening_hours: SECTION_PATHS.availability,
  identity_check: `${SECTION_PATHS.wallet}#identite`,
  shared: SECTION_PATHS.sharing,
};

/** The two steps that publish the consultation page (SPEC §11: a photo and a rate or package). */
export const PUBLICATION_STEPS: readonly ChecklistKey[] = ['photo', 'pricing'];
