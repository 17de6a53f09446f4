/**
 * Issue 13: switching language mid-form keeps every typed and chosen value, on every form of the
 * web client, because pages re-render from state (no DOM snapshot and restore). The test finds
 * the forms by itself: it walks every route of `client/src/routes.ts` as a visitor, a client, an
 * expert and an admin (see test/support/site-walk.ts), opens every dialog and collapsed part of
 * each page, fills every text field and picks a non-default choice in every select, radio group
 * and checkbox, switches to English and back, and checks that everything is still there.
 * Needs the built client: `npm run build:client && npx mocha test/quality/forms-keep-values.test.ts`.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, waitForAppReady } from '../support/browser.ts';
import { TINY_PNG } from '../support/fixtures.ts';
import { startSeededSite, tokenFor, type SeededSite } from '../support/seeded-site.ts';
import { distinctDisclosures, openDisclosure, settle, startSession, walkSite } from '../support/site-walk.ts';

const CLIENT_BUILD = new URL('../../client/dist/index.html', import.meta.url);
/** A form that reveals controls as it is filled (a choice shows more fields) settles within this many rounds. */
const FILL_ROUNDS_MAX = 4;
/** A language switch is a re-render: it is done well within this. */
const LANGUAGE_SWITCH_TIMEOUT_MS = 5000;

/** What a control holds: its value, or whether it is ticked, or how many files it has. */
interface ControlDescription {
  key: string;
  tag: 'input' | 'select' | 'textarea';
  type: string;
  min: string;
}

/**
 * Every fillable control of the open dialog, or of the page when none is open, with a key that
 * survives a re-render: its name and its rank among controls of that name (radios by value).
 */
function describeControls(): ControlDescription[] {
  const scope = document.querySelector('dialog[open]') ?? document.querySelector('main')!;
  const counts = new Map<string, number>();
  const described: ControlDescription[] = [];
  for (const control of scope.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')) {
    const type = control instanceof HTMLInputElement ? control.type : control.tagName.toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    if (control.disabled || (control as HTMLInputElement).readOnly || control.closest('[hidden]') || control.getClientRects().length === 0) continue;
    if (control instanceof HTMLSelectElement && control.multiple) continue;
    const base = control.name || `(${control.tagName.toLowerCase()} ${type})`;
    const rankName = type === 'radio' ? `${base}=${control.value}` : base;
    const rank = counts.get(rankName) ?? 0;
    counts.set(rankName, rank + 1);
    const key = `${rankName}#${rank}`;
    control.setAttribute('data-walk-key', key);
    described.push({
      key,
      tag: control.tagName.toLowerCase() as ControlDescription['tag'],
      type,
      min: (control as HTMLInputElement).min ?? '',
    });
  }
  return described;
}

/** The values of the same controls, read back by key. */
function readControls(): Record<string, string> {
  const scope = document.querySelector('dialog[open]') ?? document.querySelector('main')!;
  const counts = new Map<string, number>();
  const values: Record<string, string> = {};
  for (const control of scope.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')) {
    const type = control instanceof HTMLInputElement ? control.type : control.tagName.toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    if (control.disabled || (control as HTMLInputElement).readOnly || control.closest('[hidden]') || control.getClientRects().length === 0) continue;
    if (control instanceof HTMLSelectElement && control.multiple) continue;
    const base = control.name || `(${control.tagName.toLowerCase()} ${type})`;
    const rankName = type === 'radio' ? `${base}=${control.value}` : base;
    const rank = counts.get(rankName) ?? 0;
    counts.set(rankName, rank + 1);
    const input = control as HTMLInputElement;
    values[`${rankName}#${rank}`] =
      type === 'checkbox' || type === 'radio'
        ? input.checked
          ? 'checked'
          : 'unchecked'
        : type === 'file'
          ? `${input.files?.length ?? 0} file(s)`
          : control.value;
  }
  return values;
}

describe('Issue 13: every form keeps what was typed and chosen across a language switch', function () {
  this.timeout(600_000);

  let site: SeededSite;
  let browser: Browser;
  let scratchDir: string;
  let photoPath: string;
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(CLIENT_BUILD)) throw new Error('client/dist is missing: run `npm run build:client` first.');
    site = await startSeededSite();
    browser = await launchBrowser();
    scratchDir = mkdtempSync(join(tmpdir(), 'consulto-forms-'));
    photoPath = join(scratchDir, 'photo.png');
    writeFileSync(photoPath, TINY_PNG);
  });

  after(async () => {
    await browser?.close();
    await site?.platform.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  });

  /** A valid value that is not the control's default, by the kind of control. */
  function valueFor(control: ControlDescription, ordinal: number): string {
    switch (control.type) {
      case 'email':
        return `walker${ordinal}@example.com`;
      case 'tel':
        return '+33 6 12 34 56 78';
      case 'password':
        return `une phrase de passe ${ordinal}`;
      case 'date':
        return control.min && control.min > '2031-05-17' ? control.min : '2031-05-17';
      case 'datetime-local':
        return '2031-05-17T10:30';
      case 'time':
        return '10:30';
      case 'number':
        return control.min ? String(Number(control.min) + 1) : '7';
      case 'url':
        return `https://example.com/${ordinal}`;
      case 'search':
        return `recherche ${ordinal}`;
      default:
        return `Valeur ${ordinal}`;
    }
  }

  /** Fills what is new on screen until filling reveals nothing more; returns the keys it filled. */
  async function fillEverything(page: Page, where: string): Promise<Set<string>> {
    const filled = new Set<string>();
    for (let round = 0; round < FILL_ROUNDS_MAX; round++) {
      const controls = (await page.evaluate(describeControls)).filter((control) => !filled.has(control.key));
      if (controls.length === 0) break;
      for (const control of controls) {
        // A choice made earlier in this round may have removed this control (a radio that hides a field).
        const element = page.locator(`[data-walk-key="${control.key}"]`);
        if ((await element.count()) !== 1 || !(await element.isVisible().catch(() => false))) continue;
        filled.add(control.key);
        const ordinal = filled.size;
        if (control.tag === 'select') {
          const options = await element.evaluate((select: HTMLSelectElement) => ({
            current: select.value,
            values: [...select.options].filter((option) => !option.disabled).map((option) => option.value),
          }));
          const choice = [...options.values].reverse().find((value) => value !== '' && value !== options.current);
          if (choice !== undefined) await settle(page, () => element.selectOption(choice));
        } else if (control.type === 'checkbox' || control.type === 'radio') {
          if (control.type === 'radio' && (await element.isChecked())) continue;
          // The element's own activation, as a tap on it or its label gives: pages style choices with the
          // input or the label on top, and either intercepts a pointer aimed at the other.
          await settle(page, () => element.evaluate((input: HTMLInputElement) => input.click()));
        } else if (control.type === 'file') {
          await element.setInputFiles(photoPath);
        } else {
          await element.fill(valueFor(control, ordinal));
        }
      }
      // Text typed in one control may reformat another on blur: read back only when nothing moves.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    }
    expect(filled.size, `nothing to fill on ${where}`).to.be.greaterThan(0);
    return filled;
  }

  async function switchLanguage(page: Page, to: 'en' | 'fr'): Promise<void> {
    // A modal dialog makes the header inert for the pointer; the switch is pressed as a script would.
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('.language-switch')!.click());
    await page.waitForFunction((language) => document.documentElement.lang === language, to, { timeout: LANGUAGE_SWITCH_TIMEOUT_MS });
    await waitForAppReady(page);
  }

  /**
   * Fills the current state of the page, switches language twice, and returns what did not stay
   * (`where: control typed → after the switch`), so one walk reports every form that loses values.
   */
  async function checkState(page: Page, where: string): Promise<string[]> {
    const filled = await fillEverything(page, where);
    const typed = await page.evaluate(readControls);
    const expected = Object.fromEntries(Object.entries(typed).filter(([key]) => filled.has(key)));
    const lost: string[] = [];
    for (const language of ['en', 'fr'] as const) {
      try {
        await switchLanguage(page, language);
      } catch (error) {
        lost.push(`${where}: switching to ${language} failed (${(error as Error).message.split('\n')[0]})`);
        break;
      }
      const after = await page.evaluate(readControls);
      for (const [key, value] of Object.entries(expected)) {
        if (after[key] !== value)
          lost.push(`${where}, after switching to ${language}: ${key} was ${JSON.stringify(value)}, is ${JSON.stringify(after[key] ?? null)}`);
      }
      if (lost.length > 0) break;
    }
    // The next page starts in French whatever happened here.
    if ((await page.evaluate(() => document.documentElement.lang)) !== 'fr') await switchLanguage(page, 'fr').catch(() => undefined);
    return lost;
  }

  /** Walks the site as `role`; returns the states checked and every value lost on the way. */
  async function walkAs(role: string, refreshToken: string | undefined): Promise<{ checked: string[]; lost: string[] }> {
    const context = await browser.newContext({ baseURL: site.platform.url, locale: 'fr-FR' });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${role}: ${error.message}`));
    await startSession(page, refreshToken);
    const checked: string[] = [];
    const lost: string[] = [];
    await walkSite(page, {
      params: { slug: site.expert.slug, sponsor: site.expert.slug, id: site.nearAppointmentId },
      paramsByPattern: { '/admin/utilisateurs/:id': { id: site.expert.id } },
      check: async (visit) => {
        const disclosures = await distinctDisclosures(page);
        if ((await page.evaluate(describeControls)).length > 0) {
          lost.push(...(await checkState(page, `${role} ${visit.landed}`)));
          checked.push(visit.landed);
        }
        for (const disclosure of disclosures) {
          // Drawn afresh: filling the page itself may have changed what it offers (a filter, a switch).
          await settle(page, () => page.goto(visit.landed));
          if (!(await openDisclosure(page, disclosure))) continue;
          if ((await page.evaluate(describeControls)).length === 0) continue;
          lost.push(...(await checkState(page, `${role} ${visit.landed} → ${disclosure.label}`)));
          checked.push(`${visit.landed} → ${disclosure.label}`);
        }
      },
    });
    return { checked, lost };
  }

  it('signed out: sign-in, sign-up, consultation page and booking', async () => {
    const { checked, lost } = await walkAs('visitor', undefined);
    expect(checked).to.include.members(['/connexion', '/inscription/client', '/inscription/expert']);
    // The consultation page writes the visitor's choice into its address (`?mode=…`).
    expect(checked.some((where) => where.startsWith(`/consultation/${site.expert.slug}?`))).to.equal(true);
    expect(lost, lost.join('\n')).to.deep.equal([]);
  });

  it('a client: client area (reschedule, cancel, rate, complain, report), profile, password, complaints, data', async () => {
    const { checked, lost } = await walkAs('client', (await tokenFor(site.platform, site.client)).refreshToken);
    expect(checked).to.include.members([
      '/compte/profil',
      '/compte/securite',
      '/compte/reclamations',
      '/compte → Déplacer',
      '/compte → Noter',
      '/compte → Signaler',
    ]);
    expect(lost, lost.join('\n')).to.deep.equal([]);
  });

  it('an expert: workspace and its sections, wallet, referrals, account', async () => {
    const { checked, lost } = await walkAs('expert', (await tokenFor(site.platform, site.expert)).refreshToken);
    expect(checked).to.include.members(['/compte', '/compte/securite']);
    expect(lost, lost.join('\n')).to.deep.equal([]);
  });

  it('an admin: the console and each of its lists, a user, account', async () => {
    const { checked, lost } = await walkAs('admin', (await tokenFor(site.platform, site.admin)).refreshToken);
    expect(checked).to.include.members(['/admin', '/admin/messages', '/admin/frais', '/admin/journal', `/admin/utilisateurs/${site.expert.id} → Suspendre`]);
    expect(lost, lost.join('\n')).to.deep.equal([]);
  });

  it('threw no error in any page', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
