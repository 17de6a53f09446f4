import { FINAL_CALL_STATUSES, type CallFact, type CallParty, type CallStatus } from './provider.ts';

/**
 * One call leg as the facts describe it. Pure: facts in, state out. Facts may come twice or out
 * of order (a `completed` before the `in-progress` it follows, a late `participant-join`), so
 * every field only moves forward: a leg that is over stays over, a leg that left the conference
 * never re-enters it (a new call is a new leg).
 */
export interface LegState {
  callId: string;
  party: CallParty;
  phase: 'dialing' | 'ringing' | 'answered' | 'over';
  /** Whether the leg was ever answered; an unanswered leg that ends is a missed call. */
  answered: boolean;
  conference: 'never' | 'in' | 'left';
  finalStatus: CallStatus | null;
}

const PHASE_RANK = { dialing: 0, ringing: 1, answered: 2, over: 3 } as const;

export function newLeg(callId: string, party: CallParty): LegState {
  return { callId, party, phase: 'dialing', answered: false, conference: 'never', finalStatus: null };
}

/** A call recorded in `phone_calls`: one the platform placed, or one it let in from its number (TEL-5). */
export interface RecordedCall {
  call_id: string;
  party: CallParty;
  direction: 'outbound' | 'inbound';
}

/** A leg before any fact about it: a call to the platform's number was answered by the platform's own TwiML. */
export function legOfCall(call: RecordedCall): LegState {
  const leg = newLeg(call.call_id, call.party);
  return call.direction === 'inbound' ? { ...leg, phase: 'answered', answered: true } : leg;
}

export function applyFact(leg: LegState, fact: CallFact): LegState {
  switch (fact.kind) {
    case 'call_status': {
      if (FINAL_CALL_STATUSES.has(fact.status)) {
        if (leg.phase === 'over') return leg;
        // `completed` means the call was answered at some point, even if that callback is still on its way.
        const answered = leg.answered || fact.status === 'completed';
        return { ...leg, phase: 'over', answered, finalStatus: fact.status, conference: leg.conference === 'in' ? 'left' : leg.conference };
      }
      const phase = fact.status === 'answered' ? 'answered' : fact.status === 'ringing' ? 'ringing' : 'dialing';
      if (PHASE_RANK[phase] <= PHASE_RANK[leg.phase]) return leg;
      return { ...leg, phase, answered: leg.answered || phase === 'answered' };
    }
    case 'conference_joined':
      if (leg.phase === 'over' || leg.conference !== 'never') return leg;
      return { ...leg, phase: 'answered', answered: true, conference: 'in' };
    case 'conference_left':
      if (leg.conference === 'left') return leg;
      return { ...leg, answered: true, conference: 'left' };
  }
}

/** BILL-4 / TEL-1: a party counts as connected while one of its legs is in the conference. */
export function isInConference(leg: LegState): boolean {
  return leg.conference === 'in' && leg.phase !== 'over';
}

/**
 * TEL-5: a party is on the line while one of its legs is in the conference or on its way there
 * (being called, or answered and not yet in); one whose legs all ended or left the conference is away.
 */
export function isOnTheLine(leg: LegState): boolean {
  return leg.phase !== 'over' && leg.conference !== 'left';
}

export interface TimedFact {
  fact: CallFact;
  atMs: number;
}

/**
 * BILL-4 from the recorded facts alone (used after a restart, when the in-memory meter is gone):
 * the time both parties had a leg in the conference, in whole seconds, never above `maxSeconds`.
 * An interval still open at the end is closed at `untilMs`: the provider kept both legs up while
 * we were away, until the platform hung up.
 */
export function connectedSecondsFromFacts(
  facts: readonly TimedFact[],
  untilMs: number,
  maxSeconds: number,
): { connectedSeconds: number; everConnected: boolean } {
  const legs = new Map<string, LegState>();
  let runningSinceMs: number | null = null;
  let accumulatedMs = 0;
  let everConnected = false;
  const bothIn = () => (['expert', 'client'] as const).every((party) => [...legs.values()].some((leg) => leg.party === party && isInConference(leg)));
  for (const { fact, atMs } of facts) {
    legs.set(fact.callId, applyFact(legs.get(fact.callId) ?? newLeg(fact.callId, fact.party), fact));
    const running = bothIn();
    if (running && runningSinceMs === null) {
      runningSinceMs = atMs;
      everConnected = true;
    } else if (!running && runningSinceMs !== null) {
      accumulatedMs += atMs - runningSinceMs;
      runningSinceMs = null;
    }
  }
  if (runningSinceMs !== null) accumulatedMs += Math.max(0, untilMs - runningSinceMs);
  return { connectedSeconds: Math.min(maxSeconds, Math.floor(accumulatedMs / 1000)), everConnected };
}

/** What a meter knew, rebuilt from the facts when another node takes a phone session over. */
export interface MeterStateFromFacts {
  /** Connected time of the runs already closed, in ms. */
  accumulatedMs: number;
  /** When the run still going began (both parties in the conference now), else null. */
  runningSinceMs: number | null;
  /** When the last run stopped, once the parties had talked and one is away, else null. */
  absentSinceMs: number | null;
  everRan: boolean;
  present: CallParty[];
}

/**
 * BILL-4 from the recorded facts, for a takeover: the same intervals as `connectedSecondsFromFacts`,
 * left open, so the new owner's meter goes on counting from where the facts say, not from zero and
 * not from its own arrival (the provider kept the conference up while the old owner was dead).
 */
export function meterStateFromFacts(facts: readonly TimedFact[]): MeterStateFromFacts {
  const legs = new Map<string, LegState>();
  let runningSinceMs: number | null = null;
  let absentSinceMs: number | null = null;
  let accumulatedMs = 0;
  let everRan = false;
  const presentNow = () => (['expert', 'client'] as const).filter((party) => [...legs.values()].some((leg) => leg.party === party && isInConference(leg)));
  for (const { fact, atMs } of facts) {
    legs.set(fact.callId, applyFact(legs.get(fact.callId) ?? newLeg(fact.callId, fact.party), fact));
    const running = presentNow().length === 2;
    if (running && runningSinceMs === null) {
      runningSinceMs = atMs;
      everRan = true;
      absentSinceMs = null;
    } else if (!running && runningSinceMs !== null) {
      accumulatedMs += atMs - runningSinceMs;
      runningSinceMs = null;
      absentSinceMs = atMs;
    }
  }
  return { accumulatedMs, runningSinceMs, absentSinceMs, everRan, present: presentNow() };
}

/** The legs as the recorded calls and their facts leave them (a call without facts yet is still a leg). */
export function legsFromCallsAndFacts(calls: readonly RecordedCall[], facts: readonly { fact: CallFact }[]): LegState[] {
  const legs = new Map<string, LegState>(calls.map((call) => [call.call_id, legOfCall(call)]));
  for (const { fact } of facts) legs.set(fact.callId, applyFact(legs.get(fact.callId) ?? newLeg(fact.callId, fact.party), fact));
  return [...legs.values()];
}

/**
 * TEL-5 from the recorded calls and facts alone, so that any API node decides it the same: the party
 * who may call the platform back now. The parties have talked, that party is away, the other is in
 * the conference (both away ends the consultation), and its absence began less than `graceMs` ago.
 */
export function partyAwayFromFacts(calls: readonly RecordedCall[], facts: readonly TimedFact[], nowMs: number, graceMs: number): CallParty | undefined {
  const state = meterStateFromFacts(facts);
  if (!state.everRan || state.absentSinceMs === null || nowMs - state.absentSinceMs >= graceMs) return undefined;
  const legs = legsFromCallsAndFacts(calls, facts);
  const away = (['expert', 'client'] as const).filter((party) => !legs.some((leg) => leg.party === party && isOnTheLine(leg)));
  if (away.length !== 1) return undefined;
  const party = away[0]!;
  return state.present.includes(party === 'expert' ? 'client' : 'expert') ? party : undefined;
}
