/**
 * Quality gates of issue 13 for browser tests: axe-core finds no violation, the page never
 * scrolls sideways, the header stays one row (64 px at most), and a screenshot is kept for a
 * reviewer under `test-artifacts/screenshots/` (not compared pixel by pixel).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
export const HEADER_MAX_HEIGHT_PX = 64;

export const DESKTOP = { width: 1366, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2.x A/AA rules and best practices on the page as it is. The script is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
 * govern, so the page is checked under its real policy.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  });
  return violations.map(
    (violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}

/** How far the page scrolls sideways (0 when it does not). */
export function sidewaysOverflowPx(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** WCAG 2.5.5 / Apple's and Google's guidance: 44 px is the smallest comfortable target for a thumb. */
export const THUMB_TARGET_MIN_PX = 44;

/**
 * The buttons, button-like links, selects and switches of the page's main part shorter than a
 * thumb's target. A switch is taken with its label, which toggles it too.
 */
export function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((minimum) => {
    const controls = [...document.querySelectorAll<HTMLElement>('main button, main a.button, main select, main [role="switch"]')];
    // No named helpers in here: the test runner's transpiler would wrap them in a helper the page does not have.
    return controls
      .filter((control) => control.offsetParent !== null && !control.closest('[aria-hidden="true"]'))
      .map((control) => {
        const own = control.getBoundingClientRect();
        const label = control instanceof HTMLInputElement ? control.labels?.[0]?.getBoundingClientRect() : undefined;
        return { control, height: label ? Math.max(own.bottom, label.bottom) - Math.min(own.top, label.top) : own.height };
      })
      .filter((target) => target.height < minimum - 0.5)
      .map(
        ({ control, height }) =>
          `${control.tagName.toLowerCase()} “${(control.textContent || control.getAttribute('aria-label') || '').trim().slice(0, 40)}” ${Math.round(height)}px`,
      );
  }, THUMB_TARGET_MIN_PX);
}

export function headerHeightPx(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector('header')?.getBoundingClientRect().height ?? 0);
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize();
  const path = `${SCREENSHOT_DIR}${name}-${size?.width}x${size?.height}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
