/**
 * TEL-1 … TEL-4: what the phone runner needs from a telephony provider, and the one typed
 * catalogue of facts every provider reports. The runner (phone-consultations.ts) imports only
 * this file: neither Express nor a provider SDK.
 */

export type CallParty = 'expert' | 'client';

/** Where a leg stands, as a provider reports it (Twilio's CallStatus values, normalised). */
export type CallStatus = 'initiated' | 'ringing' | 'answered' | 'completed' | 'busy' | 'no_answer' | 'failed' | 'canceled';

export const FINAL_CALL_STATUSES: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'no_answer', 'failed', 'canceled']);

/**
 * A fact about one call leg. `factId` is the provider's identity of the callback, so a replayed
 * or duplicated callback is recognised and recorded once (TEL-2).
 */
export type CallFact =
  | { kind: 'call_status'; factId: string; consultationId: string; party: CallParty; callId: string; status: CallStatus }
  | { kind: 'conference_joined'; factId: string; consultationId: string; party: CallParty; callId: string; conferenceId: string }
  | { kind: 'conference_left'; factId: string; consultationId: string; party: CallParty; callId: string; conferenceId: string };

/**
 * What the platform may say into a conference: the budget warning (TEL-3, BILL-3; at the start,
 * with the length, when the terms buy 60 s or less) and "your correspondent left" (TEL-5).
 */
export type Announcement = { kind: 'budget_warning'; secondsLeft: number; atStart: boolean } | { kind: 'correspondent_left' };

/** TEL-5: a call to the platform's number, recognised as a party of a live consultation coming back. */
export interface ReturningCaller {
  consultationId: string;
  party: CallParty;
  conferenceName: string;
}

export interface PlaceCallInput {
  consultationId: string;
  party: CallParty;
  /** E.164. */
  to: string;
  /** TEL-1: on answer the leg enters this conference, never recorded (TEL-2). */
  conferenceName: string;
  /** How long the phone rings before the provider reports `no_answer`. */
  ringTimeoutSeconds: number;
}

export interface ConferenceRef {
  consultationId: string;
  conferenceName: string;
  /** The provider's id, known once a leg has joined. */
  conferenceId: string | null;
}

/** BOOK-4: a text to a person's mobile (the expert told of an immediate request). */
export interface SmsInput {
  /** E.164. */
  to: string;
  body: string;
}

export interface TelephonyProvider {
  readonly name: 'twilio' | 'simulator';
  /** Sends a text; resolves with the provider's message id once the provider accepted it. */
  sendSms(input: SmsInput): Promise<{ messageId: string }>;
  /** Places a call whose status facts, and conference join/leave facts once answered, come back through `onFact`. */
  placeCall(input: PlaceCallInput): Promise<{ callId: string }>;
  /** Hangs up one leg, ringing or answered; a leg already over is left alone. */
  endCall(callId: string, state: 'ringing' | 'answered'): Promise<void>;
  /** TEL-3, TEL-5: speaks to everyone in the conference. */
  announce(conference: ConferenceRef, announcement: Announcement): Promise<void>;
  /** BILL-3: ends the conference, which hangs up every leg in it. */
  endConference(conference: ConferenceRef): Promise<void>;
}

/** The runner's entry for facts; providers and webhook routes call it, never the other way round. */
export type FactSink = (fact: CallFact) => Promise<void>;

export function assertUnreachable(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
