import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_test_consulto_secret';
export const SECRET_KEY = 'sk_test_consulto_fake';

/** Stripe's own helper signs the payloads as Stripe would (t=…,v1=HMAC-SHA256). */
export function signedEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number; account?: string; secret?: string } = {}) {
  const payload = JSON.stringify({
    id: options.id ?? `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: options.created ?? Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    ...(options.account ? { account: options.account } : {}),
    data: { object },
  });
  const header = new Stripe(SECRET_KEY).webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET });
  return { payload, header };
}
