import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real cluster on one machine: HAProxy (the distribution's package) in front of two API nodes
 * and two media nodes, all on one PostgreSQL server. Each node is `server/main.ts` in its own
 * process with deploy/<node>.env and the addresses chosen here. `npm run cluster` runs it until
 * Ctrl-C; the cluster test starts it, kills nodes with SIGKILL and watches the rest carry on.
 */
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEPLOY = join(ROOT, 'deploy');
export const NODE_NAMES = ['api-1', 'api-2', 'media-1', 'media-2'] as const;
export type NodeName = (typeof NODE_NAMES)[number];
const READY_TIMEOUT_MS = 60_000;

export interface ClusterOptions {
  databaseUrl: string;
  /** HAProxy's public port; the nodes take the next ones (API +1, +2; media +11, +12). */
  port: number;
  /** Shared by the nodes (development secrets and the local mailbox); production uses real ones. */
  dataDir: string;
  /** Extra variables for every node (the Twilio ones, LOG_LEVEL…). */
  environment?: Record<string, string>;
}

export interface ClusterNode {
  name: NodeName;
  /** The node's own address (health, metrics), not through HAProxy. */
  url: string;
  process: ChildProcess;
  logFile: string;
}

export interface Cluster {
  /** The public address: HAProxy. */
  url: string;
  nodes: Record<NodeName, ClusterNode>;
  haproxy: ChildProcess;
  /** SIGKILL, as a machine dying: nothing runs after it. */
  kill(name: NodeName): void;
  stop(): Promise<void>;
}

export function haproxyPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy || ls /usr/sbin/haproxy'], { encoding: 'utf8' }).trim().split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
}

function readEnvFile(path: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) variables[match[1]!] = match[2]!;
  }
  return variables;
}

function nodePort(base: number, name: NodeName): number {
  return base + { 'api-1': 1, 'api-2': 2, 'media-1': 11, 'media-2': 12 }[name];
}

async function waitUntilHealthy(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} not healthy after ${READY_TIMEOUT_MS} ms; see ${logFile}`);
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const haproxy = haproxyPath();
  if (!haproxy) throw new Error('haproxy is not installed (apt-get install haproxy)');
  const publicUrl = `http://127.0.0.1:${options.port}`;
  const logDir = join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const children: ChildProcess[] = [];
  const nodes = {} as Record<NodeName, ClusterNode>;
  const startNode = (name: NodeName): ClusterNode => {
    const port = nodePort(options.port, name);
    const logFile = join(logDir, `${name}.log`);
    const out = openSync(logFile, 'a');
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      ...readEnvFile(join(DEPLOY, `${name}.env`)),
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      // A path on the public origin: HAProxy routes it to this node, and the page keeps its origin.
      MEDIA_SIGNALING_URL: `/media/nodes/${name}/ws`,
      ...options.environment,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts')], { cwd: ROOT, env, stdio: ['ignore', out, out] });
    children.push(child);
    const node = { name, url: `http://127.0.0.1:${port}`, process: child, logFile };
    nodes[name] = node;
    return node;
  };
  const stopAll = async () => {
    const exits = children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((done) => child.once('exit', done)));
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([Promise.all(exits), new Promise((done) => setTimeout(done, 10_000))]);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    // The first node migrates and seeds alone; the others start once the schema is there.
    const first = startNode('api-1');
    await waitUntilHealthy(first.url, first.process, first.logFile);
    const rest = (['api-2', 'media-1', 'media-2'] as const).map(startNode);
    await Promise.all(rest.map((node) => waitUntilHealthy(node.url, node.process, node.logFile)));
    const haproxyLog = join(logDir, 'haproxy.log');
    const proxy = spawn(haproxy, ['-f', join(DEPLOY, 'haproxy.cfg'), '-db'], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        CLUSTER_BIND: `127.0.0.1:${options.port}`,
        API_1_ADDR: `127.0.0.1:${nodePort(options.port, 'api-1')}`,
        API_2_ADDR: `127.0.0.1:${nodePort(options.port, 'api-2')}`,
        MEDIA_1_ADDR: `127.0.0.1:${nodePort(options.port, 'media-1')}`,
        MEDIA_2_ADDR: `127.0.0.1:${nodePort(options.port, 'media-2')}`,
      },
      stdio: ['ignore', openSync(haproxyLog, 'a'), openSync(haproxyLog, 'a')],
    });
    children.push(proxy);
    await waitUntilHealthy(`http://127.0.0.1:${options.port}`, proxy, haproxyLog);
    return {
      url: publicUrl,
      nodes,
      haproxy: proxy,
      kill: (name) => {
        nodes[name].process.kill('SIGKILL');
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
