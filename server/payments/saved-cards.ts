import type { Queryable } from '../platform/database.ts';

/**
 * PAY-7: the provider's customer a client's saved card is attached to, or undefined for a token
 * that is not one of their saved cards (the local test cards). Every hold on a saved card names
 * it, because Stripe only charges an attached card together with its customer.
 */
export async function customerOfSavedCard(db: Queryable, clientId: string, paymentMethodRef: string): Promise<string | undefined> {
  const [row] = await db.query<{ customer_ref: string }>(
    `SELECT p.customer_ref FROM saved_cards s JOIN payment_customers p ON p.user_id = s.user_id AND p.provider = s.provider
      WHERE s.user_id = $1 AND s.payment_method_ref = $2 LIMIT 1`,
    [clientId, paymentMethodRef],
  );
  return row?.customer_ref;
}
