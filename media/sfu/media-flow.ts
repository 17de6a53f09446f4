/**
 * BILL-4 by video: a party counts as connected while the SFU receives its media AND it receives
 * the other's. ICE and DTLS being up is not enough (a transport can be up while nothing flows, or
 * while the browser has not decoded anything yet), so presence is read from the RTP counters of
 * the party's two transports, sampled by the service every FLOW_SAMPLE_INTERVAL_MS.
 *
 * Leaf functions only: counters and times in, a verdict out; no clock, no mediasoup.
 */

/** How often the transports' counters are read. */
export const FLOW_SAMPLE_INTERVAL_MS = 500;
/**
 * Media that has not moved for this long has stopped. Above the 400 ms between the packets of a
 * silent Opus stream with DTX, and three samples long so one late sample is not a drop.
 */
export const FLOW_STALL_MS = 1500;
/**
 * The browser's answer to what is forwarded to it is stale after this long. Forwarded video is
 * answered every few hundred ms (transport-wide congestion feedback), but audio alone only by RTCP
 * receiver reports, every 2.5–7.5 s in Chrome (mediasoup forwards audio without transport-cc). A
 * call whose cameras are both off must stay metered; a party whose downlink alone fails is then
 * seen within this long, its drop dated from the last answer.
 */
export const FEEDBACK_STALL_MS = 9000;
/**
 * The browser says when it has decoded the other party's media (`mediaReceived`), and the meter
 * waits for it; a browser that never says so is taken at the SFU's word after this long, so a
 * modified page cannot keep the meter stopped.
 */
export const RECEIPT_CONFIRMATION_WAIT_MS = 3000;

/** One reading of a peer's transports (mediasoup `transport.getStats()`). */
export interface FlowCounters {
  /** RTP bytes the SFU received on the party's send transport: its media reaching us. */
  mediaFromParty: number;
  /** RTP bytes the SFU sent on the party's receive transport: the other's media forwarded to it. */
  mediaToParty: number;
  /** Every byte the party's browser sent back on its receive transport: its RTCP feedback on what it got. */
  feedbackFromParty: number;
}

export interface FlowTrack {
  readonly previous: FlowCounters | undefined;
  /** Last sample at which the party's media had moved. */
  readonly lastMediaAtMs: number | undefined;
  /** Last sample at which media had been forwarded to the party. */
  readonly lastForwardedAtMs: number | undefined;
  /** First and last samples at which the party's browser answered media forwarded to it. */
  readonly firstFeedbackAtMs: number | undefined;
  readonly lastFeedbackAtMs: number | undefined;
}

export const NO_FLOW: FlowTrack = {
  previous: undefined,
  lastMediaAtMs: undefined,
  lastForwardedAtMs: undefined,
  firstFeedbackAtMs: undefined,
  lastFeedbackAtMs: undefined,
};

/** What a new reading tells: which counters moved since the previous one. */
export function recordFlowSample(track: FlowTrack, counters: FlowCounters, atMs: number): FlowTrack {
  const previous = track.previous;
  if (!previous) return { ...track, previous: counters };
  const mediaMoved = counters.mediaFromParty > previous.mediaFromParty;
  const forwarded = counters.mediaToParty > previous.mediaToParty;
  // Bytes back count as feedback only once media had been forwarded before this window: the DTLS
  // handshake and the ICE checks that precede any media are not an answer to it.
  const answered = counters.feedbackFromParty > previous.feedbackFromParty && previous.mediaToParty > 0;
  return {
    previous: counters,
    lastMediaAtMs: mediaMoved ? atMs : track.lastMediaAtMs,
    lastForwardedAtMs: forwarded ? atMs : track.lastForwardedAtMs,
    firstFeedbackAtMs: answered ? (track.firstFeedbackAtMs ?? atMs) : track.firstFeedbackAtMs,
    lastFeedbackAtMs: answered ? atMs : track.lastFeedbackAtMs,
  };
}

export interface FlowContext {
  nowMs: number;
  /** Both transports have ICE and DTLS connected. */
  transportsUp: boolean;
  /** The party paused every track it sends (muted and camera off): silence by choice is not a drop. */
  allProducersPaused: boolean;
  /** The party's browser said it decoded the other's media (`mediaReceived`). */
  receiptConfirmed: boolean;
}

export interface FlowVerdict {
  connected: boolean;
  /** The last moment media was seen flowing both ways: a drop is dated from there, not from its detection. */
  lastEvidenceAtMs: number;
}

/**
 * Connected = transports up, the party's media reached the SFU at least once and still moves
 * (unless the party paused everything), and the party's browser answered the media forwarded
 * to it at least once and still does (unless nothing was forwarded lately: the other paused
 * everything), and its browser confirmed it decoded it (or the confirmation wait is over).
 */
export function flowVerdict(track: FlowTrack, context: FlowContext): FlowVerdict {
  const { nowMs } = context;
  const recent = (atMs: number | undefined) => atMs !== undefined && nowMs - atMs < FLOW_STALL_MS;
  const sending = track.lastMediaAtMs !== undefined && (context.allProducersPaused || recent(track.lastMediaAtMs));
  const forwardedLately = recent(track.lastForwardedAtMs);
  const receiving = track.lastFeedbackAtMs !== undefined && (!forwardedLately || nowMs - track.lastFeedbackAtMs < FEEDBACK_STALL_MS);
  const confirmed = context.receiptConfirmed || (track.firstFeedbackAtMs !== undefined && nowMs - track.firstFeedbackAtMs >= RECEIPT_CONFIRMATION_WAIT_MS);
  const evidence: number[] = [];
  if (!context.allProducersPaused && track.lastMediaAtMs !== undefined) evidence.push(track.lastMediaAtMs);
  if (forwardedLately && track.lastFeedbackAtMs !== undefined) evidence.push(track.lastFeedbackAtMs);
  return {
    connected: context.transportsUp && sending && receiving && confirmed,
    lastEvidenceAtMs: evidence.length > 0 ? Math.min(nowMs, ...evidence) : nowMs,
  };
}
