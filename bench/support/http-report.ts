import type { LoadFigures } from './http-load.ts';
import { HTTP_CONNECTIONS, HTTP_DURATION_MS, HTTP_WARMUP_MS, LOAD_GENERATOR_PLACEMENT } from './http-load.ts';
import { availableParallelism } from 'node:os';
import { ms, percent, printTable } from './table.ts';
import type { BenchPlatform } from './platform.ts';
import { countStatements } from './platform.ts';

/** Sequential requests of the statement-profiling pass. */
const PROFILED_REQUESTS = 200;

export function httpMethodLine(): string {
  return `${LOAD_GENERATOR_PLACEMENT}; ${HTTP_CONNECTIONS} connections, ${HTTP_WARMUP_MS / 1000} s warm-up then ${HTTP_DURATION_MS / 1000} s measured per row`;
}

/** Each route's row under the bare handler's row measured just before it, its share computed against that one. */
export function printHttpTable(title: string, runs: readonly { bare: LoadFigures; route: LoadFigures }[], notes: readonly string[] = []): void {
  printTable(
    title,
    [
      'handler',
      'requests',
      'requests/s',
      'vs bare',
      'p50',
      'p99',
      'max',
      'errors',
      'server CPU (cores)',
      'generator CPU (cores)',
      'other processes (cores)',
      'load average (1 min)',
    ],
    runs.flatMap(({ bare, route }) =>
      [bare, route].map((run) => [
        run.label,
        run.requests,
        run.requestsPerSecond,
        run === bare ? '100 %' : percent(run.requestsPerSecond / bare.requestsPerSecond),
        ms(run.p50Ms),
        ms(run.p99Ms),
        ms(run.maxMs),
        run.errors,
        run.serverCores.toFixed(2),
        run.generatorCores.toFixed(2),
        Math.max(0, run.machineBusy * availableParallelism() - run.serverCores - run.generatorCores).toFixed(2),
        run.loadAverage.toFixed(2),
      ]),
    ),
    [
      "Server CPU near 1.00: the server's one event loop was the limit. Generator near 1.00: the load generator was (the figure is a floor).",
      'Other processes: CPU taken by the rest of the machine meanwhile (tests, builds); above 0.2 the figures are depressed and noisy.',
      ...notes,
    ],
  );
}

/** SPEC §13: each route at ≥ 50 % of the bare handler's throughput measured in the same run, with p99 < 50 ms. */
const TARGET_SHARE_OF_BARE = 0.5;
const TARGET_P99_MS = 50;

export function printTargets(title: string, runs: readonly { bare: LoadFigures; route: LoadFigures }[]): void {
  printTable(
    `${title} vs SPEC §13 targets (≥ 50 % of bare Express throughput measured just before, p99 < 50 ms, cache or no cache, both databases)`,
    ['handler', 'bare requests/s', 'share of bare', 'ratio to 50 % target', 'p99', 'ratio to 50 ms limit', 'bare p99', 'both met', 'load average (1 min)'],
    runs.map(({ bare, route }) => {
      const share = route.requestsPerSecond / bare.requestsPerSecond;
      return [
        route.label,
        bare.requestsPerSecond,
        percent(share),
        `${(share / TARGET_SHARE_OF_BARE).toFixed(2)}×`,
        ms(route.p99Ms),
        `${(route.p99Ms / TARGET_P99_MS).toFixed(2)}×`,
        ms(bare.p99Ms),
        share >= TARGET_SHARE_OF_BARE && route.p99Ms < TARGET_P99_MS ? 'yes' : 'no',
        route.loadAverage.toFixed(2),
      ];
    }),
  );
}

/**
 * Statements one request sends to the database, and their time, measured one request at a time.
 * Returns the printing, so the caller decides where the table goes.
 */
export async function profileStatementsPerRequest(title: string, bench: BenchPlatform, paths: readonly string[]): Promise<() => Promise<void>> {
  const { requests, wallMs } = await countStatements(bench, paths, PROFILED_REQUESTS);
  const stats = [...bench.statements.stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  const total = bench.statements.totalStatements();
  const statementMs = stats.reduce((sum, stat) => sum + stat.totalMs, 0);
  return async () =>
    printTable(
      `${title}: statements per request (${requests} requests one at a time, ${(wallMs / requests).toFixed(2)} ms each end to end)`,
      ['statement', 'per request', 'mean', 'share of request time'],
      [
        ...stats.map((stat) => [stat.label, stat.calls / requests, ms(stat.totalMs / stat.calls), percent(stat.totalMs / wallMs)]),
        // A route answered from memory sends none.
        ['all statements', total / requests, total ? ms(statementMs / total) : '—', percent(statementMs / wallMs)],
      ],
      [`Database: ${bench.databaseLabel}. Statements sent together (Promise.all) wait for each other on PGlite, which answers one at a time.`],
    );
}
