/**
 * Every address of the web client and the code that draws it, loaded on first visit
 * (the consultation page never downloads the video client, for instance). French paths:
 * the reference market is France. `client` and `expert` come before the sponsor's slug.
 */
import { legacy } from './legacy-page.tsx';
import type { Route } from './router.ts';

export const ROUTES: readonly Route[] = [
  { pattern: '/', load: () => import('./pages/home.tsx').then((module) => module.default) },
  { pattern: '/connexion', load: () => import('./pages/login.tsx').then((module) => module.default) },
  { pattern: '/inscription', load: () => import('./pages/signup-choice.ts').then((module) => legacy(module.signupChoicePage)) },
  { pattern: '/inscription/client', load: () => import('./pages/signup-client.ts').then((module) => legacy(module.signupClientPage)) },
  { pattern: '/inscription/expert', load: () => import('./pages/signup-expert.ts').then((module) => legacy(module.signupExpertPage)) },
  { pattern: '/inscription/:sponsor', load: () => import('./pages/signup-expert.ts').then((module) => legacy(module.signupExpertPage)) },
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
  // EXP-1, BOOK-1: the expert's public consultation page and the booking form.
  { pattern: '/consultation/:slug', load: () => import('./pages/consultation-page.ts').then((module) => legacy(module.consultationPage)) },
  { pattern: '/portefeuille', load: () => import('./pages/wallet.ts').then((module) => legacy(module.walletPage)) },
  { pattern: '/wallet', load: () => import('./pages/wallet.ts').then((module) => legacy(module.walletPage)) },
  { pattern: '/espace', load: () => import('./pages/workspace.ts').then((module) => legacy(module.workspacePage)) },
  { pattern: '/parrainage', load: () => import('./pages/referrals.ts').then((module) => legacy(module.referralsPage)) },
  // TEL-4, development only: the simulated phones (the page says so when the simulator is off).
  { pattern: '/simulateur-telephone', load: () => import('./pages/phone-simulator.ts').then((module) => legacy(module.phoneSimulatorPage)) },
];

export const loadNotFound = () => import('./pages/not-found.tsx').then((module) => module.default);
