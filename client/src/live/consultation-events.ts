/**
 * BOOK-4: the browser end of the live channel (`GET /api/events`, server-sent events): the
 * expert's workspace hears of a new immediate request at once, the client's page follows its
 * request (accepted, live, declined, expired, with the minutes left). Opened with fetch, because
 * the stream is authenticated like every API call (a header EventSource cannot send); reopened by
 * itself after a drop or when the server ends it, and then says `resync` (read the lists again:
 * a change may have happened meanwhile). No polling.
 *
 * No DOM here: the same module runs in the page and in Node tests.
 */
import type { ConsultationStatus } from '../../../server/bookings/state-machine.ts';

/** The consultation as `GET /api/consultations/:id` gives it (the fields the live pages use). */
export interface LiveConsultation {
  id: string;
  status: ConsultationStatus;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  startAt: string | null;
  createdAt: string;
  /** While an immediate request waits: when it expires (the page shows the minutes left). */
  requestExpiresAt: string | null;
  acceptedAt: string | null;
  declinedAt: string | null;
  expert: { id: string; slug: string; firstName: string; lastName: string };
  client: { id: string; firstName: string; lastName: string };
}

export type LiveEvent =
  | { type: 'consultation'; consultation: LiveConsultation }
  /** Changes may have been missed (a reconnection): read the lists again. */
  | { type: 'resync' }
  | { type: 'connection'; connected: boolean };

export interface ServerSentEvent {
  event: string;
  data: string;
}

/** After a failure the stream waits this long, doubling up to the maximum. */
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

/**
 * Splits a text/event-stream buffer into complete events (blank-line terminated) and the rest.
 * Comments (`: ping`) and fields other than `event`, `data` and `retry` are skipped.
 */
export function parseServerSentEvents(buffer: string): { events: ServerSentEvent[]; retryMs: number | undefined; rest: string } {
  const normalised = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalised.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: ServerSentEvent[] = [];
  let retryMs: number | undefined;
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, retryMs, rest };
}

export class ConsultationEventStream {
  readonly #open: (signal: AbortSignal) => Promise<Response>;
  readonly #onEvent: (event: LiveEvent) => void;
  #controller: AbortController | undefined;
  #retryMs = FIRST_RETRY_MS;
  #stopped = true;
  #opened = false;

  /** `open` makes the authenticated request (client/src/api.ts `apiEventStream` in the page). */
  constructor(options: { open: (signal: AbortSignal) => Promise<Response>; onEvent: (event: LiveEvent) => void }) {
    this.#open = options.open;
    this.#onEvent = options.onEvent;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
    this.#controller?.abort();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const controller = new AbortController();
      this.#controller = controller;
      let receivedAny = false;
      try {
        const response = await this.#open(controller.signal);
        if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
        this.#onEvent({ type: 'connection', connected: true });
        // Every reopening may have missed changes; the first opening comes before any list is read.
        if (this.#opened) this.#onEvent({ type: 'resync' });
        this.#opened = true;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseServerSentEvents(buffer + value);
          buffer = parsed.rest;
          if (parsed.retryMs !== undefined) this.#retryMs = parsed.retryMs;
          for (const event of parsed.events) {
            receivedAny = true;
            this.#dispatch(event);
          }
        }
      } catch {
        // A network error, or stop(): the loop decides.
      }
      if (this.#stopped) return;
      this.#onEvent({ type: 'connection', connected: false });
      const waitMs = receivedAny ? FIRST_RETRY_MS : this.#retryMs;
      this.#retryMs = receivedAny ? FIRST_RETRY_MS : Math.min(MAX_RETRY_MS, this.#retryMs * 2);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  #dispatch(event: ServerSentEvent): void {
    switch (event.event) {
      case 'consultation':
        this.#onEvent({ type: 'consultation', consultation: JSON.parse(event.data) as LiveConsultation });
        return;
      case 'resync':
        this.#onEvent({ type: 'resync' });
        return;
      default:
        // `ready`, `reconnect` (the stream ends and is reopened by the loop), and future events.
        return;
    }
  }
}
