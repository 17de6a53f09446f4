/**
 * BOOK-6: a minimal RFC 5545 calendar file for one appointment, written by hand because the
 * format is small and a dependency would add more than it saves. What matters for calendar
 * apps to accept it: CRLF line ends, lines folded at 75 octets, TEXT values escaped, UTC
 * times, a stable UID (an update or a cancellation replaces the same event) and DTSTAMP.
 */

const CRLF = '\r\n';
/** RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;
const MINUTE_MS = 60_000;
/** A consultation lasts at most 90 minutes (EXP-5); a calendar event is bounded by a day. */
const MAX_EVENT_MINUTES = 24 * 60;

export interface CalendarEvent {
  /** Stable across updates of the same appointment, globally unique (`…@host`). */
  uid: string;
  startAt: Date;
  durationMinutes: number;
  summary: string;
  description?: string;
  url?: string;
  location?: string;
  /** When the file was made (DTSTAMP). */
  stampedAt: Date;
  /** PUBLISH adds or updates the event; CANCEL removes it (with a higher sequence). */
  method?: 'PUBLISH' | 'CANCEL';
  sequence?: number;
}

/** One appointment of a subscription feed (BOOK-8): it stays in the feed when cancelled, marked so. */
export interface FeedEvent extends Omit<CalendarEvent, 'method'> {
  status: 'CONFIRMED' | 'CANCELLED';
  /** When the appointment last changed (LAST-MODIFIED); calendar apps compare it with their copy. */
  lastModifiedAt: Date;
}

export interface CalendarFeed {
  /** Shown as the calendar's name in Google, Outlook and Apple calendars (X-WR-CALNAME, NAME). */
  name: string;
  /** How often subscribers should fetch the feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  refreshMinutes: number;
  events: readonly FeedEvent[];
}

const CALENDAR_HEADER = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Consulto//Consultations//FR', 'CALSCALE:GREGORIAN'];

export function buildIcs(event: CalendarEvent): string {
  const method = event.method ?? 'PUBLISH';
  const lines = [...CALENDAR_HEADER, `METHOD:${method}`, ...eventLines({ ...event, status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED' }), 'END:VCALENDAR'];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/**
 * BOOK-8: a subscription feed, several events in one calendar object. No METHOD: a feed is a
 * published calendar, not an iTIP message (RFC 5546 would then require an ORGANIZER). Every
 * event keeps the UID and SEQUENCE of the emails' .ics, so an app that imported an email's file
 * and subscribes to the feed holds one event, not two.
 */
export function buildCalendarFeed(feed: CalendarFeed): string {
  if (!Number.isInteger(feed.refreshMinutes) || feed.refreshMinutes < 1) throw new RangeError(`refresh every ${feed.refreshMinutes} minutes`);
  const refresh = `PT${feed.refreshMinutes}M`;
  const lines = [
    ...CALENDAR_HEADER,
    `X-WR-CALNAME:${escapeText(feed.name)}`,
    `NAME:${escapeText(feed.name)}`,
    `REFRESH-INTERVAL;VALUE=DURATION:${refresh}`,
    `X-PUBLISHED-TTL:${refresh}`,
    ...feed.events.flatMap((event) => eventLines(event)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

function eventLines(event: Omit<CalendarEvent, 'method'> & { status: 'CONFIRMED' | 'CANCELLED'; lastModifiedAt?: Date }): string[] {
  if (!Number.isFinite(event.startAt.getTime())) throw new RangeError('calendar event without a valid start');
  if (!Number.isInteger(event.durationMinutes) || event.durationMinutes < 1 || event.durationMinutes > MAX_EVENT_MINUTES) {
    throw new RangeError(`calendar event of ${event.durationMinutes} minutes`);
  }
  const endAt = new Date(event.startAt.getTime() + event.durationMinutes * MINUTE_MS);
  return [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utcDateTime(event.stampedAt)}`,
    ...(event.lastModifiedAt ? [`LAST-MODIFIED:${utcDateTime(event.lastModifiedAt)}`] : []),
    `DTSTART:${utcDateTime(event.startAt)}`,
    `DTEND:${utcDateTime(endAt)}`,
    `SEQUENCE:${event.sequence ?? 0}`,
    `SUMMARY:${escapeText(event.summary)}`,
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    // URI values are not TEXT: no backslash escaping (RFC 5545 §3.3.13), but no line breaks either.
    ...(event.url ? [`URL:${event.url.replace(/[\r\n]/g, '')}`] : []),
    `STATUS:${event.status}`,
    'END:VEVENT',
  ];
}

/** RFC 5545 §3.3.11: backslash, semicolon and comma are escaped; a line break becomes `\n`. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** `20261123T090000Z`: DATE-TIME in UTC (form #2), which every calendar reads without a VTIMEZONE. */
export function utcDateTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * RFC 5545 §3.1: a long line is split into lines of at most 75 octets, each continuation
 * starting with one space. Splits fall between characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let currentOctets = 0;
  for (const character of line) {
    const octets = Buffer.byteLength(character, 'utf8');
    // Continuation lines lose one octet to the leading space.
    const limit = parts.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
    if (currentOctets + octets > limit) {
      parts.push(current);
      current = '';
      currentOctets = 0;
    }
    current += character;
    currentOctets += octets;
  }
  parts.push(current);
  return parts.join(CRLF + ' ');
}
