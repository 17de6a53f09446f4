import { z } from 'zod';
import type { Database, ChannelListener } from '../platform/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { ConsultationStatus } from '../bookings/state-machine.ts';

/**
 * BOOK-4 live updates, whichever API node a page is connected to: the database announces every
 * new consultation and every change of its status (a trigger, migration 065) on this channel in
 * the transaction that made it, and every node LISTENs. The database stays the truth: a change
 * only says which consultation to read again; a lost listening connection says "read everything
 * again" (`resync`).
 */
export const CONSULTATION_EVENTS_CHANNEL = 'consultation_events';

export interface ConsultationChange {
  id: string;
  expertId: string;
  clientId: string;
  status: ConsultationStatus;
  mode: 'video' | 'phone';
  /** BOOK-4: the expert declined the request (it is `expired`). */
  declined: boolean;
}

export interface ConsultationChangeListener {
  change(change: ConsultationChange): void;
  /** Changes may have been missed (the listening connection was lost): read the truth again. */
  resync(): void;
}

/** The small interface the pages' stream and the SFU depend on. */
export interface ConsultationChangeSource {
  /** Every change, for a subsystem (the SFU closes rooms of requests that ended). */
  subscribe(listener: ConsultationChangeListener): () => void;
  /** The changes of one user's consultations, as expert or client. */
  subscribeUser(userId: string, listener: ConsultationChangeListener): () => void;
}

const changePayload = z.object({
  id: z.uuid(),
  expertId: z.uuid(),
  clientId: z.uuid(),
  status: z.enum(['requested', 'scheduled', 'live', 'ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert']),
  mode: z.enum(['video', 'phone']),
  declined: z.boolean(),
});

export class ConsultationEvents implements ConsultationChangeSource {
  readonly #logger: Logger;
  readonly #everyone = new Set<ConsultationChangeListener>();
  readonly #byUser = new Map<string, Set<ConsultationChangeListener>>();
  #listener: ChannelListener | undefined;

  /** Subscribers may come first (the routes are wired before anything listens); `listen` starts the flow. */
  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async listen(db: Database): Promise<void> {
    if (this.#listener) return;
    this.#listener = await db.listen(CONSULTATION_EVENTS_CHANNEL, {
      onNotification: (payload) => this.#received(payload),
      onReconnect: () => this.#resync(),
    });
  }

  get subscriberCount(): number {
    let count = this.#everyone.size;
    for (const listeners of this.#byUser.values()) count += listeners.size;
    return count;
  }

  subscribe(listener: ConsultationChangeListener): () => void {
    this.#everyone.add(listener);
    return () => this.#everyone.delete(listener);
  }

  subscribeUser(userId: string, listener: ConsultationChangeListener): () => void {
    let listeners = this.#byUser.get(userId);
    if (!listeners) this.#byUser.set(userId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byUser.get(userId) === listeners) this.#byUser.delete(userId);
    };
  }

  async close(): Promise<void> {
    await this.#listener?.close();
    this.#listener = undefined;
    this.#everyone.clear();
    this.#byUser.clear();
  }

  #received(payload: string): void {
    let change: ConsultationChange;
    try {
      change = changePayload.parse(JSON.parse(payload));
    } catch (error) {
      this.#logger.error({ err: error, payload }, 'unreadable consultation event');
      return;
    }
    const listeners = [...this.#everyone, ...(this.#byUser.get(change.expertId) ?? []), ...(this.#byUser.get(change.clientId) ?? [])];
    for (const listener of listeners) this.#deliver(() => listener.change(change));
  }

  #resync(): void {
    const listeners = [...this.#everyone, ...[...this.#byUser.values()].flatMap((set) => [...set])];
    for (const listener of listeners) this.#deliver(() => listener.resync());
  }

  /** One listener's failure (a closed socket) is not the others'. */
  #deliver(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#logger.warn({ err: error }, 'consultation event listener failed');
    }
  }
}
