/** ACC-1: the version of the terms a user accepts is stored with the time of acceptance. */
export const TERMS_VERSION = '2026-11-01';
export const ADULT_AGE_YEARS = 18;
const OLDEST_PLAUSIBLE_AGE_YEARS = 120;

/** Full years between a `YYYY-MM-DD` birth date and a day, by the calendar (not 365-day years). */
export function ageInYears(birthDate: string, today: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const hadBirthdayThisYear = today.getUTCMonth() + 1 > month || (today.getUTCMonth() + 1 === month && today.getUTCDate() >= day);
  return today.getUTCFullYear() - year - (hadBirthdayThisYear ? 0 : 1);
}

export function isPlausibleAdultBirthDate(birthDate: string, today: Date): 'adult' | 'minor' | 'implausible' {
  const age = ageInYears(birthDate, today);
  if (age < 0 || age > OLDEST_PLAUSIBLE_AGE_YEARS) return 'implausible';
  return age >= ADULT_AGE_YEARS ? 'adult' : 'minor';
}
