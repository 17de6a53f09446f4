import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the platform reads, validated once at start.
 * Nothing else reads `process.env`. `.env.example` lists the same variables.
 */
const JWT_SECRET_MIN_LENGTH = 32;

/** `Name <address@host>` or a bare address; no line breaks (they would inject headers). */
const MAIL_FROM_PATTERN = /^(?:[^<>\r\n]{1,100} <[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  JWT_SECRET: z.string().min(JWT_SECRET_MIN_LENGTH, `must be at least ${JWT_SECRET_MIN_LENGTH} characters`).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO_ACCOUNTS: booleanFlag.optional(),
  REFERRAL_COMMISSION_PERCENT: z.coerce.number().int().min(0).max(100).default(10),
  REFERRAL_MONTHS: z.coerce.number().int().min(0).max(120).default(12),
  PAYMENT_PROVIDER: z.enum(['local']).default('local'),
  // §10: SMTP server for real email; without it emails go to the local mailbox in DATA_DIR.
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z
    .string()
    .regex(MAIL_FROM_PATTERN, 'must be an address, e.g. "Consulto <no-reply@example.com>" or no-reply@example.com')
    .default('Consulto <no-reply@consulto.localhost>'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  jwtSecret: string;
  logLevel: string;
  seedDemoAccounts: boolean;
  referral: { commissionPercent: number; months: number };
  paymentProvider: 'local';
  mail: { smtpUrl: string | undefined; from: string };
}

export class ConfigError extends Error {}

export function loadConfig(environment: Record<string, string | undefined>): Config {
  const blanksRemoved = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const variables = parsed.data;
  const production = variables.NODE_ENV === 'production';
  if (production && !variables.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }
  const dataDir = resolve(variables.DATA_DIR);
  return {
    env: variables.NODE_ENV,
    port: variables.PORT,
    publicUrl: (variables.PUBLIC_URL ?? `http://localhost:${variables.PORT}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl: variables.DATABASE_URL,
    jwtSecret: variables.JWT_SECRET ?? developmentJwtSecret(dataDir),
    logLevel: variables.LOG_LEVEL,
    seedDemoAccounts: variables.SEED_DEMO_ACCOUNTS ?? !production,
    referral: { commissionPercent: variables.REFERRAL_COMMISSION_PERCENT, months: variables.REFERRAL_MONTHS },
    paymentProvider: variables.PAYMENT_PROVIDER,
    mail: { smtpUrl: variables.SMTP_URL, from: variables.MAIL_FROM },
  };
}

/**
 * Outside production a missing JWT_SECRET is generated once and kept in DATA_DIR,
 * so sessions survive restarts and no secret ever lives in the code.
 */
function developmentJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
