import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../server/config.ts';
import { openPglite, openPostgres, type Database } from '../../server/platform/database.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { ManualClock, type Clock } from '../../server/platform/clock.ts';
import { createLogger } from '../../server/platform/logger.ts';

/**
 * A whole platform on a real port with its own empty database: in-process PGlite by
 * default, or a fresh database on the PostgreSQL server named by DATABASE_URL (CI).
 */
export interface TestPlatform extends RunningPlatform {
  config: Config;
  clock: Clock;
  http: HttpClient;
}

/** A test or bench configuration: any free port, a fresh DATA_DIR, silent logs, no demo accounts. */
export function isolatedConfig(prefix: string, environment: Record<string, string> = {}): { config: Config; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    SEED_DEMO_ACCOUNTS: 'false',
    ...environment,
  });
  return { config, dataDir };
}

export async function startTestPlatform(options: { clock?: Clock; environment?: Record<string, string> } = {}): Promise<TestPlatform> {
  const { config, dataDir } = isolatedConfig('consulto-test', options.environment);
  const database = await openTestDatabase();
  const clock = options.clock ?? new ManualClock(new Date());
  const platform = await startPlatform(config, { clock, db: database.db, logger: createLogger('silent') });
  return {
    ...platform,
    config: { ...config, publicUrl: platform.url },
    clock,
    http: new HttpClient(platform.url),
    close: async () => {
      await platform.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `url` is the fresh database's address on a server (undefined on PGlite), for a second node to connect to. */
export async function openTestDatabase(): Promise<{ db: Database; drop(): Promise<void>; url?: string }> {
  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) return { db: await openPglite(), drop: async () => undefined };
  const name = `consulto_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    db: openPostgres(url.toString()),
    url: url.toString(),
    drop: () => withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface HttpResponse<Body = any> {
  status: number;
  body: Body;
  headers: Headers;
}

/** Real HTTP to the platform's port, as a browser or a provider would call it. */
export class HttpClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request<Body = any>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string | Buffer } = {},
  ): Promise<HttpResponse<Body>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | Buffer | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: contentType.includes('json') && text ? JSON.parse(text) : text,
      headers: response.headers,
    };
  }

  get<Body = any>(path: string, token?: string) {
    return this.request<Body>('GET', path, { token });
  }

  post<Body = any>(path: string, body?: unknown, token?: string) {
    return this.request<Body>('POST', path, { body, token });
  }

  put<Body = any>(path: string, body?: unknown, token?: string) {
    return this.request<Body>('PUT', path, { body, token });
  }
}
