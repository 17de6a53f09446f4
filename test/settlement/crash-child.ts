/**
 * The process the crash test kills: it settles every unfinished consultation, as the platform
 * does at start (or, with CRASH_BATCH_SIZE, all at once as consultations ending together are,
 * grouped in batches of that size), and dies by SIGKILL when it reaches checkpoint number CRASH_AT_CHECKPOINT:
 * at once (between two steps), or just before its CRASH_AFTER_QUERIES-th next statement, so
 * the kill lands inside a transaction or inside the provider's capture.
 * (A timer cannot do it: PGlite answers synchronously, so timers only fire once all is done.)
 * Run with `node --import tsx`.
 */
import { openPglite, openPostgres, type Database, type Queryable } from '../../server/platform/database.ts';
import { systemClock } from '../../server/platform/clock.ts';
import { LocalPaymentProvider } from '../../server/payments/local-provider.ts';
import { SettlementService } from '../../server/settlement/service.ts';

const databaseUrl = process.env['CRASH_DATABASE_URL'];
const dataDir = process.env['CRASH_DATA_DIR'];
const crashAt = Number(process.env['CRASH_AT_CHECKPOINT'] ?? 0);
const crashAfterQueries = Number(process.env['CRASH_AFTER_QUERIES'] ?? 0);
const batchSize = Number(process.env['CRASH_BATCH_SIZE'] ?? 0);
/** Two batches at once, as the platform runs them. */
const BATCHES_IN_FLIGHT = 2;

const die = () => process.kill(process.pid, 'SIGKILL');
let queriesLeft = Number.POSITIVE_INFINITY;
const beforeStatement = () => {
  queriesLeft -= 1;
  if (queriesLeft <= 0) die();
};
const watch = (runner: Queryable): Queryable => ({
  query: (sql, params) => {
    beforeStatement();
    return runner.query(sql, params);
  },
});

const opened = databaseUrl ? openPostgres(databaseUrl) : await openPglite(dataDir);
const db: Database = {
  ...opened,
  ...watch(opened),
  transaction: (work) => opened.transaction((tx) => work(watch(tx))),
};

let checkpoints = 0;
const settlements = new SettlementService({
  db,
  clock: systemClock,
  payments: new LocalPaymentProvider(db),
  referral: { commissionPercent: 10, months: 12 },
  ...(batchSize > 0 ? { batching: { maxBatchSize: batchSize, maxBatchesInFlight: BATCHES_IN_FLIGHT } } : {}),
  checkpoint: () => {
    checkpoints += 1;
    if (checkpoints !== crashAt) return;
    if (crashAfterQueries > 0) queriesLeft = crashAfterQueries;
    else die();
  },
});
const settled = batchSize > 0 ? await settleAllAtOnce() : await settlements.resumeUnfinished();
await opened.close();
console.log(JSON.stringify({ settled }));

async function settleAllAtOnce(): Promise<number> {
  const unfinished = await opened.query<{ id: string }>(
    `SELECT c.id FROM consultations c LEFT JOIN settlements s ON s.consultation_id = c.id WHERE s.status IS DISTINCT FROM 'settled' ORDER BY c.created_at`,
  );
  await Promise.all(unfinished.map(({ id }) => settlements.settle(id)));
  return unfinished.length;
}
