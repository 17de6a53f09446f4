import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { readFileSync } from 'node:fs';
import { badRequest } from '../platform/errors.ts';

/** ACC-4: passwords are hashed with argon2id (OWASP's second profile: 19 MiB, t=2, p=1). */
/** `Algorithm.Argon2id`: the package declares the enum as a type only (const enum). */
const ARGON2ID = 2 as Algorithm;
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const commonPasswords = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean),
);

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

/**
 * A hash of no one's password: verifying against it when the email is unknown makes
 * an unknown email cost the same time as a wrong password (ACC-4, no enumeration).
 */
let decoyHash: Promise<string> | undefined;
export function verifyAgainstDecoy(password: string): Promise<boolean> {
  decoyHash ??= hashPassword('decoy-password-that-never-matches');
  return decoyHash.then((decoy) => verify(decoy, password + '\u0000'));
}

/**
 * ACC-4: at least 12 characters, not a common password (nor one padded with digits or
 * repeated), and not the account's own email or name.
 */
export function assertStrongPassword(password: string, personal: { email: string; firstName?: string; lastName?: string }): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest('password_too_short', `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`, 'password');
  }
  const lowered = password.toLowerCase();
  const withoutTrailingDigits = lowered.replace(/[\d!?.]+$/, '');
  const repeatedUnit = /^(.+?)\1+$/.exec(lowered)?.[1];
  if (
    commonPasswords.has(lowered) ||
    commonPasswords.has(withoutTrailingDigits) ||
    (repeatedUnit !== undefined && (repeatedUnit.length <= 3 || commonPasswords.has(repeatedUnit)))
  ) {
    throw badRequest('password_too_common', 'This password is too common; choose another one.', 'password');
  }
  const personalWords = [personal.email.split('@')[0], personal.email, personal.firstName, personal.lastName]
    .filter((word): word is string => !!word && word.length >= 4)
    .map((word) => word.toLowerCase());
  if (personalWords.some((word) => lowered === word || withoutTrailingDigits === word)) {
    throw badRequest('password_too_personal', 'The password must not be your email or your name.', 'password');
  }
}
