/**
 * bench settlement: PAY-2 settlements per second (SPEC §13: ≥ 50 % of `pgbench`'s TPC-B
 * transactions per second on the same PostgreSQL server, same concurrency, same run). Seeds
 * finished consultations with card holds and times `SettlementService.settle` over them at a given
 * concurrency. On PostgreSQL each row alternates rounds of pgbench (at that concurrency, on its own
 * database of the same server) and of settlements, and reports medians: one sample of each moved
 * by up to 15 % from run to run on this machine. The ledger must still sum to zero after. A
 * profiling pass counts the statements one settlement sends and where their time goes.
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
import { openPgbench, PGBENCH_SCALE, type PgbenchDatabase } from './support/pgbench.ts';
import { ms, percent, printTable, type Cell } from './support/table.ts';

/** SPEC §13: settlements per second at least half of pgbench's TPC-B tps, same server and concurrency. */
const TARGET_SHARE_OF_PGBENCH = 0.5;
/** Enough experts that per-expert receipt numbering (a row lock per expert) is not the bottleneck. */
const EXPERTS = 32;
/** A timed run settles at most this many consultations and stops after this long. */
const PGLITE_SETTLEMENTS = 1_000;
const POSTGRES_SETTLEMENTS_PER_ROUND = 6_000;
const RUN_BUDGET_MS = 3_000;
/** pgbench runs as long as a settlement round, just before it. */
const PGBENCH_DURATION_MS = RUN_BUDGET_MS;
/** Each PostgreSQL row alternates this many pgbench rounds and settlement rounds; its figures are the medians. */
const ROUNDS = 3;
const POSTGRES_CONCURRENCIES = [1, 8, 16] as const;
/** The contention run: every consultation belongs to one expert. */
const SINGLE_EXPERT_SETTLEMENTS_PER_ROUND = 3_000;
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
}

/** One row of the table: a single run (PGlite), or the rounds of a PostgreSQL row, each after its pgbench round. */
interface RowFigures {
  rounds: (RunFigures & { pgbenchTps?: number })[];
}

export async function runSettlementBench(): Promise<void> {
  console.log('\n## settlement: PAY-2 settlements per second (SettlementService.settle: 3 statements + the capture, concurrent calls grouped)');
  const figures: RowFigures[] = [];
  const checks: Cell[][] = [];

  for (const open of [openPgliteFile, openPgliteMemory]) {
    const target = await open();
    try {
      await migrate(target.db);
      const parties = await seedParties(target.db, EXPERTS);
      const service = settlementService(target.db);
      figures.push({ rounds: [await timedRun(target, service, parties, await seedFinishedConsultations(target.db, parties, PGLITE_SETTLEMENTS), 1)] });
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
        ? `  reference: ${pgbench.version}, TPC-B-like default script, scale ${PGBENCH_SCALE}, ${PGBENCH_DURATION_MS / 1000} s per round, on its own database of the same server`
        : '  reference: pgbench is not installed (apt-get install postgresql-client): the ratio to pgbench is not measured',
    );
    const target = await openPostgresFresh(serverUrl, Math.max(...POSTGRES_CONCURRENCIES));
    try {
      await migrate(target.db);
      const parties = await seedParties(target.db, EXPERTS);
      for (const concurrency of POSTGRES_CONCURRENCIES) {
        figures.push(await alternatingRounds(target, parties, pgbench, concurrency, POSTGRES_SETTLEMENTS_PER_ROUND));
      }
      const single = { clientId: parties.clientId, expertIds: parties.expertIds.slice(0, 1) };
      figures.push(await alternatingRounds(target, single, pgbench, Math.max(...POSTGRES_CONCURRENCIES), SINGLE_EXPERT_SETTLEMENTS_PER_ROUND));
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
      'rounds',
      'settled',
      'settlements/s (median)',
      'pgbench tps (median)',
      'share of pgbench (median)',
      'share in each round',
      'ratio to 50 % target',
      'met',
      'load average (1 min)',
      'machine CPU busy',
      'bench process (cores)',
    ],
    figures.map(({ rounds }) => {
      const first = rounds[0]!;
      const perSecond = median(rounds.map((run) => run.settled / run.seconds));
      const pgbenchTps = rounds.every((run) => run.pgbenchTps !== undefined) ? median(rounds.map((run) => run.pgbenchTps!)) : undefined;
      // Each round is compared with the pgbench round run just before it, under the same conditions.
      const shares = pgbenchTps === undefined ? undefined : rounds.map((run) => run.settled / run.seconds / run.pgbenchTps!);
      const share = shares && median(shares);
      return [
        first.target,
        first.concurrency,
        first.experts,
        rounds.length,
        rounds.reduce((sum, run) => sum + run.settled, 0),
        perSecond,
        pgbenchTps ?? 'n/a',
        share === undefined ? 'n/a' : percent(share),
        shares === undefined ? 'n/a' : shares.map(percent).join(', '),
        share === undefined ? 'n/a' : `${(share / TARGET_SHARE_OF_PGBENCH).toFixed(2)}×`,
        share === undefined
          ? first.target.startsWith('PostgreSQL')
            ? 'not measured'
            : 'n/a (target is PostgreSQL)'
          : share >= TARGET_SHARE_OF_PGBENCH
            ? 'yes'
            : 'no',
        median(rounds.map((run) => run.loadAverage)).toFixed(2),
        percent(median(rounds.map((run) => run.machineBusy))),
        median(rounds.map((run) => run.benchCores)).toFixed(2),
      ];
    }),
    [
      'PGlite answers one statement at a time (single connection): it is run at concurrency 1 only, once.',
      `PostgreSQL: each row first settles ${WARM_UP_SETTLEMENTS} consultations untimed at its concurrency, then its own consultations are seeded and ANALYZE runs.`,
      `Then ${ROUNDS} rounds, each a ${PGBENCH_DURATION_MS / 1000} s pgbench run with as many clients as the row has concurrent settle() calls, then at most ${RUN_BUDGET_MS / 1000} s of settlements.`,
      "Share of pgbench: the median of the rounds' shares, each round against the pgbench run just before it.",
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

/**
 * A PostgreSQL row: warm-up at its concurrency, then rounds of pgbench followed by settlements, so
 * that each settlement figure has a pgbench figure measured under the same conditions.
 */
async function alternatingRounds(
  target: BenchDatabase,
  parties: BenchParties,
  pgbench: PgbenchDatabase | undefined,
  concurrency: number,
  perRound: number,
): Promise<RowFigures> {
  const service = settlementService(target.db);
  await settleAll(service, await seedFinishedConsultations(target.db, parties, WARM_UP_SETTLEMENTS), concurrency, () => true);
  const ids = await seedFinishedConsultations(target.db, parties, perRound * ROUNDS);
  await target.db.query('ANALYZE');
  const rounds: RowFigures['rounds'] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pgbenchTps = pgbench ? await pgbench.tps(concurrency, PGBENCH_DURATION_MS) : undefined;
    rounds.push({ ...(await timedRun(target, service, parties, ids.slice(round * perRound, (round + 1) * perRound), concurrency)), pgbenchTps });
  }
  return { rounds };
}

/** Settles `ids` (consultations of `parties`) with `concurrency` callers for at most RUN_BUDGET_MS. */
async function timedRun(
  target: BenchDatabase,
  service: SettlementService,
  parties: BenchParties,
  ids: readonly string[],
  concurrency: number,
): Promise<RunFigures> {
  const before = cpuSnapshot();
  const settled = await settleAll(service, ids, concurrency, () => elapsedMs(before.atNs) < RUN_BUDGET_MS);
  const after = cpuSnapshot();
  const cpu = cpuBetween(before, after);
  return {
    target: target.label,
    concurrency,
    experts: parties.expertIds.length,
    settled,
    seconds: Number(after.atNs - before.atNs) / 1e9,
    machineBusy: cpu.machineBusy,
    benchCores: cpu.processCores,
    loadAverage: loadAverage(),
  };
}

/** `concurrency` callers settle `ids` one after the other while `until` holds; returns how many were settled. */
async function settleAll(service: SettlementService, ids: readonly string[], concurrency: number, until: () => boolean): Promise<number> {
  let next = 0;
  let settled = 0;
  const caller = async () => {
    while (next < ids.length && until()) {
      await service.settle(ids[next++]!);
      settled += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return settled;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

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
