import { expect } from 'chai';
import fc from 'fast-check';
import {
  FLOW_SAMPLE_INTERVAL_MS,
  FEEDBACK_STALL_MS,
  FLOW_STALL_MS,
  NO_FLOW,
  RECEIPT_CONFIRMATION_WAIT_MS,
  flowVerdict,
  recordFlowSample,
  type FlowContext,
  type FlowCounters,
  type FlowTrack,
} from '../../media/sfu/media-flow.ts';

const UP: Omit<FlowContext, 'nowMs'> = { transportsUp: true, allProducersPaused: false, receiptConfirmed: true };

/** Feeds readings every FLOW_SAMPLE_INTERVAL_MS from t = 0; `step` says which counters move at each. */
function run(samples: number, step: (index: number) => { media?: boolean; forwarded?: boolean; feedback?: boolean }): { track: FlowTrack; nowMs: number } {
  let track = NO_FLOW;
  const counters: FlowCounters = { mediaFromParty: 0, mediaToParty: 0, feedbackFromParty: 0 };
  let nowMs = 0;
  for (let index = 0; index < samples; index++) {
    nowMs = index * FLOW_SAMPLE_INTERVAL_MS;
    const moves = index === 0 ? {} : step(index);
    if (moves.media) counters.mediaFromParty += 1200;
    if (moves.forwarded) counters.mediaToParty += 1200;
    if (moves.feedback) counters.feedbackFromParty += 80;
    track = recordFlowSample(track, { ...counters }, nowMs);
  }
  return { track, nowMs };
}

describe('BILL-4 by video: a party is connected while its media flows both ways (media-flow.ts)', () => {
  it('transports up is not enough: nothing counts until the media moved and the browser answered what it got', () => {
    const silent = run(10, () => ({}));
    expect(flowVerdict(silent.track, { ...UP, nowMs: silent.nowMs }).connected).to.equal(false);
    const sendingOnly = run(10, () => ({ media: true }));
    expect(flowVerdict(sendingOnly.track, { ...UP, nowMs: sendingOnly.nowMs }).connected).to.equal(false);
    const both = run(10, () => ({ media: true, forwarded: true, feedback: true }));
    expect(flowVerdict(both.track, { ...UP, nowMs: both.nowMs }).connected).to.equal(true);
    expect(flowVerdict(both.track, { ...UP, transportsUp: false, nowMs: both.nowMs }).connected).to.equal(false);
  });

  it('bytes back before anything was forwarded (DTLS, ICE checks) are not an answer', () => {
    const handshakeOnly = run(10, () => ({ media: true, feedback: true }));
    expect(handshakeOnly.track.lastFeedbackAtMs).to.equal(undefined);
  });

  it('the meter waits for the browser to say it decoded the media, at most RECEIPT_CONFIRMATION_WAIT_MS', () => {
    const flowing = (samples: number) => run(samples, () => ({ media: true, forwarded: true, feedback: true }));
    const early = flowing(4);
    expect(flowVerdict(early.track, { ...UP, receiptConfirmed: false, nowMs: early.nowMs }).connected).to.equal(false);
    const late = flowing(4 + RECEIPT_CONFIRMATION_WAIT_MS / FLOW_SAMPLE_INTERVAL_MS);
    expect(flowVerdict(late.track, { ...UP, receiptConfirmed: false, nowMs: late.nowMs }).connected).to.equal(true);
  });

  it('media that stops for FLOW_STALL_MS is a drop, dated from the last sample that saw it', () => {
    const stallSamples = FLOW_STALL_MS / FLOW_SAMPLE_INTERVAL_MS;
    const stopped = run(10 + stallSamples, (index) => (index < 10 ? { media: true, forwarded: true, feedback: true } : { forwarded: true }));
    const verdict = flowVerdict(stopped.track, { ...UP, nowMs: stopped.nowMs });
    expect(verdict.connected).to.equal(false);
    expect(verdict.lastEvidenceAtMs).to.equal(9 * FLOW_SAMPLE_INTERVAL_MS);
    // Receiving stops too: the browser no longer answers what is forwarded to it, for FEEDBACK_STALL_MS.
    const deafSamples = FEEDBACK_STALL_MS / FLOW_SAMPLE_INTERVAL_MS;
    const deaf = (samples: number) =>
      run(10 + samples, (index) => (index < 10 ? { media: true, forwarded: true, feedback: true } : { media: true, forwarded: true }));
    expect(flowVerdict(deaf(deafSamples - 1).track, { ...UP, nowMs: deaf(deafSamples - 1).nowMs }).connected).to.equal(true);
    expect(flowVerdict(deaf(deafSamples).track, { ...UP, nowMs: deaf(deafSamples).nowMs }).connected).to.equal(false);
  });

  it('both cameras off: audio answered only by RTCP receiver reports, up to 7.5 s apart, stays connected the whole time', () => {
    // Chrome's audio reports come 5 s apart on average, randomised over 0.5–1.5 × 5 s.
    const reportEverySamples = 7500 / FLOW_SAMPLE_INTERVAL_MS;
    const samples = 10 + 6 * reportEverySamples;
    let track = NO_FLOW;
    const counters: FlowCounters = { mediaFromParty: 0, mediaToParty: 0, feedbackFromParty: 0 };
    for (let index = 0; index < samples; index++) {
      counters.mediaFromParty += 100;
      counters.mediaToParty += 100;
      if (index < 10 || index % reportEverySamples === 0) counters.feedbackFromParty += 80;
      const nowMs = index * FLOW_SAMPLE_INTERVAL_MS;
      track = recordFlowSample(track, { ...counters }, nowMs);
      if (index >= 2) expect(flowVerdict(track, { ...UP, nowMs }).connected, `at ${nowMs} ms`).to.equal(true);
    }
  });

  it('silence by choice is no drop: a party who paused everything, or who gets nothing because the other did', () => {
    const stallSamples = FLOW_STALL_MS / FLOW_SAMPLE_INTERVAL_MS;
    const muted = run(10 + stallSamples, (index) => (index < 10 ? { media: true, forwarded: true, feedback: true } : { forwarded: true, feedback: true }));
    expect(flowVerdict(muted.track, { ...UP, allProducersPaused: true, nowMs: muted.nowMs }).connected).to.equal(true);
    const nothingForwarded = run(10 + stallSamples, (index) => (index < 10 ? { media: true, forwarded: true, feedback: true } : { media: true }));
    expect(flowVerdict(nothingForwarded.track, { ...UP, nowMs: nothingForwarded.nowMs }).connected).to.equal(true);
  });

  it('a drop is never dated after the moment it is decided, nor before the last evidence (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ media: fc.boolean(), forwarded: fc.boolean(), feedback: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        (steps, paused) => {
          const { track, nowMs } = run(steps.length + 1, (index) => steps[index - 1]!);
          const verdict = flowVerdict(track, { ...UP, allProducersPaused: paused, nowMs });
          expect(verdict.lastEvidenceAtMs).to.be.at.most(nowMs).and.at.least(0);
          if (verdict.connected) expect(track.lastMediaAtMs).to.not.equal(undefined);
        },
      ),
    );
  });
});
