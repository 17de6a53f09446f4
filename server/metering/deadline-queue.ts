/**
 * One timer for every deadline of every live consultation: a binary min-heap ordered by time,
 * with the process timer armed only for the earliest entry. Rescheduling a key pushes a new
 * entry and bumps the key's version; stale entries are skipped when they surface (lazy delete).
 * Thousands of consultations thus cost one timer and O(log n) per event, never a tick per second.
 */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const processTimers: Timers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Entry {
  atMs: number;
  key: string;
  version: number;
}

/** Node clamps longer delays to 1 ms; a far deadline re-arms on the way. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export class DeadlineQueue {
  readonly #heap: Entry[] = [];
  readonly #versions = new Map<string, number>();
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #onDue: (key: string, atMs: number) => void;
  #armed: { handle: unknown; atMs: number } | undefined;

  constructor(options: { now: () => number; timers: Timers; onDue: (key: string, atMs: number) => void }) {
    this.#now = options.now;
    this.#timers = options.timers;
    this.#onDue = options.onDue;
  }

  get size(): number {
    return this.#versions.size;
  }

  schedule(key: string, atMs: number): void {
    const version = (this.#versions.get(key) ?? 0) + 1;
    this.#versions.set(key, version);
    this.#push({ atMs, key, version });
    this.#arm();
  }

  cancel(key: string): void {
    this.#versions.delete(key);
  }

  /** Fires every deadline that is due; the process timer calls it, tests may too. */
  runDue(): void {
    const nowMs = this.#now();
    while (this.#heap.length > 0 && this.#heap[0]!.atMs <= nowMs) {
      const entry = this.#pop()!;
      if (this.#versions.get(entry.key) !== entry.version) continue;
      this.#versions.delete(entry.key);
      this.#onDue(entry.key, entry.atMs);
    }
    this.#arm();
  }

  #arm(): void {
    while (this.#heap.length > 0 && this.#versions.get(this.#heap[0]!.key) !== this.#heap[0]!.version) this.#pop();
    const next = this.#heap[0];
    if (this.#armed && (!next || this.#armed.atMs !== next.atMs)) {
      this.#timers.clearTimeout(this.#armed.handle);
      this.#armed = undefined;
    }
    if (!next || this.#armed) return;
    const delayMs = Math.min(Math.max(0, next.atMs - this.#now()), MAX_TIMER_DELAY_MS);
    this.#armed = {
      atMs: next.atMs,
      handle: this.#timers.setTimeout(() => {
        this.#armed = undefined;
        this.runDue();
      }, delayMs),
    };
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.atMs <= entry.atMs) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  #pop(): Entry | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      const smallestAt = () => (smallest === index ? last.atMs : heap[smallest]!.atMs);
      if (left < heap.length && heap[left]!.atMs < smallestAt()) smallest = left;
      if (right < heap.length && heap[right]!.atMs < smallestAt()) smallest = right;
      if (smallest === index) break;
      heap[index] = heap[smallest]!;
      index = smallest;
    }
    heap[index] = last;
    return top;
  }
}
