import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { createHash } from 'node:crypto';
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
 * Marks a hot statement of constant text (settlement, quote, profile): it is prepared once per
 * connection (PostgreSQL) or per database (PGlite) under a name derived from its text, so its plan
 * is reused instead of being built at every call (planning cost more than running these: 5 ms
 * against 0.7 ms for the consultation page on PGlite).
 */
export function prepared(sql: string): string {
  return PREPARED_MARK + sql;
}

const PREPARED_MARK = '/* prepared */ ';
const preparedNames = new Map<string, string>();

function preparedName(sql: string): string {
  let name = preparedNames.get(sql);
  if (!name) {
    name = `consulto_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    preparedNames.set(sql, name);
  }
  return name;
}

/**
 * PGlite's query API has no named statements, and EXECUTE takes no bind parameters: a prepared
 * statement is run as `EXECUTE name(literal, …)`. Only the types our statements bind are written
 * (text with quotes doubled, standard_conforming_strings being always on; arrays in PostgreSQL's
 * array syntax); anything else is a programming error.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return quoteText(`{${value.map(arrayElement).join(',')}}`);
  return quoteText(scalarText(value));
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  throw new TypeError(`no SQL literal for a ${Object.prototype.toString.call(value)}`);
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) throw new TypeError('nested arrays are not bound');
  return `"${scalarText(value).replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

function quoteText(text: string): string {
  // PostgreSQL text cannot hold NUL; the driver refuses it too.
  if (text.includes('\0')) throw new RangeError('NUL in a bound value');
  return `'${text.replace(/'/g, "''")}'`;
}

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
  // Names prepared (or being prepared) on this database. PREPARE is not undone by a rollback.
  const preparing = new Map<string, Promise<void>>();
  const ready = new Set<string>();
  const prepare = (name: string, sql: string) => {
    let pending = preparing.get(name);
    if (!pending) {
      pending = db.query(`PREPARE ${name} AS ${sql}`).then(
        () => void ready.add(name),
        (error: unknown) => {
          preparing.delete(name);
          throw error;
        },
      );
      preparing.set(name, pending);
    }
    return pending;
  };
  const query = async <Row>(runner: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) => {
    const name = sql.startsWith(PREPARED_MARK) ? preparedName(sql) : undefined;
    // Inside a transaction a statement not prepared yet runs as written: preparing it through the
    // database would wait for that very transaction to end.
    if (name && runner === db && !ready.has(name)) await prepare(name, sql);
    if (!name || !ready.has(name)) return (await runner.query<Row>(sql, params as unknown[] | undefined)).rows;
    const args = params?.length ? `(${params.map(sqlLiteral).join(', ')})` : '';
    return (await runner.query<Row>(`EXECUTE ${name}${args}`)).rows;
  };
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
  const query = async <Row>(runner: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const values = params as unknown[] | undefined;
    const result = sql.startsWith(PREPARED_MARK) ? await runner.query({ name: preparedName(sql), text: sql, values }) : await runner.query(sql, values);
    return result.rows as Row[];
  };
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
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const EXCLUSION_VIOLATION = '23P01';
export const CHECK_VIOLATION = '23514';
