import type { Announcement } from './provider.ts';

/** What the platform says into a conference, French first then English (the callers' languages are not known). */
export interface Speech {
  fr: string;
  en: string;
}

/** TEL-3, BILL-3, TEL-5: the words of each announcement, the same for Twilio and the simulator. */
export function speechOf(announcement: Announcement): Speech {
  switch (announcement.kind) {
    case 'budget_warning':
      // BILL-3 as amended: terms that buy 60 s or less are announced at the start with their length.
      return announcement.atStart
        ? {
            fr: `Cette consultation peut durer ${announcement.secondsLeft} secondes. L’appel sera coupé ensuite.`,
            en: `This consultation can last ${announcement.secondsLeft} seconds. The call ends after that.`,
          }
        : {
            fr: 'Il reste une minute de consultation. L’appel sera coupé à la fin du budget.',
            en: 'One minute of consultation left. The call ends when the budget is used up.',
          };
    case 'correspondent_left':
      return {
        fr: 'Votre correspondant a quitté l’appel. Il peut rappeler dans les deux minutes ; vous pouvez patienter ou raccrocher.',
        en: 'Your correspondent has left the call. They may call back within two minutes; you may wait or hang up.',
      };
  }
}

/** The announcement as a query string (Twilio fetches the TwiML to play from a URL). */
export function announcementQuery(announcement: Announcement): URLSearchParams {
  return announcement.kind === 'budget_warning'
    ? new URLSearchParams({ announce: announcement.kind, seconds: String(announcement.secondsLeft), atStart: announcement.atStart ? '1' : '0' })
    : new URLSearchParams({ announce: announcement.kind });
}

/** The announcement a query names, or undefined for anything else (a URL we never gave out). */
export function announcementFromQuery(query: Record<string, unknown>): Announcement | undefined {
  if (query['announce'] === 'correspondent_left') return { kind: 'correspondent_left' };
  if (query['announce'] !== 'budget_warning') return undefined;
  const secondsLeft = Number(query['seconds']);
  if (!Number.isSafeInteger(secondsLeft) || secondsLeft < 0 || secondsLeft > 24 * 60 * 60) return undefined;
  return { kind: 'budget_warning', secondsLeft, atStart: query['atStart'] === '1' };
}
