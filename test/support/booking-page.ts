import type { Page } from 'playwright-core';

/** On the consultation page (French): picks a 15-minute package by its label, then the first free slot offered for its length. */
export async function choosePackageAndFirstSlot(page: Page, packageLabel: string): Promise<void> {
  const timing = page.getByLabel('Sur rendez-vous', { exact: true });
  if (await timing.count()) await timing.check();
  await page.getByLabel(packageLabel).check();
  await page.locator('.price-summary').getByText('15 min', { exact: false }).first().waitFor();
  const slotSelect = page.getByLabel(/^Créneau/);
  // The options are reloaded for the package's 15 minutes: wait for real start times.
  await page.waitForFunction(() => {
    const select = [...document.querySelectorAll('select')].find((candidate) => candidate.name === 'slot');
    return select !== undefined && [...select.options].some((option) => /^\d{4}-/.test(option.value));
  });
  const first = await slotSelect.locator('option[value^="2"]').first().getAttribute('value');
  await slotSelect.selectOption(first);
}

/** From the consultation page's booking panel to the next step of the flow (the account, or the payment for a signed-in client). */
export async function continueBooking(page: Page, nextHeading: 'Votre compte' | 'Confirmer et payer' = 'Confirmer et payer'): Promise<void> {
  await page
    .getByTestId('booking-panel')
    .getByRole('button', { name: /^(Continuer|Consulter maintenant)$/ })
    .click();
  await page.getByRole('heading', { level: 1, name: nextHeading }).waitFor();
}

/** BOOK-1's two commitments on the payment step. */
export async function acceptCommitments(page: Page): Promise<void> {
  await page.getByLabel(/J’accepte les conditions générales/).check();
  await page.getByLabel(/renonce à mon droit de rétractation/).check();
}

/** The payment step's main button ("Confirmer et bloquer 75,00 €"). */
export function payButton(page: Page) {
  return page.getByRole('button', { name: /^Confirmer et bloquer/ });
}
