/**
 * The two kinds of failure in money code (STYLE: "an assertion failure is a bug
 * and stops the operation; an expected problem is a typed error the caller
 * handles").
 *
 * - `BillingRuleError`: a value that a person chose (a client's budget, the
 *   seconds of a quote, an expert's rates and packages, a discount code) breaks
 *   a rule. The HTTP error handler turns it into a 400 with `code` and `param`.
 * - `InvariantViolation`: a value that only our own code or configuration
 *   produces is impossible (negative fee, fractional cents in frozen terms), or
 *   a post-condition failed. It is a bug: never catch it to carry on.
 */

export type BillingRuleCode =
  | 'invalid_amount'
  | 'invalid_seconds'
  | 'invalid_hours'
  | 'invalid_country'
  | 'invalid_discount'
  | 'invalid_mode'
  | 'budget_too_small'
  | 'budget_too_large'
  | 'discount_too_large'
  | 'rate_out_of_range'
  | 'rate_not_above_fee'
  | 'package_minutes_out_of_range'
  | 'package_price_not_above_fee'
  | 'package_price_too_high'
  | 'too_many_packages'
  | 'refund_too_large';

export class BillingRuleError extends Error {
  override readonly name = 'BillingRuleError';
  readonly code: BillingRuleCode;
  /** Dotted path of the offending field, as in the public error shape (`packages.2.minutes`). */
  readonly param: string | undefined;

  constructor(code: BillingRuleCode, message: string, param?: string) {
    super(message);
    this.code = code;
    this.param = param;
  }
}

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';

  constructor(message: string) {
    super(`Billing invariant violated: ${message}`);
  }
}

/** Asserts a pre- or post-condition of money code; failing means a bug, so it throws `InvariantViolation`. */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}
