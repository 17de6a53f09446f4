import type { Page } from 'playwright-core';

/** On the consultation page (French): picks a 15-minute package by its label, then the first free slot offered for its length. */
export async function choosePackageAndFirstSlot(page: Page, packageLabel: string): Promise<void> {
  await page.getByLabel(packageLabel).check();
  await page.locator('.price-summary').getByText('15 min', { exact: false }).first().waitFor();
  const slotSelect = page.getByLabel(/^Créneau/);
  // The options are reloaded for the package's 15 minutes: wait for real start times.
  await page.waitForFunction(() => {
    const select = [...document.querySelectorAll('select')].find((candidate) => candidate.name === 'slot');
    return select !== undefined && [...select.options].some((option) => /^\d{4}-/.test(option.value));
  });
  const first = await slotSelect.locator('option[value^="2"]').first().getAttribute('value');
  await slotSelect.selectOption(first!);
}
