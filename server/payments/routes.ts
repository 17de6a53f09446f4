import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Request, Response } from 'express';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError, badRequest, notFound, paymentRequired } from '../platform/errors.ts';
import type { PaymentsConfig } from '../config.ts';
import { LOCAL_TEST_CARDS, LocalPaymentProvider } from './local-provider.ts';
import { PaymentDeclinedError, WebhookSignatureError, type PaymentProvider, type ProviderEvent } from './provider.ts';

/** Webhook bodies are small JSON documents; anything bigger is not from the provider. */
export const WEBHOOK_BODY_LIMIT = '512kb';

export interface SavedCard {
  id: string;
  /** The provider's token the browser books with (PAY-7: a token, never a card number). */
  paymentMethod: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  createdAt: string;
}

const SAVED_CARD_COLUMNS = 'id, payment_method_ref, brand, last4, exp_month, exp_year, created_at';
type SavedCardRow = { id: string; payment_method_ref: string; brand: string; last4: string; exp_month: number; exp_year: number; created_at: Date };

function savedCard(row: SavedCardRow): SavedCard {
  return {
    id: row.id,
    paymentMethod: row.payment_method_ref,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * PAY-7 card routes: the browser confirms a card setup with the provider (Stripe Elements, or
 * the local test cards) and we keep the token, brand, last 4 digits and expiry; never a number.
 */
export function paymentRoutes(api: Api, deps: { db: Database; clock: Clock; provider: PaymentProvider; config: PaymentsConfig; developmentRoutes: boolean }) {
  const { db, clock, provider, config } = deps;
  const tag = 'payments';

  api.route(
    {
      method: 'get',
      path: '/api/payments/config',
      summary: 'Which payment provider the browser talks to (PAY-7), and its publishable key',
      tag,
      access: 'public',
    },
    () =>
      config.provider === 'stripe'
        ? { provider: 'stripe', publishableKey: config.publishableKey }
        : { provider: 'local', publishableKey: null, testCards: Object.values(LOCAL_TEST_CARDS) },
  );

  api.route(
    {
      method: 'post',
      path: '/api/payments/cards/setup',
      summary: 'Start saving a card (SetupIntent): the browser confirms it with the provider',
      tag,
      access: ['client'],
      successStatus: 201,
    },
    async ({ user }) => {
      const [customer] = await db.query<{ customer_ref: string }>('SELECT customer_ref FROM payment_customers WHERE user_id = $1 AND provider = $2', [
        user!.id,
        provider.name,
      ]);
      // Each request is a new card to save: a key of its own, so two setups never share one SetupIntent.
      const setup = await provider.createCardSetup({
        userId: user!.id,
        customerRef: customer?.customer_ref,
        idempotencyKey: `card-setup:${user!.id}:${randomUUID()}`,
      });
      await db.query('INSERT INTO payment_customers (user_id, provider, customer_ref) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING', [
        user!.id,
        provider.name,
        setup.customerRef,
      ]);
      return { setupRef: setup.setupRef, clientSecret: setup.clientSecret, provider: provider.name };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/payments/cards',
      summary: 'Keep a card the browser confirmed: token, brand, last 4 digits, expiry (PAY-7)',
      tag,
      access: ['client'],
      successStatus: 201,
      body: z.object({ setupRef: z.string().min(1).max(200) }),
    },
    async ({ user, body }) => {
      const [customer] = await db.query<{ customer_ref: string }>('SELECT customer_ref FROM payment_customers WHERE user_id = $1', [user!.id]);
      const result = await provider.retrieveCardSetup(body.setupRef);
      // Another client's setup is as unknown as a missing one.
      if (result.status !== 'succeeded' || result.customerRef !== customer?.customer_ref) {
        throw badRequest('card_setup_incomplete', 'This card setup is not confirmed.', 'setupRef');
      }
      // Keeping the same setup twice answers the card kept the first time.
      const [row] = await db.query<SavedCardRow>(
        `INSERT INTO saved_cards (user_id, provider, setup_ref, payment_method_ref, brand, last4, exp_month, exp_year, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (setup_ref) DO UPDATE SET setup_ref = EXCLUDED.setup_ref RETURNING ${SAVED_CARD_COLUMNS}`,
        [
          user!.id,
          provider.name,
          body.setupRef,
          result.card.paymentMethodRef,
          result.card.brand,
          result.card.last4,
          result.card.expMonth,
          result.card.expYear,
          clock.now(),
        ],
      );
      return savedCard(row!);
    },
  );

  api.route({ method: 'get', path: '/api/payments/cards', summary: 'My saved cards', tag, access: ['client'] }, async ({ user }) => {
    const rows = await db.query<SavedCardRow>(
      `SELECT ${SAVED_CARD_COLUMNS} FROM saved_cards WHERE user_id = $1 AND provider = $2 ORDER BY created_at DESC LIMIT 20`,
      [user!.id, provider.name],
    );
    return { cards: rows.map(savedCard) };
  });

  // PAY-6 local: the browser's side of the provider (3-D Secure, choosing a test card). Never in production.
  if (deps.developmentRoutes && provider instanceof LocalPaymentProvider) {
    api.route(
      {
        method: 'post',
        path: '/api/payments/local/holds/:ref/confirm',
        summary: "Development: the client's answer to the simulated 3-D Secure step of a hold",
        tag,
        access: ['client'],
        body: z.object({ outcome: z.enum(['succeeded', 'failed']).default('succeeded') }),
      },
      async ({ req, body, user }) => {
        const ref = String(req.params['ref']);
        // Only the client whose booking is waiting for this step may answer it.
        const [pending] = await db.query('SELECT 1 FROM pending_card_authentications WHERE hold_ref = $1 AND client_id = $2', [ref, user!.id]);
        if (!pending) throw notFound('Hold');
        await provider.completeAuthentication(ref, body.outcome);
        return { holdRef: ref, status: body.outcome === 'succeeded' ? 'authorised' : 'failed' };
      },
    );
    api.route(
      {
        method: 'post',
        path: '/api/payments/local/setups/:ref/confirm',
        summary: 'Development: confirm a card setup with one of the local test cards',
        tag,
        access: ['client'],
        body: z.object({ paymentMethod: z.string().min(1).max(100) }),
      },
      async ({ req, body, user }) => {
        const ref = String(req.params['ref']);
        // Only the client who started this setup may confirm it, like the holds route above.
        const [own] = await db.query(
          'SELECT 1 FROM local_card_setups s JOIN payment_customers c ON c.customer_ref = s.customer_ref WHERE s.id = $1 AND c.user_id = $2',
          [ref, user!.id],
        );
        if (!own) throw notFound('Card setup');
        try {
          await provider.confirmCardSetup(ref, body.paymentMethod);
        } catch (error) {
          if (error instanceof PaymentDeclinedError) throw paymentRequired(error.code, error.message);
          throw error;
        }
        return { setupRef: ref, status: 'succeeded' };
      },
    );
  }
}

/**
 * `POST /webhooks/stripe`: the signature is checked on the raw bytes (so this handler runs before
 * any JSON parser), the fact is recorded once by event id, and its meaning is decided by the
 * wallet's state machine. A forged signature is a 400 and changes nothing.
 */
export function webhookHandler(deps: {
  provider: PaymentProvider;
  record: (providerName: string, event: ProviderEvent) => Promise<{ duplicate: boolean }>;
  logger: Logger;
}) {
  return async (req: Request, res: Response): Promise<void> => {
    let event: ProviderEvent;
    try {
      const signature = req.headers['stripe-signature'];
      event = deps.provider.parseWebhook(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), typeof signature === 'string' ? signature : undefined);
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw new AppError(400, 'invalid_signature', 'The webhook signature does not verify.');
      throw error;
    }
    const { duplicate } = await deps.record(deps.provider.name, event);
    deps.logger.info({ eventId: event.id, type: event.providerType, duplicate }, 'payment webhook');
    res.status(200).json({ received: true, duplicate });
  };
}
