import { invariant } from './errors.ts';

/**
 * Integer-only arithmetic for cents: no floating-point fraction is ever
 * rounded, so results are exact and the same on every machine.
 * Inputs and intermediate products must be safe integers (< 2^53); the
 * callers keep them small through the limits in `constants.ts`.
 */

/** floor(numerator / denominator) for numerator ≥ 0, denominator > 0. */
export function floorDiv(numerator: number, denominator: number): number {
  invariant(Number.isSafeInteger(numerator) && numerator >= 0, `floorDiv numerator ${numerator} is not a safe non-negative integer`);
  invariant(Number.isSafeInteger(denominator) && denominator > 0, `floorDiv denominator ${denominator} is not a safe positive integer`);
  // `%` on safe integers is exact, and so is the division of the exact multiple that remains.
  return (numerator - (numerator % denominator)) / denominator;
}

/** SPEC §6 "round": half up to the integer, round(n / d) = floor((2n + d) / (2d)). */
export function roundHalfUpDiv(numerator: number, denominator: number): number {
  invariant(Number.isSafeInteger(numerator) && numerator >= 0, `roundHalfUpDiv numerator ${numerator} is not a safe non-negative integer`);
  invariant(Number.isSafeInteger(denominator) && denominator > 0, `roundHalfUpDiv denominator ${denominator} is not a safe positive integer`);
  return floorDiv(2 * numerator + denominator, 2 * denominator);
}

/** Product of two non-negative safe integers, refusing a result that would lose precision. */
export function multiply(a: number, b: number): number {
  const product = a * b;
  invariant(Number.isSafeInteger(product) && product >= 0, `${a} × ${b} is not a safe non-negative integer`);
  return product;
}

export function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
