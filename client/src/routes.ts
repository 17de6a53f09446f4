/**
 * Every address of the web client and the code that draws it, loaded on first visit
 * (the consultation page never downloads the video client, for instance). French paths:
 * the reference market is France. `client` and `expert` come before the sponsor's slug.
 */
import type { Page } from './legacy-page.tsx';
import type { PageComponent, Route } from './router.ts';

/**
 * A page not yet ported to components, shown through the DOM-builder adapter. The adapter (and the
 * DOM builder it brings) is fetched with such a page only: the ported ones never download it.
 */
const legacy = (page: Page): Promise<PageComponent> => import('./legacy-page.tsx').then((adapter) => adapter.legacy(page));

export const ROUTES: readonly Route[] = [
  { pattern: '/', load: () => import('./pages/home.tsx').then((module) => module.default) },
  { pattern: '/connexion', load: () => import('./pages/login.tsx').then((module) => module.default) },
  { pattern: '/inscription', load: () => import('./pages/signup/signup-choice.tsx').then((module) => module.default) },
  { pattern: '/inscription/client', load: () => import('./pages/signup/signup-client.tsx').then((module) => module.default) },
  { pattern: '/inscription/expert', load: () => import('./pages/signup/signup-expert.tsx').then((module) => module.default) },
  { pattern: '/inscription/:sponsor', load: () => import('./pages/signup/signup-expert.tsx').then((module) => module.default) },
  // Issue 13: "my account", each section at its own address; a client lands on their consultations.
  { pattern: '/compte', load: () => import('./pages/account/account-home.tsx').then((module) => module.default) },
  { pattern: '/compte/profil', load: () => import('./pages/account/profile-page.tsx').then((module) => module.default) },
  { pattern: '/compte/securite', load: () => import('./pages/account/security-page.tsx').then((module) => module.default) },
  { pattern: '/compte/reclamations', load: () => import('./pages/account/complaints-page.tsx').then((module) => module.default) },
  { pattern: '/compte/donnees', load: () => import('./pages/account/data-page.tsx').then((module) => module.default) },
  // TRUST-4: the admin console, one address per list.
  { pattern: '/admin', load: () => import('./pages/admin/users-page.tsx').then((module) => module.default) },
  { pattern: '/admin/utilisateurs/:id', load: () => import('./pages/admin/user-page.tsx').then((module) => module.default) },
  { pattern: '/admin/reclamations', load: () => import('./pages/admin/complaints-page.tsx').then((module) => module.default) },
  { pattern: '/admin/signalements', load: () => import('./pages/admin/reports-page.tsx').then((module) => module.default) },
  { pattern: '/admin/messages', load: () => import('./pages/admin/notices-page.tsx').then((module) => module.default) },
  { pattern: '/admin/frais', load: () => import('./pages/admin/fees-page.tsx').then((module) => module.default) },
  { pattern: '/admin/journal', load: () => import('./pages/admin/audit-page.tsx').then((module) => module.default) },
  { pattern: '/salle/:id', load: () => import('./pages/consultation-room.ts').then((module) => legacy(module.consultationRoomPage)) },
  // EXP-1, BOOK-1…3: the expert's public consultation page and the booking flow that starts on it.
  { pattern: '/consultation/:slug', load: () => import('./pages/consultation/consultation-page.tsx').then((module) => module.default) },
  // BOOK-4, BOOK-5: where a consultation stands, for both parties (the emails link here).
  { pattern: '/consultations/:id', load: () => import('./pages/consultation-status/consultation-status-page.tsx').then((module) => module.default) },
  // The expert workspace (issue 13): one address per section, each loading only its own code.
  { pattern: '/espace', load: () => import('./pages/expert/dashboard.tsx').then((module) => module.default) },
  { pattern: '/espace/agenda', load: () => import('./pages/expert/agenda.tsx').then((module) => module.default) },
  { pattern: '/espace/disponibilites', load: () => import('./pages/expert/availability.tsx').then((module) => module.default) },
  { pattern: '/espace/tarifs', load: () => import('./pages/expert/pricing.tsx').then((module) => module.default) },
  { pattern: '/espace/profil', load: () => import('./pages/expert/profile.tsx').then((module) => module.default) },
  { pattern: '/espace/partage', load: () => import('./pages/expert/sharing.tsx').then((module) => module.default) },
  { pattern: '/espace/gains', load: () => import('./pages/expert/earnings.tsx').then((module) => module.default) },
  { pattern: '/espace/portefeuille', load: () => import('./pages/expert/wallet.tsx').then((module) => module.default) },
  { pattern: '/espace/codes', load: () => import('./pages/expert/discount-codes.tsx').then((module) => module.default) },
  { pattern: '/parrainage', load: () => import('./pages/expert/referrals.tsx').then((module) => module.default) },
  // Earlier addresses of the wallet, still in emails and bookmarks.
  { pattern: '/portefeuille', load: () => import('./pages/redirect.tsx').then((module) => module.redirectTo('/espace/portefeuille')) },
  { pattern: '/wallet', load: () => import('./pages/redirect.tsx').then((module) => module.redirectTo('/espace/portefeuille')) },
  // TEL-4, development only: the simulated phones (the page says so when the simulator is off).
  { pattern: '/simulateur-telephone', load: () => import('./pages/phone-simulator.ts').then((module) => legacy(module.phoneSimulatorPage)) },
];

export const loadNotFound = () => import('./pages/not-found.tsx').then((module) => module.default);
