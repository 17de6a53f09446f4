import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.ts';
import { createApp, type Services } from '../app.ts';
import { openPglite, openPostgres, type Database } from './database.ts';
import { migrate } from './migrations.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock, type Clock } from './clock.ts';
import { seedDemoAccounts, type DemoAccount } from '../seed.ts';
import { startPeriodicTasks } from '../jobs/periodic.ts';
import { releaseDueHolds } from '../ledger/holds.ts';
import type { SettlementCheckpoint } from '../settlement/service.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { MediaService } from '../../media/service.ts';
import { SignalingServer } from '../../media/signaling/server.ts';
import type { Timers } from '../metering/deadline-queue.ts';
import { runMediaNode } from '../../media/cluster/media-node.ts';
import { DeadMediaNodeSweeper, SWEEP_INTERVAL_MS } from '../../media/cluster/dead-node-sweeper.ts';
import { mediaNodeApp } from './media-node-app.ts';
import { registerMetricsSource } from './metrics.ts';

/** How often due phone consultations are looked for: the expert's phone rings at most this late. */
const PHONE_START_POLL_INTERVAL_MS = 2_000;
/** How often wallet holds are released and interrupted settlements retried. */
const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** How often the job worker looks for due deadlines (BOOK-4 expiry, BOOK-5 no-shows, reminders, holds). */
export const DEFAULT_JOB_POLL_INTERVAL_MS = 1_000;

export interface RunningPlatform {
  url: string;
  db: Database;
  services: Services;
  server: Server;
  logger: Logger;
  demoAccounts: DemoAccount[] | undefined;
  /** MEDIA-1…4: the SFU (workers start with the first video room); a node of role `api` has none (reading it throws). */
  media: MediaService;
  close(): Promise<void>;
}

export async function openDatabase(config: Config): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(join(config.dataDir, 'pgdata'));
}

/**
 * Opens the database, applies migrations, seeds, and listens. CONSULTO_ROLE chooses what this
 * process runs: `all` (the whole platform in one process, `npm start`), `api` (HTTP API, jobs,
 * phone bridges) or `media` (video rooms, their signaling and meters). Every role builds the same
 * services (a media node ends and settles its consultations itself) and sweeps dead media nodes.
 */
export async function startPlatform(
  config: Config,
  options: {
    clock?: Clock;
    db?: Database;
    logger?: Logger;
    settlementCheckpoint?: (point: SettlementCheckpoint) => void;
    /** 0 turns the job worker off (tests run `services.jobs.runDueJobs()` themselves). */
    jobPollIntervalMs?: number;
    bookingNotifier?: Notifier;
    /** Tests: the timers the video meter arms (with a clock they move). */
    mediaTimers?: Timers;
  } = {},
): Promise<RunningPlatform> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const db = options.db ?? (await openDatabase(config));
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  // Listen before building the app: with PORT=0 (tests) the public URL is known only then.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const publicUrl = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  const { role, nodeId } = config.cluster;
  const runsApi = role !== 'media';
  const runsMedia = role !== 'api';
  const { app, services } = createApp({
    config: { ...config, publicUrl },
    db,
    clock,
    logger,
    settlementCheckpoint: options.settlementCheckpoint,
    bookingNotifier: options.bookingNotifier,
  });
  server.on('request', runsApi ? app : mediaNodeApp({ db, metricsToken: config.metricsToken, logger }));
  let media: MediaService | undefined;
  let signaling: SignalingServer | undefined;
  let mediaNode: { stop(): Promise<void> } | undefined;
  if (runsMedia) {
    media = await MediaService.create({
      db,
      clock,
      logger,
      consultations: services.consultations,
      jwtSecret: config.jwtSecret,
      config: config.media,
      timers: options.mediaTimers,
      nodeId,
    });
    // PAY-2 / MEDIA-4: video consultations a crash cut are ended for their last checkpoint, before anyone can join.
    const videosRecovered = await media.recoverAfterRestart();
    if (videosRecovered) logger.info({ videosRecovered }, 'video consultations recovered');
    signaling = new SignalingServer({ server, media, logger });
    const node = media;
    mediaNode = await runMediaNode({
      db,
      logger,
      nodeId,
      signalingUrl: config.cluster.signalingUrl,
      capacity: config.cluster.mediaCapacity,
      load: () => node.load,
    });
  }
  // BOOK-4: changes reach open pages and the rooms whichever node made them (LISTEN/NOTIFY).
  await services.consultationEvents.listen(db);
  services.consultationEvents.subscribe({
    change: (change) => {
      if (!media || change.mode !== 'video') return;
      if (change.status === 'expired' || change.status === 'cancelled') media.requestClosed(change.id, change.status, change.declined);
      if (change.status === 'ended') media.endedElsewhere(change.id);
    },
    resync: () => undefined,
  });
  // MEDIA-4 across nodes: any node ends and settles the consultations of a media node that stopped heart-beating.
  const sweeper = new DeadMediaNodeSweeper({ db, consultations: services.consultations, logger, nodeId });
  const sweeping = startPeriodicTasks([{ name: 'dead media nodes (MEDIA-4)', run: () => sweeper.sweep() }], SWEEP_INTERVAL_MS, logger);
  const forgetMetrics = registerMetricsSource({
    liveConsultations: () => ({ video: media?.meteringCount ?? 0, phone: runsApi ? services.telephony.phone.liveCount : 0 }),
    jobQueueDepth: async () => {
      const [row] = await db.query<{ depth: number }>(
        'SELECT count(*)::int AS depth FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()',
      );
      return row?.depth ?? 0;
    },
    mediaWorkers: async () => (media ? media.workerUsage() : []),
  });
  if (!runsApi) {
    const mediaOnly = media!;
    return {
      url: `http://localhost:${port}`,
      db,
      services,
      server,
      logger,
      demoAccounts: undefined,
      media: mediaOnly,
      close: async () => {
        await sweeping.stop();
        forgetMetrics();
        await services.consultationEvents.close();
        signaling?.close();
        await mediaNode?.stop();
        await mediaOnly.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await db.close();
      },
    };
  }
  // PAY-2: a settlement a crash interrupted is finished before anything else moves money.
  const resumed = await services.settlements.resumeUnfinished();
  if (resumed) logger.info({ resumed }, 'settlements resumed');
  // TEL-1 / BILL-4: this node's phone consultations a stop interrupted are hung up and ended for their recorded connected time.
  const phonesRecovered = await services.telephony.phone.recoverAfterRestart();
  if (phonesRecovered) logger.info({ phonesRecovered }, 'phone consultations recovered');
  // Scale out: leases of this node's phone sessions, wake-ups from other nodes, takeovers of dead nodes' sessions.
  const phoneOwnership = await services.telephony.phone.startOwnership();
  const housekeeping = startPeriodicTasks(
    [
      { name: 'release wallet holds', run: () => releaseDueHolds(db, clock) },
      { name: 'resume settlements', run: () => services.settlements.resumeUnfinished() },
      { name: 'wallet: identity verdicts and unsent payouts', run: () => services.wallet.tick() },
      { name: 'complaints: escalation after 14 days (TRUST-2)', run: () => services.complaints.escalateOverdue() },
      { name: 'complaints: card refunds not done yet', run: () => services.complaintRefunds.retryPending() },
      { name: 'idempotency keys past their 24 hours (§11)', run: () => services.idempotentRequests.purgeExpired() },
    ],
    HOUSEKEEPING_INTERVAL_MS,
    logger,
  );
  // Deadlines live in the job table: whatever came due while the platform was down runs now.
  const jobPollIntervalMs = options.jobPollIntervalMs ?? DEFAULT_JOB_POLL_INTERVAL_MS;
  const jobWorker = jobPollIntervalMs > 0 ? services.jobs.start(jobPollIntervalMs) : undefined;
  // TEL-1: phone consultations whose calls are due (immediate requests, appointments at their start).
  const phoneStarter = jobPollIntervalMs > 0 ? services.telephony.phone.startPolling(PHONE_START_POLL_INTERVAL_MS) : undefined;
  const demoAccounts = config.seedDemoAccounts ? await seedDemoAccounts(db, clock, services, publicUrl) : undefined;
  return {
    url: `http://localhost:${port}`,
    db,
    services,
    server,
    logger,
    demoAccounts,
    get media(): MediaService {
      if (!media) throw new Error('This node runs no media (CONSULTO_ROLE=api).');
      return media;
    },
    close: async () => {
      await sweeping.stop();
      forgetMetrics();
      await phoneOwnership.stop();
      await services.consultationEvents.close();
      signaling?.close();
      await mediaNode?.stop();
      await media?.close();
      await housekeeping.stop();
      await jobWorker?.stop();
      await phoneStarter?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
