import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config, PaymentsConfig } from './config.ts';
import type { Database } from './platform/database.ts';
import type { Clock } from './platform/clock.ts';
import type { Logger } from './platform/logger.ts';
import { accessLog } from './platform/access-log.ts';
import { Api, errorHandler } from './platform/http.ts';
import { refuseNulBytes } from './platform/input-guard.ts';
import { IdempotentRequests } from './platform/idempotency.ts';
import { httpMetrics, metricsHandler } from './platform/metrics.ts';
import { AppError, unauthorized } from './platform/errors.ts';
import { AccessTokens } from './accounts/tokens.ts';
import { Sessions } from './accounts/sessions.ts';
import { AccountService } from './accounts/service.ts';
import { accountRoutes } from './accounts/routes.ts';
import { EmailVerification } from './accounts/email-verification.ts';
import { expertRoutes } from './experts/routes.ts';
import { ConsultationPages } from './experts/consultation-page.ts';
import { linkPreviewHeads } from './experts/link-preview.ts';
import { webClientRouter } from './platform/web-client.ts';
import { receiptRoutes } from './receipts/routes.ts';
import { pricingRoutes } from './pricing/routes.ts';
import type { PaymentProvider } from './payments/provider.ts';
import { createPaymentProvider } from './payments/create-provider.ts';
import { paymentRoutes, webhookHandler, WEBHOOK_BODY_LIMIT } from './payments/routes.ts';
import { createWallet, type Wallet } from './wallet/index.ts';
import { walletRoutes } from './wallet/routes.ts';
import { SettlementService, type SettlementCheckpoint } from './settlement/service.ts';
import { JobQueue } from './jobs/queue.ts';
import { NOTIFY_JOB, notifyJobHandler } from './jobs/notify.ts';
import { ConsultationStateMachine } from './bookings/state-machine.ts';
import { BookingService } from './bookings/booking.ts';
import { bookingRoutes } from './bookings/routes.ts';
import { registerBookingJobs } from './bookings/jobs.ts';
import { RescheduleService, registerRescheduleJobs } from './bookings/reschedule.ts';
import { rescheduleRoutes } from './bookings/reschedule-routes.ts';
import { clientAreaRoutes } from './bookings/client-area-routes.ts';
import { createTelephony, StateMachineLifecycle, type Telephony } from './telephony/index.ts';
import { phoneRoutes } from './telephony/routes.ts';
import { availabilityRoutes } from './availability/routes.ts';
import type { Notifier as BookingNotifier } from './notifications/notifier.ts';
import { createNotifier, MailboxTransport, type Notifier } from './notifications/index.ts';
import { mailboxRoutes } from './notifications/mailbox-routes.ts';
import { welcomeExpert } from './notifications/welcome.ts';
import { ComplaintService } from './trust/complaints.ts';
import { ComplaintRefunds } from './trust/refunds.ts';
import { trustRoutes } from './trust/routes.ts';
import { bookingGuard } from './trust/blocking.ts';
import { AdminService } from './admin/moderation.ts';
import { adminRoutes } from './admin/routes.ts';
import { Deregistration } from './privacy/deregistration.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { JoinTokens } from '../media/join-tokens.ts';
import { mediaRoutes } from '../media/routes.ts';
import { referralRoutes } from './referrals/routes.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { requestRoutes } from './bookings/request-routes.ts';
import { ConsultationEvents } from './live/consultation-events.ts';
import { eventStreamRoutes } from './live/event-stream.ts';
import { REQUEST_SMS_JOB, requestSmsHandler } from './live/request-sms.ts';
import { expertNotificationRoutes } from './live/settings-routes.ts';

const JSON_BODY_LIMIT = '1mb';
/** §13: how long another process may still show a consultation page as it was before a change. */
const PUBLIC_PROFILE_TTL_MS = 1_000;
const CLIENT_DIST = fileURLToPath(new URL('../client/dist/', import.meta.url));

export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Fault tests only: called at each settlement checkpoint. */
  settlementCheckpoint?: (point: SettlementCheckpoint) => void;
  /** Tests only: receives the booking flow's notifications instead of the app's notifier. */
  bookingNotifier?: BookingNotifier;
}

export interface Services {
  sessions: Sessions;
  accounts: AccountService;
  /** ACC-10. */
  emailVerification: EmailVerification;
  payments: PaymentProvider;
  settlements: SettlementService;
  /** Durable deadlines (server/jobs/queue.ts); start.ts runs its worker loop. */
  jobs: JobQueue;
  /** The one owner of consultation status transitions (BOOK-4, BOOK-5, BILL-10…12). */
  consultations: ConsultationStateMachine;
  bookings: BookingService;
  /** BOOK-7: moves and proposals of new times. */
  reschedules: RescheduleService;
  /** TEL-1 … TEL-4: phone consultations through Twilio or the local simulator. */
  telephony: Telephony;
  /** PAY-3…PAY-5: identity checks, payouts and their housekeeping (start.ts runs `tick`). */
  wallet: Wallet;
  /** §10: every email goes through here (templates in the user's language, idempotent). */
  notifier: Notifier;
  /** TRUST-2, TRUST-3: complaints, refunds and escalation (start.ts runs the periodic part). */
  complaints: ComplaintService;
  complaintRefunds: ComplaintRefunds;
  /** TRUST-4 and the admin console. */
  admin: AdminService;
  /** ACC-8. */
  deregistration: Deregistration;
  /** §11 Idempotency-Key (start.ts purges expired keys). */
  idempotentRequests: IdempotentRequests;
  /** BOOK-4: every consultation change, from the database (start.ts makes it listen). */
  consultationEvents: ConsultationEvents;
  /** §13: the consultation pages kept briefly (the bench forgets them to measure the path after a write). */
  pages: ConsultationPages;
}

/** Wires the capabilities into one Express application; no I/O happens here. */
export function createApp(platform: Platform): { app: express.Express; services: Services } {
  const { config, db, clock, logger } = platform;
  const sessions = new Sessions(db, new AccessTokens(config.jwtSecret, clock), clock);
  const notifier = createNotifier({ config, db, clock, logger });
  const accounts = new AccountService({
    db,
    clock,
    sessions,
    events: {
      expertRegistered: welcomeExpert({
        notifier,
        publicUrl: config.publicUrl,
        logger,
        // EXP-1: if the transport is down at signup, the job table sends it later (same idempotency key).
        retryLater: (notification) =>
          jobs.enqueue({
            kind: NOTIFY_JOB,
            payload: { ...notification, withSettlement: false },
            runAt: clock.now(),
            dedupeKey: `notify:${notification.idempotencyKey}`,
          }),
      }),
    },
  });
  const emailVerification = new EmailVerification({ db, clock, notifier, logger });
  const payments = createPaymentProvider(config.payments, { db, clock });
  const wallet = createWallet({ db, clock, logger, provider: payments, dataDir: config.dataDir, documentsKey: config.documentsEncryptionKey, notifier });
  const settlements = new SettlementService({ db, clock, payments, referral: config.referral, checkpoint: platform.settlementCheckpoint });
  const jobs = new JobQueue({ db, clock, logger });
  const consultations = new ConsultationStateMachine({ db, clock, settlements });
  const bookings = new BookingService({ db, clock, payments, logger });
  registerBookingJobs(jobs, { db, payments, consultations, logger });
  const reschedules = new RescheduleService({ db, clock, payments, logger });
  registerRescheduleJobs(jobs, { reschedules, payments });
  const telephony = createTelephony({
    config: config.telephony,
    env: config.env,
    publicUrl: config.publicUrl,
    db,
    clock,
    logger,
    lifecycle: new StateMachineLifecycle({ db, owner: consultations }),
    nodeId: config.cluster.nodeId,
  });
  jobs.register(NOTIFY_JOB, notifyJobHandler(db, platform.bookingNotifier ?? notifier));
  const idempotentRequests = new IdempotentRequests({ db, clock, logger });
  // BOOK-4: the expert's SMS for an immediate request, through the telephony provider.
  jobs.register(REQUEST_SMS_JOB, requestSmsHandler({ db, clock, provider: telephony.provider, publicUrl: config.publicUrl, logger }));
  const consultationEvents = new ConsultationEvents(logger);
  const api = new Api(async (req) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw unauthorized('missing_token', 'Sign in first (Authorization: Bearer <accessToken>).');
    return sessions.authenticate(header.slice('Bearer '.length).trim());
  }, idempotentRequests);

  api.route({ method: 'get', path: '/api/health', summary: 'Ready once the database answers', tag: 'platform', access: 'public' }, async () => {
    await db.query('SELECT 1');
    return { status: 'ok' };
  });
  accountRoutes(api, { db, accounts, sessions, emailVerification, publicUrl: config.publicUrl });
  const pages = new ConsultationPages({ db, clock, publicUrl: config.publicUrl, ttlMs: PUBLIC_PROFILE_TTL_MS });
  pricingRoutes(api, { db, clock, pages });
  expertRoutes(api, { db, clock, publicUrl: config.publicUrl, pages });
  referralRoutes(api, { db, clock, publicUrl: config.publicUrl, referral: config.referral });
  receiptRoutes(api, { db, clock });
  paymentRoutes(api, { db, clock, provider: payments, config: config.payments, developmentRoutes: config.env !== 'production' });
  walletRoutes(api, { db, wallet });
  availabilityRoutes(api, { db, clock });
  bookingRoutes(api, { db, clock, bookings, consultations, payments, logger });
  rescheduleRoutes(api, { db, reschedules });
  calendarRoutes(api, { db, clock, publicUrl: config.publicUrl });
  clientAreaRoutes(api, { db, clock, publicUrl: config.publicUrl });
  phoneRoutes(api, { db, phone: telephony.phone });
  // BOOK-4: accept or decline an immediate request, the live channel of open pages, the SMS setting.
  requestRoutes(api, { db, consultations, startPhoneCalls: (id) => telephony.phone.start(id), logger });
  eventStreamRoutes(api, { db, sessions, events: consultationEvents, logger });
  expertNotificationRoutes(api, { db });
  const complaintRefunds = new ComplaintRefunds({ db, clock, payments, logger });
  const complaints = new ComplaintService({ db, clock, refunds: complaintRefunds, logger });
  const admin = new AdminService({ db, clock, sessions, consultations, notifier, complaints, logger });
  const deregistration = new Deregistration({ db, clock, sessions, notifier, logger });
  trustRoutes(api, { db, clock, complaints, consultations, logger });
  adminRoutes(api, { db, clock, admin, complaints });
  privacyRoutes(api, { db, clock, deregistration });
  // MEDIA-1: join tokens for the video room; the SFU itself starts in start.ts (it needs the HTTP server).
  mediaRoutes(api, { db, clock, joinTokens: new JoinTokens(config.jwtSecret, clock) });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(accessLog(logger, { ignore: (url) => url === '/api/health' }));
  // Scale out: every node serves its Prometheus metrics; HTTP latency is timed by route pattern.
  app.use(httpMetrics());
  // Which node answered (operations behind a load balancer; the cluster test checks the routing).
  app.use((_req, res, next) => {
    res.setHeader('X-Consulto-Node', config.cluster.nodeId);
    next();
  });
  app.get('/metrics', metricsHandler(config.metricsToken));
  // §13: every write this process serves may change a consultation page; the cached ones are forgotten
  // before it runs and after it answered (a read racing the write then cannot keep the old page).
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      pages.forgetAll();
      res.on('finish', () => pages.forgetAll());
    }
    next();
  });
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityDirectives(config.payments) } }));
  // The signature covers the exact bytes: this route reads the raw body, before any JSON parser.
  app.post(
    '/webhooks/stripe',
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    webhookHandler({ provider: payments, record: (name, event) => wallet.record(name, event), logger }),
  );
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  // §11: NUL bytes are refused at the edge, for every route, before any query can carry one to PostgreSQL.
  app.use(refuseNulBytes);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(api.openApiDocument({ title: 'Consulto API', version: '1', serverUrl: config.publicUrl }));
  });
  // TRUST-6, TRUST-4: a blocked client or an unavailable expert is refused before booking does any work.
  app.post('/api/consultations', bookingGuard({ db, authenticate: (token) => sessions.authenticate(token) }));
  app.use(api.router);
  // TEL-2 Twilio webhooks (signed, form-encoded) and, outside production, the simulator's phones (TEL-4).
  for (const router of telephony.routers) app.use(router);
  // §12: the development mailbox, never in production.
  if (config.env !== 'production' && notifier.transport instanceof MailboxTransport) app.use(mailboxRoutes(notifier.transport));
  // Unknown API routes, and every development route in production (§12), are JSON 404s, never the web client.
  app.use(['/api', '/webhooks', '/dev'], () => {
    throw new AppError(404, 'not_found', 'No such route.');
  });
  if (existsSync(CLIENT_DIST)) {
    // §13 phone arrival: precompressed, long-cached assets; the HTML with each page's link preview.
    const headFor = linkPreviewHeads({ publicUrl: config.publicUrl, readProfile: async (slug) => (await pages.get(slug))?.profile });
    app.use(webClientRouter({ distDir: CLIENT_DIST, headFor }));
  }
  app.use(errorHandler(logger));
  return {
    app,
    services: {
      sessions,
      accounts,
      emailVerification,
      payments,
      settlements,
      notifier,
      jobs,
      consultations,
      bookings,
      reschedules,
      wallet,
      telephony,
      complaints,
      complaintRefunds,
      admin,
      deregistration,
      idempotentRequests,
      consultationEvents,
      pages,
    },
  };
}

/**
 * Helmet's strict defaults, opened only to what Stripe.js needs when Stripe collects the cards
 * (PAY-7): its script, its card fields and 3-D Secure frames, and its API.
 */
function contentSecurityDirectives(payments: PaymentsConfig): Record<string, string[]> {
  if (payments.provider !== 'stripe') return {};
  return {
    'script-src': ["'self'", 'https://js.stripe.com'],
    'frame-src': ["'self'", 'https://js.stripe.com', 'https://hooks.stripe.com'],
    'connect-src': ["'self'", 'https://api.stripe.com'],
  };
}
