import { randomUUID } from 'node:crypto';
import type { Announcement, CallFact, CallParty, ConferenceRef, FactSink, PlaceCallInput, SmsInput, TelephonyProvider } from './provider.ts';
import { conflict, notFound } from '../platform/errors.ts';

/**
 * TEL-4: the embedded telephony provider. It keeps the simulated phones in memory and turns a
 * person's (or a test's) actions into the same facts Twilio's callbacks carry, so the phone
 * runner cannot tell the difference.
 */
export type SimulatedCallState = 'ringing' | 'in_conference' | 'ended';

export interface SimulatedCall {
  callId: string;
  consultationId: string;
  party: CallParty;
  to: string;
  conferenceName: string;
  state: SimulatedCallState;
  /** How it ended: hung up, dropped (line lost), declined, not answered, hung up by the platform. */
  endedBy: 'hangup' | 'drop' | 'declined' | 'platform' | null;
  /** TEL-3: what the platform said into the conference while this leg was in it. */
  heard: Announcement[];
  placedAt: string;
}

export type SimulatorAction = 'answer' | 'hangup' | 'drop' | 'reconnect';

/** BOOK-4: a text the platform sent, as the simulated phone received it. */
export interface SimulatedMessage {
  messageId: string;
  to: string;
  body: string;
  sentAt: string;
}

/** Bounded memory: the oldest finished calls are forgotten first. */
const MAX_CALLS_KEPT = 1000;
/** Bounded memory: only the latest texts are kept. */
const MAX_MESSAGES_KEPT = 1000;

export class SimulatedTelephony implements TelephonyProvider {
  readonly name = 'simulator' as const;
  readonly #calls = new Map<string, SimulatedCall>();
  readonly #messages: SimulatedMessage[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  #sink: FactSink = async () => undefined;
  #sequence = 0;

  /** The runner's fact entry; set once the runner exists (the runner owns the provider). */
  connect(sink: FactSink): void {
    this.#sink = sink;
  }

  async placeCall(input: PlaceCallInput): Promise<{ callId: string }> {
    const callId = `SIM${randomUUID().replaceAll('-', '')}`;
    this.#calls.set(callId, {
      callId,
      consultationId: input.consultationId,
      party: input.party,
      to: input.to,
      conferenceName: input.conferenceName,
      state: 'ringing',
      endedBy: null,
      heard: [],
      placedAt: new Date().toISOString(),
    });
    this.#forgetOldCalls();
    // Like Twilio, the callbacks come after the REST answer, never inside it.
    this.#emitLater([this.#status(callId, 'initiated'), this.#status(callId, 'ringing')]);
    return { callId };
  }

  /** Keeps the text for the simulator's page (`GET /dev/telephony/messages`); nothing leaves the machine. */
  async sendSms(input: SmsInput): Promise<{ messageId: string }> {
    const messageId = `SIMSM${randomUUID().replaceAll('-', '')}`;
    this.#messages.push({ messageId, to: input.to, body: input.body, sentAt: new Date().toISOString() });
    if (this.#messages.length > MAX_MESSAGES_KEPT) this.#messages.splice(0, this.#messages.length - MAX_MESSAGES_KEPT);
    return { messageId };
  }

  /** The texts received, newest last. */
  messages(): SimulatedMessage[] {
    return this.#messages.map((message) => ({ ...message }));
  }

  async endCall(callId: string): Promise<void> {
    const call = this.#calls.get(callId);
    if (!call || call.state === 'ended') return;
    this.#emitLater(this.#end(call, 'platform'));
  }

  async announce(conference: ConferenceRef, announcement: Announcement): Promise<void> {
    for (const call of this.#calls.values()) {
      if (call.conferenceName === conference.conferenceName && call.state === 'in_conference') call.heard.push(announcement);
    }
  }

  async endConference(conference: ConferenceRef): Promise<void> {
    const facts: CallFact[] = [];
    for (const call of this.#calls.values()) {
      if (call.conferenceName === conference.conferenceName && call.state !== 'ended') facts.push(...this.#end(call, 'platform'));
    }
    this.#emitLater(facts);
  }

  calls(): SimulatedCall[] {
    return [...this.#calls.values()].map((call) => ({ ...call, heard: [...call.heard] }));
  }

  /** A person's action on a simulated phone; resolves once the runner has decided what it means. */
  async act(callId: string, action: SimulatorAction): Promise<SimulatedCall> {
    const call = this.#calls.get(callId);
    if (!call) throw notFound('Call');
    let facts: CallFact[];
    switch (action) {
      case 'answer':
        if (call.state !== 'ringing') throw conflict('call_not_ringing', 'Only a ringing phone can be answered.');
        call.state = 'in_conference';
        facts = [this.#status(callId, 'answered'), this.#conference(call, 'conference_joined')];
        break;
      case 'hangup':
        if (call.state === 'ended') throw conflict('call_over', 'This call is over.');
        facts = this.#end(call, call.state === 'ringing' ? 'declined' : 'hangup');
        break;
      case 'drop':
        if (call.state !== 'in_conference') throw conflict('call_not_connected', 'Only a connected call can drop.');
        facts = this.#end(call, 'drop');
        break;
      case 'reconnect': {
        // The dropped party picks up the platform's call-back (BILL-4).
        if (call.state !== 'ended') throw conflict('call_not_dropped', 'Only a call that is over can reconnect.');
        const callback = [...this.#calls.values()]
          .reverse()
          .find((other) => other.consultationId === call.consultationId && other.party === call.party && other.state === 'ringing');
        if (!callback) throw conflict('no_callback', 'The platform is not calling this party back (any more).');
        return this.act(callback.callId, 'answer');
      }
    }
    await this.#emitNow(facts);
    return { ...call, heard: [...call.heard] };
  }

  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /** Tests: every callback sent so far has been decided. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #end(call: SimulatedCall, by: NonNullable<SimulatedCall['endedBy']>): CallFact[] {
    const wasInConference = call.state === 'in_conference';
    const wasRinging = call.state === 'ringing';
    call.state = 'ended';
    call.endedBy = by;
    if (wasRinging) return [this.#status(call.callId, by === 'platform' ? 'canceled' : 'busy')];
    return [...(wasInConference ? [this.#conference(call, 'conference_left')] : []), this.#status(call.callId, 'completed')];
  }

  #status(callId: string, status: Extract<CallFact, { kind: 'call_status' }>['status']): CallFact {
    const call = this.#calls.get(callId)!;
    return { kind: 'call_status', factId: `sim:${callId}:${status}:${this.#sequence++}`, consultationId: call.consultationId, party: call.party, callId, status };
  }

  #conference(call: SimulatedCall, kind: 'conference_joined' | 'conference_left'): CallFact {
    return {
      kind,
      factId: `sim:${call.callId}:${kind}:${this.#sequence++}`,
      consultationId: call.consultationId,
      party: call.party,
      callId: call.callId,
      conferenceId: `SIMCF-${call.conferenceName}`,
    };
  }

  async #emitNow(facts: CallFact[]): Promise<void> {
    for (const fact of facts) await this.#sink(fact);
  }

  #emitLater(facts: CallFact[]): void {
    if (facts.length === 0) return;
    const sending = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#emitNow(facts));
    this.#pending.add(sending);
    void sending.catch(() => undefined).finally(() => this.#pending.delete(sending));
  }

  #forgetOldCalls(): void {
    if (this.#calls.size <= MAX_CALLS_KEPT) return;
    for (const [callId, call] of this.#calls) {
      if (this.#calls.size <= MAX_CALLS_KEPT) return;
      if (call.state === 'ended') this.#calls.delete(callId);
    }
  }
}
