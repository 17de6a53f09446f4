import { expect } from 'chai';
import { PHONE_LEASE_MS } from '../../server/telephony/leases.ts';
import { waitFor } from '../media/support.ts';
import { PhoneHarness } from './support.ts';

/**
 * Scale out (issue 15), TEL-1: node A starts a phone consultation, then stalls (a long pause of its
 * event loop or its database) past its lease; the platform's node takes the session over. When A
 * comes back, the expert's answer reaches A first. A must not act on it: the new owner alone calls
 * the client, once. Before, A called the client too until its next renewal round noticed the loss,
 * and the parties' phones rang twice.
 */
describe('TEL-1 a node that stalled past its phone lease acts on nothing the new owner runs', () => {
  let phone: PhoneHarness;

  before(async () => {
    phone = await PhoneHarness.start('simulator');
  });
  after(() => phone.close());

  it('A lets the session go at its next decision; the new owner calls the client, once', async () => {
    const { runner: nodeA, line: lineOfA } = phone.runnerWithOwnLine('api-a');
    const id = await phone.book();
    await nodeA.start(id);
    await nodeA.idle();
    const expertCall = lineOfA.calls().find((call) => call.consultationId === id && call.party === 'expert');
    expect(expertCall?.state).to.equal('ringing');

    // A stalls: its clock passes its lease unrenewed, the lease lapses, and the platform's node takes the session over.
    phone.clock.advance(PHONE_LEASE_MS);
    await phone.platform.db.query(`UPDATE phone_sessions SET lease_expires_at = now() - interval '1 second' WHERE consultation_id = $1`, [id]);
    await phone.telephony.phone.takeOverLapsed();
    const [session] = await phone.platform.db.query<{ owner_node_id: string }>('SELECT owner_node_id FROM phone_sessions WHERE consultation_id = $1', [id]);
    expect(session!.owner_node_id).to.not.equal('api-a');

    // A comes back and hears the expert answer first; the new owner hears it from the database.
    await lineOfA.act(expertCall!.callId, 'answer');
    await lineOfA.idle();
    await nodeA.idle();
    await waitFor(async () => (await phone.calls(id)).some((call) => call.party === 'client') || undefined, 10_000, 'the new owner calling the client');
    await phone.idle();

    expect(
      lineOfA.calls().filter((call) => call.consultationId === id && call.party === 'client'),
      'calls A placed after losing its lease',
    ).to.deep.equal([]);
    expect((await phone.calls(id)).filter((call) => call.party === 'client').map((call) => call.state)).to.deep.equal(['ringing']);
    expect(nodeA.liveCount, 'A let the session go').to.equal(0);
  });
});
