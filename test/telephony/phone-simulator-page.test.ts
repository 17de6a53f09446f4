/**
 * TEL-4 in real Chromium: the simulated phones page drives a whole phone consultation.
 * Needs the built client: `npm run build:client` (npm test does it first).
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { PhoneHarness } from './support.ts';
import { bookingBody, tokenOf } from '../support/bookings.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);

describe('TEL-4 phone simulator page in the browser', function () {
  this.timeout(120_000);
  let phone: PhoneHarness;
  let browser: Browser;

  before(async () => {
    // Never skip silently: without the build the server has no page to serve.
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    phone = await PhoneHarness.start('simulator');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await phone?.close();
  });

  it('shows both phones and answers, then hangs up, each leg with its buttons; TEL-5 the client calls the platform back', async () => {
    const id = await phone.book({ budgetCents: 3000 });
    await phone.startDue();
    const context = await browser.newContext({ baseURL: phone.platform.url, locale: 'fr-FR' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto('/simulateur-telephone');
    await page.getByRole('heading', { level: 1, name: 'Simulateur de téléphones' }).waitFor();
    const expertPhone = page.locator('article', { hasText: "Téléphone de l'expert" });
    const clientPhone = page.locator('article', { hasText: 'Téléphone du client' });
    await expertPhone.getByText('Sonne').waitFor();
    expect(await clientPhone.textContent()).to.include('Pas encore appelé');
    await expertPhone.getByRole('button', { name: 'Décrocher' }).click();
    await clientPhone.getByRole('button', { name: 'Décrocher' }).click();
    await page.getByText('Compteur en marche').waitFor();
    await phone.advance(60);
    await clientPhone.getByRole('button', { name: 'Raccrocher' }).click();
    await page.getByText('Compteur en pause').waitFor();
    // TEL-5: not called back; the expert heard it; the client's phone calls the platform's number.
    await expertPhone.getByText('Votre correspondant a quitté l’appel', { exact: false }).waitFor();
    await clientPhone.getByRole('button', { name: 'Appeler la plateforme' }).click();
    await page.getByText('Compteur en marche').waitFor();
    await phone.advance(30);
    await expertPhone.getByRole('button', { name: 'Raccrocher' }).click();
    await page.getByText('Compteur en pause').waitFor();
    await clientPhone.getByRole('button', { name: 'Raccrocher' }).click();
    await page.getByText('Consultation terminée').waitFor();
    await phone.idle();
    expect(await phone.consultation(id)).to.include({ status: 'ended', connected_seconds: 90 });
    expect((await phone.calls(id)).filter((call) => call.party === 'client')).to.have.length(2);
    expect(problems).to.deep.equal([]);
  });

  it('BOOK-4 the text the platform sent to the expert’s mobile for an immediate request shows on the page', async () => {
    const expertToken = await tokenOf(phone.platform.http, phone.expert);
    await phone.platform.http.put('/api/experts/me/notifications', { smsOnImmediateRequest: true }, expertToken);
    await phone.platform.http.put('/api/experts/me/presence', { availableNow: true }, expertToken);
    const booked = await phone.platform.http.post(
      '/api/consultations',
      bookingBody(phone.expert.slug, { mode: 'phone', phoneNumber: '+33698765432' }),
      await tokenOf(phone.platform.http, phone.client),
    );
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    await phone.platform.services.jobs.runDueJobs();
    const context = await browser.newContext({ baseURL: phone.platform.url, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto('/simulateur-telephone');
    const texts = page.getByTestId('simulated-messages');
    await texts.getByText(/demande une consultation par téléphone maintenant\. Acceptez dans les 5 min/).waitFor();
    expect(await texts.getByRole('heading', { name: 'Textos envoyés' }).count()).to.equal(1);
  });
});
