import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { notFound } from '../platform/errors.ts';
import { calendarFeedToken, calendarFeedUrls, feedOwner, rotateCalendarFeedToken } from './feed-tokens.ts';
import { renderCalendarFeed } from './feed.ts';

/** BOOK-8: the private calendar subscription address of each user, and the feed behind it. */
export function calendarRoutes(api: Api, deps: { db: Database; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;
  const tag = 'calendar';

  api.route(
    {
      method: 'get',
      path: '/api/me/calendar',
      summary: 'BOOK-8: my private calendar feed address (created on first ask): {url, webcalUrl}',
      tag,
      access: 'user',
    },
    async ({ user }) => calendarFeedUrls(publicUrl, await calendarFeedToken(db, user!.id, clock.now())),
  );

  api.route(
    { method: 'post', path: '/api/me/calendar/rotate', summary: 'BOOK-8: a new calendar feed address; the old one stops working at once', tag, access: 'user' },
    async ({ user }) => calendarFeedUrls(publicUrl, await rotateCalendarFeedToken(db, user!.id, clock.now())),
  );

  api.route(
    {
      method: 'get',
      path: '/api/calendar/:file',
      summary: 'BOOK-8: the calendar feed (text/calendar, read-only) at `<token>.ics`; the token is the only credential',
      tag,
      access: 'public',
    },
    async ({ req, res }) => {
      const match = /^(.+)\.ics$/.exec(String(req.params['file']));
      const owner = match ? await feedOwner(db, match[1]!) : undefined;
      if (!owner) throw notFound('Calendar');
      const feed = await renderCalendarFeed(db, owner, { now: clock.now(), publicUrl });
      res
        .type('text/calendar; charset=utf-8')
        // Private to its owner; calendar apps revalidate with the ETag Express adds.
        .set('Cache-Control', 'private, no-cache')
        .set('Content-Disposition', 'inline; filename="consulto.ics"')
        .set('X-Robots-Tag', 'noindex')
        .send(feed);
    },
  );
}
