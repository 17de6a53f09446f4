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
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, waitForAppReady } from '../support/browser.ts';
import { startSeededSite, tokenFor, type SeededSite } from '../support/seeded-site.ts';
import { distinctDisclosures, openDisclosure, settle, startSession, walkSite } from '../support/site-walk.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
const SCREENSHOTS_DIR = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Issue 13: on a phone the header stays one row. */
const PHONE_HEADER_MAX_PX = 64;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** A state of a page that a walk cannot reach by itself: `open` brings `page` into it. */
interface PageState {
  name: string;
  role: 'visitor' | 'client' | 'expert' | 'admin';
  open: (page: Page, site: SeededSite) => Promise<void>;
}

/**
 * The call screen's states, "in a call" and "on the end screen", join the gates here when the
 * call-screen work lands: each opens the state (a live consultation, then its end) in `page`.
 */
export const CALL_SCREEN_STATES: PageState[] = [];

async function axeViolations(page: Page): Promise<Violation[]> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy does not apply to it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  });
}

async function phoneLayout(page: Page): Promise<{ scrollWidth: number; headerHeight: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    headerHeight: document.querySelector('.site-header')?.getBoundingClientRect().height ?? 0,
  }));
}

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
    const dir = join(SCREENSHOTS_DIR, role);
    mkdirSync(dir, { recursive: true });
    for (const [size, viewport] of [['1366', DESKTOP], ['390', PHONE]] as const) {
      await page.setViewportSize(viewport);
      await waitForAppReady(page);
      for (const violation of await axeViolations(page)) problems.axe.push(`${where} @${size}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.targets.join(', ')}`);
      if (size === '390') {
        const layout = await phoneLayout(page);
        if (layout.scrollWidth > PHONE.width) problems.sideways.push(`${where}: ${layout.scrollWidth}px wide`);
        if (layout.headerHeight > PHONE_HEADER_MAX_PX) problems.header.push(`${where}: header ${layout.headerHeight}px`);
      }
      await page.screenshot({ path: join(dir, `${fileNameOf(name)}-${size}.png`), fullPage: options.fullPage });
    }
    await page.setViewportSize(DESKTOP);
    reached.push(where);
  }

  async function walkAs(role: PageState['role'], refreshToken: string | undefined): Promise<void> {
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
    expect(reached).to.include.members(['visitor /', 'visitor /connexion', 'visitor /inscription/client', `visitor /consultation/${site.expert.slug}`]);
  });

  it('a client: the client area and its dialogs, the account sections', async () => {
    await walkAs('client', (await tokenFor(site.platform, site.client)).refreshToken);
    expect(reached).to.include.members(['client /compte', 'client /compte/profil', 'client /compte/securite', 'client /compte/reclamations', 'client /compte/donnees']);
  });

  it('an expert: the workspace and its sections, wallet, referrals, the account', async () => {
    await walkAs('expert', (await tokenFor(site.platform, site.expert)).refreshToken);
    expect(reached).to.include.members(['expert /espace', 'expert /portefeuille', 'expert /parrainage', 'expert /compte']);
  });

  it('an admin: the console and each of its tabs, a user and the moderation dialogs', async () => {
    await walkAs('admin', (await tokenFor(site.platform, site.admin)).refreshToken);
    expect(reached).to.include.members(['admin /admin', 'admin /admin/reclamations', 'admin /admin/signalements', 'admin /admin/messages', 'admin /admin/frais', 'admin /admin/journal', `admin /admin/utilisateurs/${site.expert.id}`]);
  });

  describe('in a call and on the end screen', () => {
    for (const state of CALL_SCREEN_STATES) {
      it(`${state.role}: ${state.name}`, async () => {
        const context = await browser.newContext({ baseURL: site.platform.url, locale: 'fr-FR', viewport: DESKTOP });
        contexts.push(context);
        const page = await context.newPage();
        await state.open(page, site);
        await checkGates(page, state.role, state.name, { fullPage: false });
      });
    }
  });

  it('axe-core finds no violation on any page or state reached', () => {
    expect(problems.axe, problems.axe.join('\n')).to.deep.equal([]);
  });

  it('at 390×844 no page scrolls sideways', () => {
    expect(problems.sideways).to.deep.equal([]);
  });

  it(`at 390×844 the header is at most ${PHONE_HEADER_MAX_PX} px tall`, () => {
    expect(problems.header).to.deep.equal([]);
  });

  it('no page threw an error', () => {
    expect(problems.pageErrors).to.deep.equal([]);
  });
});
