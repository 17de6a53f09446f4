import { expect } from 'chai';
import { PhoneHarness } from './support.ts';
import { RING_TIMEOUT_SECONDS, RETRY_AFTER_SECONDS } from '../../server/telephony/phone-consultations.ts';

/** TEL-4 as amended: the simulator behaves like the network. */
describe('TEL-4 the simulator ends an unanswered call at its ring timeout, as no-answer', () => {
  let phone: PhoneHarness;
  before(async () => {
    phone = await PhoneHarness.start('simulator');
  });
  after(() => phone.close());

  it('rings for the ring timeout, then the call is over as no_answer, and the platform tries again later (TEL-1)', async () => {
    const id = await phone.book({ budgetCents: 3000 });
    await phone.startDue();
    const first = await phone.ringing(id, 'expert');
    await phone.advance(RING_TIMEOUT_SECONDS - 1);
    expect((await phone.calls(id)).find((call) => call.callId === first)!.state).to.equal('ringing');
    await phone.advance(1);
    expect((await phone.calls(id)).find((call) => call.callId === first)).to.include({ state: 'ended', endedBy: 'no_answer' });
    const [event] = await phone.platform.db.query<{ call_status: string }>(
      `SELECT call_status FROM phone_call_events WHERE call_id = $1 AND kind = 'call_status' ORDER BY id DESC LIMIT 1`,
      [first],
    );
    expect(event!.call_status).to.equal('no_answer');
    await phone.advance(RETRY_AFTER_SECONDS);
    const second = await phone.ringing(id, 'expert');
    expect(second).to.not.equal(first);
    // Answered in time, a call is not ended by the timeout.
    await phone.act(second, 'answer');
    await phone.advance(RING_TIMEOUT_SECONDS + 1);
    expect((await phone.calls(id)).find((call) => call.callId === second)!.state).to.equal('in_conference');
  });
});
