/**
 * BOOK-6, BOOK-7, BOOK-8: how one appointment is known to calendar apps, whether they got it from
 * an email's .ics or from the subscription feed. Same UID everywhere, so the app keeps one event;
 * a SEQUENCE that grows with every change (each move bumps the schedule version, a cancellation
 * adds one), so the app takes the newest copy.
 */

export function consultationUid(consultationId: string, publicUrl: string): string {
  return `consultation-${consultationId}@${new URL(publicUrl).hostname}`;
}

/** The consultation's page, linked from every email and calendar event. */
export function consultationPageUrl(publicUrl: string, consultationId: string): string {
  return `${publicUrl}/consultations/${consultationId}`;
}

export function calendarSequence(scheduleVersion: number, cancelled: boolean): number {
  if (!Number.isSafeInteger(scheduleVersion) || scheduleVersion < 0) throw new RangeError(`schedule version ${scheduleVersion}`);
  return scheduleVersion + (cancelled ? 1 : 0);
}
