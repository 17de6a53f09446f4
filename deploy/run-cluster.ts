import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startCluster, NODE_NAMES } from './cluster.ts';

/**
 * `npm run cluster`: HAProxy, two API nodes and two media nodes on PostgreSQL, until Ctrl-C.
 * DATABASE_URL names the server; without it a throw-away one is started (.ci/start-postgres.sh).
 * CLUSTER_PORT is HAProxy's port (8080 by default).
 */
let databaseUrl = process.env['DATABASE_URL'];
let stopPostgres = () => undefined as void;
if (!databaseUrl) {
  const printed = execFileSync('bash', [resolve('.ci/start-postgres.sh')], { encoding: 'utf8' });
  databaseUrl = /DATABASE_URL=(\S+)/.exec(printed)?.[1];
  const dataDir = /PGDATA_DIR=(\S+)/.exec(printed)?.[1];
  if (!databaseUrl || !dataDir) throw new Error(`start-postgres.sh printed no DATABASE_URL: ${printed}`);
  stopPostgres = () => {
    const bin = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], { encoding: 'utf8' }).trim();
    const stop = `'${bin}/pg_ctl' -D '${dataDir}' -m fast stop`;
    execFileSync('sh', ['-c', process.getuid?.() === 0 ? `su postgres -s /bin/sh -c "${stop}"` : stop], { stdio: 'ignore' });
  };
}
const port = Number(process.env['CLUSTER_PORT'] ?? 8080);
const passed = Object.fromEntries(
  Object.entries(process.env).filter(([name]) =>
    /^(TWILIO_|SMTP_URL|MAIL_FROM|PAYMENT_PROVIDER|STRIPE_|METRICS_TOKEN|MEDIASOUP_ANNOUNCED_IP|LOG_LEVEL)/.test(name),
  ) as [string, string][],
);
const cluster = await startCluster({ databaseUrl, port, dataDir: resolve('data/cluster'), environment: passed });
console.log(`\nConsulto cluster at ${cluster.url} (HAProxy), PostgreSQL ${databaseUrl}`);
for (const name of NODE_NAMES)
  console.log(`  ${name.padEnd(8)} ${cluster.nodes[name].url}  pid ${cluster.nodes[name].process.pid}  log ${cluster.nodes[name].logFile}`);
console.log('  demo accounts: see data/cluster/logs/api-1.log; Ctrl-C stops everything\n');
const shutdown = async () => {
  await cluster.stop();
  stopPostgres();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
