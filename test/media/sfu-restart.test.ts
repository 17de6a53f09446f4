import { expect } from 'chai';
import { BookingPlatform } from '../support/bookings.ts';
import { settleConsultation } from '../../server/billing/index.ts';
import { immediateVideoConsultation } from './support.ts';

const TERMS_300_600 = {
  pricing: 'free_rate',
  mode: 'video',
  ratePerMinuteCents: 300,
  surchargePerMinuteCents: 0,
  feePerMinuteCents: 15,
  discountPercent: 0,
  budgetCents: 600,
} as const;

/**
 * PAY-2 / MEDIA-4: the server killed mid-consultation loses no money and bills nothing twice. The
 * checkpoints themselves, which need real media, are in test/e2e/video-worker-death-and-checkpoint.test.ts.
 */
describe('PAY-2 a video consultation cut by a server crash', function () {
  this.timeout(60_000);

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
