import type { Page } from 'playwright-core';
import type { HttpClient } from './platform.ts';
import { emailedCode } from './fixtures.ts';

/**
 * ACC-10 in the browser: after "Créer mon compte", the signup page asks for the 6-digit code it
 * emailed; the test reads it from the development mailbox, as a person reads their inbox.
 */
export async function typeEmailedCode(
  page: Page,
  http: HttpClient,
  email: string,
  labels = { code: 'Code reçu par e-mail', submit: 'Vérifier mon adresse' },
): Promise<void> {
  const field = page.getByLabel(new RegExp(`^${labels.code}`));
  await field.waitFor();
  await field.fill(await emailedCode(http, email));
  await page.getByRole('button', { name: labels.submit }).click();
}
