import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../../server/platform/logger.ts';

export type WorkerPoolEvents = {
  /** MEDIA-4: the worker's routers are gone; whoever owns rooms on it ends them. */
  workerDied: [worker: types.Worker, error: Error];
  closed: [];
};

/** How long to wait before retrying to replace a dead worker whose replacement also failed. */
const REPLACE_RETRY_MS = 1000;

/**
 * MEDIA-4: one mediasoup worker per core (MEDIASOUP_WORKERS), consultations spread across them:
 * a new room goes to the worker carrying the fewest rooms, ties broken round-robin. Workers
 * start on the first room, so a platform that never hosts a video call never spawns one. A
 * worker that dies is replaced in its slot; its rooms are announced through `workerDied`.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #size: number;
  readonly #logger: Logger;
  readonly #slots: (types.Worker | undefined)[];
  readonly #load = new Map<types.Worker, number>();
  #starting: Promise<void> | undefined;
  #next = 0;
  #closed = false;

  constructor(options: { size: number; logger: Logger }) {
    super();
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`worker pool size ${options.size}`);
    this.#size = options.size;
    this.#logger = options.logger;
    this.#slots = new Array<types.Worker | undefined>(options.size).fill(undefined);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The live workers, for the benches and the tests (`worker.pid`). */
  /** Routers held by a worker (rooms and device checks): its load. */
  loadOf(worker: types.Worker): number {
    return this.#load.get(worker) ?? 0;
  }

  get workers(): types.Worker[] {
    return this.#slots.filter((worker): worker is types.Worker => worker !== undefined && !worker.closed);
  }

  /** Picks a worker for a new room and counts the room on it until `release`. */
  async acquire(): Promise<types.Worker> {
    if (this.#closed) throw new Error('worker pool closed');
    this.#starting ??= this.#startAll();
    await this.#starting;
    let best: types.Worker | undefined;
    for (let step = 0; step < this.#size; step++) {
      const candidate = this.#slots[(this.#next + step) % this.#size];
      if (!candidate || candidate.closed || candidate.died) continue;
      if (!best || (this.#load.get(candidate) ?? 0) < (this.#load.get(best) ?? 0)) best = candidate;
    }
    if (!best) throw new Error('no mediasoup worker available');
    this.#next = (this.#slots.indexOf(best) + 1) % this.#size;
    this.#load.set(best, (this.#load.get(best) ?? 0) + 1);
    return best;
  }

  release(worker: types.Worker): void {
    const load = this.#load.get(worker);
    if (load !== undefined) this.#load.set(worker, Math.max(0, load - 1));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#slots) worker?.close();
    this.#slots.fill(undefined);
    this.#load.clear();
    this.emit('closed');
  }

  async #startAll(): Promise<void> {
    await Promise.all(this.#slots.map((_, slot) => this.#startSlot(slot)));
  }

  async #startSlot(slot: number): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    if (this.#closed) {
      worker.close();
      return;
    }
    this.#slots[slot] = worker;
    this.#load.set(worker, 0);
    worker.on('died', (error) => {
      this.#logger.error({ err: error, pid: worker.pid, slot }, 'mediasoup worker died');
      this.#load.delete(worker);
      this.#slots[slot] = undefined;
      this.emit('workerDied', worker, error);
      void this.#replace(slot);
    });
  }

  async #replace(slot: number): Promise<void> {
    while (!this.#closed) {
      try {
        await this.#startSlot(slot);
        this.#logger.info({ slot, pid: this.#slots[slot]?.pid }, 'mediasoup worker replaced');
        return;
      } catch (error) {
        this.#logger.error({ err: error, slot }, 'replacing a mediasoup worker failed');
        await new Promise((resolve) => setTimeout(resolve, REPLACE_RETRY_MS));
      }
    }
  }
}
