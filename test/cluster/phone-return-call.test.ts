import { expect } from 'chai';
import type { RunningPlatform } from '../../server/platform/start.ts';
import { settleConsultation, type ConsultationTerms } from '../../server/billing/index.ts';
import { CLIENT_NUMBER_FR, PLATFORM_NUMBER } from '../telephony/support.ts';
import { waitFor } from '../media/support.ts';
import { TwoApiNodes } from './two-api-nodes.ts';

/** Long enough that billing it by mistake shows beyond the tests' one-second tolerance. */
const GAP_MS = 3000;
const TALK_MS = 1500;
const STRANGER_NUMBER = '+33799999999';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Scale out (issue 15), TEL-5 across API nodes, in one process on the test database: node A owns
 * a live phone session; the party who left calls the platform's number back and Twilio's inbound
 * webhook (signed for node B's address) lands on node B, which recognises the caller from
 * PostgreSQL, answers the conference's TwiML and records the leg; A takes the leg as its own and
 * its meter resumes when the leg joins (BILL-4).
 */
describe('TEL-5 BILL-4 a return call to the platform’s number landing on an API node that does not own the phone session', function () {
  this.timeout(90_000);
  let nodes: TwoApiNodes;

  before(async () => {
    nodes = await TwoApiNodes.start();
  });
  after(() => nodes.close());

  const phoneOf = (node: RunningPlatform) => node.services.telephony.phone;
  const inboundOf = (node: RunningPlatform) => `${node.url}/webhooks/twilio/inbound`;

  /** A party's leg ends; the owner, A, pauses its meter (BILL-4). */
  async function leaves(id: string, callSid: string): Promise<void> {
    await nodes.twilio.hangup(callSid);
    await waitFor(() => phoneOf(nodes.nodeA).view(id)?.running === false || undefined, 10_000, 'A paused the meter');
  }

  /** What a return call may have written: the legs, the callbacks, the party requests. */
  const recorded = async () =>
    (
      await nodes.db.query<{ calls: number; facts: number; requests: number }>(
        `SELECT (SELECT count(*)::int FROM phone_calls) AS calls, (SELECT count(*)::int FROM phone_call_events) AS facts,
                (SELECT count(*)::int FROM phone_session_requests) AS requests`,
      )
    )[0]!;

  const inboundCalls = async (id: string) =>
    nodes.db.query<{ call_id: string; party: string }>(`SELECT call_id, party FROM phone_calls WHERE consultation_id = $1 AND direction = 'inbound'`, [id]);

  async function finishedAndSettledOnce(id: string): Promise<{ connectedSeconds: number }> {
    await waitFor(async () => (await nodes.session(id)).finished_at !== null || undefined, 10_000, 'session finished by its owner');
    expect(await nodes.session(id)).to.include({ owner_node_id: 'api-a', outcome: 'party_left' });
    const [row] = await nodes.db.query<{ status: string; connected_seconds: number; terms: ConsultationTerms; charge_cents: number; settlements: number }>(
      `SELECT c.status, c.connected_seconds, c.terms, (SELECT s.charge_cents FROM settlements s WHERE s.consultation_id = c.id) AS charge_cents,
              (SELECT count(*)::int FROM settlements s WHERE s.consultation_id = c.id) AS settlements FROM consultations c WHERE c.id = $1`,
      [id],
    );
    expect(row).to.include({ status: 'ended', settlements: 1 });
    expect(row!.charge_cents).to.equal(settleConsultation(row!.terms, row!.connected_seconds).chargeCents);
    const [sum] = await nodes.db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0)::int AS total FROM ledger_postings');
    expect(sum!.total, 'the ledger sums to zero').to.equal(0);
    return { connectedSeconds: row!.connected_seconds };
  }

  it('TEL-5 BILL-4: the client calls back by number through node B: B’s TwiML puts the call into the consultation’s conference, A’s meter resumes at the join, the gap is not billed and the connected seconds are billed once', async () => {
    const call = await nodes.liveCall();
    await sleep(TALK_MS);
    const leftAtMs = Date.now();
    await leaves(call.id, call.clientCall);
    nodes.callbacksThroughNodeB();
    await sleep(GAP_MS);
    expect(phoneOf(nodes.nodeA).view(call.id)?.running, 'still paused before the return').to.equal(false);

    const back = await nodes.twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodes.nodeB), party: 'client' });
    const sentFor = (callSid: string) => nodes.twilio.sent.filter((request) => request.params['CallSid'] === callSid);
    expect(
      sentFor(back)
        .filter((request) => request.url.includes('/inbound'))
        .map((request) => request.url),
      'one inbound webhook, signed for B’s address',
    ).to.deep.equal([inboundOf(nodes.nodeB)]);
    expect(sentFor(back).find((request) => request.params['StatusCallbackEvent'] === 'participant-join')?.url, 'the join callback lands on B too').to.satisfy(
      (url: string) => url.startsWith(`${nodes.nodeB.url}/webhooks/twilio/status`),
    );
    const backCall = nodes.twilio.calls.get(back)!;
    expect(backCall.state).to.equal('in_conference');
    // The consultation's conference, the very one the expert is waiting in.
    expect(backCall.conferenceSid).to.equal(nodes.twilio.calls.get(call.expertCall)!.conferenceSid);
    expect(nodes.twilio.conferences.get(backCall.conferenceSid!)!.friendlyName).to.equal(`consulto-${call.id}`);

    await waitFor(() => phoneOf(nodes.nodeA).view(call.id)?.running, 10_000, 'A’s meter resumed');
    const backAtMs = Date.now();
    expect(
      phoneOf(nodes.nodeA)
        .view(call.id)!
        .legs.find((leg) => leg.callId === back),
      'A runs the leg B let in',
    ).to.include({ party: 'client', conference: 'in' });
    expect(phoneOf(nodes.nodeB).view(call.id), 'B runs nothing').to.equal(undefined);
    expect(await inboundCalls(call.id)).to.deep.equal([{ call_id: back, party: 'client' }]);

    await sleep(TALK_MS);
    const hungUpAtMs = Date.now();
    await nodes.twilio.hangup(back);
    await nodes.twilio.hangup(call.expertCall);
    const { connectedSeconds } = await finishedAndSettledOnce(call.id);
    const talkedSeconds = (leftAtMs - call.bothInAtMs + (hungUpAtMs - backAtMs)) / 1000;
    expect(connectedSeconds, `talked ${talkedSeconds} s around a ${GAP_MS / 1000} s gap`).to.be.within(
      Math.floor(talkedSeconds) - 1,
      Math.ceil(talkedSeconds) + 1,
    );
  });

  it('TEL-5 BILL-4: a number shared by two live consultations is asked for its code through node B; the code puts the call into its own consultation, whose meter resumes on A', async () => {
    const first = await nodes.liveCall();
    const second = await nodes.liveCall();
    await leaves(first.id, first.clientCall);
    await leaves(second.id, second.clientCall);
    nodes.callbacksThroughNodeB();
    const before = await recorded();

    // Both clients booked with the same number: it matches two consultations, so B asks for the code.
    const back = await nodes.twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodes.nodeB), party: 'client' });
    expect(nodes.twilio.calls.get(back)!.gatherAction).to.equal(`${inboundOf(nodes.nodeB)}?attempt=1`);
    expect(await recorded(), 'nothing recorded while asking').to.deep.equal(before);

    const [{ phone_return_code: code } = { phone_return_code: '' }] = await nodes.db.query<{ phone_return_code: string }>(
      'SELECT phone_return_code FROM consultations WHERE id = $1',
      [second.id],
    );
    await nodes.twilio.pressKeys(back, code);
    const backCall = nodes.twilio.calls.get(back)!;
    expect(backCall.state).to.equal('in_conference');
    expect(backCall.conferenceSid).to.equal(nodes.twilio.calls.get(second.expertCall)!.conferenceSid);
    await waitFor(() => phoneOf(nodes.nodeA).view(second.id)?.running, 10_000, 'the second consultation’s meter resumed on A');
    expect(phoneOf(nodes.nodeA).view(first.id)?.running, 'the first one stays paused').to.equal(false);
    expect(await inboundCalls(second.id)).to.deep.equal([{ call_id: back, party: 'client' }]);
    expect(await inboundCalls(first.id)).to.deep.equal([]);

    await nodes.twilio.hangup(first.expertCall);
    await finishedAndSettledOnce(first.id);
    await nodes.twilio.hangup(back);
    await nodes.twilio.hangup(second.expertCall);
    await finishedAndSettledOnce(second.id);
  });

  it('TEL-5: an unrecognised caller through node B is asked for the code, twice, then told goodbye; nothing is recorded and the absent party may still come back', async () => {
    const call = await nodes.liveCall();
    await leaves(call.id, call.clientCall);
    nodes.callbacksThroughNodeB();
    const before = await recorded();

    const stranger = await nodes.twilio.dialPlatform({ from: STRANGER_NUMBER, to: PLATFORM_NUMBER, url: inboundOf(nodes.nodeB), party: 'client' });
    expect(nodes.twilio.calls.get(stranger)!.gatherAction).to.equal(`${inboundOf(nodes.nodeB)}?attempt=1`);
    await nodes.twilio.pressKeys(stranger, '12');
    expect(nodes.twilio.calls.get(stranger)!.gatherAction).to.equal(`${inboundOf(nodes.nodeB)}?attempt=2`);
    await nodes.twilio.pressKeys(stranger, '12');
    const strangerCall = nodes.twilio.calls.get(stranger)!;
    expect(strangerCall).to.include({ state: 'ended', endedBy: 'platform', conferenceSid: null });
    expect(strangerCall.heard.at(-1)).to.include('<Hangup/>').and.not.include('<Conference');
    expect(await recorded(), 'no leg, no fact, no request').to.deep.equal(before);
    expect(phoneOf(nodes.nodeA).view(call.id)?.running).to.equal(false);

    const back = await nodes.twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodes.nodeB), party: 'client' });
    expect(nodes.twilio.calls.get(back)!.state).to.equal('in_conference');
    await waitFor(() => phoneOf(nodes.nodeA).view(call.id)?.running, 10_000, 'A’s meter resumed');
    await nodes.twilio.hangup(back);
    await nodes.twilio.hangup(call.expertCall);
    await finishedAndSettledOnce(call.id);
  });

  it('TEL-5 TEL-2: the inbound webhook replayed, to node B and signed for node A, gets the same conference and records one call', async () => {
    const call = await nodes.liveCall();
    await leaves(call.id, call.clientCall);
    nodes.callbacksThroughNodeB();
    const back = await nodes.twilio.dialPlatform({ from: CLIENT_NUMBER_FR, to: PLATFORM_NUMBER, url: inboundOf(nodes.nodeB), party: 'client' });
    await waitFor(() => phoneOf(nodes.nodeA).view(call.id)?.running, 10_000, 'A’s meter resumed');
    const afterAdmission = await recorded();

    const original = nodes.twilio.sent.find((request) => request.url === inboundOf(nodes.nodeB) && request.params['CallSid'] === back)!;
    const answers = [
      await nodes.twilio.post(original.url, original.params),
      await nodes.twilio.post(inboundOf(nodes.nodeA), original.params), // the retry went to A this time, signed for A's address
      await nodes.twilio.post(original.url, original.params),
    ];
    for (const answer of answers) {
      expect(answer.status).to.equal(200);
      expect(answer.text).to.include(`>consulto-${call.id}</Conference>`);
    }
    expect(await recorded(), 'nothing recorded twice').to.deep.equal(afterAdmission);
    expect(await inboundCalls(call.id)).to.deep.equal([{ call_id: back, party: 'client' }]);
    expect(phoneOf(nodes.nodeA).view(call.id)?.running).to.equal(true);

    await nodes.twilio.hangup(back);
    await nodes.twilio.hangup(call.expertCall);
    await finishedAndSettledOnce(call.id);
  });
});
