/**
 * Issue 13's quality gates on every page and state the tests can reach, for each role (signed
 * out, client, expert, admin), found by walking the routes (test/support/site-walk.ts):
 * - axe-core finds no accessibility violation, on the page and with each of its dialogs open;
 * - on a 390×844 phone no page scrolls sideways and the header is at most 64 px tall;
 * - screenshots of each page at 1366×900 and 390×844 land in test-artifacts/screenshots/ for a
 *   reviewer to look at (artefacts, never compared pixel by pixel).
 * Needs the built client: `npm run build:client && npx mocha test/quality/pages-quality.test.ts`.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, waitForAppReady } from '../support/browser.ts';
import { startSeededSite, tokenFor, type SeededSite } from '../support/seeded-site.ts';
import { distinctDisclosures, openDisclosure, settle, startSession, walkSite } from '../support/site-walk.ts';
import { DESKTOP, HEADER_MAX_HEIGHT_PX, PHONE, SCREENSHOT_DIR, axeViolations, headerHeightPx, sidewaysOverflowPx } from '../support/page-quality.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
/** Who walks the site. The call screen and its end screen are checked the same way in test/e2e/video-call-screen.test.ts. */
type Walker = 'visitor' | 'client' | 'expert' | 'admin';

const fileNameOf = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80) || 'accueil';

describe('Issue 13 quality gates: accessibility, phone layout and screenshots of every page', function () {
  this.timeout(900_000);

  let site: SeededSite;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Every problem found, by page and state: the tests assert each list is empty. */
  const problems = { axe: [] as string[], sideways: [] as string[], header: [] as string[], pageErrors: [] as string[] };
  const reached: string[] = [];

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    site = await startSeededSite();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.platform.close();
  });

  /** Runs every gate on the page as it is now, under `name`, at both sizes. */
  async function checkGates(page: Page, role: string, name: string, options: { fullPage: boolean }): Promise<void> {
    const where = `${role} ${name}`;
    const dir = join(SCREENSHOT_DIR, role);
    mkdirSync(dir, { recursive: true });
    for (const [size, viewport] of [
      ['1366', DESKTOP],
      ['390', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await waitForAppReady(page);
      for (const violation of await axeViolations(page)) problems.axe.push(`${where} @${size}: ${violation}`);
      if (size === '390') {
        const sidewaysPx = await sidewaysOverflowPx(page);
        if (sidewaysPx > 0) problems.sideways.push(`${where}: ${sidewaysPx}px too wide`);
        const headerPx = await headerHeightPx(page);
        if (headerPx > HEADER_MAX_HEIGHT_PX) problems.header.push(`${where}: header ${headerPx}px`);
      }
      await page.screenshot({ path: join(dir, `${fileNameOf(name)}-${size}.png`), fullPage: options.fullPage });
    }
    await page.setViewportSize(DESKTOP);
    reached.push(where);
  }

  async function walkAs(role: Walker, refreshToken: string | undefined): Promise<void> {
    const context = await browser.newContext({ baseURL: site.platform.url, locale: 'fr-FR', viewport: DESKTOP });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.pageErrors.push(`${role}: ${error.message}`));
    await startSession(page, refreshToken);
    await walkSite(page, {
      params: { slug: site.expert.slug, sponsor: site.expert.slug, id: site.nearAppointmentId },
      paramsByPattern: { '/admin/utilisateurs/:id': { id: site.expert.id } },
      check: async (visit) => {
        await checkGates(page, role, visit.landed, { fullPage: true });
        for (const disclosure of await distinctDisclosures(page)) {
          await settle(page, () => page.goto(visit.landed));
          if (await openDisclosure(page, disclosure)) await checkGates(page, role, `${visit.landed} ${disclosure.label}`, { fullPage: false });
        }
        // On a phone the header's links fold into a menu: its open state is a state of every page.
        if (visit.pattern === '/') {
          await page.setViewportSize(PHONE);
          await page.getByRole('button', { name: 'Menu' }).click();
          await checkGates(page, role, 'menu ouvert', { fullPage: false });
        }
      },
    });
  }

  it('signed out: home, sign-in, sign-up, the consultation page and the other public pages', async () => {
    await walkAs('visitor', undefined);
    expect(reached).to.include.members(['visitor /', 'visitor /connexion', 'visitor /inscription/client']);
    // The consultation page writes the visitor's choice into its address (`?mode=…`).
    expect(reached.some((where) => where.startsWith(`visitor /consultation/${site.expert.slug}`))).to.equal(true);
  });

  it('a client: the client area and its dialogs, the account sections', async () => {
    await walkAs('client', (await tokenFor(site.platform, site.client)).refreshToken);
    expect(reached).to.include.members([
      'client /compte',
      'client /compte/profil',
      'client /compte/securite',
      'client /compte/reclamations',
      'client /compte/donnees',
    ]);
  });

  it('an expert: the workspace and its sections, wallet, referrals, the account', async () => {
    await walkAs('expert', (await tokenFor(site.platform, site.expert)).refreshToken);
    expect(reached).to.include.members(['expert /espace', 'expert /espace/portefeuille', 'expert /parrainage', 'expert /compte']);
  });

  it('an admin: the console and each of its tabs, a user and the moderation dialogs', async () => {
    await walkAs('admin', (await tokenFor(site.platform, site.admin)).refreshToken);
    expect(reached).to.include.members([
      'admin /admin',
      'admin /admin/reclamations',
      'admin /admin/signalements',
      'admin /admin/messages',
      'admin /admin/frais',
      'admin /admin/journal',
      `admin /admin/utilisateurs/${site.expert.id}`,
    ]);
  });

  it('axe-core finds no violation on any page or state reached', () => {
    expect(problems.axe, problems.axe.join('\n')).to.deep.equal([]);
  });

  it('at 390×844 no page scrolls sideways', () => {
    expect(problems.sideways).to.deep.equal([]);
  });

  it(`at 390×844 the header is at most ${HEADER_MAX_HEIGHT_PX} px tall`, () => {
    expect(problems.header).to.deep.equal([]);
  });

  it('no page threw an error', () => {
    expect(problems.pageErrors).to.deep.equal([]);
  });
});
