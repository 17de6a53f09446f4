/**
 * The state of a video call as the page renders it (MEDIA-3…7, BILL-3, BILL-4). The call client
 * (call.ts) is its only writer; a page reads it and sends intents back, and never keeps its own
 * copy. Plain data and pure functions: no DOM, no socket, so the rules run in Node tests too.
 */
import type { Party, Presence, RoomEndReason } from '../../../media/signaling/messages.ts';

/**
 * What the status line says, always true:
 * - `connecting`: joining, or both in the room and the media not flowing both ways yet;
 * - `waiting`: in the room, the other party is not;
 * - `live`: the media flows both ways (what the meter counts, BILL-4);
 * - `reconnecting`: this side repairs its connection, or the other party's media stopped (MEDIA-7);
 * - `ended`: the consultation is over, or this page left it.
 */
export type CallStatus = 'connecting' | 'waiting' | 'live' | 'reconnecting' | 'ended';

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** Why the call is over for this page: the room's reason, or this page's own. */
export type CallEndReason = RoomEndReason | 'left' | 'replaced' | 'lost';

export interface CallEnd {
  reason: CallEndReason;
  connectedSeconds: number;
  /** Undefined until the settlement is known; null when it could not be read (PAY-2). */
  chargeCents: number | null | undefined;
  /** Who ended it, when a party did (`party_left`). */
  endedBy?: Party;
}

export interface ChatMessage {
  from: 'me' | 'other';
  text: string;
  atMs: number;
}

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface Devices {
  microphones: DeviceOption[];
  cameras: DeviceOption[];
  speakers: DeviceOption[];
  microphoneId: string | undefined;
  cameraId: string | undefined;
  /** Where the page plays the other's sound (HTMLMediaElement.setSinkId); undefined = the default. */
  speakerId: string | undefined;
}

export interface CallState {
  status: CallStatus;
  party: Party | undefined;
  presence: Presence;
  /** Who is being waited for while `reconnecting`: this side's network, or the other party's media. */
  reconnecting: 'self' | 'other' | undefined;
  /** The other party was here and left (they have the BILL-4 grace period to come back). */
  otherLeft: boolean;
  /** BOOK-4: an immediate request expires then if the expert has not joined. */
  requestExpiresAt: string | undefined;
  pricing: 'free_rate' | 'package' | undefined;
  end: CallEnd | undefined;
  /** A problem the page should show (no camera, the room refused us…): a stable code. */
  problem: string | undefined;
  localStream: MediaStream | undefined;
  /** This side's shared screen (MEDIA-6), shown small as a preview. */
  localScreenStream: MediaStream | undefined;
  /** The other party's camera and microphone. */
  remoteStream: MediaStream;
  /** The other party's shared screen: shown large while it is there (MEDIA-6). */
  remoteScreenStream: MediaStream | undefined;
  microphoneOn: boolean;
  cameraOn: boolean;
  sharingScreen: boolean;
  remoteMicrophoneOn: boolean;
  remoteCameraOn: boolean;
  devices: Devices;
  quality: Quality;
  /** BILL-3: pushed by the server every second; nothing is computed here. */
  elapsedSeconds: number;
  runningCostCents: number;
  maxSeconds: number | undefined;
  meterRunning: boolean;
  /** BILL-3: seconds left when the 60-second warning came. */
  warningSecondsLeft: number | undefined;
  /** BILL-3 as amended: terms of 60 s or less are warned at the start, with their length. */
  warningAtStart: boolean;
  chat: ChatMessage[];
}

/** The facts the status is derived from. */
export interface StatusFacts {
  ended: boolean;
  joined: boolean;
  repairing: boolean;
  party: Party | undefined;
  presence: Presence;
}

export function otherParty(party: Party): Party {
  return party === 'expert' ? 'client' : 'expert';
}

export function callStatus(facts: StatusFacts): { status: CallStatus; reconnecting: 'self' | 'other' | undefined } {
  if (facts.ended) return { status: 'ended', reconnecting: undefined };
  if (facts.repairing) return { status: 'reconnecting', reconnecting: 'self' };
  if (!facts.joined || !facts.party) return { status: 'connecting', reconnecting: undefined };
  const mine = facts.presence[facts.party];
  const theirs = facts.presence[otherParty(facts.party)];
  if (theirs === 'absent') return { status: 'waiting', reconnecting: undefined };
  if (mine === 'connected' && theirs === 'connected') return { status: 'live', reconnecting: undefined };
  if (mine === 'interrupted') return { status: 'reconnecting', reconnecting: 'self' };
  if (theirs === 'interrupted') return { status: 'reconnecting', reconnecting: 'other' };
  return { status: 'connecting', reconnecting: undefined };
}

export const NOBODY: Presence = { expert: 'absent', client: 'absent' };

/** Three levels from what this browser receives and sends: loss ratio and round-trip time. */
export function qualityOf(sample: { packetsLost: number; packetsReceived: number; roundTripSeconds: number | undefined }): Quality {
  const { packetsLost, packetsReceived, roundTripSeconds } = sample;
  if (roundTripSeconds === undefined && packetsReceived === 0) return 'unknown';
  const lossRatio = packetsReceived + packetsLost > 0 ? packetsLost / (packetsReceived + packetsLost) : 0;
  const rtt = roundTripSeconds ?? 0;
  if (lossRatio > 0.08 || rtt > 0.6) return 'poor';
  if (lossRatio > 0.02 || rtt > 0.3) return 'fair';
  return 'good';
}
