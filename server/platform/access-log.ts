import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from './logger.ts';

declare module 'node:http' {
  interface IncomingMessage {
    /** The id of this request, also sent back as `X-Request-Id` and printed with any error it caused. */
    id: string;
  }
}

/**
 * Gives each request an id (`X-Request-Id`) and logs one line when it is answered: method, path,
 * status, time. Not pino-http: it makes a child logger and serialises the whole request for every
 * request, even when nothing is logged, which measured 8 % of a cached consultation page's CPU
 * (`npm run bench -- public-profile`, SPEC §13). Headers are not logged: they carry tokens.
 */
export function accessLog(logger: Logger, options: { ignore: (url: string) => boolean }): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (logger.isLevelEnabled('info') && !options.ignore(req.url)) {
      const startedAt = performance.now();
      res.once('close', () => {
        const line = {
          requestId: id,
          method: req.method,
          url: req.originalUrl,
          statusCode: res.statusCode,
          responseTimeMs: Math.round(performance.now() - startedAt),
          ...(res.writableFinished ? {} : { aborted: true }),
        };
        if (res.statusCode >= 500) logger.error(line, 'request failed');
        else logger.info(line, 'request completed');
      });
    }
    next();
  };
}
