import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { HttpClient, isolatedConfig } from '../../test/support/platform.ts';
import { openPglite } from '../../server/platform/database.ts';
import { CountingDatabase, openPostgresFresh } from './databases.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform/start.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { TINY_PNG, expertSignup, verifyEmail } from '../../test/support/fixtures.ts';

/** The pool the platform uses by default (server/platform/database.ts). */
const POSTGRES_POOL_SIZE = 10;

export interface BenchPlatform {
  platform: RunningPlatform;
  databaseLabel: string;
  /** The platform's database; counting is off except in the statement-profiling pass. */
  statements: CountingDatabase;
  /** http://127.0.0.1:<port>: the load generator only talks to loopback. */
  origin: string;
  expertSlug: string;
  packageId: string;
  close(): Promise<void>;
}

/**
 * The whole platform as `npm start` runs it (Express app, helmet, the access log, the routes), on a
 * loopback port, with one published expert created through the API. The database is an
 * in-memory PGlite, or a fresh database on the PostgreSQL server of `postgresUrl` (dropped after).
 */
export async function startBenchPlatform(postgresUrl?: string): Promise<BenchPlatform> {
  const { config, dataDir } = isolatedConfig('consulto-bench');
  const postgres = postgresUrl ? await openPostgresFresh(postgresUrl, POSTGRES_POOL_SIZE) : undefined;
  const statements = new CountingDatabase(postgres ? postgres.db : await openPglite());
  statements.counting = false;
  const platform = await startPlatform(config, { db: statements.db, logger: createLogger('silent') });
  const shutDown = async () => {
    await platform.close();
    if (postgres) await postgres.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${(platform.server.address() as AddressInfo).port}`;
  try {
    const signup = await call<{ user: { id: string; role: string; email: string; slug: string }; accessToken: string }>(
      origin,
      'POST',
      '/api/auth/register/expert',
      {
        json: expertSignup({ firstName: 'Bench', lastName: 'Marque' }),
      },
    );
    // ACC-10: a published page needs a verified email; the code is in the local mailbox.
    await verifyEmail(new HttpClient(origin), signup);
    const token = signup.accessToken;
    await call(origin, 'PUT', '/api/experts/me/photo', { token, raw: TINY_PNG, contentType: 'image/png' });
    const pricing = await call<{ packages: { id: string }[] }>(origin, 'PUT', '/api/experts/me/pricing', {
      token,
      json: {
        videoRatePerMinuteCents: 200,
        phoneRatePerMinuteCents: 180,
        packages: [
          { mode: 'video', minutes: 15, priceCents: 7500 },
          { mode: 'video', minutes: 30, priceCents: 12000 },
          { mode: 'phone', minutes: 20, priceCents: 6000 },
        ],
      },
    });
    return {
      platform,
      databaseLabel: postgres ? 'PostgreSQL' : 'PGlite in-memory',
      statements,
      origin,
      expertSlug: signup.user.slug,
      packageId: pricing.packages[0]!.id,
      close: shutDown,
    };
  } catch (error) {
    await shutDown();
    throw error;
  }
}

/** The reference: a bare Express 5 app with one handler answering a small JSON, nothing else. */
export async function startBareExpress(): Promise<{ origin: string; path: string; close(): Promise<void> }> {
  const app = express();
  app.get('/bare', (_req, res) => {
    res.json({ status: 'ok', chargeCents: 2500 });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    path: '/bare',
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers 2xx on every path, or the bench would measure error pages. */
export async function assertAllAnswer(origin: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) await call(origin, 'GET', path, {});
}

/** Sends `requests` GETs one after the other with statement counting on: what one request costs the database. */
export async function countStatements(bench: BenchPlatform, paths: readonly string[], requests: number): Promise<{ requests: number; wallMs: number }> {
  bench.statements.reset();
  bench.statements.counting = true;
  const startNs = process.hrtime.bigint();
  try {
    for (let index = 0; index < requests; index++) await call(bench.origin, 'GET', paths[index % paths.length]!, {});
  } finally {
    bench.statements.counting = false;
  }
  return { requests, wallMs: Number(process.hrtime.bigint() - startNs) / 1e6 };
}

async function call<Body = unknown>(
  origin: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; raw?: Buffer; contentType?: string },
): Promise<Body> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw) {
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
    body = options.raw;
  }
  const response = await fetch(origin + path, { method, headers, body: body as BodyInit | undefined });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as Body;
}
