/**
 * The one catalogue of signaling messages between the in-call page and the SFU (MEDIA-1…3).
 * The server (media/signaling/server.ts) and the browser (client/src/media/call.ts) both import
 * these types, so a message added or changed here breaks the compilation of whichever side
 * forgot it; each side's `switch` over the method or notification ends in `assertUnreachable`.
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

export type Party = 'expert' | 'client';
export type MediaKind = 'audio' | 'video';

export interface TransportOptions {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
  sctpParameters: types.SctpParameters | undefined;
}

/** Why a consultation ended, as the state machine records it (server/bookings/state-machine.ts). */
export type EndReason = 'party_left' | 'budget_exhausted' | 'package_exhausted' | 'connection_lost' | 'platform';

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
      /** Whether the other party is in the room already. */
      otherPartyPresent: boolean;
      pricing: 'free_rate' | 'package';
    };
  };
  /** After `device.load()`: what this browser can receive; the server then creates its consumers. */
  ready: { request: { rtpCapabilities: types.RtpCapabilities }; response: Record<string, never> };
  connectTransport: { request: { transportId: string; dtlsParameters: types.DtlsParameters }; response: Record<string, never> };
  produce: {
    request: { transportId: string; kind: MediaKind; rtpParameters: types.RtpParameters };
    response: { producerId: string };
  };
  produceData: {
    request: { transportId: string; sctpStreamParameters: types.SctpStreamParameters; label: string; protocol: string };
    response: { dataProducerId: string };
  };
  /** Mute and camera off pause the producer, so the SFU stops forwarding (and the other side sees it). */
  setProducerPaused: { request: { producerId: string; paused: boolean }; response: Record<string, never> };
  resumeConsumer: { request: { consumerId: string }; response: Record<string, never> };
  /** BILL-4: either party can end the consultation at any time. */
  leave: { request: Record<string, never>; response: Record<string, never> };
}

export type Method = keyof Requests;
export const METHODS = ['join', 'ready', 'connectTransport', 'produce', 'produceData', 'setProducerPaused', 'resumeConsumer', 'leave'] as const satisfies readonly Method[];

/** Facts the server pushes. */
export type Notification =
  | { type: 'newConsumer'; consumerId: string; producerId: string; kind: MediaKind; rtpParameters: types.RtpParameters; paused: boolean }
  | { type: 'newDataConsumer'; dataConsumerId: string; dataProducerId: string; sctpStreamParameters: types.SctpStreamParameters; label: string; protocol: string }
  | { type: 'consumerClosed'; consumerId: string }
  | { type: 'consumerPaused'; consumerId: string; paused: boolean }
  | { type: 'peerJoined'; party: Party }
  | { type: 'peerLeft'; party: Party }
  /** BILL-3: the live display, computed by the server from the frozen terms (never by the browser). */
  | { type: 'meter'; connectedSeconds: number; runningCostCents: number; maxSeconds: number; running: boolean }
  /**
   * BILL-3: 60 seconds before the budget or the package runs out; `atStart` when the terms buy
   * 60 s or less, sent as the meter starts ("this consultation can last 45 s").
   */
  | { type: 'budgetWarning'; secondsLeft: number; atStart: boolean }
  /** The media stopped; the settlement follows in `settled`. */
  | { type: 'ended'; reason: EndReason; connectedSeconds: number }
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
