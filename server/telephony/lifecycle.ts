import type { Queryable } from '../platform/database.ts';
import type { CallParty } from './provider.ts';

/**
 * What the phone runner tells the consultation's owner. The booking state machine
 * (server/bookings) owns every status change; the runner reports facts through this port and
 * never writes `status` itself when that machine is wired (app.ts).
 */
export type PhoneEndReason = 'party_left' | 'budget_exhausted' | 'package_exhausted' | 'connection_lost' | 'platform';

export interface ConsultationLifecycle {
  /** BOOK-4 / BOOK-5: the party answered and is on the call. */
  partyJoined(consultationId: string, party: CallParty): Promise<void>;
  /** BILL-3 / BILL-4: the consultation is over after `connectedSeconds`; it is then settled (PAY-2). */
  end(consultationId: string, input: { connectedSeconds: number; reason: PhoneEndReason }): Promise<void>;
  /**
   * BOOK-4 / BOOK-5: the joining window closed before both parties were on the call: the expert
   * never answered (expert no-show, or an immediate request that expires) or the client did not.
   */
  joinWindowClosed(consultationId: string, absent: CallParty): Promise<void>;
}

/** The booking state machine (server/bookings/state-machine.ts), as far as the phone needs it. */
export interface ConsultationStatusOwner {
  markPartyJoined(consultationId: string, party: CallParty): Promise<unknown>;
  endConsultation(consultationId: string, input: { connectedSeconds: number; reason: PhoneEndReason }): Promise<unknown>;
  expireRequest(consultationId: string): Promise<unknown>;
  detectNoShow(consultationId: string): Promise<unknown>;
}

/** Reports the phone's facts to the state machine, which owns every status and settles (PAY-2). */
export class StateMachineLifecycle implements ConsultationLifecycle {
  readonly #db: Queryable;
  readonly #owner: ConsultationStatusOwner;

  constructor(deps: { db: Queryable; owner: ConsultationStatusOwner }) {
    this.#db = deps.db;
    this.#owner = deps.owner;
  }

  async partyJoined(consultationId: string, party: CallParty): Promise<void> {
    await this.#owner.markPartyJoined(consultationId, party);
  }

  async end(consultationId: string, input: { connectedSeconds: number; reason: PhoneEndReason }): Promise<void> {
    await this.#owner.endConsultation(consultationId, input);
  }

  async joinWindowClosed(consultationId: string, absent: CallParty): Promise<void> {
    const [row] = await this.#db.query<{ status: string }>('SELECT status FROM consultations WHERE id = $1', [consultationId]);
    switch (row?.status) {
      case 'requested':
        // BOOK-4: the expert never picked up the immediate request: it expires, nobody pays.
        await this.#owner.expireRequest(consultationId);
        return;
      case 'scheduled':
        // BOOK-5: 10 minutes after the start; the state machine tells expert from client no-show.
        await this.#owner.detectNoShow(consultationId);
        return;
      case 'live':
        // The expert took an immediate request and the client never picked up: nothing was consumed.
        if (absent === 'client') await this.#owner.endConsultation(consultationId, { connectedSeconds: 0, reason: 'party_left' });
        return;
      default:
        return; // already decided elsewhere (cancelled, expired, a no-show found by the job)
    }
  }
}
