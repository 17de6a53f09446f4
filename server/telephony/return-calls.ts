import type { Database, Queryable } from '../platform/database.ts';
import { RECONNECT_GRACE_SECONDS } from '../metering/meter.ts';
import { partyAwayFromFacts } from './legs.ts';
import type { CallParty, ReturningCaller } from './provider.ts';
import { lockUnfinishedSession, readCalls, readFacts, readRecordedCall, readReturnCandidates, recordCall, type ReturnCandidate } from './store.ts';

/**
 * Live phone sessions one caller's number or code may match. More than this is ambiguous: the
 * caller is asked for the code, as for two matches.
 */
const MAX_RETURN_CANDIDATES = 10;
const GRACE_MS = RECONNECT_GRACE_SECONDS * 1000;

export interface ReturnCallInput {
  /** The provider's id of the call to the platform's number. */
  callId: string;
  /** The caller's number (E.164), when the provider gave one and it is still the first question. */
  from: string | undefined;
  /** The return code typed on the keypad. */
  code: string | undefined;
}

/**
 * TEL-5 on whichever API node the call to the platform's number lands: the decision reads only
 * PostgreSQL (the sessions, the numbers on file, the return code, the recorded calls and facts),
 * never a node's memory, so the owner of the session and any other node answer alike. Facts are
 * recorded before any node decides them, so the tables know at least what the owner knows.
 *
 * Admitted, the call is recorded as the party's inbound leg in `phone_calls`; a trigger wakes the
 * session's owner (migration 081), which takes the leg as its own; the leg's conference callbacks,
 * wherever they land, resume its meter (BILL-4). The same call asked again (a retried webhook) gets
 * the same answer and records nothing more; a call already recorded is never admitted elsewhere.
 */
export async function admitReturningCall(db: Database, input: ReturnCallInput, now: Date): Promise<ReturningCaller | undefined> {
  const recorded = await readRecordedCall(db, input.callId);
  if (recorded) return recorded.finished ? undefined : answerOf(recorded, recorded.party);
  if (input.from === undefined && input.code === undefined) return undefined;
  const candidates = await readReturnCandidates(db, input.from ?? null, input.code ?? null, MAX_RETURN_CANDIDATES + 1);
  if (candidates.length > MAX_RETURN_CANDIDATES) return undefined;
  const matches: { candidate: ReturnCandidate; party: CallParty }[] = [];
  for (const candidate of candidates) {
    const party = await partyAway(db, candidate.consultation_id, now);
    if (party !== undefined && callerMatches(candidate, party, input)) matches.push({ candidate, party });
  }
  // One match only: a number shared by two live consultations must type its code.
  if (matches.length !== 1) return undefined;
  const { candidate, party } = matches[0]!;
  return db.transaction(async (tx) => {
    // The session's row lock orders this admission after another for the same session (the same
    // webhook retried at once, the party calling from two phones) and against the owner finishing
    // it: the owner's closing write waits, then it hangs up the legs it finds (phone-consultations.ts).
    if (!(await lockUnfinishedSession(tx, candidate.consultation_id))) return undefined;
    const admittedMeanwhile = await readRecordedCall(tx, input.callId);
    if (admittedMeanwhile) return admittedMeanwhile.finished ? undefined : answerOf(admittedMeanwhile, admittedMeanwhile.party);
    if ((await partyAway(tx, candidate.consultation_id, now)) !== party) return undefined;
    await recordCall(tx, { callId: input.callId, consultationId: candidate.consultation_id, party, placedAt: now, direction: 'inbound' });
    return answerOf(candidate, party);
  });
}

/** Which party, if any, may come back to this session now, by its recorded calls and facts. */
async function partyAway(db: Queryable, consultationId: string, now: Date): Promise<CallParty | undefined> {
  const calls = await readCalls(db, consultationId);
  const facts = await readFacts(db, consultationId);
  return partyAwayFromFacts(calls, facts, now.getTime(), GRACE_MS);
}

/** Recognised by the party's number on file, or by the consultation's code from any phone. */
function callerMatches(candidate: ReturnCandidate, party: CallParty, input: ReturnCallInput): boolean {
  const number = party === 'expert' ? candidate.expert_number : candidate.client_number;
  const byNumber = input.from !== undefined && number !== null && input.from === number;
  const byCode = input.code !== undefined && candidate.phone_return_code !== null && input.code === candidate.phone_return_code;
  return byNumber || byCode;
}

function answerOf(session: { consultation_id: string; conference_name: string }, party: CallParty): ReturningCaller {
  return { consultationId: session.consultation_id, party, conferenceName: session.conference_name };
}
