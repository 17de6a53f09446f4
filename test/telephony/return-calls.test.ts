import { expect } from 'chai';
import { partyAwayFromFacts, type RecordedCall, type TimedFact } from '../../server/telephony/legs.ts';

const GRACE_MS = 120_000;
const EXPERT: RecordedCall = { call_id: 'CAexpert', party: 'expert', direction: 'outbound' };
const CLIENT: RecordedCall = { call_id: 'CAclient', party: 'client', direction: 'outbound' };
const CLIENT_BACK: RecordedCall = { call_id: 'CAback', party: 'client', direction: 'inbound' };

let sequence = 0;
const conference = (call: RecordedCall, kind: 'conference_joined' | 'conference_left', atMs: number): TimedFact => ({
  atMs,
  fact: { kind, factId: `f${sequence++}`, consultationId: 'c', party: call.party, callId: call.call_id, conferenceId: 'CF1' },
});
const completed = (call: RecordedCall, atMs: number): TimedFact => ({
  atMs,
  fact: { kind: 'call_status', factId: `f${sequence++}`, consultationId: 'c', party: call.party, callId: call.call_id, status: 'completed' },
});

/** Both in at 0, the client hangs up at 60 s. */
const clientLeftAt60s = [
  conference(EXPERT, 'conference_joined', 0),
  conference(CLIENT, 'conference_joined', 0),
  conference(CLIENT, 'conference_left', 60_000),
  completed(CLIENT, 60_000),
];

describe('TEL-5 who may call the platform back, from the recorded calls and facts alone (partyAwayFromFacts)', () => {
  it('the party who left while the other stays in, within the 120 s', () => {
    expect(partyAwayFromFacts([EXPERT, CLIENT], clientLeftAt60s, 90_000, GRACE_MS)).to.equal('client');
    expect(partyAwayFromFacts([EXPERT, CLIENT], clientLeftAt60s, 60_000 + GRACE_MS - 1, GRACE_MS)).to.equal('client');
  });

  it('nobody once the 120 s passed, before the parties ever talked, or when both left', () => {
    expect(partyAwayFromFacts([EXPERT, CLIENT], clientLeftAt60s, 60_000 + GRACE_MS, GRACE_MS), '120 s passed').to.equal(undefined);
    expect(partyAwayFromFacts([EXPERT, CLIENT], [conference(EXPERT, 'conference_joined', 0)], 10_000, GRACE_MS), 'never talked').to.equal(undefined);
    const bothLeft = [...clientLeftAt60s, conference(EXPERT, 'conference_left', 70_000)];
    expect(partyAwayFromFacts([EXPERT, CLIENT], bothLeft, 80_000, GRACE_MS), 'both left').to.equal(undefined);
  });

  it('nobody while the party’s return call is let in and on its way to the conference (one admission, on any node), and again once that leg left', () => {
    expect(partyAwayFromFacts([EXPERT, CLIENT, CLIENT_BACK], clientLeftAt60s, 90_000, GRACE_MS), 'on its way').to.equal(undefined);
    const backIn = [...clientLeftAt60s, conference(CLIENT_BACK, 'conference_joined', 95_000)];
    expect(partyAwayFromFacts([EXPERT, CLIENT, CLIENT_BACK], backIn, 100_000, GRACE_MS), 'back in').to.equal(undefined);
    const leftAgain = [...backIn, conference(CLIENT_BACK, 'conference_left', 200_000)];
    // The 120 s run from the second departure.
    expect(partyAwayFromFacts([EXPERT, CLIENT, CLIENT_BACK], leftAgain, 300_000, GRACE_MS)).to.equal('client');
  });
});
