/**
 * The client area's API (issue 13, SPEC §11) with the server's own types, so the page and the
 * API cannot drift apart. Every amount and every "still possible" comes prepared by the server.
 */
import { apiCall } from '../../api.ts';
import type { PastConsultation, UpcomingConsultation } from '../../../../server/bookings/client-area.ts';
import type { RescheduleProposal } from '../../../../server/bookings/reschedule.ts';
import type { ReportReason } from '../../../../server/trust/reports.ts';

export type { PastConsultation, UpcomingConsultation } from '../../../../server/bookings/client-area.ts';
export type { RescheduleProposal } from '../../../../server/bookings/reschedule.ts';
export type { ReportReason } from '../../../../server/trust/reports.ts';

/** Past consultations are read this many at a time (the API allows up to 50). */
export const PAST_PAGE_SIZE = 10;
/** The slot picker shows this many days at a time. */
export const SLOT_WINDOW_DAYS = 7;

export function fetchUpcoming(): Promise<UpcomingConsultation[]> {
  return apiCall<{ consultations: UpcomingConsultation[] }>('GET', '/api/client-area/upcoming').then((answer) => answer.consultations);
}

export function fetchPast(before: string | null): Promise<{ consultations: PastConsultation[]; nextBefore: string | null }> {
  const query = new URLSearchParams({ limit: String(PAST_PAGE_SIZE) });
  if (before) query.set('before', before);
  return apiCall('GET', `/api/client-area/past?${query}`);
}

export interface FreeSlots {
  timeZone: string;
  minutes: number;
  slots: string[];
}

/** `from` is a date in the expert's zone (YYYY-MM-DD); undefined means today there. */
export function fetchSlots(slug: string, minutes: number, from: string | undefined): Promise<FreeSlots> {
  const query = new URLSearchParams({ days: String(SLOT_WINDOW_DAYS), minutes: String(minutes) });
  if (from) query.set('from', from);
  return apiCall('GET', `/api/experts/${encodeURIComponent(slug)}/slots?${query}`);
}

/** BOOK-7: 200 with the moved consultation (the client only moves at once, more than 48 h before). */
export function reschedule(consultationId: string, startAt: string): Promise<{ startAt: string }> {
  return apiCall('POST', `/api/consultations/${consultationId}/reschedule`, { json: { startAt } });
}

export function answerProposal(consultationId: string, proposal: RescheduleProposal, answer: 'accept' | 'refuse'): Promise<unknown> {
  return apiCall('POST', `/api/consultations/${consultationId}/reschedule-proposal/${answer}`, { json: { proposalId: proposal.id } });
}

/** BILL-10, BILL-11: the answer carries what the cancellation cost. */
export function cancelConsultation(consultationId: string): Promise<{ cancellationChargeCents: number | null }> {
  return apiCall('POST', `/api/consultations/${consultationId}/cancel`);
}

export function rateConsultation(consultationId: string, stars: number, comment: string): Promise<unknown> {
  return apiCall('POST', `/api/consultations/${consultationId}/review`, { json: { stars, comment: comment || undefined } });
}

export function fileConsultationComplaint(consultationId: string, comment: string): Promise<unknown> {
  return apiCall('POST', '/api/complaints', { json: { kind: 'consultation', consultationId, comment } });
}

export function reportExpert(expertSlug: string, reason: ReportReason, comment: string): Promise<unknown> {
  return apiCall('POST', '/api/reports', { json: { targetType: 'profile', expertSlug, reason, comment: comment || undefined } });
}

export interface CalendarFeed {
  url: string;
  webcalUrl: string;
}

/** BOOK-8: created on first ask. */
export function fetchCalendarFeed(): Promise<CalendarFeed> {
  return apiCall('GET', '/api/me/calendar');
}

export function rotateCalendarFeed(): Promise<CalendarFeed> {
  return apiCall('POST', '/api/me/calendar/rotate');
}
