import type { Logger } from '../platform/logger.ts';

export interface PeriodicTask {
  name: string;
  run(): Promise<unknown>;
}

/**
 * Runs housekeeping tasks one after the other at a fixed interval, never overlapping itself.
 * Every task is safe to run twice and on several nodes at once (idempotency keys, SKIP LOCKED),
 * so a missed or doubled tick costs nothing.
 */
export function startPeriodicTasks(tasks: readonly PeriodicTask[], intervalMs: number, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      for (const task of tasks) {
        try {
          await task.run();
        } catch (error) {
          logger.error({ err: error, task: task.name }, 'periodic task failed');
        }
      }
    })().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
