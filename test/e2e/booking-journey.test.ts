/**
 * The client's booking journey in real Chromium against a real server and database (issue 4,
 * "Done when"): a consultation URL opened signed out → a slot and a package → sign up without
 * leaving the expert's page (ACC-7) → a test card → the confirmation at `/consultations/<id>`
 * with the .ics email (BOOK-6), and the expert sees the appointment in the workspace's list. A
 * declined card books nothing (BOOK-3).
 * Needs the built client: `npm run build:client && npx mocha test/e2e/booking-journey.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { launchBrowser, recordPageProblems, waitForAppReady } from '../support/browser.ts';
import { acceptCommitments, choosePackageAndFirstSlot, continueBooking, payButton } from '../support/booking-page.ts';
import { TEST_PASSWORD, emailedCode, signUpExpert } from '../support/fixtures.ts';
import { holdOf, setUpExpert, tokenOf } from '../support/bookings.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
/** How long the test waits for an email job to run (the platform's job worker polls on its own). */
const MAILBOX_WAIT_MS = 20_000;

describe('BOOK-1 … BOOK-6 booking journey in the browser', function () {
  this.timeout(120_000);

  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  /** Console errors and page errors: the journey must produce none. */
  const pageProblems: string[] = [];
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  const clientEmail = `client-${Date.now().toString(36)}@example.com`;

  before(async function () {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    // One context and one page for the whole file: the packaged Chromium is single-process and
    // closing a context there can take the whole browser down.
    const context = await browser.newContext({ baseURL: platform.config.publicUrl, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    page = await context.newPage();
    recordPageProblems(page, pageProblems, { ignoreRequested4xx: true });
    await page.goto('/api/health');
    await page.evaluate(() => localStorage.clear());
    // A published page: photo, a video rate, a 15-minute video package, open every day (Europe/Paris).
    expert = await setUpExpert(platform.http, {
      pricing: { videoRatePerMinuteCents: 200, phoneRatePerMinuteCents: 200, packages: [{ mode: 'video', minutes: 15, priceCents: 7500 }] },
    });
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
  });

  const consultationCount = async () => (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations'))[0]!.n;
  const heldCount = async () =>
    (await platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM local_payment_holds WHERE status = 'authorised'`))[0]!.n;
  /** Intl puts a narrow no-break space before the euro sign in French. */
  const normalise = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

  it('an unknown expert, or one whose page is not published yet, is a clear "unavailable" page', async () => {
    await page.goto('/consultation/personne-inconnue');
    await page.getByRole('heading', { level: 1, name: 'Page de consultation indisponible' }).waitFor();
    // No photo and no price yet: not published (SPEC §11).
    const newcomer = await signUpExpert(platform.http, { firstName: 'Jules', lastName: 'Martin' });
    await page.goto(`/consultation/${newcomer.user.slug}`);
    await page.getByRole('heading', { level: 1, name: 'Page de consultation indisponible' }).waitFor();
    expect(await page.getByText('Jules Martin').count()).to.equal(0);
  });

  it("signed out: the page shows the offer and the price; the choice leads to an inline sign-up that never leaves the expert's page (ACC-7)", async () => {
    await page.goto(`/consultation/${expert.slug}`);
    await page.getByRole('heading', { level: 1, name: 'Camille Dubois' }).waitFor();
    await page.getByRole('img', { name: 'Photo de Camille Dubois' }).waitFor();
    const rates = normalise(await page.locator('.rates').textContent());
    expect(rates).to.contain('Vidéo : 2,00 € la minute');
    expect(rates).to.contain('Forfait Vidéo de 15 min : 75,00 €');
    // The next free slots load on their own, after the profile.
    await page.locator('.next-slots li').first().waitFor();
    // BOOK-2: the default 20 € budget at 2 € a minute buys 10 minutes.
    const summary = page.locator('.price-summary');
    await page.getByTestId('max-duration').getByText('10 min').waitFor();
    expect(normalise(await summary.textContent())).to.contain('Prix par minute : 2,00 €');
    expect(normalise(await page.locator('.cancellation-terms').textContent())).to.contain('48 h');

    // The visitor picks the package and a slot, then signs up on the same page; the choice stays.
    await choosePackageAndFirstSlot(page, 'Forfait de 15 min : 75,00 €');
    await summary.getByText('15 min pour', { exact: false }).waitFor();
    await continueBooking(page, 'Votre compte');
    expect(new URL(page.url()).pathname).to.equal(`/consultation/${expert.slug}`);
    await page.getByLabel(/^Prénom/).fill('Alice');
    await page.getByLabel(/^Nom/).fill('Bernard');
    await page.getByLabel(/^Adresse e-mail/).fill(clientEmail);
    await page.getByLabel(/^Mot de passe/).fill(TEST_PASSWORD);
    await page.getByLabel(/J'accepte les conditions/).check();
    await page.getByRole('button', { name: 'Créer mon compte et continuer' }).click();

    await page.getByRole('heading', { level: 1, name: 'Confirmer et payer' }).waitFor();
    expect(new URL(page.url()).pathname).to.equal(`/consultation/${expert.slug}`);
    expect(normalise(await page.getByTestId('booking-recap').textContent())).to.contain('Forfait de 15 min');
    await payButton(page).waitFor();
    // BOOK-2 again before paying: the package's hold and the cancellation terms.
    expect(normalise(await page.getByTestId('hold-amount').textContent())).to.contain('75,00 €');
    expect(normalise(await page.locator('.cancellation-terms').textContent())).to.contain('48 h');
    // ACC-10: the address is not verified yet, so the payment asks for the code emailed at signup.
    expect(normalise(await page.getByTestId('email-code').textContent())).to.contain(clientEmail);
    await page.getByLabel(/^Code reçu par e-mail/).waitFor();
  });

  it("BOOK-2, BILL-8: by phone, the per-minute price includes the surcharge of the number's country", async () => {
    await page.getByRole('link', { name: 'Modifier ma réservation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Camille Dubois' }).waitFor();
    await page.getByLabel('Téléphone', { exact: true }).check();
    const summary = page.locator('.price-summary');
    await page.getByLabel(/^Numéro à appeler/).fill('+32 470 12 34 56');
    await page.getByLabel(/^Numéro à appeler/).blur();
    // Belgium: rest of the EU, 20 cents a minute on top of the 2 € rate; 20 € then buys 9 min 5 s.
    await summary.getByText('2,20', { exact: false }).waitFor();
    expect(await page.getByLabel('Pays du numéro appelé').inputValue()).to.equal('BE');
    expect(normalise(await summary.textContent())).to.contain('9 min 5 s');
    await page.getByLabel('Vidéo', { exact: true }).check();
    await page.getByTestId('max-duration').getByText('10 min').waitFor();
  });

  it('BOOK-3: a declined card shows the error and books nothing', async () => {
    await choosePackageAndFirstSlot(page, 'Forfait de 15 min : 75,00 €');
    // Signed in now: straight from the choice to the payment.
    await continueBooking(page);
    await page.getByLabel('Carte de test (paiement simulé)').selectOption('pm_card_chargeDeclined');
    // ACC-10: the code is checked first, then the card.
    await page.getByLabel(/^Code reçu par e-mail/).fill(await emailedCode(platform.http, clientEmail));
    await acceptCommitments(page);
    await payButton(page).click();
    // Next to the card field, and the field is marked invalid for screen readers.
    await page.locator('.field-error', { hasText: 'Votre carte a été refusée' }).waitFor();
    expect(await page.getByLabel('Carte de test (paiement simulé)').getAttribute('aria-invalid')).to.equal('true');
    expect(await consultationCount()).to.equal(0);
    expect(await heldCount()).to.equal(0);
    // The address is verified now: the code is not asked again.
    await page.getByTestId('email-code').waitFor({ state: 'detached' });
  });

  it('BOOK-1: a slot, the package and the test card book the appointment; the confirmation shows when and what is held', async () => {
    await page.getByLabel('Carte de test (paiement simulé)').selectOption('pm_card_visa');
    const slot = new URL(page.url()).searchParams.get('creneau')!;
    expect(slot).to.match(/^\d{4}-\d\d-\d\dT/);
    await payButton(page).click();
    await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();
    const details = normalise(await page.locator('.booking-confirmation').textContent());
    expect(details).to.contain('Camille Dubois');
    expect(details).to.contain('75,00 €');
    expect(details).to.contain('15 min');
    expect(details).to.contain('Europe/Paris');
    const expectedTime = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' }).format(new Date(slot));
    expect(details).to.contain(expectedTime);
    await page.getByRole('link', { name: 'Voir mes consultations à venir' }).waitFor();

    // The client's list and the expert's workspace list both hold it.
    const clientToken = await tokenOf(platform.http, { id: '', email: clientEmail });
    const mine = await platform.http.get('/api/consultations?role=client', clientToken);
    expect(mine.status).to.equal(200);
    expect(mine.body.consultations).to.have.length(1);
    const booked = mine.body.consultations[0];
    expect(booked.startAt).to.equal(new Date(slot).toISOString());
    const theirs = await platform.http.get('/api/consultations?role=expert', await tokenOf(platform.http, expert));
    expect(theirs.body.consultations.map((consultation: { id: string }) => consultation.id)).to.deep.equal([booked.id]);
    const full = await platform.http.get(`/api/consultations/${booked.id}`, clientToken);
    expect(full.body).to.include({ status: 'scheduled', mode: 'video', pricing: 'package', reservedMinutes: 15, paymentHoldPlaced: true });
    expect(full.body.termsAcceptedAt).to.be.a('string');
    expect(full.body.withdrawalWaivedAt).to.be.a('string');
    expect(await heldCount()).to.equal(1);

    // The confirmation is the consultation's own page: in English it stays, amounts formatted the English way.
    expect(new URL(page.url()).pathname).to.equal(`/consultations/${booked.id}`);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your consultation is booked' }).waitFor();
    expect(normalise(await page.locator('.booking-confirmation').textContent())).to.contain('€75.00');
  });

  it('BOOK-6: the client receives the confirmation with an .ics calendar file', async () => {
    const deadline = Date.now() + MAILBOX_WAIT_MS;
    let confirmation: { to: string; event: string; attachments: { filename: string }[] } | undefined;
    while (!confirmation && Date.now() < deadline) {
      await platform.services.jobs.runDueJobs();
      const mailbox = await platform.http.get<{ messages: { to: string; event: string; attachments: { filename: string }[] }[] }>('/dev/mailbox.json');
      confirmation = mailbox.body.messages.find((mail) => mail.to.includes(clientEmail) && mail.event === 'booking_confirmed_client');
      if (!confirmation) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(confirmation, 'confirmation email').to.not.equal(undefined);
    expect(confirmation!.attachments.map((attachment) => attachment.filename).some((name) => name.endsWith('.ics'))).to.equal(true);
    expect(pageProblems, 'console errors in the page').to.deep.equal([]);
  });

  it('client area: the booking is listed in my upcoming consultations and can be cancelled there, its price said first (BILL-10)', async () => {
    await page.goto('/compte');
    await waitForAppReady(page);
    const upcoming = page.locator('.client-upcoming');
    await upcoming.getByText('Camille Dubois').waitFor();
    await upcoming.getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel the consultation' });
    const confirm = dialog.getByRole('button', { name: /^Cancel (for free|and pay )/ });
    await confirm.waitFor();
    const promised = normalise(await confirm.textContent());
    await confirm.click();
    const outcome = page.getByText(/^Consultation cancelled/);
    await outcome.waitFor();
    const clientToken = await tokenOf(platform.http, { id: '', email: clientEmail });
    const [cancelled] = (await platform.http.get('/api/consultations?role=client&when=past', clientToken)).body.consultations;
    expect(cancelled.status).to.equal('cancelled');
    // What the button promised is what was charged, and the page says it again.
    if (cancelled.cancellationChargeCents > 0) {
      const euros = `€${(cancelled.cancellationChargeCents / 100).toFixed(2)}`;
      expect(promised).to.contain(euros);
      expect(normalise(await outcome.textContent())).to.contain(euros);
    } else {
      expect(promised).to.equal('Cancel for free');
    }
    await page.getByText(/^No upcoming consultation\./).waitFor();
  });

  it('a language switch in the middle of the form keeps every choice working', async () => {
    await page.goto(`/consultation/${expert.slug}`);
    await page.getByTestId('booking-panel').getByRole('button', { name: 'Continue' }).waitFor();
    await page.getByLabel('Budget (in euros)', { exact: false }).fill('30');
    await page.getByRole('button', { name: 'Passer en français' }).click();
    await page.getByTestId('booking-panel').getByRole('button', { name: 'Continuer' }).waitFor();
    // The typed 30 € is kept and priced: 15 minutes at 2 € a minute.
    await page.getByTestId('max-duration').getByText('15 min').waitFor();
    await page.getByLabel('Téléphone', { exact: true }).check();
    await page.getByLabel(/^Numéro à appeler/).waitFor();
    await page.getByLabel('Vidéo', { exact: true }).check();
    await page.getByLabel(/^Numéro à appeler/).waitFor({ state: 'detached' });
    expect(pageProblems, 'console errors in the page').to.deep.equal([]);
  });

  describe('BOOK-3, PAY-6: the 3-D Secure test card and the simulated bank page', () => {
    const bankPage = () => page.getByRole('dialog', { name: /^Simulation 3-D Secure — votre banque vous demande de confirmer le paiement de 75,00 €$/ });
    const cardField = () => page.getByLabel('Carte de test (paiement simulé)');

    async function bookWithAuthenticationCard(): Promise<void> {
      await page.goto(`/consultation/${expert.slug}`);
      await choosePackageAndFirstSlot(page, 'Forfait de 15 min : 75,00 €');
      await continueBooking(page);
      await cardField().selectOption('pm_card_authenticationRequired');
      await acceptCommitments(page);
      await payButton(page).click();
      await bankPage().waitFor();
      // The modal takes the focus, so keyboard and screen reader users are in the bank's page.
      expect(await bankPage().evaluate((dialog) => dialog.contains(document.activeElement))).to.equal(true);
    }

    it('"Refuser" fails the authentication: the message next to the card, nothing booked, nothing held', async () => {
      const before = await consultationCount();
      await bookWithAuthenticationCard();
      await bankPage().getByRole('button', { name: 'Refuser' }).click();
      await page.locator('.field-error', { hasText: 'L’authentification 3-D Secure a échoué : réessayez ou choisissez une autre carte.' }).waitFor();
      // The focus is back on the card field, marked invalid.
      expect(await cardField().evaluate((select) => select === document.activeElement)).to.equal(true);
      expect(await cardField().getAttribute('aria-invalid')).to.equal('true');
      expect(await consultationCount()).to.equal(before);
      expect(await heldCount()).to.equal(0);
    });

    it('"Confirmer" authorises the hold and books', async () => {
      await bookWithAuthenticationCard();
      await bankPage().getByRole('button', { name: 'Confirmer', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();
      const reservation = new URL(page.url()).pathname.split('/').pop()!;
      expect(await holdOf(platform.db, reservation)).to.include({ status: 'authorised', amount_cents: 7500 });
      expect(await heldCount()).to.equal(1);
      expect(pageProblems, 'console errors in the page').to.deep.equal([]);
    });
  });
});
