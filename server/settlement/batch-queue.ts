import { InvariantViolation } from '../billing/index.ts';

interface Waiter<Result> {
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** What a batch answers for one of its keys. */
export type BatchOutcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * Group commit for work that is cheaper in sets: requests that arrive while batches run wait and
 * go together in the next one, so a lone request starts at once (on the next turn of the event
 * loop) and many concurrent ones share statements. Requests for one key share one answer. Each key
 * gets its own outcome: one failure does not fail the batch's other keys.
 */
export class BatchQueue<Key, Result> {
  readonly #run: (keys: Key[]) => Promise<Map<Key, BatchOutcome<Result>>>;
  readonly #maxBatchSize: number;
  readonly #maxBatchesInFlight: number;
  readonly #waiting = new Map<Key, Waiter<Result>[]>();
  #inFlight = 0;
  #scheduled = false;

  constructor(run: (keys: Key[]) => Promise<Map<Key, BatchOutcome<Result>>>, limits: { maxBatchSize: number; maxBatchesInFlight: number }) {
    if (!(limits.maxBatchSize >= 1 && limits.maxBatchesInFlight >= 1)) throw new RangeError('a batch queue needs room for one batch of one');
    this.#run = run;
    this.#maxBatchSize = limits.maxBatchSize;
    this.#maxBatchesInFlight = limits.maxBatchesInFlight;
  }

  submit(key: Key): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const waiters = this.#waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      this.#schedule();
    });
  }

  /** Starts batches on the next turn, so that the requests of this turn (many callers woken together) go in one. */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxBatchesInFlight || this.#waiting.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#startBatches();
    });
  }

  #startBatches(): void {
    while (this.#inFlight < this.#maxBatchesInFlight && this.#waiting.size > 0) {
      // The waiting keys are shared among the free slots, so that batches overlap instead of queueing behind one big one.
      const size = Math.min(this.#maxBatchSize, Math.ceil(this.#waiting.size / (this.#maxBatchesInFlight - this.#inFlight)));
      const batch = new Map<Key, Waiter<Result>[]>();
      for (const [key, waiters] of this.#waiting) {
        if (batch.size >= size) break;
        batch.set(key, waiters);
        this.#waiting.delete(key);
      }
      this.#inFlight += 1;
      this.#run([...batch.keys()])
        .then(
          (outcomes) => {
            for (const [key, waiters] of batch) {
              const outcome = outcomes.get(key) ?? { ok: false, error: new InvariantViolation('a batch gave no answer for one of its keys') };
              for (const waiter of waiters) {
                if (outcome.ok) waiter.resolve(outcome.value);
                else waiter.reject(outcome.error);
              }
            }
          },
          (error: unknown) => {
            for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#schedule();
        });
    }
  }
}
