/**
 * A client's day in the client area (issue 13) in real Chromium, in Montréal, against a real
 * server and database: times in their own zone, the way in 10 minutes before, rescheduling more
 * than 48 h ahead (BOOK-7), cancelling within 48 h with the price said first (BILL-10), an
 * expert's proposal accepted, the calendar subscription (BOOK-8), and a past consultation rated
 * (TRUST-1) and its expert reported (TRUST-5), each action disappearing once used.
 * Needs the built client: `npm run build:client && npx mocha test/e2e/client-area.test.ts`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ALWAYS_OPEN, setUpExpert } from '../support/bookings.ts';
import { launchBrowser, recordPageProblems, waitForAppReady } from '../support/browser.ts';
import { parseCalendar } from '../support/calendar.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';
import { TEST_PASSWORD, emailedCode, signUpClient } from '../support/fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { startSession } from '../support/site-walk.ts';
import { waitFor } from '../media/support.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const ZONE = 'America/Montreal';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "10:15" in Montréal, as the page writes times (fr-FR, 24-hour). */
const montrealTime = (at: string | number) => new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(new Date(at));
const parisTime = (at: string | number) =>
  new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' }).format(new Date(at));

describe('Issue 13 client area in the browser: a client’s day, in their own time zone', function () {
  this.timeout(180_000);

  let platform: TestPlatform;
  let browser: Browser;
  let expert: Awaited<ReturnType<typeof setUpExpert>>;
  let client: { id: string; email: string; token: string };
  let page: Page;
  // The packaged Chromium is single-process: contexts stay open until the browser closes.
  const contexts: BrowserContext[] = [];
  const pageProblems: string[] = [];
  const appointments: Record<'soon' | 'far' | 'late' | 'proposed', { id: string; startAt: string }> = {} as never;
  let pastId: string;

  const now = () => platform.clock.now().getTime();

  async function freeSlotAfter(notBefore: number): Promise<string> {
    const from = new Date(notBefore - DAY_MS).toISOString().slice(0, 10);
    const { slots } = (await platform.http.get(`/api/experts/${expert.slug}/slots?from=${from}&days=7&minutes=15`)).body as { slots: string[] };
    return slots.find((slot) => Date.parse(slot) >= notBefore)!;
  }

  async function book(notBefore: number): Promise<{ id: string; startAt: string }> {
    const startAt = await freeSlotAfter(notBefore);
    const response = await platform.http.post(
      '/api/consultations',
      { expertSlug: expert.slug, mode: 'video', startAt, budgetCents: 3000, paymentMethod: 'pm_card_visa', acceptTerms: true, waiveWithdrawal: true },
      client.token,
    );
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return { id: response.body.id, startAt };
  }

  async function openClientArea(context: BrowserContext): Promise<Page> {
    const opened = await context.newPage();
    recordPageProblems(opened, pageProblems, { ignoreRequested4xx: true });
    const tokens = (await platform.http.post('/api/auth/login', { email: client.email, password: TEST_PASSWORD })).body;
    await startSession(opened, tokens.refreshToken);
    await opened.goto('/compte');
    await waitForAppReady(opened);
    await opened.getByRole('heading', { level: 2, name: 'À venir' }).waitFor();
    return opened;
  }

  const cardOf = (on: Page, startAt: string): Locator => on.locator('.consultation-card').filter({ has: on.locator(`time[datetime="${startAt}"]`) });
  const dbStatus = async (id: string) =>
    (await platform.db.query<{ status: string; start_at: Date | null }>('SELECT status, start_at FROM consultations WHERE id = $1', [id]))[0]!;

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
    expert = await setUpExpert(platform.http, { availability: ALWAYS_OPEN });
    const signedUp = await signUpClient(platform.http, { firstName: 'Chloé', lastName: 'Montréal' });
    client = { id: signedUp.user.id, email: signedUp.user.email, token: signedUp.accessToken };
    appointments.soon = await book(now() + 3 * HOUR_MS);
    appointments.late = await book(now() + 30 * HOUR_MS);
    appointments.proposed = await book(now() + 36 * HOUR_MS);
    appointments.far = await book(now() + 4 * DAY_MS);
    pastId = await insertFinishedConsultation(platform, { expertId: expert.id, clientId: client.id, terms: freeRateVideoTerms(), connectedSeconds: 754 });
    await platform.services.settlements.settle(pastId);
    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR', timezoneId: ZONE, viewport: { width: 1366, height: 900 } });
    contexts.push(context);
    page = await openClientArea(context);
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'passed') expect(pageProblems, 'errors in the page').to.deep.equal([]);
  });

  it('shows each upcoming time in the client’s zone (Montréal), the zone named, with the expert, the mode and the amount held', async () => {
    const card = cardOf(page, appointments.far.startAt);
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    expect(text).to.include(montrealTime(appointments.far.startAt));
    // Paris is 6 hours ahead: its time is not what a Montréal client reads.
    expect(text).to.not.include(parisTime(appointments.far.startAt));
    expect(text).to.include('Vidéo avec').and.include(`30,00 €`);
    const zoneNote = await page.locator('.zone-note').innerText();
    const zoneName = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, timeZoneName: 'long' })
      .formatToParts(new Date())
      .find((part) => part.type === 'timeZoneName')!.value;
    expect(zoneNote).to.include(zoneName);
  });

  it('BOOK-5 offers the way in from 10 minutes before the start, and says when the room opens', async () => {
    const soon = appointments.soon;
    const start = Date.parse(soon.startAt);
    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR', timezoneId: ZONE });
    contexts.push(context);
    // The browser's clock, 11 minutes before the start: the server's own clock does not move.
    await context.clock.install({ time: new Date(start - 11 * MINUTE_MS) });
    const early = await openClientArea(context);
    const card = cardOf(early, soon.startAt);
    await card.getByText(`La salle sera accessible à partir de ${montrealTime(start - 10 * MINUTE_MS)}.`).waitFor();
    expect(await card.getByRole('link', { name: 'Rejoindre la salle' }).count()).to.equal(0);

    await context.clock.fastForward('02:00');
    const join = card.getByRole('link', { name: 'Rejoindre la salle' });
    await join.waitFor();
    await card.getByText(`La salle ouvre à ${montrealTime(start)}.`).waitFor();
    expect(await join.getAttribute('href')).to.equal(`/salle/${soon.id}`);
  });

  it('BOOK-7 within 48 h the client cannot move the appointment, and the card says so', async () => {
    const card = cardOf(page, appointments.late.startAt);
    await card.getByText(/À moins de 48 h du rendez-vous, vous ne pouvez plus le déplacer vous-même/).waitFor();
    expect(await card.getByRole('button', { name: 'Déplacer' }).count()).to.equal(0);
  });

  it('BOOK-7 more than 48 h ahead the client moves the appointment at once to a free slot of the expert', async () => {
    const far = appointments.far;
    const card = cardOf(page, far.startAt);
    await card.getByText(/Déplaçable gratuitement jusqu’au/).waitFor();
    await card.getByRole('button', { name: 'Déplacer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Déplacer la consultation' });
    await dialog.getByText(/La durée, le prix et le montant bloqué restent les mêmes/).waitFor();
    // Another day than the one offered first, then its first free time.
    const day = dialog.getByLabel(/^Jour/);
    // The days are offered once the expert's free slots are read.
    await day.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    const days = await day.locator('option').evaluateAll((options: HTMLOptionElement[]) => options.map((option) => option.value).filter(Boolean));
    const lastDay = days[days.length - 1]!;
    await day.selectOption(lastDay);
    // The times offered are redrawn for that day: wait for them before choosing one.
    await page.waitForFunction(
      ({ wanted, zone }) => {
        const input = document.querySelector<HTMLInputElement>('dialog[open] input[name="startAt"]');
        return input !== null && new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(input.value)) === wanted;
      },
      { wanted: lastDay, zone: ZONE },
    );
    const firstTime = dialog.locator('input[name="startAt"]').first();
    const chosen = (await firstTime.getAttribute('value'))!;
    await dialog.locator(`label[for="${await firstTime.getAttribute('id')}"]`).click();
    await dialog.getByRole('button', { name: 'Déplacer à cet horaire' }).click();
    await page.getByRole('status').filter({ hasText: 'Consultation déplacée au' }).waitFor();
    expect(await page.getByRole('dialog').count()).to.equal(0);
    expect((await dbStatus(far.id)).start_at!.toISOString()).to.equal(chosen);
    await cardOf(page, chosen).waitFor();
    expect(await cardOf(page, chosen).innerText()).to.include(montrealTime(chosen));
    appointments.far = { id: far.id, startAt: chosen };
  });

  it('BILL-10 cancelling more than 48 h ahead is said to be free before anything is sent', async () => {
    const card = cardOf(page, appointments.far.startAt);
    await card.getByRole('button', { name: 'Annuler' }).click();
    const dialog = page.getByRole('dialog', { name: 'Annuler la consultation' });
    await dialog.getByText('C’est gratuit : le rendez-vous est dans plus de 48 h. Le montant bloqué sur votre carte est libéré.').waitFor();
    await dialog.getByRole('button', { name: 'Annuler sans frais' }).waitFor();
    await dialog.getByRole('button', { name: 'Garder la consultation' }).click();
    expect((await dbStatus(appointments.far.id)).status).to.equal('scheduled');
  });

  it('BILL-10 cancelling within 48 h shows its price (10 minutes of the rate) before confirming, and charges exactly that', async () => {
    const late = appointments.late;
    const card = cardOf(page, late.startAt);
    expect((await card.innerText()).replace(/\s+/g, ' ')).to.include('Annuler maintenant coûte 20,00 €');
    await card.getByRole('button', { name: 'Annuler' }).click();
    const dialog = page.getByRole('dialog', { name: 'Annuler la consultation' });
    await dialog.getByText('Le rendez-vous est dans moins de 48 h : l’annuler maintenant coûte 20,00 €. Le reste du montant bloqué est libéré.').waitFor();
    await dialog.getByRole('button', { name: 'Annuler et payer 20,00 €' }).click();
    await page.getByRole('status').filter({ hasText: 'Consultation annulée. Montant facturé : 20,00 €.' }).waitFor();
    expect((await dbStatus(late.id)).status).to.equal('cancelled');
    const [settlement] = await platform.db.query<{ charge_cents: number }>('SELECT charge_cents FROM settlements WHERE consultation_id = $1', [late.id]);
    expect(settlement?.charge_cents).to.equal(2000);
    await cardOf(page, late.startAt).waitFor({ state: 'detached' });
    // It is now a past consultation, in words.
    await page.locator('.past-table tr').filter({ hasText: 'Annulée par vous' }).first().waitFor();
  });

  it('BOOK-7 shows the expert’s proposal of a new time with accept and refuse; accepting moves the appointment', async () => {
    const proposed = appointments.proposed;
    const newStart = await freeSlotAfter(now() + 44 * HOUR_MS);
    const proposal = await platform.http.post(`/api/consultations/${proposed.id}/reschedule`, { startAt: newStart }, expert.token);
    expect(proposal.status).to.equal(202);
    await page.reload();
    await waitForAppReady(page);
    const box = cardOf(page, proposed.startAt).getByRole('region', { name: 'Nouvel horaire proposé' });
    await box.getByText(new RegExp(`vous propose de déplacer la consultation au .* ${montrealTime(newStart)}`)).waitFor();
    await box.getByRole('button', { name: 'Garder l’horaire actuel' }).waitFor();
    await box.getByRole('button', { name: 'Accepter le nouvel horaire' }).click();
    await page.getByRole('status').filter({ hasText: 'Consultation déplacée au' }).waitFor();
    expect((await dbStatus(proposed.id)).start_at!.toISOString()).to.equal(newStart);
    await cardOf(page, newStart).waitFor();
  });

  it('BOOK-8 gives the private feed address to copy or open in a calendar app; it answers an .ics with the appointments; rotating it kills the old one', async () => {
    const section = page.getByRole('region', { name: 'Abonnement d’agenda' });
    const address = section.getByLabel('Adresse d’abonnement privée');
    const url = await address.inputValue();
    expect(url).to.match(new RegExp(`^${platform.url}/api/calendar/[A-Za-z0-9_-]+\\.ics$`));
    expect(await section.getByRole('link', { name: 'Ouvrir dans mon agenda' }).getAttribute('href')).to.equal(url.replace(/^http:/, 'webcal:'));
    const feed = await fetch(url);
    expect(feed.status).to.equal(200);
    expect(feed.headers.get('content-type')).to.match(/^text\/calendar/);
    const events = parseCalendar(await feed.text()).events;
    expect(events.map((event) => event.startAt)).to.include(new Date(appointments.far.startAt).toISOString());

    await section.getByRole('button', { name: 'Changer d’adresse' }).click();
    const dialog = page.getByRole('dialog', { name: 'Changer l’adresse d’abonnement' });
    await dialog.getByText(/L’adresse actuelle cessera de fonctionner immédiatement/).waitFor();
    await dialog.getByRole('button', { name: 'Créer une nouvelle adresse' }).click();
    await section.getByText('Nouvelle adresse créée ; l’ancienne ne fonctionne plus.').waitFor();
    const rotated = await address.inputValue();
    expect(rotated).to.not.equal(url);
    expect((await fetch(url)).status).to.equal(404);
    expect((await fetch(rotated)).status).to.equal(200);
  });

  it('past: date, length, amount and status in words; rating, complaint and report are separate actions, each gone once used (TRUST-1, TRUST-5)', async () => {
    const row = page.locator('.past-table tbody tr').filter({ hasText: 'Terminée' }).first();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    expect(text).to.include('12 min 34 s').and.include('25,13 €').and.include('Terminée');
    expect(text).to.not.match(/\bended\b|cancelled|no_show/);
    await row.getByRole('button', { name: /^Réclamation/ }).waitFor();

    await row.getByRole('button', { name: /^Noter/ }).click();
    const rate = page.getByRole('dialog', { name: 'Noter la consultation' });
    await rate.getByLabel('4 étoiles : bien').check();
    await rate.getByLabel(/^Commentaire/).fill('Clair et utile.');
    await rate.getByRole('button', { name: 'Publier ma note' }).click();
    await page.getByRole('status').filter({ hasText: 'Merci ! Votre note est publiée.' }).waitFor();
    await row.getByText('Votre note : 4 sur 5').waitFor();
    expect(await row.getByRole('button', { name: /^Noter/ }).count()).to.equal(0);
    const [review] = await platform.db.query<{ stars: number; comment: string }>('SELECT stars, comment FROM reviews WHERE consultation_id = $1', [pastId]);
    expect(review).to.deep.equal({ stars: 4, comment: 'Clair et utile.' });

    await row.getByRole('button', { name: /^Signaler/ }).click();
    const report = page.getByRole('dialog', { name: 'Signaler l’expert' });
    // A report has its own form: a reason, then details.
    await report.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await report.getByText('Ce champ est obligatoire.').waitFor();
    await report.getByLabel('Profil faux ou trompeur').check();
    await report.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.getByRole('status').filter({ hasText: 'Signalement envoyé à l’équipe Consulto.' }).waitFor();
    // The list is read again after the report: wait for it rather than read it mid-way.
    const reportButtons = page.locator('.past-table').getByRole('button', { name: /^Signaler/ });
    await waitFor(async () => ((await reportButtons.count()) === 0 ? true : undefined), 10_000, 'no "report" action left');
    await row.getByRole('button', { name: /^Réclamation/ }).waitFor();
    expect(await row.getByRole('button', { name: /^Réclamation/ }).count()).to.equal(1);
  });

  it('ACC-10 an address not verified at signup is verified from "my account", where the code step shows until then', async () => {
    const unverified = await signUpClient(platform.http, { firstName: 'Ines', lastName: 'Tardive' }, { verifyEmail: false });
    const context = await browser.newContext({ baseURL: platform.url, locale: 'fr-FR', timezoneId: ZONE });
    contexts.push(context);
    const opened = await context.newPage();
    recordPageProblems(opened, pageProblems, { ignoreRequested4xx: true });
    await startSession(opened, unverified.refreshToken);
    await opened.goto('/compte/profil');
    await waitForAppReady(opened);
    const step = opened.getByRole('region', { name: 'Vérifiez votre adresse e-mail' });
    await step.getByText(unverified.user.email).waitFor();
    await step.getByLabel(/^Code reçu par e-mail/).fill(await emailedCode(platform.http, unverified.user.email));
    await step.getByRole('button', { name: 'Vérifier mon adresse' }).click();
    await opened.getByText('Adresse e-mail vérifiée. Bienvenue !').waitFor();
    await step.waitFor({ state: 'detached' });
    const [row] = await platform.db.query<{ verified: boolean }>('SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [
      unverified.user.id,
    ]);
    expect(row!.verified).to.equal(true);
  });
});
