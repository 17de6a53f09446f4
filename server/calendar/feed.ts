import type { Queryable } from '../platform/database.ts';
import { buildCalendarFeed, type FeedEvent } from '../notifications/ics.ts';
import { calendarSequence, consultationPageUrl, consultationUid } from '../notifications/calendar-identity.ts';
import { modeLabel, type Language } from '../notifications/format.ts';
import type { FeedOwner } from './feed-tokens.ts';

/** BOOK-8: a feed shows the appointments of the last 30 days and every later one… */
export const FEED_PAST_DAYS = 30;
/** …at most this many (a feed is fetched often; years of appointments are not its job). */
export const FEED_MAX_EVENTS = 1000;
/** How often calendar apps are asked to fetch it again (Google decides by itself, Apple and Outlook follow it). */
export const FEED_REFRESH_MINUTES = 15;
const DAY_MS = 24 * 60 * 60 * 1000;

interface FeedRow {
  id: string;
  status: string;
  mode: string;
  start_at: Date;
  reserved_minutes: number;
  schedule_version: number;
  last_modified_at: Date;
  expert_id: string;
  expert_name: string;
  client_name: string;
}

const NAMES: Record<Language, string> = { fr: 'Consulto – mes consultations', en: 'Consulto – my consultations' };

/**
 * The owner's appointments as an iCalendar feed: an expert sees all of theirs, a client theirs.
 * Each appointment keeps the UID and SEQUENCE of its emails' .ics (a move raises SEQUENCE, BOOK-7;
 * a cancellation stays in the feed as STATUS:CANCELLED so subscribed apps remove it).
 */
export async function renderCalendarFeed(db: Queryable, owner: FeedOwner, input: { now: Date; publicUrl: string }): Promise<string> {
  const rows = await db.query<FeedRow>(
    `SELECT c.id, c.status, c.mode, c.start_at, c.reserved_minutes, c.schedule_version, c.expert_id,
            GREATEST(c.created_at, c.rescheduled_at, c.cancelled_at, c.live_at, c.ended_at) AS last_modified_at,
            eu.first_name || ' ' || eu.last_name AS expert_name, cu.first_name || ' ' || cu.last_name AS client_name
       FROM consultations c JOIN users eu ON eu.id = c.expert_id JOIN users cu ON cu.id = c.client_id
      WHERE (c.expert_id = $1 OR c.client_id = $1) AND c.start_at IS NOT NULL AND c.start_at >= $2
      ORDER BY c.start_at, c.id LIMIT ${FEED_MAX_EVENTS}`,
    [owner.userId, new Date(input.now.getTime() - FEED_PAST_DAYS * DAY_MS)],
  );
  const events = rows.map((row): FeedEvent => {
    const cancelled = row.status === 'cancelled';
    const url = consultationPageUrl(input.publicUrl, row.id);
    const counterpart = row.expert_id === owner.userId ? row.client_name : row.expert_name;
    return {
      uid: consultationUid(row.id, input.publicUrl),
      startAt: row.start_at,
      durationMinutes: row.reserved_minutes,
      summary: `Consulto – ${counterpart}`,
      description: `${capitalised(modeLabel(row.mode, owner.language))}\n${url}`,
      url,
      // Without METHOD, DTSTAMP is when the event last changed in our store (RFC 5545 §3.8.7.2).
      stampedAt: row.last_modified_at,
      lastModifiedAt: row.last_modified_at,
      sequence: calendarSequence(row.schedule_version, cancelled),
      status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    };
  });
  return buildCalendarFeed({ name: NAMES[owner.language], refreshMinutes: FEED_REFRESH_MINUTES, events });
}

const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);
