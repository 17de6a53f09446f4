import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { applyFact, isInConference, newLeg, type LegState } from '../../server/telephony/legs.ts';
import type { CallFact, CallStatus } from '../../server/telephony/provider.ts';
import { startTestPlatform } from '../support/platform.ts';

const status = (value: CallStatus): CallFact => ({ kind: 'call_status', factId: value, consultationId: 'c', party: 'client', callId: 'CA1', status: value });
const joined: CallFact = { kind: 'conference_joined', factId: 'join', consultationId: 'c', party: 'client', callId: 'CA1', conferenceId: 'CF1' };
const left: CallFact = { kind: 'conference_left', factId: 'leave', consultationId: 'c', party: 'client', callId: 'CA1', conferenceId: 'CF1' };
const replay = (facts: CallFact[]): LegState => facts.reduce(applyFact, newLeg('CA1', 'client'));

describe('TEL-2 call legs from facts in any order (legs.ts)', () => {
  it('follows the ordinary order: ringing, answered, in the conference, left, over', () => {
    expect(isInConference(replay([status('initiated'), status('ringing'), status('answered'), joined]))).to.equal(true);
    expect(replay([status('ringing'), status('answered'), joined, left, status('completed')])).to.include({
      phase: 'over',
      conference: 'left',
      answered: true,
    });
  });

  it('a completed that overtakes the answered and the join keeps the leg over and out of the conference', () => {
    const leg = replay([status('ringing'), status('completed'), status('answered'), joined]);
    expect(leg).to.include({ phase: 'over', conference: 'never', finalStatus: 'completed' });
    expect(isInConference(leg)).to.equal(false);
  });

  it('a leave that overtakes its join never lets the leg in', () => {
    expect(isInConference(replay([status('answered'), left, joined]))).to.equal(false);
  });

  it('repeated facts change nothing the second time', () => {
    const once = replay([status('ringing'), status('answered'), joined]);
    expect(replay([status('ringing'), status('answered'), status('answered'), joined, joined, status('ringing')])).to.deep.equal(once);
  });

  it('a missed call is over without ever having been answered', () => {
    expect(replay([status('ringing'), status('no_answer')])).to.include({ phase: 'over', answered: false, finalStatus: 'no_answer' });
    expect(replay([status('ringing'), status('busy'), status('completed')])).to.include({ finalStatus: 'busy', answered: false });
  });
});

describe('TEL-4 simulator routes are development-only', () => {
  it('are absent when NODE_ENV=production (JSON 404), and answer otherwise', async () => {
    const production = await startTestPlatform({
      environment: { NODE_ENV: 'production', DOCUMENTS_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    });
    try {
      for (const [method, path] of [
        ['GET', '/dev/telephony/calls'],
        ['POST', '/dev/telephony/calls/SIM123/answer'],
      ] as const) {
        const response = await production.http.request(method, path);
        expect(response.status, path).to.equal(404);
        expect(response.body.error.code).to.equal('not_found');
      }
    } finally {
      await production.close();
    }
    const development = await startTestPlatform();
    try {
      expect((await development.http.get('/dev/telephony/calls')).body).to.deep.equal({ calls: [], meters: [] });
      expect((await development.http.post('/dev/telephony/calls/SIM123/answer')).status).to.equal(404);
      expect((await development.http.post('/dev/telephony/calls/SIM123/explode')).status).to.equal(404);
    } finally {
      await development.close();
    }
  });
});
