import { formatMoney } from '../i18n/index.ts';

/**
 * Left from the old expert workspace only because `account-consultations.ts` (the client area,
 * being ported in parallel) still imports it; delete it with that file.
 */
export const money = formatMoney;
