import type { Clock } from '../platform/clock.ts';
import { InvariantViolation } from '../billing/index.ts';
import { DeadlineQueue, processTimers, type Timers } from './deadline-queue.ts';
import { meterLatenessSeconds } from '../platform/metrics.ts';

export type Party = 'expert' | 'client';

/**
 * BILL-3: both parties are warned this long before the budget runs out; when the budget or the
 * package buys this long or less, the warning comes at the start and says how long it can last.
 */
export const BUDGET_WARNING_SECONDS = 60;
/** BILL-4: a party who drops has this long to come back before the consultation ends. */
export const RECONNECT_GRACE_SECONDS = 120;

const MS_PER_SECOND = 1000;

/** What the meter tells its owner; the booking state machine decides what each means. */
export type MeterSignal =
  /** `atStart`: given as the meter first runs, because the terms buy 60 s or less (BILL-3 as amended). */
  | { kind: 'budget_warning'; consultationId: string; secondsLeft: number; atStart: boolean }
  | { kind: 'cap_reached'; consultationId: string; connectedSeconds: number }
  | { kind: 'grace_expired'; consultationId: string; connectedSeconds: number };

/** A meter's state handed over from another node (see `open`). */
export interface ResumedMeter {
  accumulatedMs: number;
  runningSinceMs: number | null;
  absentSinceMs: number | null;
  everRan: boolean;
  present: readonly Party[];
}

export interface MeterReading {
  connectedSeconds: number;
  running: boolean;
  maxSeconds: number;
  secondsLeft: number;
}

interface Metered {
  maxSeconds: number;
  present: Set<Party>;
  /** Connected time before the current run, in ms. */
  accumulatedMs: number;
  /** Start of the current both-connected run, or null when paused. */
  runningSinceMs: number | null;
  warned: boolean;
  everRan: boolean;
  /** When the current absence began (only after the meter has run once). */
  absentSinceMs: number | null;
}

/**
 * BILL-3 / BILL-4: connected time runs only while both parties are present. Each live
 * consultation has exactly one pending deadline (the warning, the cap or the end of the grace
 * period), recomputed on every presence event; nothing ticks per second.
 */
export class Meter {
  readonly #clock: Clock;
  readonly #onSignal: (signal: MeterSignal) => void;
  readonly #consultations = new Map<string, Metered>();
  readonly #deadlines: DeadlineQueue;

  constructor(options: { clock: Clock; onSignal: (signal: MeterSignal) => void; timers?: Timers }) {
    this.#clock = options.clock;
    this.#onSignal = options.onSignal;
    this.#deadlines = new DeadlineQueue({
      now: () => this.#clock.now().getTime(),
      timers: options.timers ?? processTimers,
      onDue: (consultationId) => this.#deadlineReached(consultationId),
    });
  }

  get liveCount(): number {
    return this.#consultations.size;
  }

  /**
   * A consultation goes live with what its terms allow (BILL-1 budget or BILL-5 package minutes).
   * `resumed`: a meter another node ran, rebuilt from recorded facts (a takeover); its deadlines
   * are set at once (a cap or a grace end passed while nobody owned it fires now).
   */
  open(consultationId: string, maxSeconds: number, resumed?: ResumedMeter): void {
    if (!Number.isSafeInteger(maxSeconds) || maxSeconds <= 0) throw new InvariantViolation(`metering ${maxSeconds} seconds`);
    if (this.#consultations.has(consultationId)) return;
    if (resumed && (resumed.accumulatedMs < 0 || (resumed.runningSinceMs !== null && resumed.runningSinceMs > this.#nowMs()))) {
      throw new InvariantViolation(`resuming a meter at ${resumed.accumulatedMs} ms running since ${resumed.runningSinceMs}`);
    }
    const metered: Metered = {
      maxSeconds,
      present: new Set(resumed?.present ?? []),
      accumulatedMs: resumed?.accumulatedMs ?? 0,
      runningSinceMs: resumed?.runningSinceMs ?? null,
      warned: false,
      everRan: resumed?.everRan ?? false,
      absentSinceMs: resumed?.absentSinceMs ?? null,
    };
    // BILL-3: the dead owner gave the warning if its time came; it is not said twice.
    if (resumed) metered.warned = this.#connectedSeconds(metered) >= maxSeconds - BUDGET_WARNING_SECONDS && metered.everRan;
    this.#consultations.set(consultationId, metered);
    if (resumed) this.#reschedule(consultationId, metered);
  }

  connect(consultationId: string, party: Party): void {
    const metered = this.#consultations.get(consultationId);
    if (!metered || metered.present.has(party)) return;
    metered.present.add(party);
    if (metered.present.size === 2) {
      metered.runningSinceMs = this.#nowMs();
      metered.everRan = true;
      metered.absentSinceMs = null;
    }
    this.#reschedule(consultationId, metered);
  }

  /**
   * A party dropped. `atMs` dates the drop when it is noticed later than it happened (BILL-4 by
   * video: the SFU sees media stop a sample or two after the last packet); it is never before the
   * current run began nor in the future, so the meter only ever gives time back to the client.
   */
  disconnect(consultationId: string, party: Party, atMs?: number): void {
    const metered = this.#consultations.get(consultationId);
    if (!metered || !metered.present.has(party)) return;
    metered.present.delete(party);
    const nowMs = this.#nowMs();
    const droppedAtMs = Math.min(nowMs, Math.max(atMs ?? nowMs, metered.runningSinceMs ?? nowMs));
    if (metered.runningSinceMs !== null) {
      metered.accumulatedMs += droppedAtMs - metered.runningSinceMs;
      metered.runningSinceMs = null;
    }
    if (metered.everRan && metered.absentSinceMs === null) metered.absentSinceMs = droppedAtMs;
    this.#reschedule(consultationId, metered);
  }

  reading(consultationId: string): MeterReading | undefined {
    const metered = this.#consultations.get(consultationId);
    if (!metered) return undefined;
    const connectedSeconds = this.#connectedSeconds(metered);
    return {
      connectedSeconds,
      running: metered.runningSinceMs !== null,
      maxSeconds: metered.maxSeconds,
      secondsLeft: metered.maxSeconds - connectedSeconds,
    };
  }

  /** Either party ended it, or the platform did: the connected seconds to bill. */
  close(consultationId: string): number {
    const metered = this.#consultations.get(consultationId);
    if (!metered) return 0;
    const connectedSeconds = this.#connectedSeconds(metered);
    this.#forget(consultationId);
    return connectedSeconds;
  }

  /** BILL-2: billing is per whole second, never beyond what the terms allow. */
  #connectedSeconds(metered: Metered): number {
    const runningMs = metered.runningSinceMs === null ? 0 : this.#nowMs() - metered.runningSinceMs;
    return Math.min(metered.maxSeconds, Math.floor((metered.accumulatedMs + runningMs) / MS_PER_SECOND));
  }

  #reschedule(consultationId: string, metered: Metered): void {
    const next = this.#nextDeadline(metered);
    if (next === undefined) this.#deadlines.cancel(consultationId);
    else this.#deadlines.schedule(consultationId, next.atMs);
  }

  #nextDeadline(metered: Metered): { kind: 'warning' | 'cap' | 'grace'; atMs: number } | undefined {
    if (metered.runningSinceMs !== null) {
      const capAtMs = metered.runningSinceMs + metered.maxSeconds * MS_PER_SECOND - metered.accumulatedMs;
      // A cap 60 s or less after the run starts is warned at once (a one-minute budget), never skipped.
      const warnAtMs = Math.max(capAtMs - BUDGET_WARNING_SECONDS * MS_PER_SECOND, metered.runningSinceMs);
      return !metered.warned ? { kind: 'warning', atMs: warnAtMs } : { kind: 'cap', atMs: capAtMs };
    }
    if (metered.absentSinceMs !== null) return { kind: 'grace', atMs: metered.absentSinceMs + RECONNECT_GRACE_SECONDS * MS_PER_SECOND };
    return undefined;
  }

  #deadlineReached(consultationId: string): void {
    const metered = this.#consultations.get(consultationId);
    if (!metered) return;
    const deadline = this.#nextDeadline(metered);
    if (!deadline) return;
    if (deadline.atMs > this.#nowMs()) {
      this.#deadlines.schedule(consultationId, deadline.atMs);
      return;
    }
    meterLatenessSeconds.observe((this.#nowMs() - deadline.atMs) / MS_PER_SECOND);
    switch (deadline.kind) {
      case 'warning': {
        metered.warned = true;
        this.#reschedule(consultationId, metered);
        const connectedSeconds = this.#connectedSeconds(metered);
        this.#onSignal({ kind: 'budget_warning', consultationId, secondsLeft: metered.maxSeconds - connectedSeconds, atStart: connectedSeconds === 0 });
        return;
      }
      case 'cap':
        this.#forget(consultationId);
        this.#onSignal({ kind: 'cap_reached', consultationId, connectedSeconds: metered.maxSeconds });
        return;
      case 'grace':
        this.#forget(consultationId);
        this.#onSignal({
          kind: 'grace_expired',
          consultationId,
          connectedSeconds: Math.min(metered.maxSeconds, Math.floor(metered.accumulatedMs / MS_PER_SECOND)),
        });
        return;
    }
  }

  /** Tests with a manual clock fire the deadlines that are due. */
  runDue(): void {
    this.#deadlines.runDue();
  }

  #forget(consultationId: string): void {
    this.#consultations.delete(consultationId);
    this.#deadlines.cancel(consultationId);
  }

  #nowMs(): number {
    return this.#clock.now().getTime();
  }
}
