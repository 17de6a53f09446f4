/** Time comes from here, never from `new Date()` in the domain, so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: deadlines in tests are exact. */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(start: Date | string = '2026-11-23T09:00:00.000Z') {
    this.#nowMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  set(at: Date | string): void {
    this.#nowMs = new Date(at).getTime();
  }
}
