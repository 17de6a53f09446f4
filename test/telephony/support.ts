import { expect } from 'chai';
import { ManualClock } from '../../server/platform/clock.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { bookingBody, holdOf, setUpClient, setUpExpert, tokenOf, type Person } from '../support/bookings.ts';
import { TwilioFake } from './twilio-fake.ts';
import { PhoneConsultations, SimulatedTelephony, StateMachineLifecycle } from '../../server/telephony/index.ts';
import { createLogger } from '../../server/platform/logger.ts';

export type ProviderName = 'simulator' | 'twilio';
export type PhoneAction = 'answer' | 'hangup' | 'drop' | 'call-platform';

export interface DrivenCall {
  callId: string;
  party: 'expert' | 'client';
  state: 'ringing' | 'in_conference' | 'ended';
  /** TEL-3, TEL-5: what the platform said to this phone, as labels (see `announcementLabel`). */
  heard: string[];
  endedBy: string | null;
}

/** The platform's number: calls come from it, and a party who left calls it back (TEL-5). */
export const PLATFORM_NUMBER = '+33180000000';

/**
 * What was said, as a label the tests compare: `budget_warning` (60 s before the cap),
 * `can_last:<seconds>` (BILL-3 at the start), `correspondent_left` (TEL-5); the words themselves
 * for anything else. Works on the simulator's text and on the TwiML Twilio fetched.
 */
export function announcementLabel(spoken: string): string {
  if (spoken.includes('Il reste une minute')) return 'budget_warning';
  const canLast = /Cette consultation peut durer (\d+) secondes/.exec(spoken);
  if (canLast) return `can_last:${canLast[1]}`;
  if (spoken.includes('Votre correspondant a quitté')) return 'correspondent_left';
  return spoken;
}

export const CLIENT_NUMBER_FR = '+33698765432';
export const CLIENT_NUMBER_DE = '+4915112345678';

/** Phone pricing used by the phone tests: 2.00 €/min, a 15-minute package at 75.00 €. */
export const PHONE_PRICING = {
  phoneRatePerMinuteCents: 200,
  packages: [{ mode: 'phone', minutes: 15, priceCents: 7500 }],
};

/**
 * A whole platform (real HTTP, real database, ManualClock) whose phones are driven either through
 * the simulator's development routes or through a fake Twilio that sends signed callbacks.
 */
export class PhoneHarness {
  readonly platform: TestPlatform;
  readonly clock: ManualClock;
  readonly provider: ProviderName;
  readonly twilio: TwilioFake | undefined;
  expert!: Person & { slug: string; token: string; packages: { id: string; mode: string; minutes: number; priceCents: number }[] };
  client!: Person & { token: string };

  private constructor(platform: TestPlatform, clock: ManualClock, provider: ProviderName, twilio: TwilioFake | undefined) {
    this.platform = platform;
    this.clock = clock;
    this.provider = provider;
    this.twilio = twilio;
  }

  static async start(provider: ProviderName): Promise<PhoneHarness> {
    const clock = new ManualClock('2026-11-23T08:00:00.000Z');
    const twilio = provider === 'twilio' ? await TwilioFake.start() : undefined;
    const environment: Record<string, string> = twilio
      ? { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_FROM_NUMBER: PLATFORM_NUMBER, TWILIO_API_URL: twilio.url }
      : {};
    const platform = await startTestPlatform({ clock, environment });
    const harness = new PhoneHarness(platform, clock, provider, twilio);
    harness.expert = await setUpExpert(platform.http, { pricing: PHONE_PRICING, availableNow: true });
    harness.client = await setUpClient(platform.http);
    return harness;
  }

  async close(): Promise<void> {
    await this.idle();
    await this.platform.close();
    await this.twilio?.close();
  }

  get telephony() {
    return this.platform.services.telephony;
  }

  /**
   * Another runner of phone consultations on the same database, with its own simulated line: what a
   * process restarted in place runs (this node's name, by default), or another API node (`nodeId`).
   */
  runnerWithOwnLine(nodeId?: string): { runner: PhoneConsultations; line: SimulatedTelephony } {
    const line = new SimulatedTelephony({ clock: this.clock });
    const runner = new PhoneConsultations({
      db: this.platform.db,
      clock: this.clock,
      logger: createLogger('silent'),
      provider: line,
      lifecycle: new StateMachineLifecycle({ db: this.platform.db, owner: this.platform.services.consultations }),
      ...(nodeId ? { nodeId } : {}),
    });
    line.connect(
      async (fact) => {
        await runner.onFact(fact);
      },
      (input) => runner.admitReturningCaller(input),
    );
    return { runner, line };
  }

  /** Books through `POST /api/consultations` (BOOK-1): immediate by default. */
  async book(overrides: Record<string, unknown> = {}): Promise<string> {
    await this.platform.http.put('/api/experts/me/presence', { availableNow: true }, await tokenOf(this.platform.http, this.expert));
    const token = await tokenOf(this.platform.http, this.client);
    const response = await this.platform.http.post(
      '/api/consultations',
      bookingBody(this.expert.slug, { mode: 'phone', phoneNumber: CLIENT_NUMBER_FR, budgetCents: 3000, ...overrides }),
      token,
    );
    if (response.status !== 201) throw new Error(`booking failed: ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  }

  /** What the poller does every few seconds: start the phone consultations that are due. */
  async startDue(): Promise<void> {
    await this.telephony.phone.startDue();
    await this.idle();
  }

  /** Moves the clock and fires the deadlines that came due: ring timeouts (TEL-4), the meter's, the runner's. */
  async advance(seconds: number): Promise<void> {
    this.clock.advance(seconds * 1000);
    await this.telephony.runDue();
    await this.idle();
  }

  async idle(): Promise<void> {
    do {
      await this.twilio?.idle();
      await this.telephony.idle();
    } while (this.twilio?.busy || this.telephony.phone.busy);
  }

  async calls(consultationId: string): Promise<DrivenCall[]> {
    if (this.twilio) {
      return [...this.twilio.calls.values()]
        .filter((call) => call.consultationId === consultationId)
        .map((call) => ({
          callId: call.sid,
          party: call.party,
          state: call.state === 'answered' ? 'in_conference' : call.state,
          heard: call.heard.map(announcementLabel),
          endedBy: call.endedBy,
        }));
    }
    const response = await this.platform.http.get('/dev/telephony/calls');
    expect(response.status).to.equal(200);
    return (response.body.calls as (DrivenCall & { consultationId: string })[])
      .filter((call) => call.consultationId === consultationId)
      .map((call) => ({ ...call, heard: call.heard.map(announcementLabel) }));
  }

  /** The party's phone that rings now (the latest call placed to them). */
  async ringing(consultationId: string, party: 'expert' | 'client'): Promise<string> {
    const calls = (await this.calls(consultationId)).filter((call) => call.party === party && call.state === 'ringing');
    expect(calls, `a ringing phone for the ${party}`).to.have.length.greaterThan(0);
    return calls[calls.length - 1]!.callId;
  }

  async act(callId: string, action: Exclude<PhoneAction, 'call-platform'>): Promise<void> {
    if (this.twilio) {
      if (action === 'answer') await this.twilio.answer(callId);
      else await this.twilio.hangup(callId, action);
    } else {
      const response = await this.platform.http.post(`/dev/telephony/calls/${callId}/${action}`);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
    }
    await this.idle();
  }

  /**
   * TEL-5: a phone calls the platform's number (the number of the phone that had `callId`, or
   * another one), typing `code` on the keypad if asked. Returns the new call's id, and whether
   * the platform let it into a consultation.
   */
  async callPlatform(from: { callId: string } | { number: string; party: 'expert' | 'client' }, code?: string): Promise<{ callId: string; admitted: boolean }> {
    let result: { callId: string; admitted: boolean };
    if (this.twilio) {
      const original = 'callId' in from ? this.twilio.calls.get(from.callId)! : undefined;
      const number = 'number' in from ? from.number : original!.to;
      const party = 'party' in from ? from.party : original!.party;
      const callId = await this.twilio.dialPlatform({ from: number, to: PLATFORM_NUMBER, url: `${this.platform.url}/webhooks/twilio/inbound`, party });
      if (this.twilio.calls.get(callId)!.gatherAction && code !== undefined) await this.twilio.pressKeys(callId, code);
      result = { callId, admitted: this.twilio.calls.get(callId)!.state === 'in_conference' };
    } else {
      const response =
        'number' in from
          ? await this.platform.http.post('/dev/telephony/call-platform', { from: from.number, ...(code ? { code } : {}) })
          : await this.platform.http.post(`/dev/telephony/calls/${from.callId}/call-platform`, code ? { code } : undefined);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      result = { callId: response.body.call.callId, admitted: response.body.call.state === 'in_conference' };
    }
    await this.idle();
    return result;
  }

  /** TEL-1: the expert is called first and answers, then the client; returns both call ids. */
  async connectBoth(consultationId: string): Promise<{ expertCall: string; clientCall: string }> {
    const expertCall = await this.ringing(consultationId, 'expert');
    expect(
      (await this.calls(consultationId)).filter((call) => call.party === 'client'),
      'the client is called only after the expert answered',
    ).to.deep.equal([]);
    await this.act(expertCall, 'answer');
    const clientCall = await this.ringing(consultationId, 'client');
    await this.act(clientCall, 'answer');
    return { expertCall, clientCall };
  }

  async consultation(consultationId: string) {
    const [row] = await this.platform.db.query<{
      status: string;
      connected_seconds: number;
      ended_at: Date | null;
      end_reason: string | null;
    }>('SELECT status, connected_seconds, ended_at, end_reason FROM consultations WHERE id = $1', [consultationId]);
    const [settlement] = await this.platform.db.query<{
      status: string;
      charge_cents: number;
      fee_cents: number;
      surcharge_cents: number;
      expert_penalty_cents: number;
      one_third_rule_applied: boolean;
    }>('SELECT status, charge_cents, fee_cents, surcharge_cents, expert_penalty_cents, one_third_rule_applied FROM settlements WHERE consultation_id = $1', [
      consultationId,
    ]);
    return { ...row!, settlement };
  }

  /** The consultation as its client sees it through the API (SPEC §11). */
  async viewAsClient(consultationId: string) {
    const response = await this.platform.http.get(`/api/consultations/${consultationId}`, await tokenOf(this.platform.http, this.client));
    expect(response.status).to.equal(200);
    return response.body;
  }

  async clientToken(): Promise<string> {
    return tokenOf(this.platform.http, this.client);
  }

  /** BILL-3: the live display a party's page polls during the call. */
  async live(consultationId: string) {
    const response = await this.platform.http.get(`/api/consultations/${consultationId}/phone`, await tokenOf(this.platform.http, this.client));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  }

  /** What the card hold became: captured for the charge, or released (BOOK-3, PAY-2). */
  async hold(consultationId: string) {
    return holdOf(this.platform.db, consultationId);
  }
}
