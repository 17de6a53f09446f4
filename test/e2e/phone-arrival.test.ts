/**
 * §13 phone arrival, in real Chromium on a 390×844 touch screen against a real server and
 * database (issue 18): the first screen of an expert's consultation URL sells (photo, name,
 * headline, rating, "available now", price, main action), a new client goes from that URL to
 * "paid, waiting for the expert" in at most 8 taps and 4 screens (counted here and printed),
 * Back / Forward / reload keep what was chosen, and the consultation's status page follows the
 * request to its end. axe-core checks every screen. Needs the built client:
 * `npm run build:client && npx mocha test/e2e/phone-arrival.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectFocusOnHeading, launchBrowser, recordPageProblems, waitForAppReady } from '../support/browser.ts';
import { axeViolations, describeViolations } from '../support/accessibility.ts';
import { TEST_PASSWORD, emailedCode, signUpClient } from '../support/fixtures.ts';
import { holdOf, setUpExpert } from '../support/bookings.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';
import { solidColourPng } from '../../server/demo-photo.ts';
import type { ManualClock } from '../../server/platform/clock.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const PHONE = { width: 390, height: 844 } as const;
/** SPEC §13: from the consultation URL to "paid", at most. */
const MAX_TAPS = 8;
const MAX_SCREENS = 4;
/** BOOK-4. */
const REQUEST_TIMEOUT_MS = 5 * 60_000;
const HEADLINE = 'Psychologue clinicienne, thérapies brèves';

describe('§13 phone arrival: from a scanned QR code to a paid consultation on a 390×844 phone', function () {
  this.timeout(180_000);

  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageProblems: string[] = [];
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  /** A consultation that took place earlier with another client: the expert's rating, and an ended status page. */
  let earlier: { consultationId: string; refreshToken: string };
  const clientEmail = `phone-${Date.now().toString(36)}@example.com`;
  let requestId: string;

  before(async function () {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    // One context and one page for the whole file: the packaged Chromium is single-process.
    context = await browser.newContext({ baseURL: platform.url, viewport: PHONE, isMobile: true, hasTouch: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    // The page's own clock, moved forward by the BOOK-4 test; until then it runs like the real one.
    await context.clock.install();
    page = await context.newPage();
    recordPageProblems(page, pageProblems, { ignoreRequested4xx: true });
    expert = await setUpExpert(platform.http, {
      availableNow: true,
      pricing: { videoRatePerMinuteCents: 200, phoneRatePerMinuteCents: 250, packages: [{ mode: 'video', minutes: 15, priceCents: 7500 }] },
    });
    await platform.http.request('PUT', '/api/experts/me/photo', {
      token: expert.token,
      rawBody: solidColourPng(160, [60, 100, 150]),
      headers: { 'content-type': 'image/png' },
    });
    await platform.http.request('PATCH', '/api/experts/me/profile', {
      token: expert.token,
      body: { headline: HEADLINE, description: 'Quinze ans de pratique en cabinet.' },
    });
    const earlierClient = await signUpClient(platform.http, { firstName: 'Bruno' });
    const consultationId = await insertFinishedConsultation(platform, {
      expertId: expert.id,
      clientId: earlierClient.user.id,
      terms: freeRateVideoTerms({ budgetCents: 2000 }),
      connectedSeconds: 300,
    });
    await platform.services.settlements.settle(consultationId);
    const review = await platform.http.post(
      `/api/consultations/${consultationId}/review`,
      { stars: 5, comment: 'Très à l’écoute.' },
      earlierClient.accessToken,
    );
    expect(review.status, JSON.stringify(review.body)).to.equal(201);
    earlier = { consultationId, refreshToken: earlierClient.refreshToken };
    await page.goto('/api/health');
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
  });

  async function expectAccessible(where: string): Promise<void> {
    const violations = await axeViolations(page);
    expect(violations, `axe-core on ${where}:\n${describeViolations(violations)}`).to.deep.equal([]);
  }

  async function expectNoSidewaysScroll(where: string): Promise<void> {
    const widths = await page.evaluate(() => ({ content: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth }));
    expect(widths.content, `${where} scrolls sideways`).to.be.at.most(widths.screen);
  }

  /** Fully inside the first 844 px of the page (nothing scrolled). */
  async function expectInFirstScreen(locator: Locator, what: string): Promise<void> {
    await locator.waitFor();
    const box = await locator.boundingBox();
    expect(box, what).to.not.equal(null);
    expect(box!.y, `${what} top`).to.be.at.least(0);
    expect(box!.y + box!.height, `${what} bottom`).to.be.at.most(PHONE.height);
  }

  it('the first screen holds the photo, name, headline, rating, "available now", the price and the main action; details fold below; nothing scrolls sideways; axe-core finds nothing', async () => {
    await page.goto(`/consultation/${expert.slug}`);
    await waitForAppReady(page);
    expect(await page.evaluate(() => window.scrollY)).to.equal(0);
    await expectInFirstScreen(page.getByRole('img', { name: 'Photo de Camille Dubois' }), 'photo');
    await expectInFirstScreen(page.getByRole('heading', { level: 1, name: 'Camille Dubois' }), 'name');
    await expectInFirstScreen(page.getByTestId('expert-headline'), 'headline');
    expect(await page.getByTestId('expert-headline').textContent()).to.equal(HEADLINE);
    await expectInFirstScreen(page.getByTestId('expert-rating'), 'rating');
    expect(await page.getByTestId('expert-rating').textContent()).to.contain('5/5 · 1 avis');
    await expectInFirstScreen(page.getByTestId('available-now'), '"available now"');
    await expectInFirstScreen(page.getByTestId('expert-price'), 'price');
    expect((await page.getByTestId('expert-price').textContent())!.replace(/[\u00a0\u202f]/g, ' ')).to.contain('Vidéo 2,00 €/min');
    // The main action: the booking panel's button, kept at the bottom of the screen while the panel shows.
    await page.getByTestId('max-duration').getByText('10 min').waitFor();
    await expectInFirstScreen(page.getByRole('button', { name: 'Consulter maintenant' }), 'main action');
    // Details are there, below the first screen.
    const details = await page.getByRole('heading', { level: 2, name: 'Avis des clients' }).boundingBox();
    expect(details!.y).to.be.above(PHONE.height);
    await expectNoSidewaysScroll('the consultation page');
    await expectAccessible('the consultation page');
  });

  it('at 1366×900 too: the expert, the price and the main action in the first screen, the booking panel beside the expert; axe-core finds nothing', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    try {
      await page.goto(`/consultation/${expert.slug}`);
      await waitForAppReady(page);
      await page.getByTestId('max-duration').getByText('10 min').waitFor();
      for (const [locator, what] of [
        [page.getByRole('heading', { level: 1, name: 'Camille Dubois' }), 'name'],
        [page.getByTestId('expert-price'), 'price'],
        [page.getByRole('button', { name: 'Consulter maintenant' }), 'main action'],
      ] as const) {
        const box = (await locator.boundingBox())!;
        expect(box.y + box.height, what).to.be.at.most(900);
      }
      const hero = (await page.locator('.expert-hero').boundingBox())!;
      const panel = (await page.getByTestId('booking-panel').boundingBox())!;
      expect(panel.x, 'the panel sits to the right of the expert').to.be.above(hero.x + hero.width);
      await expectNoSidewaysScroll('the consultation page at 1366×900');
      await expectAccessible('the consultation page at 1366×900');
    } finally {
      await page.setViewportSize(PHONE);
    }
  });

  it('the sign-up pages fit the phone and pass axe-core', async () => {
    for (const [path, heading] of [
      ['/inscription', 'Créer un compte'],
      ['/inscription/client', 'Créer un compte client'],
      ['/inscription/expert', 'Devenir expert sur Consulto'],
      [`/inscription/${expert.slug}`, 'Devenir expert sur Consulto'],
    ] as const) {
      await page.goto(path);
      await waitForAppReady(page);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await expectNoSidewaysScroll(path);
      await expectAccessible(path);
    }
  });

  it(`a new client pays an immediate video consultation with a budget in at most ${MAX_TAPS} taps and ${MAX_SCREENS} screens (the figures are printed)`, async () => {
    let taps = 0;
    const screens: string[] = [];
    const tap = async (locator: Locator) => {
      taps += 1;
      await locator.tap();
    };
    /** A screen is a page or a step of the flow: its path and its `etape`. */
    const onScreen = async (heading: string | RegExp) => {
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      const url = new URL(page.url());
      const screen = `${url.pathname}${url.searchParams.get('etape') ? `?etape=${url.searchParams.get('etape')}` : ''}`;
      if (screens.at(-1) !== screen) screens.push(screen);
      await expectNoSidewaysScroll(screen);
      await expectAccessible(screen);
    };

    await page.goto(`/consultation/${expert.slug}`);
    await waitForAppReady(page);
    await onScreen('Camille Dubois');
    await page.getByTestId('max-duration').getByText('10 min').waitFor();
    await tap(page.getByRole('button', { name: 'Consulter maintenant' }));

    await onScreen('Votre compte');
    // After a tap the focus is on the new screen's heading (keyboard and screen-reader users know where they are).
    await expectFocusOnHeading(page);
    await page.getByLabel(/^Prénom/).fill('Alice');
    await page.getByLabel(/^Nom/).fill('Bernard');
    await page.getByLabel(/^Adresse e-mail/).fill(clientEmail);
    await page.getByLabel(/^Mot de passe/).fill(TEST_PASSWORD);
    await tap(page.getByLabel(/J'accepte les conditions/));
    await tap(page.getByRole('button', { name: 'Créer mon compte et continuer' }));

    await onScreen('Confirmer et payer');
    await typeTheEmailedCode();
    await page.getByTestId('hold-amount').getByText('20,00', { exact: false }).waitFor();
    await tap(page.getByLabel(/J’accepte les conditions générales/));
    await tap(page.getByLabel(/renonce à mon droit de rétractation/));
    await tap(page.getByRole('button', { name: /^Confirmer et bloquer 20,00/ }));

    await onScreen('En attente de Camille Dubois');
    await page.getByTestId('countdown').waitFor();
    console.log(
      `      phone arrival (390×844, new client, immediate video, budget): ${taps} taps, ${screens.length} screens (${screens.join(' → ')}); targets ≤ ${MAX_TAPS} taps, ≤ ${MAX_SCREENS} screens`,
    );
    expect(taps).to.be.at.most(MAX_TAPS);
    expect(screens.length).to.be.at.most(MAX_SCREENS);

    // Paid for real: the request waits for the expert with the 20 € budget held on the card (BOOK-3, BOOK-4).
    requestId = new URL(page.url()).pathname.split('/').pop()!;
    const [consultation] = await platform.db.query<{ status: string; start_at: Date | null; terms: { budgetCents: number } }>(
      'SELECT status, start_at, terms FROM consultations WHERE id = $1',
      [requestId],
    );
    expect(consultation).to.deep.include({ status: 'requested', start_at: null });
    expect(consultation!.terms.budgetCents).to.equal(2000);
    expect(await holdOf(platform.db, requestId)).to.include({ status: 'authorised', amount_cents: 2000 });
    expect(pageProblems, 'console errors in the page').to.deep.equal([]);
  });

  it('BOOK-4: the waiting screen counts down the 5 minutes; when they run out it reads the request again and says nothing was charged', async () => {
    const read = async () => (await page.getByTestId('countdown').textContent())!;
    const first = await read();
    await page.clock.fastForward(2_000);
    await page.waitForFunction((before) => document.querySelector('[data-testid="countdown"]')?.textContent !== before, first);
    expect(await read()).to.match(/^[0-4]:[0-5]\d$/);
    // The expert never answers: the server expires the request at its deadline…
    (platform.clock as ManualClock).advance(REQUEST_TIMEOUT_MS);
    await platform.services.jobs.runDueJobs();
    // …and the page, at zero, reads it again by itself.
    await page.clock.fastForward(REQUEST_TIMEOUT_MS);
    await page.getByRole('heading', { level: 1, name: 'Demande sans réponse' }).waitFor();
    expect(await page.getByTestId('consultation-status').textContent()).to.contain('Rien n’a été débité : le montant bloqué est libéré.');
    expect(await holdOf(platform.db, requestId)).to.include({ status: 'released' });
    await expectAccessible('the expired request');
  });

  it('Back, Forward and a reload keep the mode, the budget, the number to call, the names typed and the step (BOOK-1)', async () => {
    await page.evaluate(() => localStorage.removeItem('consulto.refreshToken'));
    await page.goto(`/consultation/${expert.slug}`);
    await waitForAppReady(page);
    await page.getByLabel('Téléphone', { exact: true }).check();
    await page.getByLabel(/^Numéro à appeler/).fill('06 12 34 56 78');
    await page.getByRole('button', { name: /^30\s€$/ }).tap();
    await page.getByTestId('max-duration').getByText('12 min', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Consulter maintenant' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Votre compte' }).waitFor();
    await page.getByLabel(/^Prénom/).fill('Chloé');

    await page.reload();
    await waitForAppReady(page);
    await page.getByRole('heading', { level: 1, name: 'Votre compte' }).waitFor();
    const recap = (await page.getByTestId('booking-recap').textContent())!.replace(/[\u00a0\u202f]/g, ' ');
    expect(recap).to.contain('Téléphone').and.contain('Maintenant').and.contain('30,00 €').and.contain('+33612345678');
    expect(await page.getByLabel(/^Prénom/).inputValue()).to.equal('Chloé');

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Camille Dubois' }).waitFor();
    expect(await page.getByLabel('Téléphone', { exact: true }).isChecked()).to.equal(true);
    expect(await page.getByRole('textbox', { name: /^Budget/ }).inputValue()).to.equal('30');
    expect(await page.getByLabel(/^Numéro à appeler/).inputValue()).to.equal('06 12 34 56 78');

    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'Votre compte' }).waitFor();
    expect(await page.getByLabel(/^Prénom/).inputValue()).to.equal('Chloé');
    await expectAccessible('the account step');
  });

  it('ACC-10 on the payment step: a wrong code books nothing and is said next to the field; a new code is refused within the minute, sent after it, and books', async () => {
    const email = `phone-code-${Date.now().toString(36)}@example.com`;
    await page.evaluate(() => {
      localStorage.removeItem('consulto.refreshToken');
      sessionStorage.clear();
    });
    await page.goto(`/consultation/${expert.slug}`);
    await waitForAppReady(page);
    await page.getByTestId('max-duration').getByText('10 min').waitFor();
    await page.getByRole('button', { name: 'Consulter maintenant' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Votre compte' }).waitFor();
    await page.getByLabel(/^Prénom/).fill('Denise');
    await page.getByLabel(/^Nom/).fill('Code');
    await page.getByLabel(/^Adresse e-mail/).fill(email);
    await page.getByLabel(/^Mot de passe/).fill(TEST_PASSWORD);
    await page.getByLabel(/J'accepte les conditions/).tap();
    await page.getByRole('button', { name: 'Créer mon compte et continuer' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Confirmer et payer' }).waitFor();
    const before = (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations'))[0]!.n;

    const codeField = page.getByLabel(/^Code reçu par e-mail/);
    const first = await emailedCode(platform.http, email);
    await codeField.fill(first === '000000' ? '111111' : '000000');
    await page.getByLabel(/J’accepte les conditions générales/).tap();
    await page.getByLabel(/renonce à mon droit de rétractation/).tap();
    await page.getByRole('button', { name: /^Confirmer et bloquer/ }).tap();
    await page.getByText('Ce code n’est pas le bon. Vérifiez l’e-mail reçu.').waitFor();
    expect(await codeField.getAttribute('aria-invalid')).to.equal('true');
    expect((await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations'))[0]!.n).to.equal(before);

    const resend = page.getByRole('button', { name: 'Envoyer un nouveau code' });
    await resend.tap();
    await page.getByText('Un code vient d’être envoyé. Patientez une minute avant d’en demander un autre.').waitFor();
    (platform.clock as ManualClock).advance(61_000);
    await resend.tap();
    await page.getByText('Un nouveau code vient de partir. Il remplace le précédent.').waitFor();
    const second = await emailedCode(platform.http, email);
    expect(second).to.not.equal(undefined);
    await codeField.fill(second);
    await page.getByRole('button', { name: /^Confirmer et bloquer/ }).tap();
    await page.getByRole('heading', { level: 1, name: 'En attente de Camille Dubois' }).waitFor();
    await expectAccessible('the waiting screen');
  });

  it('the status page of an ended consultation shows the amount and the receipt, to the client and to the expert; signed out, it asks to sign in first', async () => {
    await page.evaluate(() => localStorage.removeItem('consulto.refreshToken'));
    await page.goto(`/consultations/${earlier.consultationId}`);
    await page.waitForURL(`**/connexion?retour=${encodeURIComponent(`/consultations/${earlier.consultationId}`)}`);
    await waitForAppReady(page);

    await page.evaluate((token) => localStorage.setItem('consulto.refreshToken', token), earlier.refreshToken);
    await page.goto(`/consultations/${earlier.consultationId}`);
    await page.getByRole('heading', { level: 1, name: 'Consultation terminée' }).waitFor();
    const status = (await page.getByTestId('consultation-status').textContent())!.replace(/[\u00a0\u202f]/g, ' ');
    expect(status).to.contain('5 min').and.contain('Montant débité').and.contain('10,00 €');
    const [receipt] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('receipt').tap()]);
    await receipt.waitForLoadState();
    expect(await receipt.textContent('body')).to.contain('10,00');
    await receipt.close();
    await expectAccessible('the ended consultation');

    const expertLogin = await platform.http.post('/api/auth/login', { email: expert.email, password: TEST_PASSWORD });
    await page.evaluate((token) => localStorage.setItem('consulto.refreshToken', token), expertLogin.body.refreshToken as string);
    await page.goto(`/consultations/${earlier.consultationId}`);
    await page.getByRole('heading', { level: 1, name: 'Consultation terminée' }).waitFor();
    expect(await page.getByTestId('consultation-status').textContent()).to.contain('Vos honoraires');
    expect(pageProblems, 'console errors in the page').to.deep.equal([]);
  });

  /** ACC-10: the new client's address is not verified yet, so the payment step asks for the code emailed at signup. */
  async function typeTheEmailedCode(): Promise<void> {
    const codeField = page.getByLabel(/^Code reçu par e-mail/);
    expect(await page.getByTestId('email-code').textContent()).to.contain(clientEmail);
    await codeField.fill(await emailedCode(platform.http, clientEmail));
  }
});
