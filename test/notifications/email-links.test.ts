import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { bookingBody, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { launchBrowser } from '../support/browser.ts';
import { signIn } from '../media/video-platform.ts';
import { NOTIFICATION_EVENTS } from '../../server/notifications/templates.ts';
import { MEDIATOR_URL } from '../../server/trust/complaints.ts';
import type { Language } from '../../server/notifications/format.ts';

/** Links that leave the platform, and where they may go. */
const EXTERNAL_LINKS = new Set([MEDIATOR_URL]);
const NOT_FOUND_TITLES = ['Page introuvable', 'Page not found'];

interface StoredMail {
  to: string;
  event: string;
  text: string;
  html: string;
  attachments: { filename: string; content: string }[];
}

/** Every address an email carries: its links, the URLs written in its text, those of its calendar file. */
function linksOf(mail: StoredMail): string[] {
  const hrefs = [...mail.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  const written = [...mail.text.matchAll(/https?:\/\/[^\s"<>]+/g)].map((match) => match[0].replace(/[.,;:)]+$/, ''));
  const calendar = mail.attachments
    .filter((attachment) => attachment.filename.endsWith('.ics'))
    .flatMap((attachment) => {
      // RFC 5545 folds long lines: a line starting with a space continues the previous one.
      const unfolded = attachment.content.replace(/\r?\n[ \t]/g, '');
      return [...unfolded.matchAll(/^(?:URL|DESCRIPTION):(.+)$/gm)].map((match) => match[1]!.trim().replaceAll('\\,', ',').replaceAll('\\;', ';'));
    });
  return [...hrefs, ...written, ...calendar];
}

/**
 * BOOK-6: every link in every email opens a working page. Every template is sent through the real
 * notifier (the local mailbox), in both languages and to both kinds of recipient, for a video and a
 * phone consultation; every link is followed in Chromium, signed in as the recipient, and must not
 * land on the web client's "page not found".
 */
describe('BOOK-6 every link in every email opens a working page', function () {
  this.timeout(300_000);
  let platform: TestPlatform;
  let browser: Browser;

  before(async () => {
    if (!existsSync(new URL('../../client/dist/index.html', import.meta.url))) throw new Error('client/dist is missing: run `npm run build:client` first.');
    platform = await startTestPlatform();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await platform?.close();
  });

  it('sends every template to experts and clients in French and English, and follows every link to a real page', async () => {
    const http = platform.http;
    const expert = await setUpExpert(http, { availableNow: true });
    const client = await setUpClient(http);
    const video = await http.post('/api/consultations', bookingBody(expert.slug, { mode: 'video' }), client.token);
    expect(video.status, JSON.stringify(video.body)).to.equal(201);
    const startAt = new Date(Math.ceil((platform.clock.now().getTime() + 3 * 3_600_000) / 3_600_000) * 3_600_000);
    const phone = await http.post(
      '/api/consultations',
      bookingBody(expert.slug, { mode: 'phone', phoneNumber: '+33698765432', startAt: startAt.toISOString() }),
      client.token,
    );
    expect(phone.status, JSON.stringify(phone.body)).to.equal(201);
    const consultations = [video.body.id as string, phone.body.id as string];
    const recipients = { expert, client } as const;

    let sent = 0;
    for (const language of ['fr', 'en'] as const satisfies readonly Language[]) {
      for (const person of Object.values(recipients)) await http.request('PATCH', '/api/me', { body: { language }, token: await tokenOf(http, person) });
      for (const event of NOTIFICATION_EVENTS) {
        for (const [role, person] of Object.entries(recipients)) {
          for (const consultationId of consultations) {
            await platform.services.notifier.notify({
              event,
              userId: person.id,
              idempotencyKey: `links:${language}:${event}:${role}:${consultationId}`,
              data: {
                consultationId,
                signupUrl: `${platform.url}/inscription/${expert.slug}`,
                mediatorUrl: MEDIATOR_URL,
                resolution: 'rejected',
                reply: 'Non.',
                status: 'refused',
                kind: 'consultation',
                answerBefore: startAt.toISOString(),
                fixBefore: startAt.toISOString(),
                effectiveFrom: startAt.toISOString(),
                amountCents: 1200,
                receiptNumber: 'R000001',
              },
            });
            sent++;
          }
        }
      }
    }
    const mailbox = await http.get('/dev/mailbox.json');
    const mails = mailbox.body.messages as StoredMail[];
    // The sign-up and booking emails are in the mailbox too.
    expect(mails.length).to.be.at.least(sent);
    expect(new Set(mails.map((mail) => mail.event))).to.deep.equal(new Set(NOTIFICATION_EVENTS));

    // Each link once per recipient kind, followed as that person.
    const emailOf = { expert: (await http.get('/api/me', expert.token)).body.email, client: (await http.get('/api/me', client.token)).body.email };
    const toFollow = new Map<string, 'expert' | 'client'>();
    for (const mail of mails) {
      const role = mail.to.includes(emailOf.expert) ? 'expert' : 'client';
      for (const link of linksOf(mail)) {
        if (!link.startsWith(platform.url)) {
          expect(EXTERNAL_LINKS.has(link), `${mail.event} links outside the platform: ${link}`).to.equal(true);
          continue;
        }
        toFollow.set(`${role} ${link}`, role);
      }
    }
    expect(toFollow.size).to.be.above(5);

    const pages: Record<'expert' | 'client', Page> = { expert: await browser.newPage(), client: await browser.newPage() };
    await signIn(pages.expert, platform.url, http, expert, 'fr');
    await signIn(pages.client, platform.url, http, client, 'fr');
    const broken: string[] = [];
    for (const [key, role] of toFollow) {
      const link = key.slice(role.length + 1);
      const page = pages[role];
      const response = await page.goto(link);
      expect(response?.status(), link).to.equal(200);
      const heading = await page.waitForFunction(
        () => {
          const main = document.querySelector('main');
          const h1 = main?.querySelector('h1');
          return main && !main.hasAttribute('aria-busy') && h1?.textContent ? h1.textContent : undefined;
        },
        undefined,
        { timeout: 15_000 },
      );
      const title = String(await heading.jsonValue());
      if (NOT_FOUND_TITLES.includes(title)) broken.push(`${role}: ${link}`);
    }
    expect(broken, 'links that open "page not found"').to.deep.equal([]);
    // The request email leads the expert into the room of a video request (BOOK-4: joining accepts it).
    expect([...toFollow.keys()]).to.include(`expert ${platform.url}/salle/${video.body.id}`);
  });
});
