import twilio from 'twilio';
import type SdkRequestClient from 'twilio/lib/base/RequestClient.js';
import type SdkResponse from 'twilio/lib/http/response.js';
import type { Announcement, ConferenceRef, PlaceCallInput, SmsInput, TelephonyProvider } from './provider.ts';
import { announcementQuery, speechOf } from './announcements.ts';

/**
 * TEL-1 / TEL-2 through Twilio Programmable Voice: calls are placed with the REST API, each
 * answered leg fetches TwiML from `/webhooks/twilio/voice` that puts it into the consultation's
 * conference (`record="do-not-record"`), and every status change comes back, signed, to
 * `/webhooks/twilio/status` (twilio-webhooks.ts). No call is ever recorded: `record` is false on
 * every call and `do-not-record` on every conference. Texts (BOOK-4) go through the Messages API.
 */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** Another REST address (a local fake in tests); unset means api.twilio.com. */
  apiUrl: string | undefined;
  /** Where Twilio reaches our webhooks (PUBLIC_URL). */
  publicUrl: string;
}

/** Bounded REST calls: a stuck Twilio request must not hold a consultation's decisions for long. */
const REST_TIMEOUT_MS = 10_000;

export const TWILIO_VOICE_PATH = '/webhooks/twilio/voice';
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';
/** TEL-5: the Voice URL of TWILIO_FROM_NUMBER: calls to the platform's number. */
export const TWILIO_INBOUND_PATH = '/webhooks/twilio/inbound';
/** TEL-5: the code typed on the keypad (booking confirmation, consultation page). */
export const RETURN_CODE_DIGITS = 6;
const GATHER_TIMEOUT_SECONDS = 10;

/** The SDK's HTTP client, sending every request to `apiUrl` instead of *.twilio.com. */
class RedirectedRequestClient extends twilio.RequestClient {
  readonly #apiUrl: URL;

  constructor(apiUrl: string) {
    super({ timeout: REST_TIMEOUT_MS });
    this.#apiUrl = new URL(apiUrl);
  }

  override request<TData>(options: SdkRequestClient.RequestOptions<TData>): Promise<SdkResponse.default<TData>> {
    const uri = new URL(options.uri);
    uri.protocol = this.#apiUrl.protocol;
    uri.host = this.#apiUrl.host;
    return super.request({ ...options, uri: uri.toString() });
  }
}

export class TwilioTelephony implements TelephonyProvider {
  readonly name = 'twilio' as const;
  readonly #client: twilio.Twilio;
  readonly #settings: TwilioSettings;

  constructor(settings: TwilioSettings) {
    this.#settings = settings;
    this.#client = twilio(settings.accountSid, settings.authToken, {
      httpClient: settings.apiUrl ? new RedirectedRequestClient(settings.apiUrl) : new twilio.RequestClient({ timeout: REST_TIMEOUT_MS }),
    });
  }

  async placeCall(input: PlaceCallInput): Promise<{ callId: string }> {
    const query = new URLSearchParams({ consultation: input.consultationId, party: input.party });
    const call = await this.#client.calls.create({
      to: input.to,
      from: this.#settings.fromNumber,
      url: `${this.#settings.publicUrl}${TWILIO_VOICE_PATH}?${query}`,
      method: 'POST',
      statusCallback: `${this.#settings.publicUrl}${TWILIO_STATUS_PATH}?${query}`,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      timeout: input.ringTimeoutSeconds,
      record: false, // TEL-2
    });
    return { callId: call.sid };
  }

  /** BOOK-4: Twilio's Messages API, from the same number as the calls. */
  async sendSms(input: SmsInput): Promise<{ messageId: string }> {
    const message = await this.#client.messages.create({ to: input.to, from: this.#settings.fromNumber, body: input.body });
    return { messageId: message.sid };
  }

  async endCall(callId: string, state: 'ringing' | 'answered'): Promise<void> {
    // Twilio cancels a queued or ringing call and completes an answered one.
    await this.#client.calls(callId).update({ status: state === 'ringing' ? 'canceled' : 'completed' });
  }

  async announce(conference: ConferenceRef, announcement: Announcement): Promise<void> {
    if (!conference.conferenceId) return;
    await this.#client.conferences(conference.conferenceId).update({
      announceUrl: `${this.#settings.publicUrl}${TWILIO_VOICE_PATH}?${announcementQuery(announcement)}`,
      announceMethod: 'POST',
    });
  }

  async endConference(conference: ConferenceRef): Promise<void> {
    if (!conference.conferenceId) return;
    await this.#client.conferences(conference.conferenceId).update({ status: 'completed' });
  }
}

/** TEL-1: the TwiML of an answered leg: into the consultation's conference, never recorded (TEL-2). */
export function conferenceTwiml(input: { conferenceName: string; statusCallback: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const dial = response.dial();
  dial.conference(
    {
      record: 'do-not-record',
      beep: 'false',
      startConferenceOnEnter: true,
      // The platform, not a party's hang-up, decides when the consultation ends (BILL-4 grace).
      endConferenceOnExit: false,
      statusCallback: input.statusCallback,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['start', 'end', 'join', 'leave'],
    },
    input.conferenceName,
  );
  return response.toString();
}

/** TEL-3, TEL-5: spoken to the whole conference, in French then English. */
export function announcementTwiml(announcement: Announcement): string {
  const response = new twilio.twiml.VoiceResponse();
  const speech = speechOf(announcement);
  response.say({ language: 'fr-FR' }, speech.fr);
  response.say({ language: 'en-GB' }, speech.en);
  return response.toString();
}

/** TEL-5: a caller not recognised by their number is asked for the consultation's code. */
export function gatherReturnCodeTwiml(actionUrl: string, retry: boolean): string {
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({ input: ['dtmf'], numDigits: RETURN_CODE_DIGITS, timeout: GATHER_TIMEOUT_SECONDS, action: actionUrl, method: 'POST' });
  if (retry) {
    gather.say({ language: 'fr-FR' }, 'Ce code ne correspond à aucune consultation en cours.');
    gather.say({ language: 'en-GB' }, 'This code matches no consultation in progress.');
  }
  gather.say({ language: 'fr-FR' }, 'Bonjour, ici Consulto. Pour revenir dans votre consultation, tapez son code à six chiffres.');
  gather.say({ language: 'en-GB' }, 'Hello, this is Consulto. To return to your consultation, type its six-digit code.');
  // No digits before the timeout: Twilio carries on after the <Gather>.
  response.say({ language: 'fr-FR' }, 'Aucun code reçu. Au revoir.');
  response.say({ language: 'en-GB' }, 'No code received. Goodbye.');
  response.hangup();
  return response.toString();
}

/** TEL-5: no consultation to return to (over, or the 120 s passed). */
export function notRecognisedTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language: 'fr-FR' }, 'Aucune consultation en cours ne vous attend. Au revoir.');
  response.say({ language: 'en-GB' }, 'No consultation in progress is waiting for you. Goodbye.');
  response.hangup();
  return response.toString();
}

export function hangupTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}

export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}
