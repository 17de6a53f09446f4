import type { Page } from 'playwright-core';
import type { FakeStripe } from '../payments/fake-stripe.ts';
import { FAKE_STRIPE_JS } from '../payments/fake-stripe-js.ts';

export const STRIPE_JS_PATTERN = 'https://js.stripe.com/**';

/** What the page sent to our own server: PAY-7 tests read it for card numbers. */
export interface SentRequest {
  method: string;
  url: string;
  body: string;
}

/**
 * Puts Stripe in the page without the internet: js.stripe.com serves the fake Stripe.js and
 * api.stripe.com is answered by the FakeStripe server, with the CORS header Stripe's API sends.
 * The page's Content-Security-Policy still applies: the browser checks it before any route.
 * Returns the live list of every request the page sends to `ownOrigin`.
 */
export async function routeStripe(page: Page, fake: FakeStripe, ownOrigin: string): Promise<SentRequest[]> {
  await page.route(STRIPE_JS_PATTERN, (route) => route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: FAKE_STRIPE_JS }));
  await page.route('https://api.stripe.com/**', async (route) => {
    const { pathname, search } = new URL(route.request().url());
    const response = await route.fetch({ url: `${fake.url}${pathname}${search}` });
    await route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': '*' } });
  });
  const sent: SentRequest[] = [];
  const origin = new URL(ownOrigin).origin;
  page.on('request', (request) => {
    if (new URL(request.url()).origin === origin) sent.push({ method: request.method(), url: request.url(), body: request.postData() ?? '' });
  });
  return sent;
}
