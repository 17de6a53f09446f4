import { ApiError } from '../api.ts';
import { apiErrorMessage } from './errors.ts';

/**
 * An API error in words, a feature's own words first (`slot_taken` on the rescheduling dialog),
 * then the shared ones: a page never shows a raw code or the API's English developer message
 * when it knows better.
 */
export function errorInWords(error: unknown, words: (code: string) => string | undefined): string {
  if (error instanceof ApiError) {
    const known = words(error.code);
    if (known) return known;
  }
  return apiErrorMessage(error);
}
