/**
 * The expert workspace's sections (`/espace/…`, EXP-2 … EXP-8) and the referral workspace
 * (`/parrainage`, REF-4) in real Chromium: an expert signed up through the API signs in through
 * the UI and sets everything up through the forms; the API is the witness of what was saved.
 * Needs the built client: `npm run build:client && npx mocha test/e2e/expert-workspace.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { launchBrowser, waitForAppReady } from '../support/browser.ts';
import { TEST_PASSWORD, TINY_PNG, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
/** fr-FR puts a narrow no-break space before the euro sign. */
const euros = (text: string) => new RegExp(`${text}\\s€`);

describe('Expert workspace and referral workspace in the browser', function () {
  this.timeout(120_000);

  let platform: TestPlatform;
  let browser: Browser;
  let expert: SignedUp;
  let client: SignedUp;
  let page: Page;
  // The packaged Chromium is single-process: contexts stay open until the browser closes.
  const contexts: BrowserContext[] = [];
  const pageProblems: string[] = [];

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    expert = await signUpExpert(platform.http, { firstName: 'Hélène', lastName: 'Espace' });
    client = await signUpClient(platform.http);
    const photo = await platform.http.request('PUT', '/api/experts/me/photo', {
      token: expert.accessToken,
      rawBody: TINY_PNG,
      headers: { 'content-type': 'image/png' },
    });
    expect(photo.status).to.equal(204);

    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR' });
    contexts.push(context);
    page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(error.message));
    // localStorage is shared by the single-process browser: start signed out, in French.
    await page.goto('/connexion');
    await page.evaluate(() => localStorage.clear());
    await page.goto('/connexion?retour=/espace');
    await page.locator('input[name="email"]').fill(expert.user.email);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
  });

  const api = <Body = any>(path: string) => platform.http.get<Body>(path, expert.accessToken);
  /** Each section has its own address, reached from the workspace's navigation. */
  const openSection = async (link: string, heading: string) => {
    await page.getByRole('navigation', { name: 'Espace expert' }).getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await waitForAppReady(page);
  };

  describe('EXP-4, EXP-5 rates and packages', () => {
    it('saves the rates and a package through the form, in euros', async () => {
      await openSection('Tarifs', 'Tarifs et forfaits');
      const form = page.getByRole('form', { name: 'Tarifs et forfaits' });
      await form.locator('input[name="videoRatePerMinuteCents"]').fill('1,50');
      await form.locator('input[name="phoneRatePerMinuteCents"]').fill('1,20');
      await form.getByRole('button', { name: 'Ajouter un forfait' }).click();
      await form.locator('select[name="packages.0.mode"]').selectOption('video');
      await form.locator('input[name="packages.0.minutes"]').fill('30');
      await form.locator('input[name="packages.0.priceCents"]').fill('40');
      await form.getByRole('button', { name: 'Enregistrer les tarifs' }).click();
      await form.getByText('Tarifs et forfaits enregistrés.').waitFor();

      const pricing = (await api('/api/experts/me/pricing')).body;
      expect(pricing).to.deep.include({ videoRatePerMinuteCents: 150, phoneRatePerMinuteCents: 120 });
      expect(pricing.packages.map(({ mode, minutes, priceCents }: any) => ({ mode, minutes, priceCents }))).to.deep.equal([
        { mode: 'video', minutes: 30, priceCents: 4000 },
      ]);
      // Read back after a reload: the form shows what was saved, in euros.
      await page.reload();
      await waitForAppReady(page);
      expect(await form.locator('input[name="videoRatePerMinuteCents"]').inputValue()).to.equal('1,50');
      expect(await form.locator('input[name="phoneRatePerMinuteCents"]').inputValue()).to.equal('1,20');
      expect(await form.locator('input[name="packages.0.priceCents"]').inputValue()).to.equal('40,00');
      await page.getByTestId('breakdown-package-1').getByText(euros('35,50')).waitFor();
    });

    it('shows a package refused by the API next to its field and saves nothing', async () => {
      const form = page.getByRole('form', { name: 'Tarifs et forfaits' });
      await form.getByRole('button', { name: 'Ajouter un forfait' }).click();
      await form.locator('select[name="packages.1.mode"]').selectOption('phone');
      const minutes = form.locator('input[name="packages.1.minutes"]');
      await minutes.fill('3');
      await form.locator('input[name="packages.1.priceCents"]').fill('20');
      await form.getByRole('button', { name: 'Enregistrer les tarifs' }).click();

      const errorId = `${await minutes.getAttribute('id')}-error`;
      const error = form.locator(`#${errorId}`);
      await error.getByText('Un forfait dure entre 5 et 90 minutes.').waitFor();
      expect(await minutes.getAttribute('aria-invalid')).to.equal('true');
      expect(await minutes.getAttribute('aria-describedby')).to.contain(errorId);
      expect(await minutes.evaluate((element) => element === document.activeElement)).to.equal(true);

      const pricing = (await api('/api/experts/me/pricing')).body;
      expect(pricing.packages).to.have.length(1);
      expect(pricing.packages[0]).to.include({ minutes: 30, priceCents: 4000 });

      // Taking the bad package out again leaves the saved pricing as it was.
      await form.getByRole('button', { name: 'Retirer le forfait 2' }).click();
      expect(await form.locator('input[name="packages.1.minutes"]').count()).to.equal(0);
    });
  });

  describe('EXP-6 availability and the "available now" switch', () => {
    it('saves weekly hours and a day off, and the switch shows on the public profile', async () => {
      await openSection('Disponibilités', 'Disponibilités');
      const form = page.getByRole('form', { name: 'Disponibilités' });
      await form.locator('select[name="timeZone"]').selectOption('Europe/Paris');
      await form.getByRole('checkbox', { name: 'mardi', exact: true }).check();
      await form.getByLabel('mardi, plage 1, début').selectOption({ label: '09:00' });
      await form.getByLabel('mardi, plage 1, fin').selectOption({ label: '12:30' });
      await form.getByLabel(/^Date/).fill('2030-12-25');
      await form.getByRole('radio', { name: 'Fermé toute la journée' }).check();
      await form.getByRole('button', { name: 'Ajouter ce jour' }).click();
      await form.getByRole('button', { name: 'Enregistrer les disponibilités' }).click();
      await form.getByText('Disponibilités enregistrées.').waitFor();
      expect((await api('/api/experts/me/availability')).body).to.deep.equal({
        timeZone: 'Europe/Paris',
        weekly: [{ weekday: 2, start: '09:00', end: '12:30' }],
        exceptions: [{ date: '2030-12-25', closed: true }],
      });

      expect((await platform.http.get(`/api/experts/${expert.user.slug}`)).body.availableNow).to.equal(false);
      await openSection('Tableau de bord', 'Tableau de bord');
      await page.getByRole('switch', { name: /disponible maintenant/ }).check();
      await page.getByText('Vous apparaissez comme disponible maintenant.').waitFor();
      expect((await platform.http.get(`/api/experts/${expert.user.slug}`)).body.availableNow).to.equal(true);
    });
  });

  describe('EXP-7 discount codes', () => {
    it('creates a code, lists it as active, and disables it', async () => {
      await openSection('Codes promo', 'Codes de réduction');
      const form = page.getByRole('form', { name: 'Créer un code de réduction' });
      await form.locator('input[name="code"]').fill('BIENVENUE10');
      await form.locator('input[name="percentOff"]').fill('10');
      await form.locator('input[name="maxUses"]').fill('5');
      await form.getByRole('button', { name: 'Créer le code' }).click();
      await form.getByText('Code de réduction créé.').waitFor();
      const row = page.getByTestId('discount-codes').getByRole('row', { name: /BIENVENUE10/ });
      await row.getByRole('cell', { name: 'actif', exact: true }).waitFor();
      const codes = (await api('/api/experts/me/discount-codes')).body.discountCodes;
      expect(codes).to.have.length(1);
      expect(codes[0]).to.include({ code: 'BIENVENUE10', percentOff: 10, maxUses: 5, status: 'active' });

      await page.getByRole('button', { name: 'Désactiver le code BIENVENUE10' }).click();
      await page
        .getByTestId('discount-codes')
        .getByRole('row', { name: /BIENVENUE10/ })
        .getByRole('cell', { name: 'désactivé', exact: true })
        .waitFor();
      expect((await api('/api/experts/me/discount-codes')).body.discountCodes[0].status).to.equal('disabled');
    });
  });

  describe('EXP-2 QR code', () => {
    it('shows the QR code SVG of the consultation URL with SVG and PNG downloads', async () => {
      await openSection('Partage', 'Faire connaître ma page');
      const share = page.getByRole('main');
      const url = await share.getByLabel('Mon adresse de consultation').inputValue();
      expect(url).to.equal(`${platform.url}/consultation/${expert.user.slug}`);
      const qr = share.getByRole('img', { name: /QR code de la page de consultation/ });
      await qr.waitFor();
      await page.waitForFunction(() => {
        const image = document.querySelector<HTMLImageElement>('[data-testid="qr-svg"]');
        return image !== null && image.complete && image.naturalWidth > 0;
      });
      expect(await qr.getAttribute('src')).to.equal(`/api/experts/${expert.user.slug}/qr.svg`);
      const svg = await platform.http.get(`/api/experts/${expert.user.slug}/qr.svg`);
      expect(svg.headers.get('content-type')).to.contain('image/svg+xml');
      for (const [name, type] of [
        ['SVG', 'image/svg+xml'],
        ['PNG', 'image/png'],
      ] as const) {
        const href = await share.getByRole('link', { name: new RegExp(`QR code en ${name}`) }).getAttribute('href');
        const response = await platform.http.get(href!);
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.contain(type);
        expect(response.headers.get('content-disposition')).to.contain('attachment');
      }
    });
  });

  describe('EXP-3 banner', () => {
    it('shows the banner snippet read-only, without script, and a live preview linking to the consultation page', async () => {
      const snippet = page.getByLabel('Code HTML de la bannière');
      expect(await snippet.getAttribute('readonly')).to.not.equal(null);
      const html = await snippet.inputValue();
      expect(html).to.contain(`href="${platform.url}/consultation/${expert.user.slug}"`);
      expect(html).to.contain('Hélène Espace');
      expect(html.toLowerCase()).to.not.contain('<script');
      const preview = page.frameLocator('[data-testid="banner-preview"]');
      await preview.locator(`a[href="${platform.url}/consultation/${expert.user.slug}"]`).getByText('Consulter maintenant').waitFor();
    });
  });

  describe('EXP-8 earnings', () => {
    it('lists a settled consultation with its amounts, and the monthly chart with its table', async () => {
      // 600 s at 2,00 €/min: client 20,00 €, operating fee 10 × 0,15 € = 1,50 €, net 18,50 €.
      const id = await insertFinishedConsultation(platform, {
        expertId: expert.user.id,
        clientId: client.user.id,
        terms: freeRateVideoTerms({ ratePerMinuteCents: 200, feePerMinuteCents: 15, budgetCents: 3000 }),
        connectedSeconds: 600,
      });
      const settled = await platform.services.settlements.settle(id);
      expect(settled).to.include({ chargeCents: 2000, feeCents: 150 });

      await openSection('Gains', 'Gains');
      const earnings = page.getByRole('main');
      const totals = earnings.getByTestId('earnings-totals');
      await totals.getByText(euros('18,50')).first().waitFor();
      await totals.getByText(euros('20,00')).waitFor();
      await totals.getByText(euros('1,50')).waitFor();
      const line = earnings.getByRole('table', { name: 'Gains par consultation' }).getByRole('row').nth(1);
      expect(await line.textContent())
        .to.match(/10\smin/)
        .and.to.match(euros('18,50'))
        .and.to.match(/terminée/);

      const chart = earnings.getByRole('img', { name: /Gains nets des 12 derniers mois/ });
      await chart.waitFor();
      expect(await chart.locator('rect.chart-bar').count()).to.equal(12);
      const heights = await chart.locator('rect.chart-bar').evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('height'))));
      expect(heights.filter((height) => height > 0)).to.have.length(1);
      const monthly = earnings.getByRole('table', { name: 'Gains par mois' });
      expect(await monthly.getByRole('row').nth(1).textContent()).to.match(euros('18,50'));

      await page
        .getByRole('region', { name: 'Relevés mensuels' })
        .getByRole('button', { name: /Ouvrir le relevé de/ })
        .waitFor();
    });
  });

  describe('REF-4 referral workspace', () => {
    it('shows the signup links and an expert who signed up with the sponsor slug, with consultations and commission', async () => {
      const referred = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Parrainé', sponsorSlug: expert.user.slug });
      const id = await insertFinishedConsultation(platform, {
        expertId: referred.user.id,
        clientId: client.user.id,
        terms: freeRateVideoTerms({ ratePerMinuteCents: 200, feePerMinuteCents: 15, budgetCents: 3000 }),
        connectedSeconds: 600,
      });
      // REF-3: 10 % of the 1,50 € operating fee.
      expect(await platform.services.settlements.settle(id)).to.include({ feeCents: 150 });

      await openSection('Parrainage', 'Mon parrainage');
      expect(await page.getByLabel('Mon adresse d’inscription parrainée').inputValue()).to.equal(`${platform.url}/inscription/${expert.user.slug}`);
      await page.getByRole('img', { name: 'QR code de votre adresse d’inscription parrainée' }).waitFor();
      expect(await page.getByLabel('Code HTML de la bannière de parrainage').inputValue()).to.contain(`/inscription/${expert.user.slug}`);

      const row = page.getByRole('table', { name: 'Experts parrainés' }).getByRole('row', { name: /Paul Parrainé/ });
      await row.waitFor();
      const cells = await row.locator('td').allTextContents();
      expect(cells.slice(-2)[0]).to.equal('1');
      expect(cells.slice(-1)[0]).to.match(euros('0,15'));
      expect(await page.getByRole('table', { name: 'Commissions par mois' }).getByRole('row').nth(1).textContent()).to.match(euros('0,15'));
      expect(pageProblems).to.deep.equal([]);
    });
  });
});
