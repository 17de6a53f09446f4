import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './passwords.ts';
import { EXPERT_CATEGORIES } from '../experts/categories.ts';
import { normalisePhoneNumber } from '../platform/phone.ts';

export const LANGUAGES = ['fr', 'en'] as const;
export const CIVILITIES = ['mr', 'ms', 'mx'] as const;
export const LEGAL_STATUSES = ['individual', 'sole_trader', 'company'] as const;

const email = z
  .email()
  .max(254)
  .transform((value) => value.trim().toLowerCase());
const password = z.string().max(PASSWORD_MAX_LENGTH);
const personName = z.string().trim().min(1).max(100);
const acceptTerms = z.literal(true, { error: 'The terms must be accepted.' });
export const isoDate = z.iso.date();
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code, e.g. FR');
export const phoneNumber = z
  .string()
  .max(30)
  .transform((value, context) => {
    const normalised = normalisePhoneNumber(value);
    if (!normalised) {
      // TEL-6: a clear code of its own, not only "invalid_request".
      context.addIssue({
        code: 'custom',
        message: 'must be a valid phone number, e.g. +33612345678 or 06 12 34 56 78',
        params: { code: 'invalid_phone_number' },
      });
      return z.NEVER;
    }
    return normalised;
  });

export const postalAddress = z.object({
  line1: z.string().trim().min(1).max(200),
  postalCode: z.string().trim().min(2).max(12),
  city: z.string().trim().min(1).max(100),
  country: countryCode,
});

export const registerClientBody = z.object({
  email,
  password,
  firstName: personName,
  lastName: personName,
  acceptTerms,
  language: z.enum(LANGUAGES).optional(),
});

/** SIRET: 14 digits with a Luhn checksum (INSEE). */
const siret = z
  .string()
  .transform((value) => value.replace(/\s/g, ''))
  .refine((value) => /^\d{14}$/.test(value) && luhnValid(value), 'must be a valid 14-digit SIRET');
/** Intra-EU VAT number: an EU prefix (EL for Greece, XI for Northern Ireland), then 2 to 12 characters; French ones fully checked. */
const VAT_PREFIXES = new Set('AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI'.split(' '));
const vatNumber = z
  .string()
  .transform((value) => value.replace(/[\s.-]/g, '').toUpperCase())
  .refine(
    (value) =>
      /^[A-Z]{2}[0-9A-Z]{2,12}$/.test(value) &&
      /\d{2}/.test(value) &&
      VAT_PREFIXES.has(value.slice(0, 2)) &&
      (!value.startsWith('FR') || /^FR[0-9A-Z]{2}\d{9}$/.test(value)),
    'must be an intra-EU VAT number, e.g. FR44732829320',
  );

export const registerExpertBody = z.object({
  email,
  password,
  firstName: personName,
  lastName: personName,
  birthDate: isoDate,
  civility: z.enum(CIVILITIES),
  status: z.enum(LEGAL_STATUSES),
  address: postalAddress,
  phoneLandline: phoneNumber,
  phoneMobile: phoneNumber,
  category: z.enum(EXPERT_CATEGORIES),
  certifyAdult: z.literal(true, { error: 'You must certify that you are an adult.' }),
  certifyLiabilityInsurance: z.literal(true, { error: 'You must certify that you hold professional liability insurance.' }),
  acceptTerms,
  vatNumber: vatNumber.optional(),
  siret: siret.optional(),
  sponsorSlug: z.string().max(120).optional(),
  language: z.enum(LANGUAGES).optional(),
});

export const loginBody = z.object({ email, password });
/** ACC-10: six digits; spaces a person types between them are ignored when comparing. */
export const verifyEmailBody = z.object({ code: z.string().trim().min(1).max(20) });
export const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) });
export const changePasswordBody = z.object({ currentPassword: password, newPassword: password });

export const updateMeBody = z
  .object({
    firstName: personName,
    lastName: personName,
    language: z.enum(LANGUAGES),
    civility: z.enum(CIVILITIES).nullable(),
    birthDate: isoDate.nullable(),
    phoneLandline: phoneNumber.nullable(),
    phoneMobile: phoneNumber.nullable(),
    address: postalAddress.nullable(),
    profession: z.string().trim().max(100).nullable(),
  })
  .partial()
  .strict();

export type RegisterClientInput = z.infer<typeof registerClientBody>;
export type RegisterExpertInput = z.infer<typeof registerExpertBody>;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
