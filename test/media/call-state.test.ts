import { expect } from 'chai';
import { callStatus, qualityOf, type StatusFacts } from '../../client/src/media/call-state.ts';
import type { Presence } from '../../media/signaling/messages.ts';

const facts = (presence: Presence, overrides: Partial<StatusFacts> = {}): StatusFacts => ({
  ended: false,
  joined: true,
  repairing: false,
  party: 'expert',
  presence,
  ...overrides,
});

describe('MEDIA-3 the call status line is always true (client/src/media/call-state.ts)', () => {
  it('waiting while the other is not in the room, live only when media flows both ways', () => {
    expect(callStatus(facts({ expert: 'joined', client: 'absent' })).status).to.equal('waiting');
    expect(callStatus(facts({ expert: 'connected', client: 'absent' })).status).to.equal('waiting');
    // The first to arrive does not read "waiting" once the other is there.
    expect(callStatus(facts({ expert: 'joined', client: 'joined' })).status).to.equal('connecting');
    expect(callStatus(facts({ expert: 'connected', client: 'joined' })).status).to.equal('connecting');
    expect(callStatus(facts({ expert: 'connected', client: 'connected' })).status).to.equal('live');
  });

  it('MEDIA-7 reconnecting on both sides: this side repairing, or either side interrupted', () => {
    expect(callStatus(facts({ expert: 'connected', client: 'connected' }, { repairing: true }))).to.deep.equal({
      status: 'reconnecting',
      reconnecting: 'self',
    });
    expect(callStatus(facts({ expert: 'interrupted', client: 'connected' }))).to.deep.equal({ status: 'reconnecting', reconnecting: 'self' });
    expect(callStatus(facts({ expert: 'connected', client: 'interrupted' }))).to.deep.equal({ status: 'reconnecting', reconnecting: 'other' });
  });

  it('connecting before joining, ended once over whatever else is true', () => {
    expect(callStatus(facts({ expert: 'absent', client: 'absent' }, { joined: false })).status).to.equal('connecting');
    expect(callStatus(facts({ expert: 'connected', client: 'connected' }, { ended: true, repairing: true })).status).to.equal('ended');
  });

  it('quality: loss and round-trip time in three levels', () => {
    expect(qualityOf({ packetsLost: 0, packetsReceived: 0, roundTripSeconds: undefined })).to.equal('unknown');
    expect(qualityOf({ packetsLost: 0, packetsReceived: 1000, roundTripSeconds: 0.02 })).to.equal('good');
    expect(qualityOf({ packetsLost: 30, packetsReceived: 1000, roundTripSeconds: 0.02 })).to.equal('fair');
    expect(qualityOf({ packetsLost: 0, packetsReceived: 1000, roundTripSeconds: 0.7 })).to.equal('poor');
  });
});
