import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Twilio Programmable Voice, in the shapes Twilio documents:
 * - REST: `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` creates a call (201, call resource),
 *   `POST …/Messages.json` sends a text (201, message resource; BOOK-4),
 *   `POST …/Calls/{CallSid}.json` with `Status=canceled|completed` ends it,
 *   `POST …/Conferences/{ConferenceSid}.json` with `Status=completed` ends a conference or with
 *   `AnnounceUrl` plays TwiML fetched from that URL to every participant. HTTP Basic auth.
 * - Callbacks: signed (`X-Twilio-Signature`, HMAC-SHA1 of URL + sorted fields, base64) form
 *   POSTs to the call's `Url` on answer (TwiML expected), to its `StatusCallback` for
 *   initiated/ringing/in-progress/completed/busy/canceled, and to the conference's
 *   `statusCallback` for participant-join/participant-leave.
 * - Inbound (TEL-5): a phone dials the account's number; Twilio asks its Voice URL for TwiML
 *   (signed POST with `From`, `To`, `CallSid`, `Direction=inbound`) and obeys it: `<Dial><Conference>`
 *   joins, `<Gather>` waits for keys then POSTs `Digits` to its `action`, `<Hangup/>` ends.
 * Tests act as the phones' owners: answer, hang up, drop, dial the platform, press keys.
 */
export type FakeCallState = 'ringing' | 'in_conference' | 'answered' | 'ended';

export interface FakeCall {
  sid: string;
  direction: 'outbound-api' | 'inbound';
  /** Inbound: the `<Gather>` action waiting for keys, if any. */
  gatherAction: string | null;
  to: string;
  from: string;
  url: string;
  statusCallback: string;
  statusCallbackEvents: string[];
  record: string | undefined;
  timeout: string | undefined;
  state: FakeCallState;
  consultationId: string;
  party: 'expert' | 'client';
  conferenceSid: string | null;
  sequence: number;
  heard: string[];
  endedBy: 'hangup' | 'drop' | 'declined' | 'platform' | null;
}

interface FakeConference {
  sid: string;
  friendlyName: string;
  statusCallback: string;
  status: 'in-progress' | 'completed';
  sequence: number;
  /** Attributes of the <Conference> noun as our TwiML gave them. */
  attributes: string;
}

/** BOOK-4: a text sent through the Messages API. */
export interface FakeMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
}

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string[]>;
}

/** Tries of one callback whose connection failed (Twilio retries connection failures too). */
const CONNECTION_ATTEMPTS = 4;

export class TwilioFake {
  readonly accountSid = 'AC' + randomBytes(16).toString('hex');
  readonly authToken = randomBytes(16).toString('hex');
  readonly calls = new Map<string, FakeCall>();
  readonly conferences = new Map<string, FakeConference>();
  readonly messages: FakeMessage[] = [];
  readonly rest: RestRequest[] = [];
  /** Every signed request the fake sent to our webhooks, for replays. */
  readonly sent: { url: string; params: Record<string, string> }[] = [];
  /** Call creations still to refuse with a 503, as during an outage of Twilio's API. */
  refuseCallCreations = 0;
  readonly #pending = new Set<Promise<unknown>>();
  #server!: Server;
  url!: string;

  static async start(): Promise<TwilioFake> {
    const fake = new TwilioFake();
    fake.#server = createServer((req, res) => void fake.#handle(req, res));
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    await this.idle();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Every callback the fake decided to send has been answered. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /** The sid of the newest call to this consultation's party still ringing, as a phone that can be answered. */
  ringingCall(consultationId: string, party: FakeCall['party']): string | undefined {
    return [...this.calls.values()].filter((call) => call.consultationId === consultationId && call.party === party && call.state === 'ringing').at(-1)?.sid;
  }

  /** Twilio's documented algorithm: HMAC-SHA1 over the URL and the sorted name+value pairs. */
  sign(url: string, params: Record<string, string>): string {
    const data =
      url +
      Object.keys(params)
        .sort()
        .map((key) => key + params[key])
        .join('');
    return createHmac('sha1', this.authToken).update(Buffer.from(data, 'utf8')).digest('base64');
  }

  /** A form POST to one of our webhooks, signed unless told otherwise. */
  async post(url: string, params: Record<string, string>, options: { signature?: string | null } = {}): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const signature = options.signature === undefined ? this.sign(url, params) : options.signature;
    if (options.signature === undefined) this.sent.push({ url, params });
    if (signature !== null) headers['x-twilio-signature'] = signature;
    const body = new URLSearchParams(params).toString();
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(url, { method: 'POST', headers, body });
        return { status: response.status, text: await response.text() };
      } catch (error) {
        // Like Twilio's connection retries: a connection the other side (a load balancer) closed
        // under the request is tried again, a little later; our webhooks are idempotent.
        if (attempt >= CONNECTION_ATTEMPTS || !(error instanceof TypeError)) throw error;
        await new Promise((done) => setTimeout(done, attempt * 250));
      }
    }
  }

  // ---- the phones' owners -------------------------------------------------------------

  async answer(callSid: string): Promise<void> {
    const call = this.#call(callSid);
    if (call.state !== 'ringing') throw new Error(`call ${callSid} is ${call.state}, not ringing`);
    call.state = 'answered';
    const twiml = await this.#fetchTwiml(call.url, this.#callParams(call, 'in-progress'));
    await this.#statusCallback(call, 'in-progress');
    await this.#obey(call, twiml.text);
  }

  /**
   * TEL-5: a phone dials the platform's number. Returns the call's sid; the call is then in a
   * conference, waiting at a `<Gather>`, or over, as the platform's TwiML said.
   */
  async dialPlatform(input: { from: string; to: string; url: string; party?: 'expert' | 'client' }): Promise<string> {
    const call: FakeCall = {
      sid: 'CA' + randomBytes(16).toString('hex'),
      direction: 'inbound',
      gatherAction: null,
      to: input.from,
      from: input.from,
      url: input.url,
      statusCallback: '',
      statusCallbackEvents: [],
      record: undefined,
      timeout: undefined,
      state: 'answered',
      consultationId: '',
      party: input.party ?? 'client',
      conferenceSid: null,
      sequence: 0,
      heard: [],
      endedBy: null,
    };
    this.calls.set(call.sid, call);
    const twiml = await this.#fetchTwiml(input.url, { ...this.#callParams(call, 'ringing'), To: input.to, Direction: 'inbound' });
    await this.#obey(call, twiml.text, input.party);
    return call.sid;
  }

  /** TEL-5: the caller types digits at the `<Gather>`. */
  async pressKeys(callSid: string, digits: string): Promise<void> {
    const call = this.#call(callSid);
    if (!call.gatherAction) throw new Error(`call ${callSid} is not waiting for keys`);
    const action = call.gatherAction;
    call.gatherAction = null;
    const twiml = await this.#fetchTwiml(action, { ...this.#callParams(call, 'in-progress'), Direction: 'inbound', Digits: digits });
    await this.#obey(call, twiml.text);
  }

  /** Does what the TwiML says: join the conference, wait for keys, or hang up. */
  async #obey(call: FakeCall, twiml: string, party?: 'expert' | 'client'): Promise<void> {
    const gather = /<Gather[^>]*action="([^"]+)"/.exec(twiml);
    if (gather) {
      call.heard.push(twiml);
      call.gatherAction = gather[1]!.replaceAll('&amp;', '&');
      return;
    }
    const conference = /<Conference([^>]*)>([^<]+)<\/Conference>/.exec(twiml);
    if (!conference) {
      // <Hangup/>: the platform no longer wants this leg.
      if (call.direction === 'inbound') call.heard.push(twiml);
      await this.#endCall(call, 'completed', 'platform');
      return;
    }
    const attributes = conference[1]!;
    const friendlyName = conference[2]!;
    const statusCallback = /statusCallback="([^"]+)"/.exec(attributes)![1]!.replaceAll('&amp;', '&');
    let room = [...this.conferences.values()].find((candidate) => candidate.friendlyName === friendlyName && candidate.status === 'in-progress');
    if (!room) {
      room = { sid: 'CF' + randomBytes(16).toString('hex'), friendlyName, statusCallback, status: 'in-progress', sequence: 0, attributes };
      this.conferences.set(room.sid, room);
    }
    call.state = 'in_conference';
    call.conferenceSid = room.sid;
    if (call.direction === 'inbound') {
      // Bookkeeping for the tests: which consultation, and which party (the one this number was called as).
      call.consultationId = friendlyName.replace(/^consulto-/, '');
      call.party =
        party ??
        [...this.calls.values()].find((other) => other.consultationId === call.consultationId && other.to === call.from && other !== call)?.party ??
        call.party;
    }
    await this.#conferenceCallback(room, call, 'participant-join');
  }

  async hangup(callSid: string, how: 'hangup' | 'drop' = 'hangup'): Promise<void> {
    const call = this.#call(callSid);
    if (call.state === 'ended') throw new Error(`call ${callSid} is over, ended by ${call.endedBy}; ${this.#describeCalls(call.consultationId)}`);
    if (call.state === 'ringing') await this.#endCall(call, 'busy', 'declined');
    else await this.#endCall(call, 'completed', how);
  }

  /** A failure's diagnosis: every call of the consultation, in the order they were placed. */
  #describeCalls(consultationId: string): string {
    const calls = [...this.calls.values()].filter((call) => call.consultationId === consultationId);
    return `the calls of consultation ${consultationId}: ${calls.map((call) => `${call.sid} ${call.party} ${call.state} ${call.endedBy ?? ''}`).join(', ')}`;
  }

  /** Sends the same callback again, exactly as signed before (a replay, or Twilio retrying). */
  async replay(url: string, params: Record<string, string>): Promise<{ status: number }> {
    return this.post(url, params);
  }

  // ---- REST API -------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const form = new URLSearchParams(body);
    const params: Record<string, string[]> = {};
    for (const key of new Set(form.keys())) params[key] = form.getAll(key);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    this.rest.push({ method: req.method ?? '', path, params });
    const expected = 'Basic ' + Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64');
    if (req.headers.authorization !== expected) return json(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    const base = `/2010-04-01/Accounts/${this.accountSid}`;
    const one = (name: string) => params[name]?.[0];
    if (req.method === 'POST' && path === `${base}/Calls.json` && this.refuseCallCreations > 0) {
      this.refuseCallCreations -= 1;
      return json(res, 503, { code: 20503, message: 'Service unavailable', more_info: 'https://www.twilio.com/docs/errors/20503', status: 503 });
    }
    if (req.method === 'POST' && path === `${base}/Calls.json`) {
      const statusCallback = one('StatusCallback')!;
      const query = new URL(statusCallback).searchParams;
      const call: FakeCall = {
        sid: 'CA' + randomBytes(16).toString('hex'),
        direction: 'outbound-api',
        gatherAction: null,
        to: one('To')!,
        from: one('From')!,
        url: one('Url')!,
        statusCallback,
        statusCallbackEvents: params['StatusCallbackEvent'] ?? [],
        record: one('Record'),
        timeout: one('Timeout'),
        state: 'ringing',
        consultationId: query.get('consultation')!,
        party: query.get('party') as 'expert' | 'client',
        conferenceSid: null,
        sequence: 0,
        heard: [],
        endedBy: null,
      };
      this.calls.set(call.sid, call);
      this.#later(async () => {
        await this.#statusCallback(call, 'initiated');
        await this.#statusCallback(call, 'ringing');
      });
      return json(res, 201, this.#callResource(call, 'queued'));
    }
    if (req.method === 'POST' && path === `${base}/Messages.json`) {
      if (!one('To') || !one('Body') || !(one('From') || one('MessagingServiceSid'))) {
        return json(res, 400, { code: 21602, message: 'Message body, To and From are required.', status: 400 });
      }
      const message: FakeMessage = { sid: 'SM' + randomBytes(16).toString('hex'), to: one('To')!, from: one('From')!, body: one('Body')! };
      this.messages.push(message);
      return json(res, 201, {
        sid: message.sid,
        account_sid: this.accountSid,
        to: message.to,
        from: message.from,
        body: message.body,
        status: 'queued',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: new Date().toUTCString(),
        uri: `${base}/Messages/${message.sid}.json`,
      });
    }
    const callMatch = new RegExp(`^${base}/Calls/(CA[0-9a-f]{32})\\.json$`).exec(path);
    if (req.method === 'POST' && callMatch) {
      const call = this.calls.get(callMatch[1]!);
      if (!call) return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      const status = one('Status');
      if (call.state !== 'ended') {
        if (status === 'canceled' && call.state === 'ringing') this.#later(() => this.#endCall(call, 'canceled', 'platform'));
        else if (status === 'completed') this.#later(() => this.#endCall(call, call.state === 'ringing' ? 'canceled' : 'completed', 'platform'));
      }
      return json(res, 200, this.#callResource(call, call.state === 'ended' ? 'completed' : 'in-progress'));
    }
    const conferenceMatch = new RegExp(`^${base}/Conferences/(CF[0-9a-f]{32})\\.json$`).exec(path);
    if (req.method === 'POST' && conferenceMatch) {
      const room = this.conferences.get(conferenceMatch[1]!);
      if (!room) return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      if (one('AnnounceUrl')) {
        const twiml = await this.#fetchTwiml(one('AnnounceUrl')!, { AccountSid: this.accountSid, ConferenceSid: room.sid });
        for (const call of this.#participants(room)) call.heard.push(twiml.text);
      }
      if (one('Status') === 'completed' && room.status === 'in-progress') {
        room.status = 'completed';
        const participants = this.#participants(room);
        this.#later(async () => {
          for (const call of participants) await this.#endCall(call, 'completed', 'platform');
        });
      }
      return json(res, 200, {
        sid: room.sid,
        account_sid: this.accountSid,
        friendly_name: room.friendlyName,
        status: room.status,
        uri: `${base}/Conferences/${room.sid}.json`,
      });
    }
    return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
  }

  #participants(room: FakeConference): FakeCall[] {
    return [...this.calls.values()].filter((call) => call.conferenceSid === room.sid && call.state === 'in_conference');
  }

  async #endCall(call: FakeCall, status: 'completed' | 'busy' | 'canceled', by: NonNullable<FakeCall['endedBy']>): Promise<void> {
    if (call.state === 'ended') return;
    const wasInConference = call.state === 'in_conference';
    call.state = 'ended';
    call.endedBy = by;
    if (wasInConference && call.conferenceSid) await this.#conferenceCallback(this.conferences.get(call.conferenceSid)!, call, 'participant-leave');
    await this.#statusCallback(call, status);
  }

  async #statusCallback(call: FakeCall, status: string): Promise<void> {
    const event = { initiated: 'initiated', ringing: 'ringing', 'in-progress': 'answered' }[status] ?? 'completed';
    if (!call.statusCallbackEvents.includes(event)) return;
    const response = await this.post(call.statusCallback, {
      ...this.#callParams(call, status),
      SequenceNumber: String(call.sequence++),
      CallbackSource: 'call-progress-events',
    });
    if (response.status >= 300) throw new Error(`status callback answered ${response.status}: ${response.text}`);
  }

  async #conferenceCallback(room: FakeConference, call: FakeCall, event: 'participant-join' | 'participant-leave'): Promise<void> {
    const response = await this.post(room.statusCallback, {
      AccountSid: this.accountSid,
      ConferenceSid: room.sid,
      FriendlyName: room.friendlyName,
      CallSid: call.sid,
      StatusCallbackEvent: event,
      SequenceNumber: String(room.sequence++),
      Timestamp: new Date().toUTCString(),
      Muted: 'false',
      Hold: 'false',
    });
    if (response.status >= 300) throw new Error(`conference callback answered ${response.status}: ${response.text}`);
  }

  async #fetchTwiml(url: string, params: Record<string, string>): Promise<{ text: string }> {
    const response = await this.post(url, params);
    if (response.status !== 200) throw new Error(`TwiML fetch answered ${response.status}: ${response.text}`);
    return response;
  }

  #callParams(call: FakeCall, status: string): Record<string, string> {
    return {
      AccountSid: this.accountSid,
      CallSid: call.sid,
      From: call.from,
      To: call.to,
      CallStatus: status,
      Direction: call.direction,
      ApiVersion: '2010-04-01',
    };
  }

  #callResource(call: FakeCall, status: string) {
    return {
      sid: call.sid,
      account_sid: this.accountSid,
      to: call.to,
      from: call.from,
      status,
      direction: 'outbound-api',
      api_version: '2010-04-01',
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${call.sid}.json`,
    };
  }

  #call(callSid: string): FakeCall {
    const call = this.calls.get(callSid);
    if (!call) throw new Error(`no call ${callSid}`);
    return call;
  }

  /** Like Twilio, callbacks caused by a REST request arrive after its answer, never inside it. */
  #later(work: () => Promise<void>): void {
    const sending = new Promise<void>((resolve) => setImmediate(resolve)).then(work);
    this.#pending.add(sending);
    void sending.catch(() => undefined).finally(() => this.#pending.delete(sending));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
