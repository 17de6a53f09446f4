import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import pg from 'pg';

/**
 * The one door to PostgreSQL. The same SQL runs on the embedded PGlite (default)
 * and on a real server through `pg` (DATABASE_URL): one schema, one dialect.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  /** Everything inside `work` commits or rolls back together. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel: `NOTIFY`s committed by any process on this database arrive in
   * `onNotification`. On a server, a lost connection is reopened and `onReconnect` says that
   * notifications may have been missed meanwhile (the listener should read the truth again).
   */
  listen(channel: string, handlers: ChannelHandlers): Promise<ChannelListener>;
  close(): Promise<void>;
}

export interface ChannelHandlers {
  onNotification(payload: string): void;
  onReconnect(): void;
}

export interface ChannelListener {
  close(): Promise<void>;
}

/** LISTEN takes an identifier, not a parameter: only plain names are accepted. */
const CHANNEL_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** A lost listening connection is reopened after this, doubling up to the maximum. */
const LISTEN_RETRY_MS = 500;
const LISTEN_RETRY_MAX_MS = 10_000;

/**
 * Money is integer cents: int8 and numeric (sums of int8) come back as JS numbers,
 * safe far beyond any amount we handle (2^53 cents). Dates stay 'YYYY-MM-DD' strings
 * so a birth date never shifts with the server's time zone.
 */
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/** Deadlocks and serialization failures are retried: the work is replayed whole. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const TRANSACTION_ATTEMPTS = 5;

export async function openPglite(dataDir?: string): Promise<Database> {
  const db = await PGlite.create(dataDir, {
    // EXP-6: appointments of one expert must not overlap, an exclusion constraint on (expert, time range).
    extensions: { btree_gist },
    parsers: {
      [pgliteTypes.INT8]: (value: string) => Number(value),
      [pgliteTypes.NUMERIC]: (value: string) => Number(value),
      [pgliteTypes.DATE]: (value: string) => value,
    },
  });
  const query = async <Row>(runner: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await runner.query<Row>(sql, params as unknown[] | undefined)).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => query(db, sql, params),
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: (work) => db.transaction((tx) => work({ query: (sql, params) => query(tx, sql, params) })),
    // In-process: the same database delivers its own NOTIFYs on commit; there is no connection to lose.
    listen: async (channel, handlers) => {
      if (!CHANNEL_NAME.test(channel)) throw new RangeError(`channel name ${channel}`);
      const unsubscribe = await db.listen(channel, (payload) => handlers.onNotification(payload));
      return { close: () => unsubscribe() };
    },
    close: () => db.close(),
  };
}

export function openPostgres(connectionString: string, maxConnections = 10): Database {
  const typeParsers = new pg.TypeOverrides();
  typeParsers.setTypeParser(INT8_OID, Number);
  typeParsers.setTypeParser(NUMERIC_OID, Number);
  typeParsers.setTypeParser(DATE_OID, (value: string) => value);
  const pool = new pg.Pool({ connectionString, max: maxConnections, types: typeParsers });
  // An idle connection the server closes (restart, failover, a dropped test database) must not
  // crash the process: the pool discards it and the next query opens a new one.
  pool.on('error', () => undefined);
  const query = async <Row>(runner: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) =>
    (await runner.query(sql, params as unknown[] | undefined)).rows as Row[];
  return {
    kind: 'postgres',
    query: (sql, params) => query(pool, sql, params),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (work) => {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work({ query: (sql, params) => query(client, sql, params) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const sqlState = (error as { code?: string }).code;
          if (!sqlState || !RETRYABLE_SQLSTATES.has(sqlState) || attempt >= TRANSACTION_ATTEMPTS) throw error;
        } finally {
          client.release();
        }
      }
    },
    listen: (channel, handlers) => listenOnServer(connectionString, channel, handlers),
    close: () => pool.end(),
  };
}

/** A dedicated connection (a pooled one could be handed to a query between notifications). */
async function listenOnServer(connectionString: string, channel: string, handlers: ChannelHandlers): Promise<ChannelListener> {
  if (!CHANNEL_NAME.test(channel)) throw new RangeError(`channel name ${channel}`);
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = LISTEN_RETRY_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  const open = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotification(message.payload ?? '');
    });
    // Dropped (server restart, failover): reopen, and let the listener read what it may have missed.
    next.on('error', () => undefined);
    next.on('end', () => {
      if (closed || client !== next) return;
      client = undefined;
      scheduleReopen();
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
    retryMs = LISTEN_RETRY_MS;
  };
  const scheduleReopen = () => {
    retryTimer = setTimeout(() => {
      open().then(
        () => handlers.onReconnect(),
        () => {
          retryMs = Math.min(LISTEN_RETRY_MAX_MS, retryMs * 2);
          if (!closed) scheduleReopen();
        },
      );
    }, retryMs);
    retryTimer.unref();
  };
  await open();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

/** SQLSTATE of a failed statement, the same on PGlite and `pg`. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error).code)
    : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const EXCLUSION_VIOLATION = '23P01';
export const CHECK_VIOLATION = '23514';
