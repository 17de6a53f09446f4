import { conflict } from '../platform/errors.ts';
import { isLateCancellation } from '../billing/index.ts';
import type { Party } from './state-machine.ts';
import { DEFERRED_HOLD_AFTER_DAYS, deferredHoldAt } from './rules.ts';

/**
 * BOOK-7 as pure rules: who may move an appointment how, when a proposal lapses, and what
 * becomes of the card hold (BOOK-3). The reschedule service asks; these answer.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** BOOK-7: a proposal waits this long at most for the client's answer, and never past the old start. */
export const PROPOSAL_TTL_HOURS = 24;

/** `move`: the appointment moves at once. `propose`: the client must accept first. */
export type RescheduleKind = 'move' | 'propose';

/**
 * BOOK-7: more than 48 h before the start either party moves the appointment at once; within
 * 48 h only the expert may, and only with the client's consent. The 48-hour boundary is BILL-10's
 * (`isLateCancellation`): a move is free exactly when a cancellation would be.
 */
export function rescheduleKind(party: Party, startAt: Date, now: Date): RescheduleKind {
  if (movesAtOnce(startAt, now)) return 'move';
  if (party === 'client') {
    throw conflict(
      'reschedule_window_closed',
      'Within 48 hours of the start only the expert can propose a new time, which you then accept or refuse (BOOK-7).',
      'startAt',
    );
  }
  return 'propose';
}

/** BOOK-7: can the appointment still be moved at once (by either party, the client included)? */
export function movesAtOnce(startAt: Date, now: Date): boolean {
  return !isLateCancellation((startAt.getTime() - now.getTime()) / HOUR_MS);
}

/** A proposal lapses after PROPOSAL_TTL_HOURS, at the appointment's start, or when the proposed time comes. */
export function proposalExpiresAt(now: Date, currentStartAt: Date, proposedStartAt: Date): Date {
  return new Date(Math.min(now.getTime() + PROPOSAL_TTL_HOURS * HOUR_MS, currentStartAt.getTime(), proposedStartAt.getTime()));
}

/**
 * What a move does to the card hold (BOOK-3), given when the current hold was placed (null: no
 * hold yet, a far appointment whose hold comes 24 h before its start):
 * - `keep`: the hold stays. A card authorisation lasts about a week, so a hold is kept only while
 *   the new start is within 6 days of its placement, the bound booking itself uses.
 * - `defer`: no hold until 24 h before the new start (an existing one is released): the far
 *   appointment's rule, now following the new start.
 * - `hold_now`: the new start is within 24 h and no usable hold exists: hold the saved card now,
 *   before the move, so the appointment is never within 24 h without a hold.
 */
export type HoldPlan = 'keep' | 'defer' | 'hold_now';

export function holdPlanAfterMove(input: { holdPlacedAt: Date | null; newStartAt: Date; now: Date }): HoldPlan {
  const { holdPlacedAt, newStartAt, now } = input;
  if (holdPlacedAt && newStartAt.getTime() - holdPlacedAt.getTime() <= DEFERRED_HOLD_AFTER_DAYS * DAY_MS) return 'keep';
  return deferredHoldAt(newStartAt) > now ? 'defer' : 'hold_now';
}
