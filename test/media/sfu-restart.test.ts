import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { BookingPlatform } from '../support/bookings.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { settleConsultation } from '../../server/billing/index.ts';
import { SignalingClient, immediateVideoConsultation, joinToken, opusRtpParameters } from './support.ts';

const TERMS_300_600 = { pricing: 'free_rate', mode: 'video', ratePerMinuteCents: 300, surchargePerMinuteCents: 0, feePerMinuteCents: 15, discountPercent: 0, budgetCents: 600 } as const;

/** PAY-2 / MEDIA-4: the server killed mid-consultation loses no money and bills nothing twice. */
describe('PAY-2 a video consultation cut by a server crash', function () {
  this.timeout(60_000);

  describe('checkpoints of connected seconds', () => {
    let platform: TestPlatform;
    const clock = new ManualClock(new Date());
    const sockets: SignalingClient[] = [];
    before(async () => {
      platform = await startTestPlatform({ clock, environment: { MEDIASOUP_WORKERS: '1' } });
    });
    after(async () => {
      for (const socket of sockets) socket.close();
      await platform.close();
    });

    it('writes the metered seconds of a live consultation down, and never lowers them', async () => {
      const { expert, client, consultationId } = await immediateVideoConsultation(platform.http, { ratePerMinuteCents: 300, budgetCents: 600 });
      for (const [party, person] of [['expert', expert], ['client', client]] as const) {
        const socket = await SignalingClient.connect(platform.url);
        sockets.push(socket);
        const joined = await socket.request('join', { token: await joinToken(platform.http, consultationId, person.token) });
        await socket.request('produce', { transportId: joined.sendTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(party === 'expert' ? 3001 : 3002) as never });
      }
      for (const peer of platform.media.room(consultationId)!.peers) {
        for (const transport of [peer.sendTransport, peer.recvTransport]) {
          transport.emit('icestatechange', 'connected');
          transport.emit('dtlsstatechange', 'connected');
        }
      }
      clock.advance(42_000);
      await platform.media.checkpointConnectedSeconds();
      const seconds = async () =>
        (await platform.db.query<{ connected_seconds: number }>('SELECT connected_seconds FROM consultations WHERE id = $1', [consultationId]))[0]!.connected_seconds;
      expect(await seconds()).to.equal(42);
      await platform.db.query('UPDATE consultations SET connected_seconds = 50 WHERE id = $1', [consultationId]);
      await platform.media.checkpointConnectedSeconds();
      expect(await seconds()).to.equal(50);
    });
  });

  describe('restart', () => {
    let platform: BookingPlatform;
    before(async () => {
      platform = await BookingPlatform.start({ persistent: true, realNotifier: true });
    });
    after(() => platform.close());

    it('ends a live video consultation at its last checkpoint and settles it once', async () => {
      const { consultationId, client } = await immediateVideoConsultation(platform.http, { ratePerMinuteCents: 300, budgetCents: 600 });
      await platform.services.consultations.markPartyJoined(consultationId, 'client');
      await platform.services.consultations.markPartyJoined(consultationId, 'expert');
      // The last checkpoint the SFU wrote before the process died.
      await platform.db.query(`UPDATE consultations SET connected_seconds = 42 WHERE id = $1 AND status = 'live'`, [consultationId]);

      await platform.restart();
      const expected = settleConsultation(TERMS_300_600, 42);
      const view = await platform.http.get(`/api/consultations/${consultationId}`, client.token);
      expect(view.body).to.include({ status: 'ended', connectedSeconds: 42, endReason: 'platform', chargeCents: expected.chargeCents });

      await platform.restart();
      const journals = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journal WHERE consultation_id = $1', [consultationId]);
      expect(journals[0]!.n).to.equal(1);
      const [sum] = await platform.db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings');
      expect(sum!.total).to.equal(0);
    });
  });
});
