import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { PhoneHarness } from './support.ts';

/** TEL-1 / TEL-2 specifics of the Twilio adapter, against the fake Twilio of twilio-fake.ts. */
describe('Twilio adapter and webhooks (TEL-1, TEL-2)', () => {
  let phone: PhoneHarness;

  before(async () => {
    phone = await PhoneHarness.start('twilio');
  });
  after(() => phone.close());

  const fake = () => phone.twilio!;
  const count = async (table: string) => (await phone.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const moneyFacts = async () => ({
    settlements: await count('settlements'),
    journals: await count('ledger_journal'),
    postings: await count('ledger_postings'),
    captured: (await phone.platform.db.query<{ n: number }>('SELECT COALESCE(SUM(captured_cents), 0)::int AS n FROM local_payment_holds'))[0]!.n,
  });

  async function liveConsultation(budgetCents = 3000) {
    const id = await phone.book({ budgetCents });
    await phone.startDue();
    const calls = await phone.connectBoth(id);
    return { id, ...calls };
  }

  it('TEL-1 TEL-2: places the calls through the REST API, expert first, never recorded, with status callbacks for every step', async () => {
    const restBefore = fake().rest.length;
    const { id, expertCall, clientCall } = await liveConsultation();
    const creations = fake()
      .rest.slice(restBefore)
      .filter((request) => request.path.endsWith('/Calls.json'));
    expect(creations.map((request) => request.params['To']![0])).to.deep.equal(['+33612345678', '+33698765432']);
    for (const creation of creations) {
      expect(creation.params['Record']).to.deep.equal(['false']);
      expect(creation.params['StatusCallbackEvent']).to.have.members(['initiated', 'ringing', 'answered', 'completed']);
      expect(creation.params['Timeout']).to.deep.equal(['30']);
    }
    for (const room of fake().conferences.values()) expect(room.attributes).to.include('record="do-not-record"');
    await phone.advance(60);
    await phone.act(expertCall, 'hangup');
    await phone.act(clientCall, 'hangup');
    expect(await phone.consultation(id)).to.include({ status: 'ended', connected_seconds: 60 });
  });

  it('TEL-2: unsigned, badly signed, tampered and misaddressed webhooks get 403 and change nothing', async () => {
    const { id, expertCall, clientCall } = await liveConsultation();
    await phone.advance(30);
    const call = fake().calls.get(clientCall)!;
    const completed = { AccountSid: fake().accountSid, CallSid: clientCall, From: call.from, To: call.to, CallStatus: 'completed', SequenceNumber: '50' };
    const eventsBefore = await count('phone_call_events');
    const otherToken = (url: string, params: Record<string, string>) =>
      createHmac('sha1', '0'.repeat(32))
        .update(
          url +
            Object.keys(params)
              .sort()
              .map((key) => key + params[key])
              .join(''),
        )
        .digest('base64');
    const attempts = [
      await fake().post(call.statusCallback, completed, { signature: null }), // unsigned
      await fake().post(call.statusCallback, completed, { signature: otherToken(call.statusCallback, completed) }), // another account's token
      await fake().post(call.statusCallback, completed, { signature: fake().sign(call.statusCallback, { ...completed, CallStatus: 'in-progress' }) }), // tampered fields
      await fake().post(call.statusCallback.replace('party=client', 'party=expert'), completed, { signature: fake().sign(call.statusCallback, completed) }), // another URL
      await fake().post(call.url, { CallSid: clientCall, CallStatus: 'in-progress' }, { signature: 'bm90IGEgc2lnbmF0dXJl' }), // the TwiML route too
    ];
    for (const attempt of attempts) {
      expect(attempt.status).to.equal(403);
      expect(JSON.parse(attempt.text)).to.deep.equal({ error: { code: 'invalid_signature', message: 'The Twilio signature is missing or wrong.' } });
    }
    await phone.idle();
    expect(await count('phone_call_events')).to.equal(eventsBefore);
    expect((await phone.consultation(id)).status).to.equal('live');
    await phone.advance(30);
    await phone.act(clientCall, 'hangup');
    await phone.act(expertCall, 'hangup');
    const consultation = await phone.consultation(id);
    expect(consultation).to.include({ status: 'ended', connected_seconds: 60 });
    expect(consultation.settlement).to.include({ charge_cents: 200 });
  });

  it('TEL-2 BILL-14: replaying every callback of a finished consultation, twice and backwards, records nothing and moves no money', async () => {
    const sentBefore = fake().sent.length;
    const { id, expertCall, clientCall } = await liveConsultation();
    await phone.advance(120);
    await phone.act(clientCall, 'hangup');
    await phone.act(expertCall, 'hangup');
    const settled = await phone.consultation(id);
    expect(settled.settlement).to.include({ charge_cents: 400 });
    const replays = fake().sent.slice(sentBefore);
    expect(replays.length).to.be.greaterThan(10);
    const events = await count('phone_call_events');
    const money = await moneyFacts();
    for (const round of [1, 2]) {
      for (const { url, params } of [...replays].reverse()) {
        const response = await fake().replay(url, params);
        expect(response.status, `round ${round}: ${url}`).to.be.oneOf([200, 204]);
      }
    }
    await phone.idle();
    expect(await count('phone_call_events')).to.equal(events);
    expect(await moneyFacts()).to.deep.equal(money);
    expect(await phone.consultation(id)).to.deep.equal(settled);
  });

  it('TEL-2 BILL-4: out-of-order and repeated callbacks (completed before in-progress, a second answered) are decided once, correctly', async () => {
    const id = await phone.book({ budgetCents: 3000 });
    await phone.startDue();
    const expertCall = await phone.ringing(id, 'expert');
    await phone.act(expertCall, 'answer');
    const clientCall = await phone.ringing(id, 'client');
    const client = fake().calls.get(clientCall)!;
    const expert = fake().calls.get(expertCall)!;
    const room = [...fake().conferences.values()].find((candidate) => candidate.friendlyName === `consulto-${id}`)!;
    const base = (call: typeof client) => ({ AccountSid: fake().accountSid, CallSid: call.sid, From: call.from, To: call.to, Direction: 'outbound-api' });
    // The client's line fails; its `completed` overtakes the `in-progress` and the join it follows.
    client.state = 'ended';
    expect((await fake().post(client.statusCallback, { ...base(client), CallStatus: 'completed', SequenceNumber: '9' })).status).to.equal(204);
    expect((await fake().post(client.statusCallback, { ...base(client), CallStatus: 'in-progress', SequenceNumber: '3' })).status).to.equal(204);
    const lateJoin = {
      AccountSid: fake().accountSid,
      ConferenceSid: room.sid,
      FriendlyName: room.friendlyName,
      CallSid: client.sid,
      StatusCallbackEvent: 'participant-join',
      SequenceNumber: '40',
    };
    expect((await fake().post(room.statusCallback, lateJoin)).status).to.equal(204);
    // The expert's `answered` arrives again with a new sequence number.
    expect((await fake().post(expert.statusCallback, { ...base(expert), CallStatus: 'in-progress', SequenceNumber: '8' })).status).to.equal(204);
    await phone.idle();
    expect((await phone.calls(id)).filter((call) => call.party === 'client')).to.have.length(1); // no second call from the repeat
    await phone.advance(60); // nobody was billed meanwhile: the client never was in the conference
    expect(phone.telephony.phone.view(id)).to.include({ connectedSeconds: 0, running: false });
    // The missed client is called again (15 s after the failure) and this time picks up.
    const retry = await phone.ringing(id, 'client');
    expect(retry).to.not.equal(clientCall);
    await phone.act(retry, 'answer');
    await phone.advance(90);
    await phone.act(retry, 'hangup');
    await phone.act(expertCall, 'hangup');
    const consultation = await phone.consultation(id);
    expect(consultation).to.include({ status: 'ended', connected_seconds: 90 });
    expect(consultation.settlement).to.include({ charge_cents: 300 });
    expect(await count(`settlements WHERE consultation_id = '${id}'`)).to.equal(1);
  });

  it('TEL-5: the inbound call to TWILIO_FROM_NUMBER: signature verified, the party who left recognised by number into the conference, others asked for the code with <Gather>', async () => {
    const { id, expertCall, clientCall } = await liveConsultation();
    await phone.advance(20);
    await phone.act(clientCall, 'hangup');
    const inbound = `${phone.platform.url}/webhooks/twilio/inbound`;
    const callParams = (sid: string, from: string) => ({
      AccountSid: fake().accountSid,
      CallSid: sid,
      From: from,
      To: '+33180000000',
      CallStatus: 'ringing',
      Direction: 'inbound',
    });
    // Unsigned: 403, nothing admitted.
    const unsigned = await fake().post(inbound, callParams('CA' + 'a'.repeat(32), '+33698765432'), { signature: null });
    expect(unsigned.status).to.equal(403);
    // A stranger's number: asked for the six-digit code, with an action back to the inbound route.
    const stranger = await fake().post(inbound, callParams('CA' + 'b'.repeat(32), '+33799999999'));
    expect(stranger.status).to.equal(200);
    expect(stranger.text)
      .to.match(/<Gather[^>]*input="dtmf"[^>]*numDigits="6"/)
      .and.include(`action="${inbound}?attempt=1"`);
    expect(stranger.text).to.include('tapez son code à six chiffres');
    // A wrong code twice: not recognised, hung up.
    const wrong = await fake().post(`${inbound}?attempt=1`, {
      ...callParams('CA' + 'b'.repeat(32), '+33799999999'),
      Digits: '000000' === (await phone.viewAsClient(id)).phoneReturnCode ? '000001' : '000000',
    });
    expect(wrong.text).to.include('<Gather').and.include('attempt=2');
    const last = await fake().post(`${inbound}?attempt=2`, { ...callParams('CA' + 'b'.repeat(32), '+33799999999'), Digits: '12' });
    expect(last.text).to.include('<Hangup/>').and.not.include('<Conference');
    // The client's own number: straight into the consultation's conference, never recorded.
    const back = await fake().dialPlatform({ from: '+33698765432', to: '+33180000000', url: inbound, party: 'client' });
    const admitted = fake().calls.get(back)!;
    expect(admitted.state).to.equal('in_conference');
    expect(fake().conferences.get(admitted.conferenceSid!)!.attributes).to.include('record="do-not-record"');
    await phone.idle();
    expect(await phone.live(id)).to.include({ meterRunning: true });
    // A retried webhook for the admitted call answers the same conference.
    const retried = await fake().post(inbound, callParams(back, '+33698765432'));
    expect(retried.text).to.include(`>consulto-${id}</Conference>`);
    await phone.act(back, 'hangup');
    await phone.act(expertCall, 'hangup');
    expect((await phone.consultation(id)).status).to.equal('ended');
  });
});
