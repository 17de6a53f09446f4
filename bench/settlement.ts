/**
 * bench settlement: PAY-2 settlements per second (SPEC §13: ≥ 50 % of `pgbench`'s TPC-B
 * transactions per second on the same PostgreSQL server, same concurrency, same run). Seeds
 * finished consultations with card holds, times `SettlementService.settle` over them at a given
 * concurrency right after pgbench ran at that concurrency on its own database of the same server,
 * then checks the ledger still sums to zero. A profiling pass counts the statements one
 * settlement sends and where their time goes.
 */
import type { Database } from '../server/platform/database.ts';
import { systemClock } from '../server/platform/clock.ts';
import { LocalPaymentProvider } from '../server/payments/local-provider.ts';
import { SettlementService } from '../server/settlement/service.ts';
import { sumOfAllAccountsCents } from '../server/ledger/balances.ts';
import { migrate } from '../server/platform/migrations.ts';
import { CountingDatabase, openPgliteFile, openPgliteMemory, openPostgresFresh, type BenchDatabase } from './support/databases.ts';
import { seedFinishedConsultations, seedParties, type BenchParties } from './support/consultations.ts';
import { cpuBetween, cpuSnapshot, elapsedMs, loadAverage } from './support/machine.ts';
import { openPgbench, PGBENCH_SCALE } from './support/pgbench.ts';
import { ms, percent, printTable, type Cell } from './support/table.ts';

/** SPEC §13: settlements per second at least half of pgbench's TPC-B tps, same server and concurrency. */
const TARGET_SHARE_OF_PGBENCH = 0.5;
/** Enough experts that per-expert receipt numbering (a row lock per expert) is not the bottleneck. */
const EXPERTS = 32;
/** Each timed run settles at most this many consultations and stops after this long. */
const PGLITE_SETTLEMENTS = 1_000;
const POSTGRES_SETTLEMENTS = 8_000;
const RUN_BUDGET_MS = 5_000;
/** pgbench runs as long as a settlement run, just before it. */
const PGBENCH_DURATION_MS = RUN_BUDGET_MS;
const POSTGRES_CONCURRENCIES = [1, 8, 16] as const;
/** The contention run: every consultation belongs to one expert. */
const SINGLE_EXPERT_SETTLEMENTS = 1_000;
const PROFILE_SETTLEMENTS = 300;
/**
 * Settled, untimed, before each PostgreSQL row at its concurrency: the code of that path is
 * compiled, and the tables then have statistics (ANALYZE), as on a platform that has been running
 * (autovacuum keeps them; pgbench -i analyses its own tables the same way).
 */
const WARM_UP_SETTLEMENTS = 1_000;
const ROUND_TRIP_BUDGET_MS = 1_000;

interface RunFigures {
  target: string;
  concurrency: number;
  experts: number;
  settled: number;
  seconds: number;
  machineBusy: number;
  benchCores: number;
  loadAverage: number;
  /** pgbench TPC-B tps at the same concurrency on the same server, measured just before (PostgreSQL only). */
  pgbenchTps?: number;
}

export async function runSettlementBench(): Promise<void> {
  console.log('\n## settlement: PAY-2 settlements per second (SettlementService.settle: 3 statements + the capture, concurrent calls grouped)');
  const figures: RunFigures[] = [];
  const checks: Cell[][] = [];

  for (const open of [openPgliteFile, openPgliteMemory]) {
    const target = await open();
    try {
      await migrate(target.db);
      const parties = await seedParties(target.db, EXPERTS);
      figures.push(await timedRun(target, parties, 1, PGLITE_SETTLEMENTS));
      checks.push(await ledgerCheck(target));
    } finally {
      await target.drop();
    }
  }

  const serverUrl = process.env['DATABASE_URL'];
  let roundTrips: Cell[][] = [];
  if (serverUrl) {
    const pgbench = await openPgbench(serverUrl);
    console.log(
      pgbench
        ? `  reference: ${pgbench.version}, TPC-B-like default script, scale ${PGBENCH_SCALE}, ${PGBENCH_DURATION_MS / 1000} s per run, on its own database of the same server`
        : '  reference: pgbench is not installed (apt-get install postgresql-client): the ratio to pgbench is not measured',
    );
    const target = await openPostgresFresh(serverUrl, Math.max(...POSTGRES_CONCURRENCIES));
    try {
      await migrate(target.db);
      const parties = await seedParties(target.db, EXPERTS);
      const pgbenchTps = new Map<number, number>();
      for (const concurrency of POSTGRES_CONCURRENCIES) {
        if (pgbench) pgbenchTps.set(concurrency, await pgbench.tps(concurrency, PGBENCH_DURATION_MS));
        figures.push({ ...(await timedRun(target, parties, concurrency, POSTGRES_SETTLEMENTS)), pgbenchTps: pgbenchTps.get(concurrency) });
      }
      const single = { clientId: parties.clientId, expertIds: parties.expertIds.slice(0, 1) };
      const most = Math.max(...POSTGRES_CONCURRENCIES);
      figures.push({ ...(await timedRun(target, single, most, SINGLE_EXPERT_SETTLEMENTS)), pgbenchTps: pgbenchTps.get(most) });
      checks.push(await ledgerCheck(target));
      const statementsPerSettlement = await profile(target, parties);
      roundTrips = await roundTripCeiling(target, statementsPerSettlement);
    } finally {
      await target.drop();
      await pgbench?.drop();
    }
  }

  printTable(
    'settlement throughput vs pgbench (SPEC §13: ≥ 50 % of pgbench TPC-B tps, same server, same concurrency, same run)',
    [
      'database',
      'concurrency',
      'experts',
      'settled',
      'seconds',
      'settlements/s',
      'pgbench tps',
      'share of pgbench',
      'ratio to 50 % target',
      'met',
      'load average (1 min)',
      'machine CPU busy',
      'bench process (cores)',
    ],
    figures.map((run) => {
      const perSecond = run.settled / run.seconds;
      const share = run.pgbenchTps ? perSecond / run.pgbenchTps : undefined;
      return [
        run.target,
        run.concurrency,
        run.experts,
        run.settled,
        run.seconds.toFixed(2),
        perSecond,
        run.pgbenchTps ?? 'n/a',
        share === undefined ? 'n/a' : percent(share),
        share === undefined ? 'n/a' : `${(share / TARGET_SHARE_OF_PGBENCH).toFixed(2)}×`,
        share === undefined
          ? run.target.startsWith('PostgreSQL')
            ? 'not measured'
            : 'n/a (target is PostgreSQL)'
          : share >= TARGET_SHARE_OF_PGBENCH
            ? 'yes'
            : 'no',
        run.loadAverage.toFixed(2),
        percent(run.machineBusy),
        run.benchCores.toFixed(2),
      ];
    }),
    [
      'PGlite answers one statement at a time (single connection): it is run at concurrency 1 only.',
      `PostgreSQL: each row first settles ${WARM_UP_SETTLEMENTS} consultations untimed at its concurrency, then its own consultations are seeded and ANALYZE runs.`,
      'pgbench ran just before each PostgreSQL row with as many clients as the row has concurrent settle() calls.',
      "The last PostgreSQL row puts every consultation on one expert: receipts take the expert's number row (gapless numbering).",
      'Machine CPU busy: all cores together (the PostgreSQL server runs on this machine); bench process: Node (service + pg driver), in cores.',
      'Load average: at the end of the run; above the core count, other work shared the CPU (pgbench suffers it too).',
    ],
  );
  printTable('ledger after the runs (PAY-1)', ['database', 'settled rows', 'journals', 'sum of all accounts (cents)', 'balanced'], checks);
  if (roundTrips.length) {
    printTable(
      'PostgreSQL round-trip ceiling: SELECT 1 through the same pool, same machine',
      ['concurrency', 'statements/s', 'settlements/s at the measured statements per settlement'],
      roundTrips,
      ['No settlement can beat this line: it is the cost of the round trips alone, with no work in them.'],
    );
  }
  if (!serverUrl) {
    console.log('\n  PostgreSQL: skipped (DATABASE_URL is not set). To run it against a throw-away local server:');
    console.log('    eval "$(bash .ci/start-postgres.sh)" && npm run bench -- settlement');
    const target = await openPgliteMemory();
    try {
      await migrate(target.db);
      await profile(target, await seedParties(target.db, EXPERTS));
    } finally {
      await target.drop();
    }
  }
}

async function timedRun(target: BenchDatabase, parties: BenchParties, concurrency: number, count: number): Promise<RunFigures> {
  const service = settlementService(target.db);
  const settleAll = (ids: readonly string[], until: () => boolean) => {
    let next = 0;
    let settled = 0;
    const worker = async () => {
      while (next < ids.length && until()) {
        await service.settle(ids[next++]!);
        settled += 1;
      }
    };
    return Promise.all(Array.from({ length: concurrency }, worker)).then(() => settled);
  };
  if (target.db.kind === 'postgres') {
    await settleAll(await seedFinishedConsultations(target.db, parties, WARM_UP_SETTLEMENTS), () => true);
  }
  const ids = await seedFinishedConsultations(target.db, parties, count);
  if (target.db.kind === 'postgres') await target.db.query('ANALYZE');
  const before = cpuSnapshot();
  const settled = await settleAll(ids, () => elapsedMs(before.atNs) < RUN_BUDGET_MS);
  const after = cpuSnapshot();
  const cpu = cpuBetween(before, after);
  const seconds = Number(after.atNs - before.atNs) / 1e9;
  return {
    target: target.label,
    concurrency,
    experts: parties.expertIds.length,
    settled,
    seconds,
    machineBusy: cpu.machineBusy,
    benchCores: cpu.processCores,
    loadAverage: loadAverage(),
  };
}

function settlementService(db: Database): SettlementService {
  return new SettlementService({ db, clock: systemClock, payments: new LocalPaymentProvider(db), referral: { commissionPercent: 10, months: 12 } });
}

async function ledgerCheck(target: BenchDatabase): Promise<Cell[]> {
  const sum = await sumOfAllAccountsCents(target.db);
  const [row] = await target.db.query<{ settled: number; journals: number }>(
    `SELECT (SELECT count(*)::int FROM settlements WHERE status = 'settled') AS settled, (SELECT count(*)::int FROM ledger_journal) AS journals`,
  );
  return [target.label, row!.settled, row!.journals, sum, sum === 0 ? 'yes' : 'NO: money created or lost'];
}

/** How many bare statements per second the pool answers: the ceiling any settlement design lives under. */
async function roundTripCeiling(target: BenchDatabase, statementsPerSettlement: number): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  for (const concurrency of POSTGRES_CONCURRENCIES) {
    let statements = 0;
    const startNs = process.hrtime.bigint();
    const worker = async () => {
      while (elapsedMs(startNs) < ROUND_TRIP_BUDGET_MS) {
        await target.db.query('SELECT 1');
        statements += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const perSecond = statements / (elapsedMs(startNs) / 1000);
    rows.push([concurrency, perSecond, perSecond / statementsPerSettlement]);
  }
  return rows;
}

/**
 * Settles a few hundred consultations one at a time through a counting wrapper: statements per
 * settlement, and the share of time each takes. Returns the statements sent per settlement.
 */
async function profile(target: BenchDatabase, parties: BenchParties): Promise<number> {
  const ids = await seedFinishedConsultations(target.db, parties, PROFILE_SETTLEMENTS);
  const counting = new CountingDatabase(target.db);
  const service = settlementService(counting.db);
  const ledgerBefore = await ledgerRows(target.db);
  const startNs = process.hrtime.bigint();
  for (const id of ids) await service.settle(id);
  const wallMs = elapsedMs(startNs);
  const ledgerAfter = await ledgerRows(target.db);
  const stats = [...counting.stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  const statementMs = stats.reduce((sum, stat) => sum + stat.totalMs, 0);
  const statementsPerSettlement = counting.totalStatements() / ids.length;
  // One statement-level check per settlement that posted (its journals go in one statement), one deferred check per journal.
  const triggerChecks = (ledgerAfter.postingConsultations - ledgerBefore.postingConsultations + ledgerAfter.journals - ledgerBefore.journals) / ids.length;
  printTable(
    `where one settlement's time goes (${target.label}, ${ids.length} settlements one at a time, ${(wallMs / ids.length).toFixed(2)} ms each)`,
    ['statement', 'per settlement', 'mean', 'share of time'],
    [
      ...stats.map((stat) => [stat.label, stat.calls / ids.length, ms(stat.totalMs / stat.calls), percent(stat.totalMs / wallMs)]),
      ['all statements sent', statementsPerSettlement, ms(statementMs / counting.totalStatements()), percent(statementMs / wallMs)],
      ['JavaScript outside statements', '', '', percent(Math.max(0, wallMs - statementMs) / wallMs)],
    ],
    [
      'Each statement commits on its own (no BEGIN … COMMIT); the deferred per-journal balance check runs at the end of the posting statement.',
      `server side, per settlement: ${triggerChecks.toFixed(2)} balance checks (one per posting INSERT statement over its added lines, one per journal at commit).`,
      ...(target.db.kind === 'postgres' ? [] : ['(the code sends the same statements to PostgreSQL)']),
    ],
  );
  return statementsPerSettlement;
}

async function ledgerRows(db: Database): Promise<{ postingConsultations: number; journals: number }> {
  const [row] = await db.query<{ postingConsultations: number; journals: number }>(
    `SELECT count(DISTINCT consultation_id)::int AS "postingConsultations", count(*)::int AS journals FROM ledger_journal`,
  );
  return row!;
}
