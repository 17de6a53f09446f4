/**
 * Card payment over Stripe in real Chromium (issues 7 and 18): the booking's payment step loads
 * Stripe.js, offers the browser's wallet (Payment Request Button: Apple Pay, Google Pay, Link) when
 * there is one, the client's saved cards or Stripe's Card Element, saves a new or a wallet's card
 * through a SetupIntent and books with its token; 3-D Secure runs through Stripe.js at booking.
 * Stripe.js and api.stripe.com are the fakes of test/support/stripe-browser.ts, under the server's
 * real Content-Security-Policy.
 * Needs the built client: `npm run build:client && npx mocha test/e2e/stripe-card-journey.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { launchBrowser, recordPageProblems } from '../support/browser.ts';
import { acceptCommitments, choosePackageAndFirstSlot, continueBooking, payButton } from '../support/booking-page.ts';
import { signUpClient } from '../support/fixtures.ts';
import { setUpExpert } from '../support/bookings.ts';
import { STRIPE_JS_PATTERN, routeStripe, type SentRequest } from '../support/stripe-browser.ts';
import { FakeStripe } from '../payments/fake-stripe.ts';
import { SECRET_KEY, WEBHOOK_SECRET } from '../payments/stripe-support.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const PUBLISHABLE_KEY = 'pk_test_consulto';
/** Stripe's test numbers typed in this file (docs.stripe.com/testing). */
const CARDS = {
  visa: '4242 4242 4242 4242',
  authentication: '4000 0027 6000 3184',
  declined: '4000 0000 0000 0002',
  /** Handed over by the fake browser wallet (Google Pay), never typed. */
  wallet: '5555 5555 5555 4444',
} as const;
/** What the fake Stripe.js reads to offer a wallet (test/payments/fake-stripe-js.ts). */
const WALLET_KEY = 'fake-stripe.wallet';
const WALLET_CARD_KEY = 'fake-stripe.wallet-card';
const PACKAGE_LABEL = 'Forfait de 15 min : 75,00 €';
const PACKAGE_CENTS = 7500;

describe('PAY-7 cards through Stripe Elements in the browser (PAYMENT_PROVIDER=stripe)', function () {
  this.timeout(120_000);

  let fake: FakeStripe;
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  /** Every request the page sent to our server, for PAY-7. */
  let sent: SentRequest[];
  /** Console errors and page errors: the journeys must produce none. */
  const pageProblems: string[] = [];
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  let clientId: string;

  before(async function () {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    fake = await FakeStripe.start();
    platform = await startTestPlatform({
      environment: {
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
        STRIPE_API_URL: fake.url,
      },
    });
    browser = await launchBrowser();
    // One context and one page for the whole file: the packaged Chromium is single-process and
    // closing a context there can take the whole browser down.
    const context = await browser.newContext({ baseURL: platform.config.publicUrl, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    page = await context.newPage();
    recordPageProblems(page, pageProblems, { ignoreRequested4xx: true });
    sent = await routeStripe(page, fake, platform.config.publicUrl);
    expert = await setUpExpert(platform.http, {
      pricing: { videoRatePerMinuteCents: 200, packages: [{ mode: 'video', minutes: 15, priceCents: PACKAGE_CENTS }] },
    });
    const client = await signUpClient(platform.http);
    clientId = client.user.id;
    await page.goto('/api/health');
    await page.evaluate((refreshToken) => {
      localStorage.clear();
      localStorage.setItem('consulto.refreshToken', refreshToken);
    }, client.refreshToken);
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
    await fake?.close();
  });

  const consultationCount = async () =>
    (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations WHERE client_id = $1', [clientId]))[0]!.n;
  const savedCards = () =>
    platform.db.query<{ last4: string; payment_method_ref: string }>('SELECT last4, payment_method_ref FROM saved_cards WHERE user_id = $1', [clientId]);
  const intentsAwaitingCapture = () => [...fake.paymentIntents.values()].filter((intent) => intent['status'] === 'requires_capture');
  const submit = () => payButton(page);
  const challenge = () => page.getByRole('dialog', { name: '3D Secure Test Page' });
  const walletButton = () => page.getByRole('button', { name: 'Pay with Google Pay' });
  const walletSheet = () => page.getByRole('dialog', { name: 'Google Pay (test)' });

  /** The consultation page, the package and its first slot, then the payment step. */
  async function toPayment(): Promise<void> {
    await page.goto(`/consultation/${expert.slug}`);
    await choosePackageAndFirstSlot(page, PACKAGE_LABEL);
    await continueBooking(page);
  }

  it('PAY-7: when Stripe.js cannot load, the payment field says so and booking stays disabled', async () => {
    const blocked = (route: { abort: () => Promise<void> }) => route.abort();
    await page.route(STRIPE_JS_PATTERN, blocked);
    await toPayment();
    await page.getByText('Le module de paiement sécurisé (Stripe) n’a pas pu se charger', { exact: false }).waitFor();
    expect(await submit().isDisabled()).to.equal(true);
    await page.unroute(STRIPE_JS_PATTERN, blocked);
    // The blocked script is the one error this journey expects.
    expect(pageProblems.every((problem) => /ERR_FAILED/.test(problem))).to.equal(true);
    pageProblems.length = 0;
  });

  it("PAY-7, BOOK-3: a new card typed into the Card Element books the package; the hold is a PaymentIntent awaiting capture of 75,00 € on the client's customer", async () => {
    const response = await page.goto(`/consultation/${expert.slug}`);
    // PAY-7 under the real CSP: Stripe's script and API are allowed, nothing else is opened.
    const policy = response!.headers()['content-security-policy'] ?? '';
    expect(policy).to.match(/script-src [^;]*https:\/\/js\.stripe\.com/);
    expect(policy).to.match(/connect-src [^;]*https:\/\/api\.stripe\.com/);
    await choosePackageAndFirstSlot(page, PACKAGE_LABEL);
    await continueBooking(page);
    // No saved card and no wallet in this browser: the Card Element is there at once, alone.
    await typeCard(CARDS.visa);
    expect(await page.getByTestId('wallet-button').isVisible()).to.equal(false);
    await acceptCommitments(page);
    await submit().click();
    await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();

    const [saved] = await savedCards();
    expect(saved!.last4).to.equal('4242');
    const [consultation] = await platform.db.query<{ payment_hold_ref: string }>('SELECT payment_hold_ref FROM consultations WHERE client_id = $1', [clientId]);
    const intent = fake.paymentIntents.get(consultation!.payment_hold_ref)!;
    const [customer] = await platform.db.query<{ customer_ref: string }>('SELECT customer_ref FROM payment_customers WHERE user_id = $1', [clientId]);
    expect(intent).to.include({
      status: 'requires_capture',
      amount: PACKAGE_CENTS,
      capture_method: 'manual',
      payment_method: saved!.payment_method_ref,
      customer: customer!.customer_ref,
    });
    expect(fake.attachedTo.get(saved!.payment_method_ref)).to.equal(customer!.customer_ref);
  });

  it('PAY-7: the saved card is offered first next time and books without typing', async () => {
    await toPayment();
    const savedCard = page.getByLabel('Visa •••• 4242, exp. 12/34');
    await savedCard.waitFor();
    expect(await savedCard.isChecked()).to.equal(true);
    expect(await page.locator('input[name="cardnumber"]').isVisible()).to.equal(false);
    await acceptCommitments(page);
    await submit().click();
    await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();
    expect(await consultationCount()).to.equal(2);
    expect(intentsAwaitingCapture().map((intent) => intent['amount'])).to.deep.equal([PACKAGE_CENTS, PACKAGE_CENTS]);
  });

  it('BOOK-3, PAY-6: card 4000 0027 6000 3184 asks for 3-D Secure when saved and when held; completing both books', async () => {
    await toPayment();
    await page.getByLabel('Une autre carte').check();
    await typeCard(CARDS.authentication);
    await acceptCommitments(page);
    await submit().click();
    // The bank's step for saving the card (SetupIntent), then for the hold (PaymentIntent).
    await challenge().getByRole('button', { name: 'Complete authentication' }).click();
    await challenge().getByRole('button', { name: 'Complete authentication' }).click();
    await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();
    expect(await consultationCount()).to.equal(3);
    expect(intentsAwaitingCapture()).to.have.length(3);
    expect((await savedCards()).map((card) => card.last4)).to.have.members(['4242', '3184']);
  });

  it('BOOK-3: failing the 3-D Secure step shows the failure, books nothing and leaves no hold awaiting capture', async () => {
    await toPayment();
    await page.getByLabel('Visa •••• 3184, exp. 12/34').check();
    await acceptCommitments(page);
    await submit().click();
    await challenge().getByRole('button', { name: 'Fail authentication' }).click();
    await page.getByText('L’authentification 3-D Secure a échoué : réessayez ou choisissez une autre carte.').waitFor();
    expect(await consultationCount()).to.equal(3);
    expect(intentsAwaitingCapture()).to.have.length(3);
    const failed = [...fake.paymentIntents.values()].at(-1)!;
    expect(failed['status']).to.equal('canceled');
  });

  it('BOOK-3: card 4000 0000 0000 0002 is declined: the message next to the card, nothing saved, nothing booked', async () => {
    await toPayment();
    await page.getByLabel('Une autre carte').check();
    await typeCard(CARDS.declined);
    await acceptCommitments(page);
    await submit().click();
    await page.locator('.payment-field .field-error', { hasText: 'Votre carte a été refusée' }).waitFor();
    expect(await consultationCount()).to.equal(3);
    expect(await savedCards()).to.have.length(2);
    expect(intentsAwaitingCapture()).to.have.length(3);
  });

  it('PAY-7 wallets: without a wallet in the browser (canMakePayment answers null) there is no wallet button: the saved cards and the Card Element', async () => {
    await toPayment();
    await page.getByLabel('Visa •••• 4242, exp. 12/34').waitFor();
    expect(await walletButton().count()).to.equal(0);
    expect(await page.getByTestId('wallet-button').isVisible()).to.equal(false);
  });

  it('PAY-7 wallets: with Google Pay (Payment Request Button): the button opens the wallet only once both commitments are ticked; its card is saved through a SetupIntent and holds 75,00 €', async () => {
    await page.evaluate((key) => localStorage.setItem(key, 'googlePay'), WALLET_KEY);
    const before = await consultationCount();
    await toPayment();
    await walletButton().click();
    // BOOK-1 first: the sheet stays closed and the unticked boxes say why.
    expect(await walletSheet().count()).to.equal(0);
    expect(await page.getByLabel(/J’accepte les conditions générales/).getAttribute('aria-invalid')).to.equal('true');
    await acceptCommitments(page);
    await walletButton().click();
    // The wallet names the amount the page holds.
    await walletSheet().getByText('Consultation avec Camille Dubois: 75.00 EUR').waitFor();
    await walletSheet().getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();

    expect(await consultationCount()).to.equal(before + 1);
    expect(await page.evaluate(() => (window as unknown as { fakeStripeWalletCompletions: string[] }).fakeStripeWalletCompletions)).to.deep.equal(['success']);
    const wallet = (await savedCards()).find((card) => card.last4 === '4444');
    expect(wallet, "the wallet's card is saved like a new card").to.not.equal(undefined);
    const consultationId = new URL(page.url()).pathname.split('/').pop()!;
    const [booked] = await platform.db.query<{ payment_hold_ref: string }>('SELECT payment_hold_ref FROM consultations WHERE id = $1', [consultationId]);
    const intent = fake.paymentIntents.get(booked!.payment_hold_ref)!;
    expect(intent).to.include({ status: 'requires_capture', amount: PACKAGE_CENTS, capture_method: 'manual', payment_method: wallet!.payment_method_ref });
  });

  it('PAY-7 wallets: a wallet closed with "Cancel" books nothing and leaves the page as it was', async () => {
    const before = await consultationCount();
    await toPayment();
    await acceptCommitments(page);
    await walletButton().click();
    await walletSheet().getByRole('button', { name: 'Cancel' }).click();
    await walletSheet().waitFor({ state: 'detached' });
    expect(await consultationCount()).to.equal(before);
    expect(await submit().isEnabled()).to.equal(true);
  });

  it("BOOK-3 wallets: a wallet's card whose bank asks for 3-D Secure: the sheet closes, the bank's step runs for the setup and for the hold, then it books", async () => {
    await page.evaluate(([key, number]) => localStorage.setItem(key, number), [WALLET_CARD_KEY, CARDS.authentication.replaceAll(' ', '')] as const);
    const before = await consultationCount();
    await toPayment();
    await acceptCommitments(page);
    await walletButton().click();
    await walletSheet().getByRole('button', { name: 'Pay' }).click();
    await walletSheet().waitFor({ state: 'detached' });
    await challenge().getByRole('button', { name: 'Complete authentication' }).click();
    await challenge().getByRole('button', { name: 'Complete authentication' }).click();
    await page.getByRole('heading', { level: 1, name: 'Votre consultation est réservée' }).waitFor();
    expect(await consultationCount()).to.equal(before + 1);
    await page.evaluate((keys) => keys.forEach((key) => localStorage.removeItem(key)), [WALLET_KEY, WALLET_CARD_KEY]);
  });

  it('PAY-7: no request to our server carried a card number, and the page logged no error', async () => {
    expect(sent.length).to.be.greaterThan(0);
    const numbers = Object.values(CARDS).map((number) => number.replaceAll(' ', ''));
    // In the order the tests above gave them: typed, typed, typed, the wallet's, the wallet's with 3-D Secure.
    const givenToStripe = [CARDS.visa, CARDS.authentication, CARDS.declined, CARDS.wallet, CARDS.authentication].map((number) => number.replaceAll(' ', ''));
    for (const request of sent) {
      const text = `${decodeURIComponent(request.url)} ${request.body}`.replace(/[\s-]/g, '');
      for (const number of numbers) expect(text, `${request.method} ${request.url}`).to.not.contain(number);
    }
    // The card numbers did reach Stripe, from the page.
    const typedAtStripe = fake.requests.filter((request) => request.path === '/v1/payment_methods').map((request) => request.params.get('card[number]'));
    expect(typedAtStripe).to.deep.equal(givenToStripe);
    expect(pageProblems, 'console errors in the page').to.deep.equal([]);
  });

  async function typeCard(number: string): Promise<void> {
    await page.locator('input[name="cardnumber"]').fill(number);
    await page.locator('input[name="exp-date"]').fill('12 / 34');
    await page.locator('input[name="cvc"]').fill('123');
  }
});
