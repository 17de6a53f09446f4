import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError } from '../platform/errors.ts';
import type { Sessions } from '../accounts/sessions.ts';
import { readConsultation } from '../bookings/view.ts';
import type { ConsultationChangeSource } from './consultation-events.ts';

/**
 * BOOK-4: the push channel of open pages. `GET /api/events` is a server-sent event stream
 * (`text/event-stream`) authenticated like every API call (`Authorization: Bearer`, so the page
 * opens it with fetch, not EventSource). Events:
 * - `ready` `{serverTime}` once open;
 * - `consultation` the consultation as `GET /api/consultations/:id` gives it to this user, each time
 *   one of theirs is created or changes (a new immediate request reaches the expert's workspace,
 *   the client's page follows its request: accepted, live, declined, expired, with `requestExpiresAt`);
 * - `resync` changes may have been missed: read the lists again;
 * - `reconnect` the stream ends (its lifetime, or the session ended): open a new one with a fresh token.
 * A comment line every HEARTBEAT_INTERVAL_MS keeps reverse proxies from closing an idle stream;
 * `X-Accel-Buffering: no` stops nginx from buffering it.
 */
export const EVENTS_PATH = '/api/events';
/** Proxies commonly close a response idle for 60 s. */
const HEARTBEAT_INTERVAL_MS = 15_000;
/** A stream is re-opened this often, so it never outlives its access token (15 minutes, ACC-5). */
const STREAM_MAX_MS = 10 * 60_000;
/** What a page waits before reconnecting after a network error (the SSE `retry` field). */
const RECONNECT_AFTER_MS = 2000;
/** A person has a few tabs open; more streams than this is a leak or abuse. */
const MAX_STREAMS_PER_USER = 5;
/** What one node holds open at most. */
const MAX_STREAMS = 10_000;

export function eventStreamRoutes(
  api: Api,
  deps: { db: Database; sessions: Sessions; events: ConsultationChangeSource; logger: Logger },
): { openStreams(): number } {
  const { db, sessions, events, logger } = deps;
  const perUser = new Map<string, number>();
  let open = 0;

  api.route(
    {
      method: 'get',
      path: EVENTS_PATH,
      summary: 'BOOK-4: server-sent events of my consultations (new immediate requests, their acceptance, refusal and expiry, every status change)',
      tag: 'live',
      access: ['client', 'expert'],
    },
    async ({ req, res, user }) => {
      const streams = perUser.get(user!.id) ?? 0;
      if (open >= MAX_STREAMS || streams >= MAX_STREAMS_PER_USER)
        throw new AppError(429, 'too_many_streams', 'Too many open event streams; close another tab.');
      const accessToken = req.headers.authorization!.slice('Bearer '.length).trim();
      open += 1;
      perUser.set(user!.id, streams + 1);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      res.write(`retry: ${RECONNECT_AFTER_MS}\n\n`);
      send('ready', { serverTime: new Date().toISOString() });

      let closed = false;
      // One change after the other: a stream never shows an older state after a newer one.
      let queue = Promise.resolve();
      const end = (reason: 'lifetime' | 'session_ended') => {
        send('reconnect', { reason });
        res.end();
      };
      const unsubscribe = events.subscribeUser(user!.id, {
        change: (change) => {
          queue = queue
            .then(async () => {
              if (closed) return;
              // The session may have ended since the stream opened (logout, suspension): stop at once (ACC-5).
              try {
                await sessions.authenticate(accessToken);
              } catch {
                end('session_ended');
                return;
              }
              const view = await readConsultation(db, change.id, user!);
              if (view && !closed) send('consultation', view);
            })
            .catch((error: unknown) => logger.warn({ err: error, consultationId: change.id }, 'consultation event not delivered'));
        },
        resync: () => send('resync', {}),
      });
      const heartbeat = setInterval(() => {
        if (!res.writableEnded) res.write(': ping\n\n');
      }, HEARTBEAT_INTERVAL_MS);
      const lifetime = setTimeout(() => end('lifetime'), STREAM_MAX_MS);
      res.on('close', () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        unsubscribe();
        open -= 1;
        const left = (perUser.get(user!.id) ?? 1) - 1;
        if (left > 0) perUser.set(user!.id, left);
        else perUser.delete(user!.id);
      });
      return undefined;
    },
  );

  return { openStreams: () => open };
}
