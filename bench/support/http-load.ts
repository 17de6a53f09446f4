import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuBetween, cpuSnapshot, loadAverage, type CpuSnapshot } from './machine.ts';

/** Every HTTP measurement uses the same load so figures compare within a run. */
export const HTTP_CONNECTIONS = 16;
export const HTTP_WARMUP_MS = 1_000;
export const HTTP_DURATION_MS = 5_000;
/** A ceiling on requests per measurement (and on the latency samples kept in memory). */
export const HTTP_MAX_REQUESTS = 500_000;
/** A load generator that has not answered after this long is killed: the bench always ends. */
const GENERATOR_TIMEOUT_MS = 60_000;

export const LOAD_GENERATOR_PLACEMENT =
  'load generator: a separate Node process (child_process.fork), keep-alive node:http clients; the server runs in the bench process';

export interface LoadRequest {
  origin: string;
  paths: string[];
  connections: number;
  warmupMs: number;
  durationMs: number;
  maxRequests: number;
}

export type LoadMessage =
  | { type: 'measuring' }
  | { type: 'failed'; message: string }
  | {
      type: 'result';
      requests: number;
      errors: number;
      statuses: Record<string, number>;
      elapsedMs: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
      generatorCores: number;
    };

export interface LoadFigures {
  label: string;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU of the server's process (this one) during the measured window, in cores. */
  serverCores: number;
  generatorCores: number;
  machineBusy: number;
  /** At the end of the measurement. */
  loadAverage: number;
}

const WORKER = fileURLToPath(new URL('./http-load-worker.ts', import.meta.url));

/** Drives `paths` on `origin` from a forked generator and measures the server side's CPU meanwhile. */
export function measureHttp(label: string, origin: string, paths: string[]): Promise<LoadFigures> {
  const request: LoadRequest = {
    origin,
    paths,
    connections: HTTP_CONNECTIONS,
    warmupMs: HTTP_WARMUP_MS,
    durationMs: HTTP_DURATION_MS,
    maxRequests: HTTP_MAX_REQUESTS,
  };
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), GENERATOR_TIMEOUT_MS);
    let before: CpuSnapshot | undefined;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'measuring') before = cpuSnapshot();
      else if (message.type === 'failed') finish(() => reject(new Error(`load generator: ${message.message}`)));
      else {
        const cpu = cpuBetween(before ?? cpuSnapshot(), cpuSnapshot());
        finish(() =>
          resolve({
            label,
            requests: message.requests,
            errors: message.errors,
            requestsPerSecond: message.requests / (message.elapsedMs / 1000),
            p50Ms: message.p50Ms,
            p99Ms: message.p99Ms,
            maxMs: message.maxMs,
            serverCores: cpu.processCores,
            generatorCores: message.generatorCores,
            machineBusy: cpu.machineBusy,
            loadAverage: loadAverage(),
          }),
        );
      }
    });
    child.on('exit', (code, signal) => finish(() => reject(new Error(`load generator exited (${signal ?? code}) before reporting`))));
    child.send(request);
  });
}
