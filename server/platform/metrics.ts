import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of this process (GET /metrics on every node). One registry per process:
 * what a node reports is that node's, and Prometheus adds them up. The gauges read their values
 * when scraped from the sources the running platform registers (live meters, the job table, the
 * mediasoup workers), so nothing is counted twice and nothing ticks.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** What a running platform lets the gauges read at scrape time. */
export interface MetricsSource {
  /** Live consultations whose meter runs on this node, by mode. */
  liveConsultations(): { video: number; phone: number };
  /** Due jobs not done yet (the whole table: every node reports the same figure). */
  jobQueueDepth(): Promise<number>;
  /** mediasoup workers of this node: CPU seconds used and rooms held. */
  mediaWorkers(): Promise<{ pid: number; cpuSeconds: number; rooms: number }[]>;
}

const sources = new Set<MetricsSource>();

/** start.ts registers its platform; the returned function forgets it at close. */
export function registerMetricsSource(source: MetricsSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

export const httpRequestSeconds = new Histogram({
  name: 'consulto_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern (never the raw URL) and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const meterLatenessSeconds = new Histogram({
  name: 'consulto_meter_deadline_lateness_seconds',
  help: 'How late a meter deadline (BILL-3 warning, cap, BILL-4 grace end) fired after its due time',
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [metricsRegistry],
});

export const settlementSeconds = new Histogram({
  name: 'consulto_settlement_duration_seconds',
  help: 'Time to settle a consultation (PAY-2: price, capture, journal)',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

new Gauge({
  name: 'consulto_live_consultations',
  help: 'Live consultations metered on this node, by mode',
  labelNames: ['mode'] as const,
  registers: [metricsRegistry],
  collect() {
    let video = 0;
    let phone = 0;
    for (const source of sources) {
      const live = source.liveConsultations();
      video += live.video;
      phone += live.phone;
    }
    this.set({ mode: 'video' }, video);
    this.set({ mode: 'phone' }, phone);
  },
});

new Gauge({
  name: 'consulto_job_queue_depth',
  help: 'Jobs due and not done (the job table, shared by every node)',
  registers: [metricsRegistry],
  async collect() {
    const depths = await Promise.all([...sources].map((source) => source.jobQueueDepth().catch(() => 0)));
    this.set(Math.max(0, ...depths));
  },
});

new Gauge({
  name: 'consulto_mediasoup_worker_cpu_seconds',
  help: 'CPU time (user + system) used by each mediasoup worker of this node',
  labelNames: ['pid'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    workerRooms.reset();
    for (const source of sources) {
      for (const worker of await source.mediaWorkers().catch(() => [])) {
        this.set({ pid: String(worker.pid) }, worker.cpuSeconds);
        workerRooms.set({ pid: String(worker.pid) }, worker.rooms);
      }
    }
  },
});

const workerRooms = new Gauge({
  name: 'consulto_mediasoup_worker_rooms',
  help: 'Routers (rooms and device checks) on each mediasoup worker of this node: its load',
  labelNames: ['pid'] as const,
  registers: [metricsRegistry],
});

/**
 * Times every request under its route pattern (`/api/consultations/:id`), read when the response
 * is finished: a raw URL would make one series per consultation. Unmatched requests share one label.
 */
export function httpMetrics(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = httpRequestSeconds.startTimer();
    res.on('finish', () => {
      // Express sets `route` on the request it matched; its typings say `any`.
      const matched: unknown = req.route;
      const pattern = typeof matched === 'object' && matched !== null && 'path' in matched ? matched.path : undefined;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** GET /metrics: open without a token (keep it on a private listener), else only with `Bearer <token>`. */
export function metricsHandler(token: string | undefined): RequestHandler {
  return async (req: Request, res: Response) => {
    if (token !== undefined && !sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'GET /metrics needs its bearer token (METRICS_TOKEN).' } });
      return;
    }
    res
      .set('Content-Type', metricsRegistry.contentType)
      .set('Cache-Control', 'no-store')
      .send(await metricsRegistry.metrics());
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
