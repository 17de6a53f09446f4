/**
 * TRUST-4 in real Chromium: an admin suspends an expert from the console (the consultation page
 * then says the expert is unavailable and booking is refused) and reinstates them.
 * Needs the built client: `npm run build:client && npx mocha test/e2e/admin-moderation.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { launchBrowser, recordPageProblems } from '../support/browser.ts';
import { TEST_PASSWORD, TINY_PNG, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { signUpAdmin } from '../trust/support.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const BOOKING = { mode: 'video', startAt: null, budgetCents: 1000, paymentMethod: 'pm_card_visa', acceptTerms: true, waiveWithdrawal: true };

describe('TRUST-4 admin moderation in the browser', function () {
  this.timeout(120_000);

  let platform: TestPlatform;
  let browser: Browser;
  let admin: SignedUp;
  let expert: SignedUp;
  let client: SignedUp;
  // The packaged Chromium is single-process: contexts stay open until the browser closes.
  const contexts: BrowserContext[] = [];
  const pageProblems: string[] = [];

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    admin = await signUpAdmin(platform);
    expert = await signUpExpert(platform.http, { firstName: 'Sylvie', lastName: 'Suspendue' });
    client = await signUpClient(platform.http);
    // A published consultation page: photo and a rate.
    await platform.http.request('PUT', '/api/experts/me/photo', { token: expert.accessToken, rawBody: TINY_PNG, headers: { 'content-type': 'image/png' } });
    await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 200, packages: [] }, expert.accessToken);
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
  });

  async function openPage(path: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    recordPageProblems(page, pageProblems, { ignoreRequested4xx: false });
    await page.goto(path);
    return page;
  }

  async function consultationPageState(): Promise<{ status: number; code: string | undefined }> {
    const response = await platform.http.get(`/api/experts/${expert.user.slug}`);
    return { status: response.status, code: response.body?.error?.code };
  }

  it('an admin suspends an expert (page unavailable, booking refused, expert signed out) and reinstates them, each with a reason in the audit log', async () => {
    expect(await consultationPageState()).to.deep.equal({ status: 200, code: undefined });

    const page = await openPage('/connexion?retour=/admin');
    await page.locator('input[name="email"]').fill(admin.user.email);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('heading', { level: 1, name: 'Console d’administration' }).waitFor();

    await page.getByLabel('Rechercher (email, nom, adresse de consultation)').fill('Suspendue');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByRole('link', { name: 'Sylvie Suspendue' }).click();
    const panel = page.getByRole('region', { name: 'Sylvie Suspendue' });
    await panel.getByText('Statut du compte : Actif').waitFor();
    const moderation = page.getByRole('region', { name: 'Modération' });

    // A reason is required: without one nothing is sent and the error is said next to the field.
    await moderation.getByRole('button', { name: 'Suspendre' }).click();
    const dialog = page.getByRole('dialog', { name: 'Suspendre' });
    await dialog.getByText(/Le compte est déconnecté tout de suite/).waitFor();
    await dialog.getByRole('button', { name: 'Suspendre' }).click();
    const reason = dialog.getByLabel(/^Motif \(obligatoire, inscrit au journal\)/);
    expect(await reason.getAttribute('aria-invalid')).to.equal('true');
    await dialog.getByText('Ce champ est obligatoire.').waitFor();
    expect((await platform.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [expert.user.id]))[0]!.status).to.equal('active');

    await reason.fill('Plaintes répétées de clients');
    await dialog.getByRole('button', { name: 'Suspendre' }).click();
    await page.locator('[data-account-status="suspended"]').first().waitFor();
    await moderation.getByRole('status').getByText('Action enregistrée : Suspendre.').waitFor();

    // The consultation page says "unavailable", booking is refused, the expert is signed out at once.
    expect(await consultationPageState()).to.deep.equal({ status: 404, code: 'expert_unavailable' });
    // Not through openPage: the browser logs the profile's 404, which is the expected answer here.
    const visitorContext = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR' });
    contexts.push(visitorContext);
    const visitor = await visitorContext.newPage();
    await visitor.goto(`/consultation/${expert.user.slug}`);
    await visitor.getByRole('heading', { level: 1, name: 'Page de consultation indisponible' }).waitFor();
    const refused = await platform.http.post('/api/consultations', { ...BOOKING, expertSlug: expert.user.slug }, client.accessToken);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('expert_unavailable');
    expect((await platform.http.get('/api/me', expert.accessToken)).status).to.equal(401);

    await moderation.getByRole('button', { name: 'Rétablir' }).click();
    const reinstate = page.getByRole('dialog', { name: 'Rétablir' });
    await reinstate.getByLabel(/^Motif \(obligatoire, inscrit au journal\)/).fill('Recours accepté');
    await reinstate.getByRole('button', { name: 'Rétablir' }).click();
    await page.locator('[data-account-status="active"]').first().waitFor();
    expect(await consultationPageState()).to.deep.equal({ status: 200, code: undefined });
    await visitor.reload();
    await visitor.getByRole('heading', { level: 1, name: 'Sylvie Suspendue' }).waitFor();
    const allowed = await platform.http.post('/api/consultations', { ...BOOKING, expertSlug: expert.user.slug }, client.accessToken);
    expect(allowed.body.error?.code).to.not.equal('expert_unavailable');

    const audit = await platform.db.query<{ action: string; reason: string; admin_id: string }>(
      'SELECT action, reason, admin_id FROM admin_audit_log WHERE target_id = $1 ORDER BY id',
      [expert.user.id],
    );
    expect(audit).to.deep.equal([
      { action: 'user_suspended', reason: 'Plaintes répétées de clients', admin_id: admin.user.id },
      { action: 'user_reinstated', reason: 'Recours accepté', admin_id: admin.user.id },
    ]);
    // The audit log says it in words, on the user's page and in the console's journal.
    const history = page.getByRole('region', { name: 'Historique des actions' });
    await history.locator('tr').filter({ hasText: 'Compte rétabli' }).filter({ hasText: 'Recours accepté' }).waitFor();
    await page.getByRole('navigation', { name: 'Sections de la console' }).getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('heading', { name: 'Journal des actions' }).waitFor();
    const entry = page.locator('tbody tr').filter({ hasText: 'Recours accepté' });
    await entry.getByText('Compte rétabli').waitFor();
    expect(await page.locator('main').innerText()).to.not.include('user_reinstated');
    expect(pageProblems).to.deep.equal([]);
  });

  it('an admin publishes a site notice from the console; every visitor sees it in their language', async () => {
    const page = await openPage('/connexion?retour=/admin');
    await page.locator('input[name="email"]').fill(admin.user.email);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('heading', { level: 1, name: 'Console d’administration' }).waitFor();
    await page.getByRole('navigation', { name: 'Sections de la console' }).getByRole('link', { name: 'Messages du site' }).click();
    const section = page.getByRole('region', { name: 'Publier un message' });
    await section.getByLabel('Message en français').fill('Maintenance ce soir à 22 h');
    await section.getByLabel('Message en anglais').fill('Maintenance tonight at 10 pm');
    await section.getByLabel('Motif (obligatoire, inscrit au journal)').fill('Mise à jour de la base');
    await section.getByRole('button', { name: 'Publier' }).click();
    await section.getByRole('status').getByText('Action enregistrée : Publier.').waitFor();
    const visitor = await openPage('/');
    await visitor.getByRole('region', { name: 'Informations' }).getByText('Maintenance ce soir à 22 h').waitFor();
    const [entry] = await platform.db.query<{ action: string }>(`SELECT action FROM admin_audit_log ORDER BY id DESC LIMIT 1`);
    expect(entry!.action).to.equal('notice_published');
  });

  it('a client who opens /admin is told it is for administrators only', async () => {
    const page = await openPage('/connexion?retour=/admin');
    await page.locator('input[name="email"]').fill(client.user.email);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('alert').getByText('Cette page est réservée aux administrateurs.').waitFor();
  });
});
