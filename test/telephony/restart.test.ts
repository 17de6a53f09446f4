import { expect } from 'chai';
import { connectedSecondsFromFacts, type TimedFact } from '../../server/telephony/legs.ts';
import { PhoneHarness } from './support.ts';

describe('BILL-4 phone consultations across a restart', () => {
  let phone: PhoneHarness;

  before(async () => {
    phone = await PhoneHarness.start('simulator');
  });
  after(() => phone.close());

  it('ends a consultation that was talking for the connected time its recorded facts give, until the restart', async () => {
    const id = await phone.book({ budgetCents: 3000 });
    await phone.startDue();
    await phone.connectBoth(id);
    phone.clock.advance(100_000); // the process dies 100 s into the call; the provider keeps it up
    const { runner } = phone.runnerWithOwnLine();
    expect(await runner.recoverAfterRestart()).to.be.at.least(1);
    await runner.idle();
    const consultation = await phone.consultation(id);
    expect(consultation).to.include({ status: 'ended', connected_seconds: 100, end_reason: 'platform' });
    expect(consultation.settlement).to.include({ status: 'settled', charge_cents: 333 });
    expect(await runner.recoverAfterRestart()).to.equal(0); // done once
  });

  it('calls again a consultation whose parties had not talked yet', async () => {
    const id = await phone.book({ budgetCents: 3000 });
    await phone.startDue();
    await phone.ringing(id, 'expert');
    const { runner, line: simulator } = phone.runnerWithOwnLine();
    await runner.recoverAfterRestart();
    await runner.idle();
    await simulator.idle();
    await runner.idle();
    const ringing = simulator.calls().filter((call) => call.consultationId === id && call.state === 'ringing');
    expect(ringing.map((call) => call.party)).to.deep.equal(['expert']);
    expect((await phone.consultation(id)).status).to.equal('requested');
  });

  it('computes connected time from facts: both legs in the conference, pauses excluded, cut at the cap', () => {
    const fact = (kind: 'conference_joined' | 'conference_left', party: 'expert' | 'client', atMs: number): TimedFact => ({
      atMs,
      fact: { kind, factId: `${kind}${party}${atMs}`, consultationId: 'c', party, callId: `CA-${party}`, conferenceId: 'CF' },
    });
    const facts = [fact('conference_joined', 'expert', 0), fact('conference_joined', 'client', 10_000), fact('conference_left', 'client', 70_000)];
    expect(connectedSecondsFromFacts(facts, 100_000, 900)).to.deep.equal({ connectedSeconds: 60, everConnected: true });
    expect(connectedSecondsFromFacts(facts.slice(0, 2), 100_000, 900)).to.deep.equal({ connectedSeconds: 90, everConnected: true });
    expect(connectedSecondsFromFacts(facts.slice(0, 2), 100_000, 45)).to.deep.equal({ connectedSeconds: 45, everConnected: true });
    expect(connectedSecondsFromFacts(facts.slice(0, 1), 100_000, 900)).to.deep.equal({ connectedSeconds: 0, everConnected: false });
  });
});
