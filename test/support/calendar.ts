import ICAL from 'ical.js';
import type { HttpClient } from './platform.ts';

/** An iCalendar event as a calendar app reads it, parsed by ical.js (BOOK-6, BOOK-7, BOOK-8). */
export interface ParsedEvent {
  uid: string;
  startAt: string;
  endAt: string;
  sequence: number;
  status: string;
  summary: string;
  url: string | null;
  dtstamp: string;
}

export interface ParsedCalendar {
  method: string | null;
  name: string | null;
  refreshInterval: string | null;
  events: ParsedEvent[];
}

/** Parses a whole iCalendar object with a real calendar library: anything malformed throws. */
export function parseCalendar(text: string): ParsedCalendar {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const value = (component: ICAL.Component, name: string) => {
    const found = component.getFirstPropertyValue(name);
    return found === null || found === undefined ? null : String(found);
  };
  return {
    method: value(calendar, 'method'),
    name: value(calendar, 'x-wr-calname'),
    refreshInterval: value(calendar, 'refresh-interval'),
    events: calendar.getAllSubcomponents('vevent').map((component) => {
      const event = new ICAL.Event(component);
      return {
        uid: event.uid,
        startAt: event.startDate.toJSDate().toISOString(),
        endAt: event.endDate.toJSDate().toISOString(),
        sequence: event.sequence,
        status: value(component, 'status') ?? '',
        summary: event.summary,
        url: value(component, 'url'),
        dtstamp: (component.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString(),
      };
    }),
  };
}

export interface MailboxMail {
  id: string;
  event: string;
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; content: string }[];
}

/** The local mailbox of a platform started with the real notifier (`/dev/mailbox.json`), newest first. */
export async function mailbox(http: HttpClient, filter: { to?: string; event?: string } = {}): Promise<MailboxMail[]> {
  const response = await http.get<{ messages: MailboxMail[] }>('/dev/mailbox.json');
  if (response.status !== 200) throw new Error(`mailbox: ${response.status}`);
  return response.body.messages.filter((mail) => (!filter.to || mail.to === filter.to) && (!filter.event || mail.event === filter.event));
}

/** The .ics attached to an email, parsed. */
export function calendarOf(mail: MailboxMail): ParsedCalendar {
  const attachment = mail.attachments.find((candidate) => candidate.filename.endsWith('.ics'));
  if (!attachment) throw new Error(`${mail.event} to ${mail.to} has no .ics`);
  return parseCalendar(attachment.content);
}
