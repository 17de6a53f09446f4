import { randomUUID } from 'node:crypto';
import type { Announcement, CallFact, CallParty, ConferenceRef, FactSink, PlaceCallInput, ReturningCaller, SmsInput, TelephonyProvider } from './provider.ts';
import { conflict, notFound } from '../platform/errors.ts';
import type { Clock } from '../platform/clock.ts';
import { DeadlineQueue, processTimers, type Timers } from '../metering/deadline-queue.ts';
import { speechOf } from './announcements.ts';

/**
 * TEL-4: the embedded telephony provider. It keeps the simulated phones in memory and turns a
 * person's (or a test's) actions into the same facts Twilio's callbacks carry, so the phone
 * runner cannot tell the difference. Like the network, a call nobody answers within its ring
 * timeout ends as no-answer; and a phone can call the platform's number (TEL-5).
 */
export type SimulatedCallState = 'ringing' | 'in_conference' | 'ended';

export interface SimulatedCall {
  callId: string;
  /** Outbound: the platform called this phone; inbound: this phone called the platform (TEL-5). */
  direction: 'outbound' | 'inbound';
  /** Empty for an inbound call the platform did not recognise. */
  consultationId: string;
  party: CallParty | null;
  /** The party's phone: the number called, or the number calling. */
  to: string;
  conferenceName: string;
  state: SimulatedCallState;
  /**
   * How it ended: hung up, dropped (line lost), declined, not answered within the ring timeout
   * (TEL-4), hung up by the platform, or a call to the platform it did not recognise (TEL-5).
   */
  endedBy: 'hangup' | 'drop' | 'declined' | 'no_answer' | 'platform' | 'not_recognised' | null;
  /** TEL-3, TEL-5: what the platform said into the conference while this leg was in it (French, then English). */
  heard: string[];
  placedAt: string;
}

export type SimulatorAction = 'answer' | 'hangup' | 'drop' | 'call-platform';

/** TEL-5: the runner's recognition of a call to the platform's number. */
export type InboundHandler = (input: { callId: string; from: string | undefined; code: string | undefined }) => Promise<ReturningCaller | undefined>;

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
  readonly #clock: Clock;
  /** TEL-4: one deadline per ringing phone, its ring timeout. */
  readonly #ringTimeouts: DeadlineQueue;
  #sink: FactSink = async () => undefined;
  #inbound: InboundHandler = async () => undefined;
  #sequence = 0;

  constructor(deps: { clock: Clock; timers?: Timers }) {
    this.#clock = deps.clock;
    this.#ringTimeouts = new DeadlineQueue({
      now: () => this.#clock.now().getTime(),
      timers: deps.timers ?? processTimers,
      onDue: (callId) => this.#ringTimedOut(callId),
    });
  }

  /** The runner's fact entry and its recognition of returning callers; set once the runner exists (the runner owns the provider). */
  connect(sink: FactSink, inbound: InboundHandler): void {
    this.#sink = sink;
    this.#inbound = inbound;
  }

  async placeCall(input: PlaceCallInput): Promise<{ callId: string }> {
    const callId = `SIM${randomUUID().replaceAll('-', '')}`;
    this.#calls.set(callId, {
      callId,
      direction: 'outbound',
      consultationId: input.consultationId,
      party: input.party,
      to: input.to,
      conferenceName: input.conferenceName,
      state: 'ringing',
      endedBy: null,
      heard: [],
      placedAt: this.#clock.now().toISOString(),
    });
    this.#ringTimeouts.schedule(callId, this.#clock.now().getTime() + input.ringTimeoutSeconds * 1000);
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
    const speech = speechOf(announcement);
    for (const call of this.#calls.values()) {
      if (call.conferenceName === conference.conferenceName && call.state === 'in_conference') call.heard.push(`${speech.fr} ${speech.en}`);
    }
  }

  /**
   * TEL-5: this phone calls the platform's number, with the consultation's code typed on the
   * keypad or not. Recognised, the call goes straight into the consultation's conference.
   */
  async callPlatform(input: { from: string; code?: string | undefined }): Promise<SimulatedCall> {
    const callId = `SIM${randomUUID().replaceAll('-', '')}`;
    const admitted = await this.#inbound({ callId, from: input.from, code: input.code });
    const call: SimulatedCall = {
      callId,
      direction: 'inbound',
      consultationId: admitted?.consultationId ?? '',
      party: admitted?.party ?? null,
      to: input.from,
      conferenceName: admitted?.conferenceName ?? '',
      state: admitted ? 'in_conference' : 'ended',
      endedBy: admitted ? null : 'not_recognised',
      heard: [],
      placedAt: this.#clock.now().toISOString(),
    };
    this.#calls.set(callId, call);
    this.#forgetOldCalls();
    if (admitted) await this.#emitNow([this.#status(callId, 'answered'), this.#conference(call, 'conference_joined')]);
    return { ...call, heard: [...call.heard] };
  }

  /** TEL-4 with a clock the test moves: ends the calls whose ring timeout passed. */
  runDue(): void {
    this.#ringTimeouts.runDue();
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
  async act(callId: string, action: SimulatorAction, code?: string): Promise<SimulatedCall> {
    const call = this.#calls.get(callId);
    if (!call) throw notFound('Call');
    let facts: CallFact[];
    switch (action) {
      case 'answer':
        if (call.state !== 'ringing') throw conflict('call_not_ringing', 'Only a ringing phone can be answered.');
        call.state = 'in_conference';
        this.#ringTimeouts.cancel(callId);
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
      case 'call-platform':
        // TEL-5: the phone of a party who left calls the platform's number back.
        if (call.state !== 'ended') throw conflict('phone_busy', 'This phone is still on a call.');
        return this.callPlatform({ from: call.to, code });
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

  #ringTimedOut(callId: string): void {
    const call = this.#calls.get(callId);
    if (call?.state === 'ringing') this.#emitLater(this.#end(call, 'no_answer'));
  }

  #end(call: SimulatedCall, by: NonNullable<SimulatedCall['endedBy']>): CallFact[] {
    const wasInConference = call.state === 'in_conference';
    const wasRinging = call.state === 'ringing';
    call.state = 'ended';
    call.endedBy = by;
    this.#ringTimeouts.cancel(call.callId);
    if (wasRinging) return [this.#status(call.callId, by === 'platform' ? 'canceled' : by === 'no_answer' ? 'no_answer' : 'busy')];
    return [...(wasInConference ? [this.#conference(call, 'conference_left')] : []), this.#status(call.callId, 'completed')];
  }

  #status(callId: string, status: Extract<CallFact, { kind: 'call_status' }>['status']): CallFact {
    const call = this.#calls.get(callId)!;
    return {
      kind: 'call_status',
      factId: `sim:${callId}:${status}:${this.#sequence++}`,
      consultationId: call.consultationId,
      party: call.party!,
      callId,
      status,
    };
  }

  #conference(call: SimulatedCall, kind: 'conference_joined' | 'conference_left'): CallFact {
    return {
      kind,
      factId: `sim:${call.callId}:${kind}:${this.#sequence++}`,
      consultationId: call.consultationId,
      party: call.party!,
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
