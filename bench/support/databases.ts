import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../server/platform/database.ts';
import { withAdminClient } from '../../test/support/platform.ts';

/** A database the bench owns: created empty, thrown away after. */
export interface BenchDatabase {
  label: string;
  db: Database;
  /** PGlite answers one statement at a time: concurrency above 1 only queues. */
  singleConnection: boolean;
  /** Server settings that change what a figure means (fsync off inflates commits). */
  facts: string[];
  drop(): Promise<void>;
}

export async function openPgliteFile(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'consulto-bench-'));
  const db = await openPglite(join(dataDir, 'pgdata'));
  return {
    label: 'PGlite, file-backed (npm start)',
    db,
    singleConnection: true,
    facts: [`data dir ${dataDir}`],
    drop: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openPgliteMemory(): Promise<BenchDatabase> {
  const db = await openPglite();
  return { label: 'PGlite, in-memory', db, singleConnection: true, facts: [], drop: () => db.close() };
}

/** A fresh database on the server of DATABASE_URL, dropped afterwards (as test/support/platform.ts does). */
export async function openPostgresFresh(serverUrl: string, maxConnections: number): Promise<BenchDatabase> {
  const name = `consulto_bench_${randomBytes(6).toString('hex')}`;
  const facts = await withAdminClient(serverUrl, async (client) => {
    await createDatabase(client, name);
    const [row] = (
      await client.query<{ version: string; fsync: string; synchronous_commit: string; max_connections: string }>(
        `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
                current_setting('synchronous_commit') AS synchronous_commit, current_setting('max_connections') AS max_connections`,
      )
    ).rows;
    return [`PostgreSQL ${row!.version}, fsync=${row!.fsync}, synchronous_commit=${row!.synchronous_commit}, max_connections=${row!.max_connections}`];
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = openPostgres(url.toString(), maxConnections);
  let closed = false;
  // Idempotent: the platform closes its database and the bench drops it after.
  const db: Database = {
    ...pool,
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
  return {
    label: 'PostgreSQL (DATABASE_URL)',
    db,
    singleConnection: false,
    facts: [...facts, `host ${url.host}, fresh database ${name} (dropped after)`],
    drop: async () => {
      await db.close();
      await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Other sessions (tests) create databases from template1 at the same time: PostgreSQL then refuses for a moment. */
const CREATE_DATABASE_ATTEMPTS = 10;
const CREATE_DATABASE_RETRY_MS = 200;
const OBJECT_IN_USE = '55006';

async function createDatabase(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= CREATE_DATABASE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, CREATE_DATABASE_RETRY_MS));
    }
  }
}

export interface StatementStat {
  label: string;
  calls: number;
  totalMs: number;
}

/**
 * Wraps a database to count every statement the code sends and the time each takes to answer,
 * transactions included (BEGIN … COMMIT are statements too, and COMMIT runs the deferred
 * ledger triggers). Used only in the profiling pass, never in the timed one.
 */
export class CountingDatabase {
  readonly stats = new Map<string, StatementStat>();
  readonly db: Database;
  /** Off: statements pass straight through (the timed HTTP runs); on: each is counted and timed. */
  counting = true;

  constructor(inner: Database) {
    const record = (label: string, startNs: bigint) => {
      const stat = this.stats.get(label) ?? { label, calls: 0, totalMs: 0 };
      stat.calls += 1;
      stat.totalMs += Number(process.hrtime.bigint() - startNs) / 1e6;
      this.stats.set(label, stat);
    };
    const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
      const startNs = process.hrtime.bigint();
      try {
        return await run();
      } finally {
        record(label, startNs);
      }
    };
    this.db = {
      kind: inner.kind,
      exec: (sql) => inner.exec(sql),
      listen: (channel, handlers) => inner.listen(channel, handlers),
      close: () => inner.close(),
      query: (sql, params) => (this.counting ? timed(statementLabel(sql), () => inner.query(sql, params)) : inner.query(sql, params)),
      transaction: async (work) => {
        if (!this.counting) return inner.transaction(work);
        const startNs = process.hrtime.bigint();
        let insideMs = 0;
        try {
          return await inner.transaction((tx) =>
            work({
              query: async (sql, params) => {
                const queryStartNs = process.hrtime.bigint();
                try {
                  return await timed(statementLabel(sql), () => tx.query(sql, params));
                } finally {
                  insideMs += Number(process.hrtime.bigint() - queryStartNs) / 1e6;
                }
              },
            }),
          );
        } finally {
          // BEGIN and COMMIT (with the deferred balance triggers) plus the code between statements.
          if (this.counting) {
            const stat = this.stats.get('BEGIN + COMMIT') ?? { label: 'BEGIN + COMMIT', calls: 0, totalMs: 0 };
            stat.calls += 2;
            stat.totalMs += Number(process.hrtime.bigint() - startNs) / 1e6 - insideMs;
            this.stats.set('BEGIN + COMMIT', stat);
          }
        }
      },
    };
  }

  totalStatements(): number {
    return [...this.stats.values()].reduce((sum, stat) => sum + stat.calls, 0);
  }

  reset(): void {
    this.stats.clear();
  }
}

const LABEL_LENGTH = 72;

/** The statement's opening words, whitespace collapsed: enough to recognise it in a table. */
function statementLabel(sql: string): string {
  // The marker of prepared statements (server/platform/database.ts) is not part of what the statement does.
  const flat = sql
    .replace(/^\/\* prepared \*\/ /, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > LABEL_LENGTH ? `${flat.slice(0, LABEL_LENGTH - 1)}…` : flat;
}
