/**
 * The accounts journey in real Chromium against a real server and database:
 * expert and client sign-up, sign-out and sign-in, field errors, the English switch.
 * Needs the built client: `npm run build:client && npx mocha test/e2e/accounts-journey.test.ts`.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectFocusOnHeading, launchBrowser, recordPageProblems, waitForAppReady } from '../support/browser.ts';
import { TEST_PASSWORD, TINY_PNG, emailedCode, signUpExpert } from '../support/fixtures.ts';
import { typeEmailedCode } from '../support/email-code.ts';
import type { ManualClock } from '../../server/platform/clock.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const REFRESH_TOKEN_KEY = 'consulto.refreshToken';
/** The API's access tokens live 15 minutes (ACC-5). */
const ACCESS_TOKEN_LIFETIME_MS = 15 * 60_000;

describe('accounts in the browser', function () {
  this.timeout(120_000);

  let platform: TestPlatform;
  let browser: Browser;
  let scratchDir: string;
  let photoPath: string;
  // Contexts stay open until the browser closes: the packaged Chromium runs as a single
  // process, and closing a context there can take the whole browser down.
  const contexts: BrowserContext[] = [];
  /** Console errors and CSP violations of every page: the journey must produce none. */
  let pageProblems: string[] = [];

  before(async function () {
    // Never skip silently: without the build the server has no page to serve.
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    scratchDir = mkdtempSync(join(tmpdir(), 'consulto-e2e-'));
    photoPath = join(scratchDir, 'portrait.png');
    writeFileSync(photoPath, TINY_PNG);
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    pageProblems = [];
  });

  afterEach(function () {
    if (this.currentTest?.state === 'passed') expect(pageProblems, 'console errors in the page').to.deep.equal([]);
  });

  async function openPage(path: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    recordPageProblems(page, pageProblems, { ignoreRequested4xx: true });
    // Each page starts signed out and in French: the packaged single-process Chromium shares
    // localStorage between contexts, so clear it from a same-origin URL where the app does not run.
    await page.goto('/api/health');
    await page.evaluate(() => localStorage.clear());
    await page.goto(path);
    await waitForAppReady(page);
    return page;
  }

  const countUsers = async () => (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n;
  const uniqueEmail = (who: string) => `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const heading = (page: Page) => page.getByRole('heading', { level: 1 });
  /** Pages load their data after the address changes: wait for the page itself, not only the URL. */
  const arrivedOn = (page: Page, title: string) => page.getByRole('heading', { level: 1, name: title }).waitFor();
  const main = (page: Page) => page.getByRole('main');

  /** A control by its visible label, whatever the required star or the "optional" mention after it. */
  const field = (scope: Page | Locator, label: string) => scope.getByLabel(new RegExp(`^${escapeRegExp(label)}(\\s*\\*|\\s*\\((facultatif|optional)\\))?$`));

  /** Describes a control by its accessible description (hint + error), as a screen reader reads it. */
  async function errorOf(page: Page, label: string | RegExp): Promise<{ invalid: string | null; message: string }> {
    const control = typeof label === 'string' ? field(page, label) : page.getByLabel(label);
    const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    return {
      invalid: await control.getAttribute('aria-invalid'),
      message: errorId ? ((await page.locator(`[id="${errorId}"]`).textContent()) ?? '') : '',
    };
  }

  async function fillExpertForm(page: Page, details: { email: string; firstName: string; lastName: string }) {
    await field(page, 'Statut').selectOption('sole_trader');
    await field(page, 'Civilité').selectOption({ label: 'Madame' });
    await field(page, 'Prénom').fill(details.firstName);
    await field(page, 'Nom').fill(details.lastName);
    await field(page, 'Date de naissance').fill('1984-06-15');
    await field(page, 'Adresse (numéro et voie)').fill('8 rue des Lilas');
    await field(page, 'Code postal').fill('69003');
    await field(page, 'Ville').fill('Lyon');
    await field(page, 'Pays').selectOption('FR');
    await field(page, 'Téléphone fixe').fill('04 72 00 00 00');
    await field(page, 'Téléphone mobile').fill('+33 6 12 34 56 78');
    await field(page, 'Catégorie professionnelle').selectOption({ label: 'Thérapie et psychologie' });
    await page.getByLabel(/Numéro de TVA intracommunautaire/).fill('FR40303265045');
    await page.getByLabel(/SIRET/).fill('732 829 320 00074');
    await field(page, 'Photo').setInputFiles(photoPath);
    await field(page, 'Adresse e-mail').fill(details.email);
    await field(page, 'Mot de passe').fill(TEST_PASSWORD);
    await page.getByLabel(/majeur/).check();
    await page.getByLabel(/responsabilité civile professionnelle/).check();
    await page.getByLabel(/J'accepte les conditions/).check();
  }

  describe('ACC-3 expert signup in the browser', () => {
    const email = uniqueEmail('expert');
    let page: Page;
    let slug: string;

    it('signs an expert up with every field and a photo, lands in the workspace, and "my account" has the consultation URL', async () => {
      page = await openPage('/inscription/expert');
      expect(await heading(page).textContent()).to.equal('Devenir expert sur Consulto');
      await fillExpertForm(page, { email, firstName: 'Élodie', lastName: 'Martin' });
      await page.getByRole('button', { name: 'Créer mon compte expert' }).click();
      // ACC-10: the code step replaces the form on the same page, its field focused.
      await page.getByRole('heading', { level: 2, name: 'Vérifiez votre adresse e-mail' }).waitFor();
      expect(await main(page).textContent()).to.include(`Nous avons envoyé un code à 6 chiffres à ${email}`);
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).to.equal('code');
      const sentCode = await emailedCode(platform.http, email);
      await field(page, 'Code reçu par e-mail').fill(sentCode === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Vérifier mon adresse' }).click();
      // The answer comes back from the API: wait for it before reading the field's description.
      await page.getByText('Ce code n’est pas le bon. Vérifiez l’e-mail reçu.').waitFor();
      expect(await errorOf(page, 'Code reçu par e-mail')).to.deep.equal({ invalid: 'true', message: 'Ce code n’est pas le bon. Vérifiez l’e-mail reçu.' });
      expect(page.url()).to.match(/\/inscription\/expert$/);
      await typeEmailedCode(page, platform.http, email);

      // A new expert lands where they will work: the workspace's dashboard and its setup checklist.
      await page.waitForURL('**/espace');
      await waitForAppReady(page);
      await arrivedOn(page, 'Tableau de bord');
      expect(await main(page).textContent()).to.include('Adresse e-mail vérifiée. Bienvenue !');
      await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
      await page.waitForURL('**/compte');
      await waitForAppReady(page);
      await arrivedOn(page, 'Mon compte');
      const consultationLink = main(page).getByRole('link', { name: /\/consultation\// });
      const consultationUrl = await consultationLink.textContent();
      expect(consultationUrl).to.match(new RegExp(`^${platform.url}/consultation/elodie-martin(-\\d+)?$`));
      slug = consultationUrl!.split('/').pop()!;
      expect(await main(page).textContent()).to.include('Expert');
    });

    it('sent every ACC-3 field to the API, phones normalised to E.164', async () => {
      const tokens = await platform.http.post('/api/auth/login', { email, password: TEST_PASSWORD });
      const me = (await platform.http.get('/api/me', tokens.body.accessToken)).body;
      expect(me).to.deep.include({
        role: 'expert',
        firstName: 'Élodie',
        lastName: 'Martin',
        civility: 'ms',
        birthDate: '1984-06-15',
        phoneLandline: '+33472000000',
        phoneMobile: '+33612345678',
        language: 'fr',
        slug,
      });
      expect(me.address).to.deep.equal({ line1: '8 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' });
      const [profile] = await platform.db.query<{ legal_status: string; category: string; vat_number: string; siret: string }>(
        'SELECT legal_status, category, vat_number, siret FROM expert_profiles WHERE slug = $1',
        [slug],
      );
      expect(profile).to.deep.equal({ legal_status: 'sole_trader', category: 'therapy', vat_number: 'FR40303265045', siret: '73282932000074' });
    });

    it('uploaded the photo right after signup: the API serves it and "my account" shows it', async () => {
      const response = await fetch(`${platform.url}/api/experts/${slug}/photo`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await response.arrayBuffer()).equals(TINY_PNG)).to.equal(true);
      const photo = main(page).getByRole('img', { name: 'Votre photo de profil' });
      await photo.waitFor();
      expect(await photo.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).to.equal(true);
    });

    it('ACC-5 signs out through the API (the refresh token stops working), then signs in again', async () => {
      const refreshToken = await page.evaluate((key) => localStorage.getItem(key), REFRESH_TOKEN_KEY);
      expect(refreshToken).to.be.a('string');
      await page.getByRole('navigation', { name: 'Sections de mon compte' }).getByRole('link', { name: 'Mot de passe et session' }).click();
      await main(page).getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL('**/connexion');
      await waitForAppReady(page);
      await arrivedOn(page, 'Connexion');
      expect(await main(page).textContent()).to.include('Vous êtes déconnecté(e).');
      expect(await page.evaluate((key) => localStorage.getItem(key), REFRESH_TOKEN_KEY)).to.equal(null);
      expect((await platform.http.post('/api/auth/refresh', { refreshToken })).status).to.equal(401);

      await field(page, 'Adresse e-mail').fill(email);
      await field(page, 'Mot de passe').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      // An expert lands where they work: the workspace; the header leads to "my account".
      await page.waitForURL('**/espace');
      await waitForAppReady(page);
      await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
      await page.waitForURL('**/compte');
      await waitForAppReady(page);
      await arrivedOn(page, 'Mon compte');
      expect(
        await main(page)
          .getByRole('link', { name: `${platform.url}/consultation/${slug}` })
          .count(),
      ).to.equal(1);
    });

    it('ACC-2 lets the expert correct a detail from "my account"', async () => {
      await field(main(page), 'Profession').fill('Psychologue clinicienne');
      await main(page).getByRole('button', { name: 'Enregistrer mes informations' }).click();
      await main(page).getByText('Vos informations sont enregistrées.').waitFor();
      const tokens = await platform.http.post('/api/auth/login', { email, password: TEST_PASSWORD });
      expect((await platform.http.get('/api/me', tokens.body.accessToken)).body.profession).to.equal('Psychologue clinicienne');
    });

    it('ACC-5 refreshes an expired access token once and retries the request', async () => {
      const before = await page.evaluate((key) => localStorage.getItem(key), REFRESH_TOKEN_KEY);
      (platform.clock as ManualClock).advance(ACCESS_TOKEN_LIFETIME_MS + 60_000);
      const answers: number[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === '/api/me') answers.push(response.status());
      });
      await field(main(page), 'Profession').fill('Psychologue');
      await main(page).getByRole('button', { name: 'Enregistrer mes informations' }).click();
      await main(page).getByText('Vos informations sont enregistrées.').waitFor();
      expect(answers).to.deep.equal([401, 200]);
      expect(await page.evaluate((key) => localStorage.getItem(key), REFRESH_TOKEN_KEY)).to.not.equal(before);
    });

    it('ACC-5 stays signed in across a reload: the refresh token rotates and the old one is spent', async () => {
      const before = await page.evaluate((key) => localStorage.getItem(key), REFRESH_TOKEN_KEY);
      await page.reload();
      await waitForAppReady(page);
      await arrivedOn(page, 'Mon compte');
      const after = await page.evaluate((key) => localStorage.getItem(key), REFRESH_TOKEN_KEY);
      expect(after).to.be.a('string').and.not.equal(before);
      // Presenting the spent token again is refused (and, as reuse, ends that session: hence last).
      expect((await platform.http.post('/api/auth/refresh', { refreshToken: before })).status).to.equal(401);
    });

    it('REF-2 attributes a signup through /inscription/<slug> to that sponsor', async () => {
      const sponsor = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Parrain' });
      const recruitEmail = uniqueEmail('recruit');
      const recruitPage = await openPage(`/inscription/${sponsor.user.slug}`);
      // The sponsor by name, read from their public profile.
      await main(recruitPage).getByText('Vous vous inscrivez grâce au lien de parrainage de Paul Parrain.').waitFor();
      await fillExpertForm(recruitPage, { email: recruitEmail, firstName: 'Rémi', lastName: 'Recrue' });
      await recruitPage.getByRole('button', { name: 'Créer mon compte expert' }).click();
      await typeEmailedCode(recruitPage, platform.http, recruitEmail);
      await recruitPage.waitForURL('**/espace');
      await arrivedOn(recruitPage, 'Tableau de bord');
      const [row] = await platform.db.query<{ sponsor_id: string }>(
        'SELECT e.sponsor_id FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE u.email = $1',
        [recruitEmail],
      );
      expect(row?.sponsor_id).to.equal(sponsor.user.id);
    });

    it('REF-2 a referral link naming no active expert says so before the form is filled, with the way to sign up without a sponsor', async () => {
      const page = await openPage('/inscription/personne-inconnue');
      try {
        const alert = page.getByRole('alert').filter({ hasText: 'Ce lien de parrainage ne correspond à aucun expert actif.' });
        await alert.waitFor();
        await alert.getByRole('link', { name: 'S’inscrire sans parrain' }).click();
        await page.waitForURL('**/inscription/expert');
        // The same page without a sponsor: the heading stays, the notice goes.
        await alert.waitFor({ state: 'detached' });
        await arrivedOn(page, 'Devenir expert sur Consulto');
        expect(await main(page).textContent()).to.not.include('parrainage');
      } finally {
        // Off the app: the packaged Chromium shares localStorage between contexts, and an app left
        // open here would take the next test's sign-in as its own and rotate its refresh token.
        await page.goto('/api/health');
      }
    });
  });

  describe('ACC-2 client signup in the browser', () => {
    const email = uniqueEmail('client');
    let page: Page;

    it('signs a client up with name, email, password and the terms, lands on their consultations, and "my account" has no consultation URL', async () => {
      page = await openPage('/');
      await main(page).getByRole('link', { name: 'Créer un compte client' }).click();
      await page.waitForURL('**/inscription/client');
      await waitForAppReady(page);
      await expectFocusOnHeading(page);
      await field(page, 'Prénom').fill('Alice');
      await field(page, 'Nom').fill('Bernard');
      await field(page, 'Adresse e-mail').fill(email);
      await field(page, 'Mot de passe').fill(TEST_PASSWORD);
      await page.getByLabel(/J'accepte les conditions/).check();
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await typeEmailedCode(page, platform.http, email);
      await page.waitForURL('**/compte');
      await waitForAppReady(page);
      await arrivedOn(page, 'Mon compte');
      expect(await main(page).textContent())
        .to.include('Bonjour Alice')
        .and.include('Aucune consultation à venir.');
      await page.getByRole('navigation', { name: 'Sections de mon compte' }).getByRole('link', { name: 'Profil' }).click();
      await page.waitForURL('**/compte/profil');
      await waitForAppReady(page);
      expect(await main(page).textContent())
        .to.include('Client')
        .and.include(email);
      expect(
        await main(page)
          .getByRole('link', { name: /\/consultation\// })
          .count(),
      ).to.equal(0);
    });

    it('ACC-5 changes the password from "my account": the new one signs in, the old one no longer does', async () => {
      const newPassword = 'a brand new passphrase';
      await page.getByRole('navigation', { name: 'Sections de mon compte' }).getByRole('link', { name: 'Mot de passe et session' }).click();
      await page.waitForURL('**/compte/securite');
      await waitForAppReady(page);
      await field(page, 'Mot de passe actuel').fill(TEST_PASSWORD);
      await field(page, 'Nouveau mot de passe').fill('short');
      await main(page).getByRole('button', { name: 'Changer le mot de passe' }).click();
      expect((await errorOf(page, 'Nouveau mot de passe')).message).to.equal('Le mot de passe doit contenir au moins 12 caractères.');

      await field(page, 'Nouveau mot de passe').fill(newPassword);
      await main(page).getByRole('button', { name: 'Changer le mot de passe' }).click();
      await main(page).getByText('Mot de passe modifié. Vos autres sessions ont été déconnectées.').waitFor();
      expect((await platform.http.post('/api/auth/login', { email, password: TEST_PASSWORD })).status).to.equal(401);
      expect((await platform.http.post('/api/auth/login', { email, password: newPassword })).status).to.equal(200);
      // This browser signed in again with the new password and is still in its account.
      await page.reload();
      await waitForAppReady(page);
      await arrivedOn(page, 'Mon compte');
    });
  });

  describe('ACC-7 back to the consultation page after signing up or in', () => {
    it('follows ?retour=/consultation/<slug> after a client signup', async () => {
      const page = await openPage('/inscription/client?retour=/consultation/camille-dubois');
      const email = uniqueEmail('client');
      await field(page, 'Prénom').fill('Bruno');
      await field(page, 'Nom').fill('Petit');
      await field(page, 'Adresse e-mail').fill(email);
      await field(page, 'Mot de passe').fill(TEST_PASSWORD);
      await page.getByLabel(/J'accepte les conditions/).check();
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await typeEmailedCode(page, platform.http, email);
      await page.waitForURL('**/consultation/camille-dubois');
      await waitForAppReady(page);
    });

    it('ignores a ?retour= that leaves the site', async () => {
      const email = uniqueEmail('client');
      await platform.http.post('/api/auth/register/client', {
        email,
        password: TEST_PASSWORD,
        firstName: 'Chloé',
        lastName: 'Roux',
        acceptTerms: true,
      });
      const page = await openPage('/connexion?retour=//evil.example/phish');
      await field(page, 'Adresse e-mail').fill(email);
      await field(page, 'Mot de passe').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(`${platform.url}/compte`);
      await waitForAppReady(page);
    });
    it('sends a signed-out visitor of "my account" to sign in, then back', async () => {
      const email = uniqueEmail('client');
      await platform.http.post('/api/auth/register/client', {
        email,
        password: TEST_PASSWORD,
        firstName: 'Hugo',
        lastName: 'Retour',
        acceptTerms: true,
      });
      const page = await openPage('/compte');
      await arrivedOn(page, 'Connexion');
      expect(new URL(page.url()).search).to.equal('?retour=%2Fcompte');
      await field(page, 'Adresse e-mail').fill(email);
      await field(page, 'Mot de passe').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await arrivedOn(page, 'Mon compte');
    });
  });

  describe('ACC-4 bad input shows the error next to the field and creates no account', () => {
    it('a short password and an unticked terms box: both fields flagged, focus on the first, nothing sent', async () => {
      const before = await countUsers();
      const page = await openPage('/inscription/client');
      const registrations: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/auth/register')) registrations.push(request.url());
      });
      await field(page, 'Prénom').fill('Denis');
      await field(page, 'Nom').fill('Court');
      await field(page, 'Adresse e-mail').fill(uniqueEmail('short'));
      await field(page, 'Mot de passe').fill('court');
      await page.getByRole('button', { name: 'Créer mon compte' }).click();

      expect(await errorOf(page, 'Mot de passe')).to.deep.equal({
        invalid: 'true',
        message: 'Le mot de passe doit contenir au moins 12 caractères.',
      });
      expect(await errorOf(page, /J'accepte les conditions/)).to.deep.equal({ invalid: 'true', message: 'Cochez cette case pour continuer.' });
      expect(await errorOf(page, 'Prénom')).to.deep.equal({ invalid: null, message: '' });
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).to.equal('password');
      const status = page.locator('form [aria-live="polite"]');
      expect(await status.textContent()).to.equal('Le formulaire contient 2 erreurs. Corrigez les champs signalés.');
      expect(registrations).to.deep.equal([]);
      expect(await countUsers()).to.equal(before);
      expect(page.url()).to.match(/\/inscription\/client$/);
    });

    it("a password the API refuses (too common): the API's error lands next to the password field", async () => {
      const before = await countUsers();
      const page = await openPage('/inscription/client');
      await field(page, 'Prénom').fill('Emma');
      await field(page, 'Nom').fill('Commun');
      await field(page, 'Adresse e-mail').fill(uniqueEmail('common'));
      await field(page, 'Mot de passe').fill('password1234');
      await page.getByLabel(/J'accepte les conditions/).check();
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await page.getByText('Ce mot de passe est trop courant ; choisissez-en un autre.').waitFor();
      expect(await errorOf(page, 'Mot de passe')).to.deep.equal({
        invalid: 'true',
        message: 'Ce mot de passe est trop courant ; choisissez-en un autre.',
      });
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).to.equal('password');
      expect(await countUsers()).to.equal(before);
    });

    it('ACC-3 an expert form without the photo and the RC Pro certification is refused before sending', async () => {
      const before = await countUsers();
      const page = await openPage('/inscription/expert');
      await fillExpertForm(page, { email: uniqueEmail('nophoto'), firstName: 'Fanny', lastName: 'Sansphoto' });
      await field(page, 'Photo').setInputFiles([]);
      await page.getByLabel(/responsabilité civile professionnelle/).uncheck();
      await page.getByRole('button', { name: 'Créer mon compte expert' }).click();
      expect((await errorOf(page, 'Photo')).message).to.equal('Ajoutez une photo : elle est obligatoire pour les experts.');
      expect((await errorOf(page, /responsabilité civile professionnelle/)).invalid).to.equal('true');
      expect(await countUsers()).to.equal(before);
    });

    it('a wrong password at sign-in is announced in the form and keeps the user on the page', async () => {
      const page = await openPage('/connexion');
      await field(page, 'Adresse e-mail').fill(uniqueEmail('nobody'));
      await field(page, 'Mot de passe').fill('not-the-right-password');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('form [aria-live="polite"]').filter({ hasText: 'Adresse e-mail ou mot de passe incorrect.' }).waitFor();
      expect(page.url()).to.match(/\/connexion$/);
    });
  });

  describe('i18n: French first, English on request', () => {
    it('translates the page, updates <html lang>, and remembers the choice', async () => {
      const page = await openPage('/inscription/client');
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal('fr');
      await field(page, 'Prénom').fill('Gaëlle');
      await page.getByRole('button', { name: 'Switch to English' }).click();
      // The English texts are fetched on the switch (a French visitor never downloads them).
      await arrivedOn(page, 'Create a client account');
      expect(await heading(page).textContent()).to.equal('Create a client account');
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal('en');
      // What was typed survives the switch; labels, hints and buttons are English.
      expect(await field(page, 'First name').inputValue()).to.equal('Gaëlle');
      expect(await field(page, 'Password').count()).to.equal(1);
      expect(await page.getByRole('button', { name: 'Create my account' }).count()).to.equal(1);
      expect(await page.getByRole('navigation').textContent()).to.include('Sign in');

      await page.reload();
      await waitForAppReady(page);
      expect(await heading(page).textContent()).to.equal('Create a client account');
      await page.getByRole('button', { name: 'Create my account' }).click();
      expect((await errorOf(page, 'Last name')).message).to.equal('This field is required.');

      await page.getByRole('button', { name: 'Passer en français' }).click();
      await arrivedOn(page, 'Créer un compte client');
      expect(await heading(page).textContent()).to.equal('Créer un compte client');
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal('fr');
    });
  });

  describe('accessibility basics', () => {
    it('offers a skip link first, labels every control, and marks required ones', async () => {
      const page = await openPage('/inscription/expert');
      await page.keyboard.press('Tab');
      const first = page.locator(':focus');
      expect(await first.textContent()).to.equal('Aller au contenu principal');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('main');

      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('main input, main select')]
          .filter((control) => !control.hidden && control.labels?.length === 0)
          .map((control) => control.name),
      );
      expect(unlabelled).to.deep.equal([]);
      const requiredNames = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('main [aria-required="true"]')].map((control) => control.name),
      );
      expect(requiredNames).to.include.members([
        'status',
        'civility',
        'firstName',
        'lastName',
        'birthDate',
        'address.line1',
        'address.postalCode',
        'address.city',
        'address.country',
        'phoneLandline',
        'phoneMobile',
        'category',
        'photo',
        'email',
        'password',
        'certifyAdult',
        'certifyLiabilityInsurance',
        'acceptTerms',
      ]);
      expect(requiredNames).to.not.include('vatNumber');
      expect(requiredNames).to.not.include('siret');
    });
  });
});
