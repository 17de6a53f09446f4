import type { LoadFigures } from './http-load.ts';
import { measureHttp } from './http-load.ts';
import { printHttpTable, printTargets, profileStatementsPerRequest } from './http-report.ts';
import { assertAllAnswer, startBareExpress, startBenchPlatform, type BenchPlatform } from './platform.ts';

/** A route's run and the bare handler's run just before it: the machine's load moves within a bench, so each ratio compares neighbours. */
export interface PairedRun {
  bare: LoadFigures;
  route: LoadFigures;
}

export interface RouteComparison {
  /** The route on in-memory PGlite, then on PostgreSQL when DATABASE_URL is set; each cached, then right after a write. */
  runs: PairedRun[];
}

/**
 * Measures the platform's route on in-memory PGlite and, when DATABASE_URL is set, on a fresh
 * PostgreSQL database: once as it runs (consultation pages kept for a second), once with every
 * request served right after a write (the kept pages forgotten before each request, as a write
 * does). A bare Express handler is measured just before each of these rows, as pgbench is before
 * each settlement row. Prints the table, the SPEC §13 targets and the statements one request sends.
 */
export async function compareRouteWithBare(input: {
  title: string;
  routeLabel: string;
  paths: (bench: BenchPlatform) => string[];
  notes?: readonly string[];
}): Promise<RouteComparison> {
  const bareServer = await startBareExpress();
  const runs: PairedRun[] = [];
  const readsUnderLoad: string[] = [];
  let printProfile: () => Promise<void> = async () => undefined;
  const serverUrl = process.env['DATABASE_URL'];
  try {
    await assertAllAnswer(bareServer.origin, [bareServer.path]);
    const measurePair = async (label: string, origin: string, paths: string[]) => {
      const bare = await measureHttp('bare Express 5 handler (small JSON)', bareServer.origin, [bareServer.path]);
      runs.push({ bare, route: await measureHttp(label, origin, paths) });
    };
    for (const postgresUrl of serverUrl ? [undefined, serverUrl] : [undefined]) {
      const bench = await startBenchPlatform(postgresUrl);
      try {
        const paths = input.paths(bench);
        await assertAllAnswer(bench.origin, paths);
        await measurePair(`${input.routeLabel}, ${bench.databaseLabel}, page kept`, bench.origin, paths);
        const forget = () => bench.platform.services.pages.forgetAll();
        bench.platform.server.prependListener('request', forget);
        try {
          bench.statements.reset();
          bench.statements.counting = true;
          await measurePair(`${input.routeLabel}, ${bench.databaseLabel}, after a write`, bench.origin, paths);
          bench.statements.counting = false;
          const route = runs.at(-1)!.route;
          readsUnderLoad.push(
            `${bench.databaseLabel}, after a write: ${bench.statements.totalStatements().toLocaleString('en')} statements for ${route.requests.toLocaleString('en')} measured requests (warm-up included: at most ${(bench.statements.totalStatements() / route.requests).toFixed(2)} per request).`,
          );
          if (!postgresUrl) {
            // Counted now (after a write, the path that reads the database), printed after the table: the statements are the same on either database.
            printProfile = await profileStatementsPerRequest(`${input.title}, after a write`, bench, paths);
          }
        } finally {
          bench.platform.server.off('request', forget);
        }
      } finally {
        await bench.close();
      }
    }
  } finally {
    await bareServer.close();
  }
  printHttpTable(input.title, runs, [
    "PGlite runs in-process: its statements take the server's own event loop. PostgreSQL runs in its own processes on this machine.",
    ...(serverUrl ? [] : ['PostgreSQL row skipped: DATABASE_URL is not set (eval "$(bash .ci/start-postgres.sh)" to get one).']),
    '"after a write": every request finds the kept pages forgotten, as the first read after any write does: it waits for a read sent after it arrived.',
    'Readers that arrive together share that read (server/experts/profile-cache.ts); the statements sent under load:',
    ...readsUnderLoad.map((line) => `  ${line}`),
    'Each route row is compared with the bare handler measured just before it (the row above it).',
    ...(input.notes ?? []),
  ]);
  printTargets(input.title, runs);
  await printProfile();
  return { runs };
}
