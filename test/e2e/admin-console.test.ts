/**
 * The admin console's lists (issue 13, TRUST-2…TRUST-5) in real Chromium: users paged, filtered
 * by role and status, searched and sorted by signup date and name; the complaints queue by
 * deadline with overdue ones flagged and answered from a dialog; reports decided with a reason.
 * Needs the built client: `npm run build:client && npx mocha test/e2e/admin-console.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, recordPageProblems, waitForAppReady } from '../support/browser.ts';
import { TEST_PASSWORD, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { startSession } from '../support/site-walk.ts';
import { clockOf, signInAgain, signUpAdmin } from '../trust/support.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const DAY_MS = 24 * 60 * 60 * 1000;
/** Clients inserted for the list to have pages (25 a page), signed up on distinct days. */
const LISTED_CLIENTS = 30;

describe('Issue 13 admin console in the browser: every list paged, users filtered and sorted, queues by deadline', function () {
  this.timeout(180_000);

  let platform: TestPlatform;
  let browser: Browser;
  let admin: SignedUp;
  let client: SignedUp;
  let page: Page;
  const contexts: BrowserContext[] = [];
  const pageProblems: string[] = [];

  const rows = () => page.locator('main tbody tr');
  const names = async () => (await page.locator('main tbody tr td:first-child').allInnerTexts()).map((text) => text.trim());
  const range = () => page.locator('.pager-range').innerText();
  /** The list keeps its rows while the next answer loads: wait for the expected row, not for the header. */
  const firstRow = () => page.locator('main tbody tr').first().locator('td').first();

  async function openConsole(path: string): Promise<void> {
    await page.goto(path);
    await waitForAppReady(page);
    await page.getByRole('heading', { level: 1, name: 'Console d’administration' }).waitFor();
  }

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    admin = await signUpAdmin(platform);
    client = await signUpClient(platform.http, { firstName: 'Zoé', lastName: 'Plaignante' });
    await signUpExpert(platform.http, { firstName: 'Étienne', lastName: 'Abadie' });
    await signUpExpert(platform.http, { firstName: 'Yann', lastName: 'Zeller' });
    await platform.db.query(
      `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at, created_at)
       SELECT 'client', 'listed-' || n || '@example.com', '!listed', 'Client' || n, 'Liste' || lpad(n::text, 2, '0'), 'test', now(), now() - make_interval(days => n)
         FROM generate_series(1, $1::int) AS n`,
      [LISTED_CLIENTS],
    );
    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR', viewport: { width: 1366, height: 900 } });
    contexts.push(context);
    page = await context.newPage();
    recordPageProblems(page, pageProblems, { ignoreRequested4xx: false });
    const tokens = (await platform.http.post('/api/auth/login', { email: admin.user.email, password: TEST_PASSWORD })).body;
    await startSession(page, tokens.refreshToken);
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'passed') expect(pageProblems, 'errors in the page').to.deep.equal([]);
  });

  it('TRUST-4 lists every user a page at a time, newest signup first, with the total', async () => {
    await openConsole('/admin');
    const total = LISTED_CLIENTS + 4;
    expect(await range()).to.equal(`1–25 sur ${total}`);
    expect(await rows().count()).to.equal(25);
    // Newest first: the accounts signed up through the API today come before the inserted ones.
    expect((await names()).slice(-1)[0]).to.equal('Client21 Liste21');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForURL(/\?page=2$/);
    await page.locator('.pager-range').getByText(`26–${total} sur ${total}`).waitFor();
    expect(await rows().count()).to.equal(total - 25);
    expect((await names()).slice(-1)[0]).to.equal('Client30 Liste30');
    // The page lives in the address: Back returns to the first one.
    await page.goBack();
    await page.locator('.pager-range').getByText(`1–25 sur ${total}`).waitFor();
  });

  it('TRUST-4 filters by role and status, and searches', async () => {
    await openConsole('/admin');
    await page.getByLabel(/^Rôle/).selectOption('expert');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.waitForURL(/role=expert/);
    await page.locator('.pager-range').getByText('1–2 sur 2').waitFor();
    expect((await names()).sort()).to.deep.equal(['Yann Zeller', 'Étienne Abadie']);
    expect(await page.locator('main tbody').innerText())
      .to.include('Expert')
      .and.not.include('Client');

    await page.getByLabel(/^Statut/).selectOption('suspended');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.getByText('Aucun utilisateur ne correspond.').waitFor();

    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.getByLabel(/^Rechercher/).fill('Plaignante');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.locator('.pager-range').getByText('1–1 sur 1').waitFor();
    expect(await names()).to.deep.equal(['Zoé Plaignante']);
  });

  it('TRUST-4 sorts by name and by signup date from the column headers', async () => {
    await openConsole('/admin');
    await page.getByRole('button', { name: /^Nom/ }).click();
    await page.waitForURL(/sort=name&order=asc/);
    await page.locator('th[aria-sort="ascending"]').getByText('Nom').waitFor();
    await firstRow().getByText('Étienne Abadie').waitFor();
    await page.getByRole('button', { name: /^Nom/ }).click();
    await page.waitForURL(/sort=name&order=desc/);
    await page.locator('th[aria-sort="descending"]').getByText('Nom').waitFor();
    await firstRow().getByText('Yann Zeller').waitFor();
    await page.getByRole('button', { name: /^Inscription/ }).click();
    await page.waitForURL(/sort=signup_date&order=desc|\/admin$/);
    await page.locator('th[aria-sort="descending"]').getByText('Inscription').waitFor();
    await page.getByRole('button', { name: /^Inscription/ }).click();
    await page.locator('th[aria-sort="ascending"]').getByText('Inscription').waitFor();
    await firstRow().getByText('Client30 Liste30').waitFor();
  });

  it('TRUST-3 shows the complaints queue by deadline, flags the overdue one, and answers it from a dialog', async () => {
    const first = await platform.http.post('/api/complaints', { kind: 'platform', comment: 'Première réclamation.' }, client.accessToken);
    expect(first.status).to.equal(201);
    clockOf(platform).advance(46 * DAY_MS);
    await signInAgain(platform, client);
    const second = await platform.http.post('/api/complaints', { kind: 'platform', comment: 'Deuxième réclamation.' }, client.accessToken);
    expect(second.status).to.equal(201);
    const tokens = (await platform.http.post('/api/auth/login', { email: admin.user.email, password: TEST_PASSWORD })).body;
    await startSession(page, tokens.refreshToken);

    await openConsole('/admin/reclamations');
    const queue = page.locator('main tbody tr');
    await queue.first().waitFor();
    expect(await queue.count()).to.equal(2);
    expect(await queue.nth(0).innerText())
      .to.include('Première réclamation.')
      .and.include('En retard');
    expect(await queue.nth(1).innerText())
      .to.include('Deuxième réclamation.')
      .and.not.include('En retard');

    await queue
      .nth(0)
      .getByRole('button', { name: /^Répondre/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Répondre à la réclamation' });
    await dialog.getByLabel(/^Réponse envoyée à l’auteur/).fill('Le paiement est rétabli, merci.');
    await dialog.getByRole('button', { name: 'Répondre' }).click();
    await page.getByRole('status').filter({ hasText: 'Réponse enregistrée.' }).waitFor();
    await page.locator('main tbody tr').filter({ hasText: 'Première réclamation.' }).waitFor({ state: 'detached' });
    const [row] = await platform.db.query<{ status: string; reply: string }>('SELECT status, reply FROM complaints WHERE id = $1', [first.body.id]);
    expect(row).to.deep.equal({ status: 'resolved', reply: 'Le paiement est rétabli, merci.' });

    await page.getByLabel('File').selectOption('resolved');
    await page.waitForURL(/status=resolved/);
    await page.locator('main tbody tr').filter({ hasText: 'Première réclamation.' }).getByText('Traitée').waitFor();
  });

  it('TRUST-5 decides a report with a reason; the open queue empties and the decision is in the journal', async () => {
    const expert = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Signalé' });
    const report = await platform.http.post(
      '/api/reports',
      { targetType: 'profile', expertSlug: expert.user.slug, reason: 'harassment', comment: 'Messages insistants.' },
      client.accessToken,
    );
    expect(report.status).to.equal(201);
    await openConsole('/admin/signalements');
    const row = page.locator('main tbody tr').filter({ hasText: 'Paul Signalé' });
    expect(await row.innerText())
      .to.include('Harcèlement')
      .and.include('Profil')
      .and.not.include('harassment');
    await row.getByRole('button', { name: /^Traiter/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Traiter le signalement' });
    await dialog.getByLabel('Classer sans suite').check();
    await dialog.getByLabel(/^Motif \(obligatoire, inscrit au journal\)/).fill('Aucun message trouvé.');
    await dialog.getByRole('button', { name: 'Traiter' }).click();
    await page.getByText('Aucun signalement dans cette file.').waitFor();
    await page.getByRole('navigation', { name: 'Sections de la console' }).getByRole('link', { name: 'Journal' }).click();
    await page.locator('main tbody tr').filter({ hasText: 'Aucun message trouvé.' }).getByText('Signalement traité').waitFor();
  });
});
