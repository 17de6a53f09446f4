import { randomBytes } from 'node:crypto';
import { cpus, hostname } from 'node:os';
import { isIP } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { z } from 'zod';
import type { MediaConfig } from '../media/service.ts';
import { SIGNALING_PATH } from '../media/signaling/messages.ts';
import type { TelephonyConfig } from './telephony/index.ts';

/**
 * Every environment variable the platform reads, validated once at start.
 * Nothing else reads `process.env`. `.env.example` lists the same variables.
 */
const JWT_SECRET_MIN_LENGTH = 32;
/** PAY-4: identity documents are encrypted with AES-256-GCM, whose key is 32 bytes. */
const DOCUMENTS_KEY_BYTES = 32;

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
  PAYMENT_PROVIDER: z.enum(['local', 'stripe']).default('local'),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9_]+$/, 'must be a Stripe webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe publishable key (pk_test_… or pk_live_…)')
    .optional(),
  STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  DOCUMENTS_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === DOCUMENTS_KEY_BYTES, `must be ${DOCUMENTS_KEY_BYTES} bytes encoded in base64`)
    .optional(),
  KYC_AUTO_VALIDATE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(30),
  // TEL-1 / §12: the three Twilio variables switch phone consultations from the simulator to Twilio.
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC followed by 32 hex digits)')
    .optional(),
  TWILIO_AUTH_TOKEN: z
    .string()
    .regex(/^[0-9a-zA-Z]{32}$/, 'must be a Twilio auth token (32 letters and digits)')
    .optional(),
  TWILIO_FROM_NUMBER: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be a Twilio phone number in E.164 form, e.g. +33180000000')
    .optional(),
  TWILIO_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  // §10: SMTP server for real email; without it emails go to the local mailbox in DATA_DIR.
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z
    .string()
    .regex(MAIL_FROM_PATTERN, 'must be an address, e.g. "Consulto <no-reply@example.com>" or no-reply@example.com')
    .default('Consulto <no-reply@consulto.localhost>'),
  // MEDIA-1…4: mediasoup. Without an announced address the SFU serves loopback only (development).
  MEDIASOUP_ANNOUNCED_IP: z
    .string()
    .refine((value) => isIP(value) !== 0 || /^[A-Za-z0-9.-]{1,253}$/.test(value), 'must be an IP address or a host name')
    .optional(),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(256).default(Math.max(1, cpus().length)),
  MEDIASOUP_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(40000),
  MEDIASOUP_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  // Scale out: what this process runs (`all`: everything in one process, as `npm start`).
  CONSULTO_ROLE: z.enum(['all', 'api', 'media']).default('all'),
  // The node's name in the cluster's tables (media_nodes, phone leases); stable across restarts.
  // Default: `local` for CONSULTO_ROLE=all, else host:PORT.
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, dots, colons, dashes or underscores')
    .optional(),
  // A media node's signaling WebSocket as browsers reach it: a ws(s):// URL, or a path on the page's own
  // origin (default /media/ws: the process itself, behind whatever host name the browser used).
  MEDIA_SIGNALING_URL: z
    .union([z.url({ protocol: /^wss?$/ }), z.string().regex(/^\/[A-Za-z0-9._~/-]{0,200}$/)], {
      error: 'must be a ws:// or wss:// URL, or a path such as /media/nodes/media-1/ws',
    })
    .optional(),
  // Video rooms a media node accepts before placement prefers others (and then refuses it).
  MEDIA_CAPACITY: z.coerce.number().int().min(1).max(100_000).default(500),
  // GET /metrics asks for `Authorization: Bearer <token>` when set; unset, it is open (keep it private).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
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
  payments: PaymentsConfig;
  /** PAY-4: AES-256-GCM key of the identity documents at rest. */
  documentsEncryptionKey: Buffer;
  mail: { smtpUrl: string | undefined; from: string };
  /** TEL-1 / TEL-4: Twilio when its variables are set, else the local telephony simulator. */
  telephony: TelephonyConfig;
  /** MEDIA-1…4: the SFU's workers, addresses and ports. */
  media: MediaConfig;
  /** Scale out: this node's role and name, and how browsers reach its signaling when it runs media. */
  cluster: ClusterConfig;
  /** Bearer token of GET /metrics; undefined leaves it open. */
  metricsToken: string | undefined;
}

export type NodeRole = 'all' | 'api' | 'media';

export interface ClusterConfig {
  role: NodeRole;
  nodeId: string;
  /** ws(s):// URL of this node's signaling socket, or a path on the public origin, carried by the join tokens of its rooms. */
  signalingUrl: string;
  /** Rooms this media node takes (placement). */
  mediaCapacity: number;
}

/** PAY-6: which adapter moves the money; Stripe needs its keys, the local one needs nothing. */
export type PaymentsConfig =
  | { provider: 'local'; kycAutoValidateSeconds: number }
  | {
      provider: 'stripe';
      secretKey: string;
      webhookSecret: string;
      publishableKey: string;
      /** Another API address (stripe-mock, a test server); unset means api.stripe.com. */
      apiUrl: string | undefined;
    };

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
  if (production && !variables.DOCUMENTS_ENCRYPTION_KEY) {
    throw new ConfigError('Invalid configuration:\n  DOCUMENTS_ENCRYPTION_KEY: required when NODE_ENV=production');
  }
  if (variables.PAYMENT_PROVIDER === 'stripe') {
    // PAY-7: the browser collects cards with Stripe Elements, which needs the publishable key.
    for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PUBLISHABLE_KEY'] as const) {
      if (!variables[name]) throw new ConfigError(`Invalid configuration:\n  ${name}: required when PAYMENT_PROVIDER=stripe`);
    }
  }
  const twilioNames = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const;
  if (twilioNames.some((name) => variables[name])) {
    for (const name of twilioNames) {
      if (!variables[name])
        throw new ConfigError(`Invalid configuration:\n  ${name}: required with the other TWILIO_* variables (or unset them all for the simulator)`);
    }
  }
  if (variables.MEDIASOUP_MIN_PORT >= variables.MEDIASOUP_MAX_PORT) {
    throw new ConfigError('Invalid configuration:\n  MEDIASOUP_MAX_PORT: must be above MEDIASOUP_MIN_PORT');
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
    payments:
      variables.PAYMENT_PROVIDER === 'stripe'
        ? {
            provider: 'stripe',
            secretKey: variables.STRIPE_SECRET_KEY!,
            webhookSecret: variables.STRIPE_WEBHOOK_SECRET!,
            publishableKey: variables.STRIPE_PUBLISHABLE_KEY!,
            apiUrl: variables.STRIPE_API_URL,
          }
        : { provider: 'local', kycAutoValidateSeconds: variables.KYC_AUTO_VALIDATE_SECONDS },
    documentsEncryptionKey: variables.DOCUMENTS_ENCRYPTION_KEY
      ? Buffer.from(variables.DOCUMENTS_ENCRYPTION_KEY, 'base64')
      : developmentSecret(
          dataDir,
          'documents-key',
          () => randomBytes(DOCUMENTS_KEY_BYTES).toString('base64'),
          (value) => Buffer.from(value, 'base64'),
        ),
    mail: { smtpUrl: variables.SMTP_URL, from: variables.MAIL_FROM },
    telephony: variables.TWILIO_ACCOUNT_SID
      ? {
          provider: 'twilio',
          accountSid: variables.TWILIO_ACCOUNT_SID,
          authToken: variables.TWILIO_AUTH_TOKEN!,
          fromNumber: variables.TWILIO_FROM_NUMBER!,
          apiUrl: variables.TWILIO_API_URL,
        }
      : { provider: 'simulator' },
    media: {
      workers: variables.MEDIASOUP_WORKERS,
      announcedIp: variables.MEDIASOUP_ANNOUNCED_IP,
      listenIp: variables.MEDIASOUP_ANNOUNCED_IP ? '0.0.0.0' : '127.0.0.1',
      minPort: variables.MEDIASOUP_MIN_PORT,
      maxPort: variables.MEDIASOUP_MAX_PORT,
    },
    cluster: {
      role: variables.CONSULTO_ROLE,
      // One process keeps one name across restarts whatever its host is called (it recovers its own sessions).
      nodeId: variables.NODE_ID ?? (variables.CONSULTO_ROLE === 'all' ? 'local' : `${hostname()}:${variables.PORT}`),
      signalingUrl: variables.MEDIA_SIGNALING_URL ?? SIGNALING_PATH,
      mediaCapacity: variables.MEDIA_CAPACITY,
    },
    metricsToken: variables.METRICS_TOKEN,
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

/** Like the JWT secret: outside production the documents key is generated once into DATA_DIR. */
function developmentSecret<T>(dataDir: string, fileName: string, generate: () => string, decode: (value: string) => T): T {
  const file = join(dataDir, fileName);
  if (existsSync(file)) return decode(readFileSync(file, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const secret = generate();
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return decode(secret);
}
