/**
 * The load generator, run in its own process (child_process.fork) so that it does not share the
 * server's event loop or its core. Keep-alive HTTP/1.1 clients, each sending its next request as
 * soon as the previous answer has been read. Talks to loopback only; stops at a request count or a
 * duration, whichever comes first.
 */
import http from 'node:http';
import type { LoadRequest, LoadMessage } from './http-load.ts';

const send = (message: LoadMessage) => process.send!(message);

process.once('message', (message: LoadRequest) => {
  run(message).then(
    (result) => {
      send(result);
      process.disconnect();
    },
    (error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.disconnect();
    },
  );
});

async function run(request: LoadRequest): Promise<LoadMessage> {
  const origin = new URL(request.origin);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(origin.hostname)) throw new Error(`loopback only, not ${origin.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: request.connections });
  const latenciesMs = new Float64Array(request.maxRequests);
  let measuring = false;
  let measured = 0;
  let errors = 0;
  let sent = 0;
  const statuses: Record<string, number> = {};

  const oneRequest = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const call = http.get({ host: origin.hostname, port: origin.port, path, agent }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      });
      call.on('error', reject);
    });

  const warmupEndNs = process.hrtime.bigint() + BigInt(request.warmupMs) * 1_000_000n;
  let endNs = 0n;
  let cpuAtStart = process.cpuUsage();
  let measureStartNs = 0n;
  const startMeasuring = () => {
    measuring = true;
    measureStartNs = process.hrtime.bigint();
    endNs = measureStartNs + BigInt(request.durationMs) * 1_000_000n;
    cpuAtStart = process.cpuUsage();
    send({ type: 'measuring' });
  };

  const client = async (index: number) => {
    for (;;) {
      const nowNs = process.hrtime.bigint();
      if (!measuring && nowNs >= warmupEndNs) startMeasuring();
      if (measuring && (nowNs >= endNs || measured >= request.maxRequests)) return;
      const path = request.paths[(sent++ + index) % request.paths.length]!;
      const startNs = process.hrtime.bigint();
      let status: number;
      try {
        status = await oneRequest(path);
      } catch {
        errors += 1;
        continue;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (measuring && measured < request.maxRequests) {
        if (status < 200 || status >= 300) errors += 1;
        latenciesMs[measured++] = Number(process.hrtime.bigint() - startNs) / 1e6;
      }
    }
  };
  await Promise.all(Array.from({ length: request.connections }, (_, index) => client(index)));
  const elapsedMs = Number(process.hrtime.bigint() - measureStartNs) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  agent.destroy();
  const sorted = latenciesMs.subarray(0, measured).sort();
  const quantile = (q: number) => (measured ? sorted[Math.min(measured - 1, Math.floor(q * measured))]! : NaN);
  return {
    type: 'result',
    requests: measured,
    errors,
    statuses,
    elapsedMs,
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
    maxMs: measured ? sorted[measured - 1]! : NaN,
    generatorCores: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}
