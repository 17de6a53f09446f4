import { WebSocket } from 'ws';
import { frameText } from '../../media/signaling/frame-text.ts';
import type { HttpClient } from '../support/platform.ts';
import { setUpClient, setUpExpert, bookingBody, type Person } from '../support/bookings.ts';
import { SIGNALING_PATH, type Method, type Notification, type Requests, type ServerMessage } from '../../media/signaling/messages.ts';
import type { Clock } from '../../server/platform/clock.ts';
import type { Timers } from '../../server/metering/deadline-queue.ts';

/** A party's signaling socket as the browser would hold it, for tests without a browser. */
export class SignalingClient {
  readonly notifications: Notification[] = [];
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error & { code?: string }) => void }>();
  #nextId = 1;
  readonly closed: Promise<void>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (raw) => {
      const message = JSON.parse(frameText(raw)) as ServerMessage;
      if (message.kind === 'notification') {
        this.notifications.push(message.notification);
        return;
      }
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.data);
      else pending?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    });
  }

  static async connect(baseUrl: string): Promise<SignalingClient> {
    return SignalingClient.open(baseUrl.replace(/^http/, 'ws') + SIGNALING_PATH);
  }

  /** A media node's signaling socket at the URL a join token's answer gave (scale out). */
  static async open(signalingUrl: string): Promise<SignalingClient> {
    const ws = new WebSocket(signalingUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new SignalingClient(ws);
  }

  request<M extends Method>(method: M, data: Requests[M]['request']): Promise<Requests[M]['response']> {
    const id = this.#nextId++;
    this.#ws.send(JSON.stringify({ kind: 'request', id, method, data }));
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  close(): void {
    this.#ws.close();
  }
}

/** An expert available now with a video rate, and a client: an immediate free-rate request (BOOK-4). */
export async function immediateVideoConsultation(
  http: HttpClient,
  options: { ratePerMinuteCents?: number; budgetCents?: number; packageIndex?: number } = {},
): Promise<{ expert: Person & { token: string; slug: string }; client: Person & { token: string }; consultationId: string; packageId?: string }> {
  const expert = await setUpExpert(http, {
    availableNow: true,
    pricing: {
      videoRatePerMinuteCents: options.ratePerMinuteCents ?? 300,
      phoneRatePerMinuteCents: 200,
      packages: [{ mode: 'video', minutes: 15, priceCents: 7500 }],
    },
  });
  const client = await setUpClient(http);
  const pricing =
    options.packageIndex === undefined
      ? { budgetCents: options.budgetCents ?? 600 }
      : { budgetCents: undefined, packageId: expert.packages[options.packageIndex]!.id };
  const booked = await http.post('/api/consultations', bookingBody(expert.slug, pricing), client.token);
  if (booked.status !== 201) throw new Error(`booking failed: ${JSON.stringify(booked.body)}`);
  return { expert, client, consultationId: booked.body.id as string, packageId: 'packageId' in pricing ? pricing.packageId : undefined };
}

export async function joinToken(http: HttpClient, consultationId: string, accessToken: string): Promise<string> {
  const response = await http.post(`/api/consultations/${consultationId}/join-token`, undefined, accessToken);
  if (response.status !== 200) throw new Error(`join token refused: ${JSON.stringify(response.body)}`);
  return response.body.token as string;
}

/** Opus parameters as a browser would send them: enough for mediasoup to accept a producer. */
export function opusRtpParameters(ssrc: number) {
  return {
    mid: '0',
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Real time plus an offset the test moves, and timers that follow it: a deadline armed for
 * "in 60 s" fires as soon as the clock is moved past it, through the production code path
 * (the meter's DeadlineQueue and its process timer), not through a test-only call.
 */
export class MovableTime implements Clock, Timers {
  #offsetMs = 0;
  readonly #timers = new Map<number, { callback: () => void; atMs: number; handle: NodeJS.Timeout }>();
  #nextHandle = 1;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
    for (const [handle, timer] of this.#timers) {
      clearTimeout(timer.handle);
      timer.handle = this.#arm(handle, timer.callback, timer.atMs);
    }
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = this.#nextHandle++;
    const atMs = this.now().getTime() + delayMs;
    this.#timers.set(handle, { callback, atMs, handle: this.#arm(handle, callback, atMs) });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    const timer = this.#timers.get(handle as number);
    if (timer) clearTimeout(timer.handle);
    this.#timers.delete(handle as number);
  }

  #arm(handle: number, callback: () => void, atMs: number): NodeJS.Timeout {
    const timeout = setTimeout(
      () => {
        this.#timers.delete(handle);
        callback();
      },
      Math.max(0, atMs - this.now().getTime()),
    );
    timeout.unref();
    return timeout;
  }
}
