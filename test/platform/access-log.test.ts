import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { accessLog } from '../../server/platform/access-log.ts';

/** A logger whose lines the test reads back. */
function capturedLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

async function serve(app: express.Express, run: (origin: string) => Promise<void>): Promise<void> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('§11 access log: one line per answered request, with its request id', () => {
  it('logs method, path, status and time under the id the answer carries, never the headers, and skips health checks', async () => {
    const { logger, lines } = capturedLogger('info');
    const app = express();
    app.use(accessLog(logger, { ignore: (url) => url === '/api/health' }));
    app.get('/api/health', (_req, res) => void res.json({ ok: true }));
    app.get('/api/experts/:slug', (req, res) => void res.status(404).json({ slug: req.params.slug }));
    app.get('/boom', (_req, res) => void res.status(500).json({}));
    await serve(app, async (origin) => {
      const answer = await fetch(`${origin}/api/experts/nobody?x=1`, { headers: { authorization: 'Bearer secret-token' } });
      await fetch(`${origin}/api/health`);
      await fetch(`${origin}/boom`);
      const id = answer.headers.get('x-request-id');
      expect(id).to.match(/^[0-9a-f-]{36}$/);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines).to.have.length(2);
      expect(lines[0]).to.include({ requestId: id, method: 'GET', url: '/api/experts/nobody?x=1', statusCode: 404, msg: 'request completed' });
      expect(lines[0]!['responseTimeMs']).to.be.a('number');
      expect(JSON.stringify(lines)).to.not.include('secret-token');
      expect(lines[1]).to.include({ url: '/boom', statusCode: 500, msg: 'request failed', level: 50 });
    });
  });

  it('still gives every answer its id when request lines are not logged', async () => {
    const { logger, lines } = capturedLogger('warn');
    const app = express();
    app.use(accessLog(logger, { ignore: () => false }));
    app.get('/', (req, res) => void res.json({ id: req.id }));
    await serve(app, async (origin) => {
      const answer = await fetch(origin);
      expect((await answer.json()).id).to.equal(answer.headers.get('x-request-id'));
      expect(lines).to.have.length(0);
    });
  });
});
