import { expect } from 'chai';
import { PhoneHarness, type ProviderName } from './support.ts';
import { bookingBody, tokenOf } from '../support/bookings.ts';
import { waitFor } from '../media/support.ts';
import { requestSmsBody } from '../../server/live/request-sms.ts';

/**
 * BOOK-4: an immediate request texts the expert's mobile when they opted in, through the
 * telephony provider: the simulator keeps the texts for its page (`GET /dev/telephony/messages`),
 * Twilio gets them through its Messages API (here the local Twilio-shaped server).
 */
for (const provider of ['simulator', 'twilio'] as const satisfies readonly ProviderName[]) {
  describe(`BOOK-4 the expert's SMS for an immediate request, through ${provider === 'twilio' ? "Twilio's Messages API (local fake)" : 'the telephony simulator'}`, () => {
    let phone: PhoneHarness;

    before(async () => {
      phone = await PhoneHarness.start(provider);
    });
    after(() => phone.close());

    async function texts(): Promise<{ to: string; body: string }[]> {
      if (phone.twilio) return phone.twilio.messages.map((message) => ({ to: message.to, body: message.body }));
      const response = await phone.platform.http.get('/dev/telephony/messages');
      expect(response.status).to.equal(200);
      return response.body.messages;
    }

    async function bookRequest(): Promise<string> {
      await phone.platform.http.put('/api/experts/me/presence', { availableNow: true }, await tokenOf(phone.platform.http, phone.expert));
      const booked = await phone.platform.http.post(
        '/api/consultations',
        bookingBody(phone.expert.slug, { mode: 'phone', phoneNumber: '+33698765432' }),
        await tokenOf(phone.platform.http, phone.client),
      );
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      await phone.platform.services.jobs.runDueJobs();
      return booked.body.id as string;
    }

    async function endRequest(id: string): Promise<void> {
      const declined = await phone.platform.http.post(`/api/consultations/${id}/decline`, undefined, await tokenOf(phone.platform.http, phone.expert));
      expect(declined.status, JSON.stringify(declined.body)).to.equal(200);
      await phone.idle();
    }

    it('off by default: no text; opted in: one text to the mobile, in the expert’s language, with a link to the workspace', async () => {
      const expertToken = await tokenOf(phone.platform.http, phone.expert);
      const settings = await phone.platform.http.get('/api/experts/me/notifications', expertToken);
      expect(settings.body).to.include({ smsOnImmediateRequest: false });
      const mobile = settings.body.mobile as string;
      expect(mobile).to.match(/^\+\d+$/);

      const first = await bookRequest();
      await phone.platform.services.jobs.runDueJobs();
      expect(await texts()).to.deep.equal([]);
      await endRequest(first);

      const optedIn = await phone.platform.http.put('/api/experts/me/notifications', { smsOnImmediateRequest: true }, expertToken);
      expect(optedIn.status).to.equal(200);
      expect(optedIn.body).to.include({ smsOnImmediateRequest: true });
      const second = await bookRequest();
      const [text] = await waitFor(async () => ((await texts()).length > 0 ? texts() : undefined), 5000, 'the text');
      expect(text).to.deep.include({ to: mobile });
      expect(text!.body).to.match(/^Consulto : .+ demande une consultation par téléphone maintenant\. Acceptez dans les 5 min : /);
      // The link opens the request itself, where Accept and Decline are.
      expect(text!.body.endsWith(`${phone.platform.url}/consultations/${second}`)).to.equal(true);
      expect(requestSmsBody({ language: 'en', clientFirstName: 'Léa', mode: 'video', url: 'https://x.test/espace' })).to.equal(
        'Consulto: Léa asks for a video consultation now. Accept within 5 min: https://x.test/espace',
      );
      if (phone.twilio) {
        const rest = phone.twilio.rest.filter((request) => request.path.endsWith('/Messages.json'));
        expect(rest).to.have.length(1);
        expect(rest[0]!.params['From']).to.deep.equal(['+33180000000']);
      }
      // The job running again sends nothing more.
      await phone.platform.db.query(`UPDATE jobs SET done_at = NULL, run_at = $1 WHERE kind = 'live.request_sms'`, [phone.clock.now()]);
      await phone.platform.services.jobs.runDueJobs();
      expect(await texts()).to.have.length(1);
      const [row] = await phone.platform.db.query<{ status: string; provider_message_id: string }>('SELECT status, provider_message_id FROM sms_messages');
      expect(row).to.include({ status: 'sent' });
      await endRequest(second);
    });

    it('a bad setting is refused with the error shape and changes nothing', async () => {
      const expertToken = await tokenOf(phone.platform.http, phone.expert);
      const before = await phone.platform.http.get('/api/experts/me/notifications', expertToken);
      for (const body of [{ smsOnImmediateRequest: 'yes' }, { smsOnImmediateRequest: true, extra: 1 }, {}]) {
        const refused = await phone.platform.http.put('/api/experts/me/notifications', body, expertToken);
        expect(refused.status).to.equal(400);
        expect(refused.body.error.code).to.equal('invalid_request');
      }
      const client = await phone.platform.http.put(
        '/api/experts/me/notifications',
        { smsOnImmediateRequest: false },
        await tokenOf(phone.platform.http, phone.client),
      );
      expect(client.status).to.equal(403);
      expect((await phone.platform.http.get('/api/experts/me/notifications', expertToken)).body).to.deep.equal(before.body);
    });
  });
}
