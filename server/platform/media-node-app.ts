import express from 'express';
import type { Database } from './database.ts';
import type { Logger } from './logger.ts';
import { errorHandler } from './http.ts';
import { AppError } from './errors.ts';
import { httpMetrics, metricsHandler } from './metrics.ts';

/**
 * The HTTP side of a media node (CONSULTO_ROLE=media): its health and metrics. The signaling
 * WebSocket upgrades on the same server (SignalingServer); every API route lives on the API nodes.
 */
export function mediaNodeApp(deps: { db: Database; metricsToken: string | undefined; logger: Logger }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetrics());
  app.get('/metrics', metricsHandler(deps.metricsToken));
  app.get('/api/health', async (_req, res) => {
    await deps.db.query('SELECT 1');
    res.json({ status: 'ok', role: 'media' });
  });
  app.use(() => {
    throw new AppError(404, 'not_found', 'A media node serves only its signaling socket, /api/health and /metrics.');
  });
  app.use(errorHandler(deps.logger));
  return app;
}
