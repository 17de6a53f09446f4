import type { IncomingMessage, Server } from 'node:http';
import { frameText } from './frame-text.ts';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import type { Logger } from '../../server/platform/logger.ts';
import { AppError } from '../../server/platform/errors.ts';
import type { MediaService, Participant, Session } from '../service.ts';
import type { ProbeSession } from '../probe.ts';
import {
  MEDIA_SOURCES,
  SIGNALING_MAX_MESSAGE_BYTES,
  SIGNALING_PATH,
  assertUnreachable,
  type ClientMessage,
  type Notification,
  type ServerMessage,
  type SignalingError,
} from './messages.ts';

/** A socket that has not joined by then is closed: it holds a port and a slot for nothing. */
const JOIN_TIMEOUT_MS = 10_000;
/** Keeps NATs open and finds dead sockets, which pause the meter (BILL-4). */
const PING_INTERVAL_MS = 15_000;
/** One party never needs more than a handful in flight; more is abuse. */
const MAX_QUEUED_REQUESTS = 32;

const id = z.string().min(1).max(100);
const object = z.record(z.string(), z.unknown());
/** The envelope and the top-level fields; mediasoup validates the RTP and SCTP parameters itself. */
const clientMessage = z.discriminatedUnion('method', [
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('join'), data: z.object({ token: z.string().min(1).max(4096) }) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('ready'), data: z.object({ rtpCapabilities: object }) }),
  z.object({
    kind: z.literal('request'),
    id: z.number().int(),
    method: z.literal('connectTransport'),
    data: z.object({ transportId: id, dtlsParameters: object }),
  }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('probe'), data: z.object({ token: z.string().min(1).max(4096) }) }),
  z.object({
    kind: z.literal('request'),
    id: z.number().int(),
    method: z.literal('produce'),
    data: z.object({ transportId: id, kind: z.enum(['audio', 'video']), source: z.enum(MEDIA_SOURCES), rtpParameters: object }),
  }),
  z.object({
    kind: z.literal('request'),
    id: z.number().int(),
    method: z.literal('produceData'),
    data: z.object({ transportId: id, sctpStreamParameters: object, label: z.string().max(100), protocol: z.string().max(100) }),
  }),
  z.object({
    kind: z.literal('request'),
    id: z.number().int(),
    method: z.literal('setProducerPaused'),
    data: z.object({ producerId: id, paused: z.boolean() }),
  }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('closeProducer'), data: z.object({ producerId: id }) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('resumeConsumer'), data: z.object({ consumerId: id }) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('restartIce'), data: z.object({ transportId: id }) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('renewTransports'), data: z.object({}) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('mediaReceived'), data: z.object({}) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('probeResult'), data: z.object({}) }),
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.literal('leave'), data: z.object({}) }),
]);

/**
 * MEDIA-1 signaling: WebSocket on the API's own HTTP server at SIGNALING_PATH. The first
 * request must be `join` with a join token (or `probe`, for a device check's connection test,
 * MEDIA-5); every later request acts through that socket's Session, i.e. on its own peer only,
 * or through its ProbeSession.
 */
export class SignalingServer {
  readonly #wss: WebSocketServer;
  readonly #server: Server;
  readonly #media: MediaService;
  readonly #logger: Logger;
  readonly #onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly #ping: NodeJS.Timeout;
  #closed = false;

  constructor(options: { server: Server; media: MediaService; logger: Logger }) {
    this.#server = options.server;
    this.#media = options.media;
    this.#logger = options.logger;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: SIGNALING_MAX_MESSAGE_BYTES });
    this.#onUpgrade = (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== SIGNALING_PATH || this.#closed) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    };
    this.#server.on('upgrade', this.#onUpgrade);
    const alive = new WeakSet<WebSocket>();
    this.#wss.on('connection', (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
    });
    this.#ping = setInterval(() => {
      for (const ws of this.#wss.clients) {
        if (!alive.has(ws)) {
          ws.terminate();
          continue;
        }
        alive.delete(ws);
        ws.ping();
      }
    }, PING_INTERVAL_MS);
    this.#ping.unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ping);
    this.#server.off('upgrade', this.#onUpgrade);
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }

  #accept(ws: WebSocket): void {
    this.#wss.emit('connection', ws);
    new Connection(ws, this.#media, this.#logger);
  }
}

class Connection implements Participant {
  readonly #ws: WebSocket;
  readonly #media: MediaService;
  readonly #logger: Logger;
  #session: Session | undefined;
  #probe: ProbeSession | undefined;
  #joining = false;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  readonly #joinTimer: NodeJS.Timeout;

  constructor(ws: WebSocket, media: MediaService, logger: Logger) {
    this.#ws = ws;
    this.#media = media;
    this.#logger = logger;
    this.#joinTimer = setTimeout(() => {
      if (!this.#session && !this.#probe) ws.close(4001, 'join timeout');
    }, JOIN_TIMEOUT_MS);
    this.#joinTimer.unref();
    ws.on('message', (raw, isBinary) => this.#onMessage(raw, isBinary));
    ws.on('close', () => {
      clearTimeout(this.#joinTimer);
      // After the queue: a `leave` in flight wins over the disconnection it causes.
      void this.#queue.then(() => {
        this.#session?.disconnected();
        this.#probe?.close();
      });
    });
    ws.on('error', (error) => this.#logger.warn({ err: error }, 'signaling socket error'));
  }

  notify(notification: Notification): void {
    this.#send({ kind: 'notification', notification });
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.close(1000, 'done');
  }

  #send(message: ServerMessage): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }

  #onMessage(raw: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#ws.close(1003, 'text only');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(frameText(raw));
    } catch {
      this.#ws.close(1007, 'malformed JSON');
      return;
    }
    const requestId = typeof (parsed as { id?: unknown })?.id === 'number' ? (parsed as { id: number }).id : -1;
    const checked = clientMessage.safeParse(parsed);
    if (!checked.success) {
      this.#send({ kind: 'response', id: requestId, ok: false, error: { code: 'invalid_request', message: checked.error.issues[0]?.message ?? 'invalid' } });
      return;
    }
    if (++this.#queued > MAX_QUEUED_REQUESTS) {
      this.#ws.close(1008, 'too many requests');
      return;
    }
    const message = checked.data as ClientMessage;
    // One request at a time per socket: produce after connect after join, as the browser sent them.
    this.#queue = this.#queue.then(async () => {
      try {
        const data = await this.#handle(message);
        this.#send({ kind: 'response', id: message.id, ok: true, data });
      } catch (error) {
        this.#send({ kind: 'response', id: message.id, ok: false, error: toSignalingError(error, this.#logger) });
      } finally {
        this.#queued--;
      }
    });
  }

  async #handle(message: ClientMessage): Promise<unknown> {
    if (message.method === 'join' || message.method === 'probe') {
      if (this.#session || this.#probe || this.#joining) throw new AppError(409, 'already_joined', 'This socket has joined already.');
      this.#joining = true;
      try {
        if (message.method === 'probe') {
          const probe = await this.#media.probe(message.data.token, this);
          this.#probe = probe;
          clearTimeout(this.#joinTimer);
          if (this.#ws.readyState !== WebSocket.OPEN) probe.close();
          return probe.response();
        }
        const { session, response } = await this.#media.join(message.data.token, this);
        this.#session = session;
        clearTimeout(this.#joinTimer);
        // The socket may have closed while the room was being set up.
        if (this.#ws.readyState !== WebSocket.OPEN) session.disconnected();
        return response;
      } finally {
        this.#joining = false;
      }
    }
    if (this.#probe) return this.#handleProbe(this.#probe, message);
    const session = this.#session;
    if (!session) throw new AppError(401, 'not_joined', 'Join first.');
    switch (message.method) {
      case 'ready':
        return session.ready(message.data);
      case 'connectTransport':
        return session.connectTransport(message.data);
      case 'produce':
        return session.produce(message.data);
      case 'produceData':
        return session.produceData(message.data);
      case 'closeProducer':
        return session.closeProducer(message.data);
      case 'setProducerPaused':
        return session.setProducerPaused(message.data);
      case 'resumeConsumer':
        return session.resumeConsumer(message.data);
      case 'restartIce':
        return session.restartIce(message.data);
      case 'renewTransports':
        return session.renewTransports();
      case 'mediaReceived':
        return session.mediaReceived();
      case 'leave':
        return session.leave();
      case 'probeResult':
        throw new AppError(409, 'not_a_probe', 'Only a connection test has a result.');
      default:
        return assertUnreachable(message);
    }
  }

  /** MEDIA-5: a probe socket may set up its transports, send, get its media back and read the result. */
  async #handleProbe(probe: ProbeSession, message: Exclude<ClientMessage, { method: 'join' | 'probe' }>): Promise<unknown> {
    switch (message.method) {
      case 'ready':
        return probe.ready(message.data);
      case 'connectTransport':
        return probe.connectTransport(message.data);
      case 'produce':
        return probe.produce(message.data);
      case 'resumeConsumer':
        return probe.resumeConsumer(message.data);
      case 'probeResult':
        return probe.result();
      case 'leave':
        probe.close();
        return {};
      case 'produceData':
      case 'closeProducer':
      case 'setProducerPaused':
      case 'restartIce':
      case 'renewTransports':
      case 'mediaReceived':
        throw new AppError(409, 'not_in_probe', 'A connection test does not do that.');
      default:
        return assertUnreachable(message);
    }
  }
}

function toSignalingError(error: unknown, logger: Logger): SignalingError {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  // mediasoup rejects bad RTP/SCTP/DTLS parameters with TypeError: the browser sent them.
  if (error instanceof TypeError) return { code: 'invalid_request', message: error.message };
  logger.error({ err: error }, 'signaling request failed');
  return { code: 'internal_error', message: 'Unexpected error.' };
}
