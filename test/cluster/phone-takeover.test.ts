import { expect } from 'chai';
import { HttpClient } from '../support/platform.ts';
import { settleConsultation, type ConsultationTerms } from '../../server/billing/index.ts';
import { waitFor } from '../media/support.ts';
import { TwoApiNodes, type LiveCall } from './two-api-nodes.ts';

/**
 * Scale out (issue 15), TEL-1 / BILL-4 across API nodes, in one process on the test database:
 * node A owns a live phone session, its callbacks and the expert's "end" land on node B, then A
 * stops renewing (it is gone); B takes the session over within 10 s and bills the whole call.
 */
describe('TEL-1 BILL-4 phone sessions across API nodes: callbacks reach the owner, a dead owner’s session is taken over', function () {
  this.timeout(90_000);
  let nodes: TwoApiNodes;

  before(async () => {
    nodes = await TwoApiNodes.start();
  });
  after(() => nodes.close());

  it('a callback and the expert’s end landing on a node that does not own the session are recorded and acted on by the owner', async () => {
    const call = await nodes.liveCall();
    expect((await nodes.session(call.id)).owner_node_id).to.equal('api-a');
    nodes.callbacksThroughNodeB();
    // The client's line drops: the callback reaches B, which records it; A hears of it (NOTIFY) and pauses the meter.
    await nodes.twilio.hangup(call.clientCall, 'drop');
    await waitFor(() => nodes.nodeA.services.telephony.phone.view(call.id)?.running === false || undefined, 10_000, 'A paused the meter');
    expect(nodes.nodeB.services.telephony.phone.view(call.id), 'B runs nothing').to.equal(undefined);
    // The expert ends it through B (TEL-5); A ends and settles it.
    const ended = await new HttpClient(nodes.nodeB.url).post(`/api/consultations/${call.id}/end`, undefined, call.expertToken);
    expect(ended.status, JSON.stringify(ended.body)).to.be.oneOf([200, 202]);
    await waitFor(async () => (await nodes.session(call.id)).finished_at !== null || undefined, 10_000, 'session finished by its owner');
    expect(await nodes.session(call.id)).to.include({ owner_node_id: 'api-a', outcome: 'party_left' });
    const [row] = await nodes.db.query<{ status: string; settled: number }>(
      `SELECT c.status, (SELECT count(*)::int FROM settlements s WHERE s.consultation_id = c.id AND s.status = 'settled') AS settled FROM consultations c WHERE c.id = $1`,
      [call.id],
    );
    expect(row).to.deep.equal({ status: 'ended', settled: 1 });
  });

  it('node A dies mid-call: node B takes the session over within 10 s, the call goes on, and the whole connected time is billed once', async () => {
    const call = await nodes.liveCall();
    nodes.callbacksThroughNodeB();
    // A stops for good (its leases are no longer renewed); the conference stays up at the provider.
    const diedAtMs = Date.now();
    await nodes.stopNodeA();
    await waitFor(async () => (await nodes.session(call.id)).owner_node_id === 'api-b' || undefined, 15_000, 'taken over by B');
    const takeoverMs = Date.now() - diedAtMs;
    console.log(`      phone session taken over ${takeoverMs} ms after its owner stopped`);
    expect(takeoverMs).to.be.at.most(10_000);
    await waitFor(() => nodes.nodeB.services.telephony.phone.view(call.id)?.running, 5000, 'B’s meter running');
    await new Promise((done) => setTimeout(done, 2000));
    const hungUpAtMs = Date.now();
    await nodes.twilio.hangup(call.clientCall);
    await nodes.twilio.hangup(call.expertCall);
    await waitFor(async () => (await nodes.session(call.id)).finished_at !== null || undefined, 10_000, 'finished by B');
    expect(await nodes.session(call.id)).to.include({ owner_node_id: 'api-b', outcome: 'party_left' });
    await expectBilledOnce(nodes, call, hungUpAtMs);
    const [sum] = await nodes.db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0)::int AS total FROM ledger_postings');
    expect(sum!.total).to.equal(0);
  });
});

/**
 * TEL-5, BILL-4: the owner dies and both parties hang up before its lease lapses. The callbacks
 * land on B, which only records them (it does not own the session yet). Taking the session over,
 * B ends it at once as `party_left`, billed up to the hang-ups. Before, B waited for the 120 s a
 * party has to call back (TEL-5), then ended it as `connection_lost`.
 */
describe('TEL-5 BILL-4 both parties hang up while a dead owner’s lease runs: the new owner ends it at takeover', function () {
  this.timeout(90_000);
  let nodes: TwoApiNodes;

  before(async () => {
    nodes = await TwoApiNodes.start();
  });
  after(() => nodes.close());

  it('ended as party_left within the takeover, billed for the talk before the hang-ups, settled once', async () => {
    const call = await nodes.liveCall();
    nodes.callbacksThroughNodeB();
    await nodes.stopNodeA();
    const hungUpAtMs = Date.now();
    await nodes.twilio.hangup(call.clientCall);
    await nodes.twilio.hangup(call.expertCall);
    expect((await nodes.session(call.id)).finished_at, 'nobody owns it yet').to.equal(null);
    await waitFor(async () => (await nodes.session(call.id)).finished_at !== null || undefined, 15_000, 'finished by B at takeover');
    expect(await nodes.session(call.id)).to.include({ owner_node_id: 'api-b', outcome: 'party_left' });
    expect(await expectBilledOnce(nodes, call, hungUpAtMs)).to.equal('party_left');
  });
});

/**
 * BILL-4, PAY-2: one settlement, settled, for the time the parties talked until the hang-ups (±1 s),
 * charged what the frozen terms give for it. Returns how the consultation ended.
 */
async function expectBilledOnce(nodes: TwoApiNodes, call: LiveCall, hungUpAtMs: number): Promise<string> {
  const [row] = await nodes.db.query<{ end_reason: string; connected_seconds: number; terms: ConsultationTerms; charge_cents: number; settlements: string[] }>(
    `SELECT c.end_reason, c.connected_seconds, c.terms, (SELECT s.charge_cents FROM settlements s WHERE s.consultation_id = c.id) AS charge_cents,
            ARRAY(SELECT s.status FROM settlements s WHERE s.consultation_id = c.id) AS settlements
       FROM consultations c WHERE c.id = $1`,
    [call.id],
  );
  const talkedSeconds = (hungUpAtMs - call.bothInAtMs) / 1000;
  expect(row!.settlements).to.deep.equal(['settled']);
  expect(row!.connected_seconds).to.be.within(Math.floor(talkedSeconds) - 1, Math.ceil(talkedSeconds) + 1);
  expect(row!.charge_cents).to.equal(settleConsultation(row!.terms, row!.connected_seconds).chargeCents);
  return row!.end_reason;
}
