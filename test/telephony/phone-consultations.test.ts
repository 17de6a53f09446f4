import { expect } from 'chai';
import { CLIENT_NUMBER_DE, CLIENT_NUMBER_FR, PhoneHarness, type ProviderName } from './support.ts';
import { tokenOf } from '../support/bookings.ts';
import { RETRY_AFTER_SECONDS } from '../../server/telephony/phone-consultations.ts';

/**
 * Whole phone consultations over real HTTP and the real database, booked through the API, the
 * phones driven through the simulator's development routes (TEL-4) and through the Twilio
 * adapter talking to a fake Twilio that sends signed callbacks (TEL-1, TEL-2). The clock is a
 * ManualClock, so caps and grace periods are exact.
 */
for (const provider of ['simulator', 'twilio'] as const satisfies readonly ProviderName[]) {
  describe(`phone consultations through ${provider === 'twilio' ? 'the Twilio adapter (fake Twilio REST API, signed callbacks)' : 'the telephony simulator (TEL-4)'}`, () => {
    let phone: PhoneHarness;

    before(async () => {
      phone = await PhoneHarness.start(provider);
    });
    after(() => phone.close());

    async function liveConsultation(overrides: Record<string, unknown> = {}) {
      const id = await phone.book(overrides);
      await phone.startDue();
      const calls = await phone.connectBoth(id);
      expect((await phone.consultation(id)).status).to.equal('live');
      return { id, ...calls };
    }

    it('TEL-1 BILL-2: calls the expert first, then the client, bridges them, and bills the connected seconds when both hang up', async () => {
      const { id, expertCall, clientCall } = await liveConsultation({ budgetCents: 3000 });
      await phone.advance(300);
      // BILL-3: the parties' pages show the elapsed time and the running cost, priced by the settlement code.
      expect(await phone.live(id)).to.include({
        onThePhone: true,
        meterRunning: true,
        connectedSeconds: 300,
        maxSeconds: 900,
        secondsLeft: 600,
        chargeCents: 1000,
      });
      await phone.act(clientCall, 'hangup');
      expect(await phone.live(id)).to.include({ meterRunning: false, connectedSeconds: 300 });
      await phone.advance(10); // the expert alone on the line: not billed (BILL-4)
      await phone.act(expertCall, 'hangup');
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 300, end_reason: 'party_left' });
      expect(consultation.settlement).to.include({ status: 'settled', charge_cents: 1000 }); // round(200 × 300 / 60)
      expect(await phone.hold(id)).to.include({ status: 'captured', captured_cents: 1000 });
      const view = await phone.viewAsClient(id);
      expect(view).to.include({ status: 'ended', connectedSeconds: 300, chargeCents: 1000 });
      // TEL-5: the client who hung up was never called back.
      expect((await phone.calls(id)).filter((call) => call.party === 'client')).to.have.length(1);
      expect((await phone.calls(id)).every((call) => call.state === 'ended')).to.equal(true);
    });

    it('BILL-3 TEL-3 BILL-8: spoken warning 60 s before the cap, conference ended at the cap, charge = budget rounded per BILL-2 with the EU surcharge', async () => {
      // r + s = 200 + 20 (Germany, BILL-8): 1000 cents buy floor(1000 × 60 / 220) = 272 s (BILL-1).
      const { id } = await liveConsultation({ budgetCents: 1000, phoneNumber: CLIENT_NUMBER_DE });
      const connectedAt = phone.clock.now().getTime();
      await phone.advance(211);
      expect((await phone.calls(id)).flatMap((call) => call.heard)).to.deep.equal([]);
      await phone.advance(1); // 60 s before the cap
      const warned = (await phone.calls(id)).filter((call) => call.state === 'in_conference');
      expect(warned).to.have.length(2);
      for (const call of warned) expect(call.heard).to.deep.equal(['budget_warning']);
      await phone.advance(59);
      expect((await phone.consultation(id)).status).to.equal('live');
      await phone.advance(1); // the cap
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 272, end_reason: 'budget_exhausted' });
      expect(consultation.ended_at!.getTime() - connectedAt).to.equal(272_000); // within 2 s of the cap: at it
      expect(consultation.settlement).to.include({ charge_cents: 997, surcharge_cents: 91 }); // min(1000, round(220 × 272 / 60)); round(20 × 272 / 60)
      expect(consultation.settlement!.charge_cents).to.be.at.most(1000);
      for (const call of await phone.calls(id)) expect(call).to.include({ state: 'ended', endedBy: 'platform' });
    });

    it('BILL-5: a package call is cut at its minutes and charged its price', async () => {
      const { id } = await liveConsultation({ budgetCents: undefined, packageId: phone.expert.packages.find((offer) => offer.mode === 'phone')!.id });
      await phone.advance(840);
      expect((await phone.calls(id)).filter((call) => call.heard.includes('budget_warning'))).to.have.length(2);
      await phone.advance(60);
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 900, end_reason: 'package_exhausted' });
      expect(consultation.settlement).to.include({ charge_cents: 7500, one_third_rule_applied: false });
    });

    it('BILL-5 one-third rule: 4 minutes of a 15-minute package at 7500 cost 2500', async () => {
      const { id, expertCall, clientCall } = await liveConsultation({
        budgetCents: undefined,
        packageId: phone.expert.packages.find((offer) => offer.mode === 'phone')!.id,
      });
      await phone.advance(240);
      await phone.act(expertCall, 'hangup');
      await phone.act(clientCall, 'hangup');
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 240 });
      expect(consultation.settlement).to.include({ charge_cents: 2500, one_third_rule_applied: true });
    });

    it('TEL-5: the client hangs up, is not called back, the expert hears it, the client calls the platform back within 120 s and the meter resumes; the gap is not billed', async () => {
      const { id, expertCall, clientCall } = await liveConsultation({ budgetCents: 3000 });
      await phone.advance(100);
      await phone.act(clientCall, 'hangup');
      const afterHangUp = await phone.calls(id);
      expect(
        afterHangUp.filter((call) => call.party === 'client' && call.state !== 'ended'),
        'not called back',
      ).to.deep.equal([]);
      expect(afterHangUp.find((call) => call.callId === expertCall)!.heard).to.deep.equal(['correspondent_left']);
      expect(await phone.live(id)).to.include({ meterRunning: false, connectedSeconds: 100 });
      await phone.advance(90);
      expect(
        (await phone.calls(id)).filter((call) => call.party === 'client'),
        'still not called back',
      ).to.have.length(1);
      // Recognised by the number the platform called (the consultation's number).
      const comeback = await phone.callPlatform({ callId: clientCall });
      expect(comeback.admitted).to.equal(true);
      expect(await phone.live(id)).to.include({ meterRunning: true, connectedSeconds: 100 });
      await phone.advance(100);
      await phone.act(comeback.callId, 'hangup');
      await phone.act(expertCall, 'hangup');
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 200, end_reason: 'party_left' });
      expect(consultation.settlement).to.include({ charge_cents: 667 }); // round(200 × 200 / 60): the 90 s away are not billed
    });

    it('TEL-5: the client never returns: the consultation ends 120 s after the hang-up, the gap unbilled, nobody called back', async () => {
      const { id, clientCall } = await liveConsultation({ budgetCents: 3000 });
      await phone.advance(100);
      await phone.act(clientCall, 'hangup');
      await phone.advance(119);
      expect((await phone.consultation(id)).status).to.equal('live');
      await phone.advance(1);
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 100, end_reason: 'connection_lost' });
      expect(consultation.settlement).to.include({ charge_cents: 333 }); // round(200 × 100 / 60)
      const calls = await phone.calls(id);
      expect(calls.filter((call) => call.party === 'client')).to.have.length(1);
      expect(calls.every((call) => call.state === 'ended')).to.equal(true);
      // Too late now: the platform's number lets nobody in.
      expect((await phone.callPlatform({ callId: clientCall })).admitted).to.equal(false);
    });

    it('TEL-5: from another phone the code of the confirmation lets the expert back in; an unknown number without it is refused', async () => {
      const { id, expertCall } = await liveConsultation({ budgetCents: 3000 });
      const code = (await phone.viewAsClient(id)).phoneReturnCode as string;
      expect(code).to.match(/^\d{6}$/);
      await phone.advance(30);
      await phone.act(expertCall, 'hangup');
      expect((await phone.callPlatform({ number: '+33611111111', party: 'expert' })).admitted, 'no code').to.equal(false);
      expect((await phone.callPlatform({ number: '+33611111111', party: 'expert' }, code === '000000' ? '000001' : '000000')).admitted, 'wrong code').to.equal(
        false,
      );
      const back = await phone.callPlatform({ number: '+33622222222', party: 'expert' }, code);
      expect(back.admitted).to.equal(true);
      expect(await phone.live(id)).to.include({ meterRunning: true, connectedSeconds: 30 });
      await phone.advance(30);
      // TEL-5: the expert ends it from the workspace; the client cannot, another expert cannot see it.
      const clientTry = await phone.platform.http.post(`/api/consultations/${id}/end`, undefined, await phone.clientToken());
      expect(clientTry.status).to.equal(403);
      const ended = await phone.platform.http.post(`/api/consultations/${id}/end`, undefined, await tokenOf(phone.platform.http, phone.expert));
      expect(ended.status, JSON.stringify(ended.body)).to.equal(200);
      expect(ended.body).to.include({ status: 'ended', connectedSeconds: 60, endReason: 'party_left' });
      await phone.idle();
      expect((await phone.calls(id)).every((call) => call.state === 'ended')).to.equal(true);
      const again = await phone.platform.http.post(`/api/consultations/${id}/end`, undefined, await tokenOf(phone.platform.http, phone.expert));
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('not_on_the_phone');
    });

    it('BILL-3 as amended: a one-minute budget is announced at the start ("can last 60 s") and cut at 60 s', async () => {
      // 200 cents at 200 cents a minute (France, no surcharge) buy exactly 60 s.
      const { id } = await liveConsultation({ budgetCents: 200, phoneNumber: CLIENT_NUMBER_FR });
      await phone.advance(0); // the meter's deadline is now: fire it
      const connected = (await phone.calls(id)).filter((call) => call.state === 'in_conference');
      expect(connected).to.have.length(2);
      for (const call of connected) expect(call.heard).to.deep.equal(['can_last:60']);
      await phone.advance(59);
      expect((await phone.consultation(id)).status).to.equal('live');
      await phone.advance(1);
      expect(await phone.consultation(id)).to.include({ status: 'ended', connected_seconds: 60, end_reason: 'budget_exhausted' });
    });

    it('BILL-4: a leg that does not come back within 120 s ends the consultation, billed for the time before the drop', async () => {
      const { id, expertCall } = await liveConsultation({ budgetCents: 3000 });
      await phone.advance(100);
      await phone.act(expertCall, 'drop');
      await phone.advance(119);
      expect((await phone.consultation(id)).status).to.equal('live');
      await phone.advance(1);
      const consultation = await phone.consultation(id);
      expect(consultation).to.include({ status: 'ended', connected_seconds: 100, end_reason: 'connection_lost' });
      expect(consultation.settlement).to.include({ charge_cents: 333 });
      expect((await phone.calls(id)).every((call) => call.state === 'ended')).to.equal(true);
    });

    it('BOOK-5 BILL-12: an expert who never answers an appointment is an expert no-show; the client pays nothing', async () => {
      const startAt = new Date(phone.clock.now().getTime() + 3600_000);
      const id = await phone.book({ startAt: startAt.toISOString(), budgetCents: 3000 });
      await phone.startDue();
      expect(await phone.calls(id)).to.deep.equal([]); // not before the start
      phone.clock.set(startAt);
      await phone.startDue();
      const first = await phone.ringing(id, 'expert');
      await phone.act(first, 'hangup'); // declined
      await phone.advance(15); // tried again
      const second = await phone.ringing(id, 'expert');
      expect(second).to.not.equal(first);
      await phone.advance(584);
      expect((await phone.consultation(id)).status).to.equal('scheduled');
      await phone.advance(1); // 10 minutes after the start
      const consultation = await phone.consultation(id);
      expect(consultation.status).to.equal('no_show_expert');
      expect(consultation.settlement).to.include({ charge_cents: 0, expert_penalty_cents: 150 }); // 10 × f
      expect(await phone.hold(id)).to.include({ status: 'released', captured_cents: 0 });
      expect((await phone.calls(id)).filter((call) => call.party === 'client')).to.deep.equal([]);
      expect((await phone.calls(id)).every((call) => call.state === 'ended')).to.equal(true);
    });

    it('BOOK-5 BILL-10: the expert answers an appointment but the client never does: client no-show, charged as a late cancellation', async () => {
      const startAt = new Date(phone.clock.now().getTime() + 3600_000);
      const id = await phone.book({ startAt: startAt.toISOString(), budgetCents: 3000 });
      phone.clock.set(startAt);
      await phone.startDue();
      await phone.act(await phone.ringing(id, 'expert'), 'answer');
      await phone.act(await phone.ringing(id, 'client'), 'hangup');
      await phone.advance(600);
      const consultation = await phone.consultation(id);
      expect(consultation.status).to.equal('no_show_client');
      expect(consultation.settlement).to.include({ charge_cents: 2000 }); // min(B, 10 × (r + s))
    });

    it("BILL-11: a client who cancels the request while the expert's phone rings stops the call, and pays nothing", async () => {
      const id = await phone.book({ budgetCents: 3000 });
      await phone.startDue();
      await phone.ringing(id, 'expert');
      const cancelled = await phone.platform.http.post(`/api/consultations/${id}/cancel`, undefined, await phone.clientToken());
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      await phone.startDue(); // the poller's next round
      expect((await phone.calls(id)).map((call) => call.state)).to.deep.equal(['ended']);
      expect((await phone.consultation(id)).settlement).to.include({ charge_cents: 0 });
    });

    if (provider === 'twilio') {
      it('TEL-1: a call Twilio’s API refuses (503) is placed again 15 s later, for the expert and then the client; only the talk is billed', async () => {
        const id = await phone.book({ budgetCents: 3000 });
        phone.twilio!.refuseCallCreations = 1;
        await phone.startDue();
        expect(await phone.calls(id), 'no call while Twilio refuses').to.deep.equal([]);
        await phone.advance(RETRY_AFTER_SECONDS);
        const expertCall = await phone.ringing(id, 'expert');
        phone.twilio!.refuseCallCreations = 1;
        await phone.act(expertCall, 'answer');
        expect((await phone.calls(id)).filter((call) => call.party === 'client')).to.deep.equal([]);
        await phone.advance(RETRY_AFTER_SECONDS);
        const clientCall = await phone.ringing(id, 'client');
        await phone.act(clientCall, 'answer');
        await phone.advance(60);
        await phone.act(clientCall, 'hangup');
        await phone.act(expertCall, 'hangup');
        const consultation = await phone.consultation(id);
        expect(consultation).to.include({ status: 'ended', connected_seconds: 60, end_reason: 'party_left' });
        expect(consultation.settlement).to.include({ charge_cents: 200 });
        expect((await phone.calls(id)).map((call) => call.party)).to.deep.equal(['expert', 'client']);
      });
    }

    it('BOOK-4: an immediate request the expert never picks up expires after 5 minutes and costs nothing', async () => {
      const id = await phone.book({ budgetCents: 3000 });
      await phone.startDue();
      await phone.ringing(id, 'expert');
      await phone.advance(300);
      const consultation = await phone.consultation(id);
      expect(consultation.status).to.equal('expired');
      expect(consultation.settlement).to.include({ charge_cents: 0, expert_penalty_cents: 0 });
      expect(await phone.hold(id)).to.include({ status: 'released' });
      expect((await phone.calls(id)).every((call) => call.state === 'ended')).to.equal(true);
    });
  });
}
