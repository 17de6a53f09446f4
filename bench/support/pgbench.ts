import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { withAdminClient } from '../../test/support/platform.ts';

/** pgbench's own database is initialised at this scale: at least as many branches as clients (pgbench's advice). */
export const PGBENCH_SCALE = 16;
/** A pgbench run that has not ended after its duration plus this is killed: the bench always ends. */
const PGBENCH_GRACE_MS = 30_000;

export interface PgbenchDatabase {
  version: string;
  /** TPC-B-like transactions per second at `clients` clients for `durationMs` (pgbench's default script). */
  tps(clients: number, durationMs: number): Promise<number>;
  drop(): Promise<void>;
}

/** pgbench from PATH (the PostgreSQL client package), or undefined when it is not installed. */
export function pgbenchVersion(): string | undefined {
  const probe = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/**
 * A fresh database on the server of `serverUrl`, initialised by `pgbench -i`, dropped after: the
 * reference the settlement bench compares itself with, on the same server in the same run.
 */
export async function openPgbench(serverUrl: string): Promise<PgbenchDatabase | undefined> {
  const version = pgbenchVersion();
  if (!version) return undefined;
  const name = `consulto_pgbench_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () => withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  try {
    await runPgbench(['-i', '-q', '-s', String(PGBENCH_SCALE), url.toString()], 10 * PGBENCH_GRACE_MS);
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    version,
    drop,
    tps: async (clients, durationMs) => {
      const threads = Math.min(clients, availableParallelism());
      const output = await runPgbench(
        ['-n', '-c', String(clients), '-j', String(threads), '-T', String(Math.max(1, Math.round(durationMs / 1000))), url.toString()],
        durationMs + PGBENCH_GRACE_MS,
      );
      const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
      if (!match) throw new Error(`pgbench printed no tps:\n${output}`);
      return Number(match[1]);
    },
  };
}

function runPgbench(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`pgbench ${args[0]} exited (${signal ?? code}):\n${output}`));
    });
  });
}
