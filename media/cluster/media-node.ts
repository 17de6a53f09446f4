import type { Database } from '../../server/platform/database.ts';
import type { Logger } from '../../server/platform/logger.ts';
import { deregisterMediaNode, heartbeat, HEARTBEAT_INTERVAL_MS, registerMediaNode } from './node-registry.ts';

/**
 * A media node's life in the registry: registered at start, a heartbeat with its load every
 * 2 s, gone at a clean stop. A node that finds it was swept (it stalled past 6 s and another
 * node ended its consultations) says so; the rooms of those consultations close when their end
 * reaches it (MediaService.endedElsewhere).
 */
export async function runMediaNode(deps: {
  db: Database;
  logger: Logger;
  nodeId: string;
  signalingUrl: string;
  capacity: number;
  load: () => number;
}): Promise<{ stop(): Promise<void> }> {
  await registerMediaNode(deps.db, { nodeId: deps.nodeId, signalingUrl: deps.signalingUrl, capacity: deps.capacity });
  deps.logger.info({ mediaNodeId: deps.nodeId, signalingUrl: deps.signalingUrl }, 'media node registered');
  let beating: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    beating ??= heartbeat(deps.db, deps.nodeId, deps.load())
      .then((alive) => {
        if (!alive) deps.logger.warn({ mediaNodeId: deps.nodeId }, 'this media node was taken for dead: its live consultations were ended elsewhere');
      })
      .catch((error: unknown) => deps.logger.error({ err: error }, 'media node heartbeat failed'))
      .finally(() => {
        beating = undefined;
      });
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await beating;
      await deregisterMediaNode(deps.db, deps.nodeId).catch((error: unknown) => deps.logger.error({ err: error }, 'media node deregistration failed'));
    },
  };
}
