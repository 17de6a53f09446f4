/**
 * The one catalogue of signaling messages between the browser's call client and the SFU
 * (MEDIA-1…7). The server (media/signaling/server.ts) and the browser (client/src/media/call.ts)
 * both import these types, so a message added or changed here breaks the compilation of whichever
 * side forgot it; each side's `switch` over the method or notification ends in `assertUnreachable`.
 *
 * Type-only imports from mediasoup-client: nothing here runs in Node or ships twice.
 */
import type { types } from 'mediasoup-client';

export const SIGNALING_PATH = '/media/ws';
/** Bounds a message: SDP-derived parameters are a few kilobytes, a chat line is not sent here. */
export const SIGNALING_MAX_MESSAGE_BYTES = 64 * 1024;
/** The label of the chat DataChannel (MEDIA-3): text only, relayed by the SFU, never stored. */
export const CHAT_LABEL = 'chat';
export const CHAT_MAX_MESSAGE_CHARS = 2000;
/**
 * The label of the SFU's own data channel to each party. Nothing is sent on it: consuming it opens
 * the party's receive transport (ICE + DTLS + SCTP) as soon as it joins, so the other party's first
 * media, when it comes, does not wait for a handshake (SPEC §13 join time of the one who waited).
 */
export const ROOM_CHANNEL_LABEL = 'room';

export type Party = 'expert' | 'client';
export type MediaKind = 'audio' | 'video';
/** What a track shows: MEDIA-6 adds the screen, a second video next to the camera. */
export type MediaSource = 'microphone' | 'camera' | 'screen';
export const MEDIA_SOURCES = ['microphone', 'camera', 'screen'] as const satisfies readonly MediaSource[];
export const SOURCE_KIND: Readonly<Record<MediaSource, MediaKind>> = { microphone: 'audio', camera: 'video', screen: 'video' };

/**
 * Where a party stands, as the SFU sees it (BILL-4): `absent` (no socket), `joined` (in the room,
 * media not flowing both ways yet), `connected` (the SFU receives its media and it receives the
 * other's: what the meter counts), `interrupted` (was connected, the media stopped, still in the room).
 */
export type PartyPresence = 'absent' | 'joined' | 'connected' | 'interrupted';
export type Presence = Readonly<Record<Party, PartyPresence>>;

export interface TransportOptions {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
  sctpParameters: types.SctpParameters | undefined;
}

/** Why a consultation ended, as the state machine records it (server/bookings/state-machine.ts). */
export type EndReason = 'party_left' | 'budget_exhausted' | 'package_exhausted' | 'connection_lost' | 'platform';
/**
 * Why the room closed: a live consultation's end, or an immediate request that never went live
 * (BOOK-4: the expert declined it, its 5 minutes passed, or the client cancelled it).
 */
export type RoomEndReason = EndReason | 'declined' | 'expired' | 'cancelled';

/** Requests the browser sends; each gets exactly one response with the same id. */
export interface Requests {
  /** First message on a socket: the short-lived join token from `POST /api/consultations/:id/join-token`. */
  join: {
    request: { token: string };
    response: {
      consultationId: string;
      party: Party;
      routerRtpCapabilities: types.RtpCapabilities;
      sendTransport: TransportOptions;
      recvTransport: TransportOptions;
      presence: Presence;
      pricing: 'free_rate' | 'package';
      /** BOOK-4: an immediate request the expert has not joined yet expires then; null otherwise. */
      requestExpiresAt: string | null;
    };
  };
  /**
   * MEDIA-5, first message of a device-check socket instead of `join`: a probe router of its own
   * (never the consultation's room, nothing is billed), one send and one receive transport, and
   * the probe's own video sent back to it. Closed by the server after `maxSeconds`.
   */
  probe: {
    request: { token: string };
    response: { routerRtpCapabilities: types.RtpCapabilities; sendTransport: TransportOptions; recvTransport: TransportOptions; maxSeconds: number };
  };
  /** After `device.load()`: what this browser can receive; the server then creates its consumers. */
  ready: { request: { rtpCapabilities: types.RtpCapabilities }; response: Record<string, never> };
  connectTransport: { request: { transportId: string; dtlsParameters: types.DtlsParameters }; response: Record<string, never> };
  /** At most one producer per source; the screen is a second video (MEDIA-6). */
  produce: {
    request: { transportId: string; kind: MediaKind; source: MediaSource; rtpParameters: types.RtpParameters };
    response: { producerId: string };
  };
  produceData: {
    request: { transportId: string; sctpStreamParameters: types.SctpStreamParameters; label: string; protocol: string };
    response: { dataProducerId: string };
  };
  /** MEDIA-6: the screen share stops; the other side's consumer closes. */
  closeProducer: { request: { producerId: string }; response: Record<string, never> };
  /** Mute and camera off pause the producer, so the SFU stops forwarding (and the other side sees it). */
  setProducerPaused: { request: { producerId: string; paused: boolean }; response: Record<string, never> };
  /** Starts the flow to this browser and asks the sender for a key frame, so the first frame comes at once. */
  resumeConsumer: { request: { consumerId: string }; response: Record<string, never> };
  /** MEDIA-7 step 1: new ICE credentials for this transport; the browser restarts ICE with them. */
  restartIce: { request: { transportId: string }; response: { iceParameters: types.IceParameters } };
  /** MEDIA-7 step 2: fresh send and receive transports; producers and consumers are made again on them. */
  renewTransports: { request: Record<string, never>; response: { sendTransport: TransportOptions; recvTransport: TransportOptions } };
  /** BILL-4: this browser has decoded the other party's media; the meter may start. */
  mediaReceived: { request: Record<string, never>; response: Record<string, never> };
  /** MEDIA-5: what the SFU received from the probe so far. */
  probeResult: { request: Record<string, never>; response: { rtpBytesReceived: number; receivedBitrateBps: number; iceState: string; dtlsState: string } };
  /** BILL-4: either party can end the consultation at any time. */
  leave: { request: Record<string, never>; response: Record<string, never> };
}

export type Method = keyof Requests;
export const METHODS = [
  'join',
  'probe',
  'ready',
  'connectTransport',
  'produce',
  'produceData',
  'closeProducer',
  'setProducerPaused',
  'resumeConsumer',
  'restartIce',
  'renewTransports',
  'mediaReceived',
  'probeResult',
  'leave',
] as const satisfies readonly Method[];

/** Facts the server pushes. */
export type Notification =
  | { type: 'newConsumer'; consumerId: string; producerId: string; kind: MediaKind; source: MediaSource; rtpParameters: types.RtpParameters; paused: boolean }
  | {
      type: 'newDataConsumer';
      dataConsumerId: string;
      dataProducerId: string;
      sctpStreamParameters: types.SctpStreamParameters;
      label: string;
      protocol: string;
    }
  | { type: 'consumerClosed'; consumerId: string }
  | { type: 'consumerPaused'; consumerId: string; paused: boolean }
  /** BILL-4 / MEDIA-7: where each party stands; sent to both at every change. */
  | { type: 'presence'; presence: Presence }
  /** BILL-3: the live display, computed by the server from the frozen terms (never by the browser). */
  | { type: 'meter'; connectedSeconds: number; runningCostCents: number; maxSeconds: number; running: boolean }
  /**
   * BILL-3: 60 seconds before the budget or the package runs out; `atStart` when the terms buy
   * 60 s or less, sent as the meter starts ("this consultation can last 45 s").
   */
  | { type: 'budgetWarning'; secondsLeft: number; atStart: boolean }
  /** The media stopped; the settlement follows in `settled`. `endedBy`: the party who ended it (`party_left`). */
  | { type: 'ended'; reason: RoomEndReason; connectedSeconds: number; endedBy?: Party }
  /** PAY-2: what was charged, from the settlement (null when it could not be read). */
  | { type: 'settled'; chargeCents: number | null; connectedSeconds: number }
  /** This socket was replaced by a newer one of the same party (a reload, a second tab). */
  | { type: 'replaced' };

export type NotificationType = Notification['type'];

export type ClientMessage = { [M in Method]: { kind: 'request'; id: number; method: M; data: Requests[M]['request'] } }[Method];

export interface SignalingError {
  code: string;
  message: string;
}

export type ServerMessage =
  | { kind: 'response'; id: number; ok: true; data: unknown }
  | { kind: 'response'; id: number; ok: false; error: SignalingError }
  | { kind: 'notification'; notification: Notification };

/** The end of every exhaustive switch over this catalogue: a new case fails compilation. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unexpected signaling value: ${JSON.stringify(value)}`);
}
