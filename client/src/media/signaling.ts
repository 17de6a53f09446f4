/**
 * The browser end of the signaling WebSocket (MEDIA-1): typed requests with one answer each, and
 * the server's notifications handed over one at a time, in order (a consumer is set up before its
 * pause state or its closing is applied). It speaks only media/signaling/messages.ts.
 */
import { SIGNALING_PATH, type Method, type Notification, type Requests, type ServerMessage } from '../../../media/signaling/messages.ts';

/** A request that gets no answer by then failed: the call says so instead of hanging. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Opening the socket: past this the SFU is taken as unreachable. */
const OPEN_TIMEOUT_MS = 10_000;

/**
 * What `POST /api/consultations/:id/join-token` answers: the token and the signaling URL of the
 * media node holding the room (the browser connects to that node directly).
 */
export interface JoinGrant {
  token: string;
  signalingUrl?: string;
}

/** The WebSocket URL: a ws(s) URL as is, a path on the page's origin, or an http(s) origin's own signaling path. */
export function signalingAddress(address: string, pageUrl: string): string {
  const url = new URL(address, pageUrl);
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return url.href;
  const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return address.startsWith('/') ? `${scheme}//${url.host}${url.pathname}` : `${scheme}//${url.host}${SIGNALING_PATH}`;
}

/** A join token alone (older callers, tests) or with its node's address. */
export function grantOf(answer: string | JoinGrant): JoinGrant {
  return typeof answer === 'string' ? { token: answer } : answer;
}

export class SignalingError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'SignalingError';
    this.code = code;
  }
}

export class SignalingSocket {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: number }>();
  #onNotification: ((notification: Notification) => Promise<void> | void) | undefined;
  /** Notifications that came before anyone listened (one may overtake the `join` answer). */
  readonly #early: Notification[] = [];
  #onClose: () => void = () => undefined;
  #notifications: Promise<void> = Promise.resolve();
  #nextId = 1;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener('message', (event) => this.#receive(String(event.data)));
    ws.addEventListener('close', () => {
      const wasOpen = !this.#closed;
      this.#shutDown();
      // After the notifications already received: a `replaced` or `settled` explains the close.
      if (wasOpen) void this.#notifications.then(() => this.#onClose());
    });
  }

  /**
   * `address`: the media node's signaling URL from the join token's answer (ws(s)://, or a path on
   * this page's origin), or an http(s) origin whose own signaling path is used (tests).
   */
  static async open(address: string): Promise<SignalingSocket> {
    const url = signalingAddress(address, location.href);
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        ws.close();
        reject(new SignalingError('signaling_unreachable', 'The video service cannot be reached.'));
      }, OPEN_TIMEOUT_MS);
      ws.addEventListener(
        'open',
        () => {
          window.clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
      ws.addEventListener(
        'error',
        () => {
          window.clearTimeout(timer);
          reject(new SignalingError('signaling_unreachable', 'The video service cannot be reached.'));
        },
        { once: true },
      );
    });
    return new SignalingSocket(ws);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Notifications are applied one after the other; a failing one is reported and the next still runs. */
  onNotification(handler: (notification: Notification) => Promise<void> | void): void {
    this.#onNotification = handler;
    for (const notification of this.#early.splice(0)) this.#dispatch(notification);
  }

  /** The socket closed without us closing it. */
  onClose(handler: () => void): void {
    this.#onClose = handler;
  }

  request<M extends Method>(method: M, data: Requests[M]['request']): Promise<Requests[M]['response']> {
    if (this.#closed) return Promise.reject(new SignalingError('socket_closed', 'The signaling socket is closed.'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.#pending.delete(id);
        reject(new SignalingError('timeout', `${method}: no answer`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ kind: 'request', id, method, data }));
    });
  }

  /** Every notification received so far has been applied. */
  idle(): Promise<void> {
    return this.#notifications;
  }

  close(): void {
    if (this.#closed) return;
    this.#shutDown();
    this.#ws.close();
  }

  #receive(text: string): void {
    const message = JSON.parse(text) as ServerMessage;
    if (message.kind === 'response') {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      window.clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.data);
      else pending.reject(new SignalingError(message.error.code, message.error.message));
      return;
    }
    if (this.#onNotification) this.#dispatch(message.notification);
    else this.#early.push(message.notification);
  }

  #dispatch(notification: Notification): void {
    const handler = this.#onNotification!;
    this.#notifications = this.#notifications.then(() => handler(notification)).catch((error: unknown) => console.warn('signaling notification failed', error));
  }

  #shutDown(): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) {
      window.clearTimeout(pending.timer);
      pending.reject(new SignalingError('socket_closed', 'The signaling socket is closed.'));
    }
    this.#pending.clear();
  }
}
