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
  { pattern: '/compte', load: () => import('./pages/account.ts').then((module) => legacy(module.accountPage)) },
  { pattern: '/admin', load: () => import('./pages/admin.ts').then((module) => legacy(module.adminPage)) },
  { pattern: '/salle/:id', load: () => import('./pages/consultation-room.ts').then((module) => legacy(module.consultationRoomPage)) },
  // EXP-1, BOOK-1…3: the expert's public consultation page and the booking flow that starts on it.
  { pattern: '/consultation/:slug', load: () => import('./pages/consultation/consultation-page.tsx').then((module) => module.default) },
  // BOOK-4, BOOK-5: where a consultation stands, for both parties (the emails link here).
  { pattern: '/consultations/:id', load: () => import('./pages/consultation-status/consultation-status-page.tsx').then((module) => module.default) },
  { pattern: '/portefeuille', load: () => import('./pages/wallet.ts').then((module) => legacy(module.walletPage)) },
  { pattern: '/wallet', load: () => import('./pages/wallet.ts').then((module) => legacy(module.walletPage)) },
  { pattern: '/espace', load: () => import('./pages/workspace.ts').then((module) => legacy(module.workspacePage)) },
  { pattern: '/parrainage', load: () => import('./pages/referrals.ts').then((module) => legacy(module.referralsPage)) },
  // TEL-4, development only: the simulated phones (the page says so when the simulator is off).
  { pattern: '/simulateur-telephone', load: () => import('./pages/phone-simulator.ts').then((module) => legacy(module.phoneSimulatorPage)) },
];

export const loadNotFound = () => import('./pages/not-found.tsx').then((module) => module.default);
