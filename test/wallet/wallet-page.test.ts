/**
 * The wallet page in real Chromium: identity documents, bank details, submission, the local
 * verdict, then a payout. Needs the built client (`npm run build:client`).
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { launchBrowser } from '../support/browser.ts';
import { TEST_PASSWORD, signUpExpert } from '../support/fixtures.ts';
import type { ManualClock } from '../../server/platform/clock.ts';
import { BIC, GOOD_IBAN, earn, pdf } from './support.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);

describe('PAY-4, PAY-5 wallet page in the browser', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let browser: Browser;
  let scratch: string;

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform({ environment: { KYC_AUTO_VALIDATE_SECONDS: '60' } });
    browser = await launchBrowser();
    scratch = mkdtempSync(join(tmpdir(), 'consulto-wallet-'));
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('walks an expert from documents to a paid payout', async () => {
    const expert = await signUpExpert(platform.http);
    await earn(platform, expert.user.id);
    const idPath = join(scratch, 'passport.pdf');
    const billPath = join(scratch, 'bill.pdf');
    writeFileSync(idPath, pdf());
    writeFileSync(billPath, pdf());

    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR' });
    const page: Page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto('/api/health');
    await page.evaluate(() => localStorage.clear());
    await page.goto('/connexion?retour=/portefeuille');
    await page.getByLabel(/^Adresse e-mail/).fill(expert.user.email);
    await page.getByLabel(/^Mot de passe/).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mon portefeuille' }).waitFor();
    const main = page.getByRole('main');
    // The balances and the identity check load separately: wait for each before reading the page.
    await main.getByText('72,75').first().waitFor();
    await main
      .getByText(/non envoyée/)
      .first()
      .waitFor();

    const idForm = page.getByRole('form', { name: 'Pièce d’identité en cours de validité' });
    await idForm.getByLabel(/^Pièce d’identité/).setInputFiles(idPath);
    await idForm.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByText('Déjà envoyé : passport.pdf').waitFor();

    const billForm = page.getByRole('form', { name: 'Justificatif de domicile de moins de 3 mois' });
    await billForm.getByLabel(/^Justificatif de domicile/).setInputFiles(billPath);
    await billForm.getByLabel(/^Date d’émission/).fill(platform.clock.now().toISOString().slice(0, 10));
    await billForm.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByText('Déjà envoyé : bill.pdf').waitFor();

    const bank = page.getByRole('form', { name: 'Coordonnées bancaires' });
    await bank.getByLabel(/^IBAN/).fill(GOOD_IBAN);
    await bank.getByLabel(/^BIC/).fill(BIC);
    await bank.getByRole('button', { name: 'Enregistrer les coordonnées' }).click();
    await page.getByText('IBAN enregistré se terminant par 2606.').waitFor();

    await page.getByRole('button', { name: 'Envoyer pour vérification' }).click();
    await page.getByText('Vos justificatifs sont en cours de vérification').waitFor();

    (platform.clock as ManualClock).advance(61_000);
    await platform.services.wallet.tick();
    await page.reload();
    await main.locator('strong', { hasText: 'validée' }).waitFor();

    await page.getByLabel(/^Montant en euros/).fill('50');
    await page.getByRole('button', { name: 'Demander le virement' }).click();
    await page.getByRole('table').filter({ hasText: 'Historique des virements' }).getByText('effectué').waitFor();
    await main.getByText('22,75').first().waitFor();
    expect(problems).to.deep.equal([]);
  });
});
