import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { pricingRuleMessage } from './pricing-messages.ts';
import type { PricingBreakdown } from './workspace-api.ts';

/** Typing pauses this long before the server is asked. */
const PREVIEW_DELAY_MS = 300;
/** Answers kept for the page's life; beyond, the cache starts again (a bound on memory). */
const PREVIEW_CACHE_MAX = 200;

export type PreviewAnswer = { state: 'ready'; breakdown: PricingBreakdown } | { state: 'refused'; message: string } | { state: 'pending' };

/**
 * What the expert keeps, per rate and per package, as they type (EXP-4, EXP-5, BILL-7). Each
 * item is previewed alone through `POST /api/experts/me/pricing/preview`, so a package being
 * typed never hides the figures of the others, and each figure comes from the billing code,
 * never from a copy of the fee rule here. Items are keyed by their request body; an answer
 * already known is not asked again.
 */
export function usePricingPreview(bodies: readonly string[]): (body: string) => PreviewAnswer | undefined {
  const cache = useRef(new Map<string, PreviewAnswer>());
  const [, setVersion] = useState(0);
  const wanted = bodies.join('\n');
  useEffect(() => {
    const missing = bodies.filter((body) => !cache.current.has(body));
    if (missing.length === 0) return undefined;
    const timer = window.setTimeout(() => {
      for (const body of missing) {
        if (cache.current.size >= PREVIEW_CACHE_MAX) cache.current.clear();
        cache.current.set(body, { state: 'pending' });
        apiCall<PricingBreakdown>('POST', '/api/experts/me/pricing/preview', { json: JSON.parse(body) })
          .then(
            (breakdown) => cache.current.set(body, { state: 'ready', breakdown }),
            (error: unknown) => {
              if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
                cache.current.set(body, { state: 'refused', message: pricingRuleMessage(error.code) ?? apiErrorMessage(error) });
              } else {
                // A network failure is not an answer: the item is asked again at the next change.
                cache.current.delete(body);
              }
            },
          )
          .finally(() => setVersion((version) => version + 1));
      }
    }, PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [wanted]);
  return (body) => cache.current.get(body);
}
