import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';
import { sqlState } from '../../server/platform/database.ts';
import { DAY_MS, SECOND_MS, chargedConsultation, clockOf, signInAgain, signUpAdmin } from './support.ts';

describe('TRUST-1 ratings, TRUST-5 reports, TRUST-6 blocking', function () {
  let platform: TestPlatform;
  let expert: SignedUp;
  let client: SignedUp;
  let otherClient: SignedUp;
  let admin: SignedUp;

  before(async () => {
    platform = await startTestPlatform();
    expert = await signUpExpert(platform.http, { firstName: 'Rita', lastName: 'Rated' });
    client = await signUpClient(platform.http);
    otherClient = await signUpClient(platform.http);
    admin = await signUpAdmin(platform);
  });
  after(() => platform.close());

  const everyone = () => Promise.all([expert, client, otherClient, admin].map((user) => signInAgain(platform, user)));
  const review = (consultationId: string, body: object, user = client) =>
    platform.http.post(`/api/consultations/${consultationId}/review`, body, user.accessToken);
  const profile = async () => (await platform.http.get(`/api/experts/${expert.user.slug}`)).body;

  describe('TRUST-1 ratings', () => {
    it('rates a charged consultation once; the public average and count appear on the consultation page', async () => {
      expect((await profile()).rating).to.deep.equal({ averageStars: null, count: 0 });
      const first = await chargedConsultation(platform, expert.user.id, client.user.id);
      const second = await chargedConsultation(platform, expert.user.id, otherClient.user.id);
      const rated = await review(first, { stars: 5, comment: 'Very clear, thank you.' });
      expect(rated.status, JSON.stringify(rated.body)).to.equal(201);
      expect(rated.body).to.include({ stars: 5, comment: 'Very clear, thank you.', moderationState: 'published' });
      expect((await review(second, { stars: 4 }, otherClient)).status).to.equal(201);
      expect((await profile()).rating).to.deep.equal({ averageStars: 4.5, count: 2 });
      const again = await review(first, { stars: 1 });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('already_reviewed');
      const reviews = await platform.http.get(`/api/experts/${expert.user.slug}/reviews`);
      expect(reviews.body.reviews).to.have.length(2);
      expect(reviews.body.reviews[0]).to.have.property('authorFirstName');
      expect((await profile()).rating.count).to.equal(2);
    });

    it('refuses bad stars, another client, a consultation not charged, and changes nothing', async () => {
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const free = await insertFinishedConsultation(platform, {
        expertId: expert.user.id,
        clientId: client.user.id,
        terms: freeRateVideoTerms(),
        connectedSeconds: 0,
      });
      await platform.services.settlements.settle(free);
      const cases: [string, object, SignedUp, number, string][] = [
        [id, { stars: 0 }, client, 400, 'invalid_request'],
        [id, { stars: 6 }, client, 400, 'invalid_request'],
        [id, { stars: 4.5 }, client, 400, 'invalid_request'],
        [id, { stars: 4, comment: 'x'.repeat(2001) }, client, 400, 'invalid_request'],
        [id, { stars: 4 }, otherClient, 404, 'not_found'],
        [id, { stars: 4 }, expert, 403, 'forbidden'],
        [free, { stars: 4 }, client, 409, 'consultation_not_charged'],
        ['not-a-uuid', { stars: 4 }, client, 404, 'not_found'],
      ];
      for (const [consultationId, body, user, status, code] of cases) {
        const response = await review(consultationId, body, user);
        expect(response.status, JSON.stringify(body)).to.equal(status);
        expect(response.body.error.code).to.equal(code);
      }
      const [row] = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reviews WHERE consultation_id IN ($1, $2)', [id, free]);
      expect(row!.n).to.equal(0);
    });

    it('accepts a rating 30 d − 1 s after the end and refuses it at 30 d + 1 s (review_window_closed)', async () => {
      const inTime = await chargedConsultation(platform, expert.user.id, client.user.id);
      const late = await chargedConsultation(platform, expert.user.id, client.user.id);
      clockOf(platform).advance(30 * DAY_MS - SECOND_MS);
      await everyone();
      expect((await review(inTime, { stars: 3 })).status).to.equal(201);
      clockOf(platform).advance(2 * SECOND_MS);
      const refused = await review(late, { stars: 3 });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('review_window_closed');
    });
  });

  describe('TRUST-5 reports', () => {
    it('any user reports a review or a profile; it is queued; an admin removes the review and the average follows', async () => {
      await everyone();
      const reviews = (await platform.http.get(`/api/experts/${expert.user.slug}/reviews`)).body.reviews as { id: string; stars: number }[];
      const target = reviews.find((r) => r.stars === 5)!;
      const countBefore = (await profile()).rating.count;
      const reported = await platform.http.post(
        '/api/reports',
        { targetType: 'review', reviewId: target.id, reason: 'harassment', comment: 'Personal attack' },
        expert.accessToken,
      );
      expect(reported.status, JSON.stringify(reported.body)).to.equal(201);
      const twice = await platform.http.post('/api/reports', { targetType: 'review', reviewId: target.id, reason: 'harassment' }, expert.accessToken);
      expect(twice.body.error.code).to.equal('already_reported');
      const profileReport = await platform.http.post(
        '/api/reports',
        { targetType: 'profile', expertSlug: expert.user.slug, reason: 'fake_or_misleading' },
        client.accessToken,
      );
      expect(profileReport.status).to.equal(201);
      const self = await platform.http.post('/api/reports', { targetType: 'profile', expertSlug: expert.user.slug, reason: 'other' }, expert.accessToken);
      expect(self.body.error.code).to.equal('cannot_report_yourself');
      expect((await platform.http.post('/api/reports', { targetType: 'profile', reason: 'other' }, client.accessToken)).body.error.code).to.equal(
        'expert_slug_required',
      );
      expect(
        (await platform.http.post('/api/reports', { targetType: 'profile', expertSlug: expert.user.slug, reason: 'boring' }, client.accessToken)).status,
      ).to.equal(400);

      expect((await platform.http.get('/api/admin/reports', client.accessToken)).status).to.equal(403);
      const queue = await platform.http.get('/api/admin/reports', admin.accessToken);
      expect(queue.body.reports.map((r: { id: string }) => r.id)).to.include.members([reported.body.id, profileReport.body.id]);
      const decided = await platform.http.post(
        `/api/admin/reports/${reported.body.id}/decide`,
        { decision: 'actioned', removeReview: true, reason: 'Insulting review.' },
        admin.accessToken,
      );
      expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
      expect(decided.body).to.include({ status: 'actioned' });
      expect(decided.body.review.moderationState).to.equal('removed');
      expect((await profile()).rating.count).to.equal(countBefore - 1);
      const own = await platform.http.get('/api/experts/me/reviews', expert.accessToken);
      expect(own.body.reviews.find((r: { id: string }) => r.id === target.id).moderationState).to.equal('removed');
      expect((await platform.http.get(`/api/experts/${expert.user.slug}/reviews`)).body.reviews.map((r: { id: string }) => r.id)).not.to.include(target.id);
      const dismissed = await platform.http.post(
        `/api/admin/reports/${profileReport.body.id}/decide`,
        { decision: 'dismissed', reason: 'Nothing wrong.' },
        admin.accessToken,
      );
      expect(dismissed.body.status).to.equal('dismissed');
      const redo = await platform.http.post(
        `/api/admin/reports/${profileReport.body.id}/decide`,
        { decision: 'dismissed', reason: 'again' },
        admin.accessToken,
      );
      expect(redo.body.error.code).to.equal('report_already_decided');
      const actions = await platform.db.query<{ action: string }>(`SELECT action FROM admin_audit_log WHERE target_id IN ($1, $2, $3) ORDER BY id`, [
        reported.body.id,
        profileReport.body.id,
        target.id,
      ]);
      expect(actions.map((a) => a.action)).to.deep.equal(['review_removed', 'report_decided', 'report_decided']);
    });
  });

  describe('TRUST-6 blocking', () => {
    async function scheduledConsultation(clientId: string): Promise<string> {
      const startAt = new Date(platform.clock.now().getTime() + 3 * DAY_MS);
      const [row] = await platform.db.query<{ id: string }>(
        `INSERT INTO consultations (expert_id, client_id, mode, pricing, status, start_at, reserved_minutes, reserved_during, terms, terms_accepted_at,
           withdrawal_waived_at, payment_method_ref, created_at)
         VALUES ($1, $2, 'video', 'free_rate', 'scheduled', $3::timestamptz, 15, tstzrange($3::timestamptz, $3::timestamptz + interval '15 minutes'), $4, $5, $5, 'pm_card_visa', $5) RETURNING id`,
        [expert.user.id, clientId, startAt, JSON.stringify(freeRateVideoTerms()), platform.clock.now()],
      );
      const hold = await platform.services.payments.authorise({
        amountCents: 3000,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: `hold:${row!.id}`,
        description: 'test',
      });
      await platform.db.query('UPDATE consultations SET payment_hold_ref = $2 WHERE id = $1', [row!.id, hold.holdRef]);
      return row!.id;
    }

    it('an expert blocks a client: open appointments cancelled by the platform without fee, booking refused, unblock allows it again', async () => {
      await everyone();
      const appointment = await scheduledConsultation(otherClient.user.id);
      const blocked = await platform.http.post('/api/experts/me/blocks', { clientId: otherClient.user.id }, expert.accessToken);
      expect(blocked.status, JSON.stringify(blocked.body)).to.equal(201);
      expect(blocked.body.cancelledConsultationIds).to.deep.equal([appointment]);
      const [row] = await platform.db.query<{ status: string; cancelled_by: string; charge_cents: number }>(
        'SELECT c.status, c.cancelled_by, s.charge_cents FROM consultations c JOIN settlements s ON s.consultation_id = c.id WHERE c.id = $1',
        [appointment],
      );
      expect(row).to.deep.equal({ status: 'cancelled', cancelled_by: 'platform', charge_cents: 0 });
      const list = await platform.http.get('/api/experts/me/blocks', expert.accessToken);
      expect(list.body.blocks.map((b: { clientId: string }) => b.clientId)).to.deep.equal([otherClient.user.id]);

      const booking = {
        expertSlug: expert.user.slug,
        mode: 'video',
        startAt: null,
        budgetCents: 1000,
        paymentMethod: 'pm_card_visa',
        acceptTerms: true,
        waiveWithdrawal: true,
      };
      const refused = await platform.http.post('/api/consultations', booking, otherClient.accessToken);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('booking_refused');
      const notRefused = await platform.http.post('/api/consultations', booking, client.accessToken);
      expect(notRefused.body.error?.code).to.not.equal('booking_refused');
      // Enforced by the database too (a booking racing the block).
      let error: unknown;
      try {
        await scheduledConsultation(otherClient.user.id);
      } catch (caught) {
        error = caught;
      }
      expect(sqlState(error)).to.equal('23514');

      const unblocked = await platform.http.request('DELETE', `/api/experts/me/blocks/${otherClient.user.id}`, { token: expert.accessToken });
      expect(unblocked.status).to.equal(204);
      const after = await platform.http.post('/api/consultations', booking, otherClient.accessToken);
      expect(after.body.error?.code).to.not.equal('booking_refused');
    });

    it('refuses to block a stranger (404), a client blocking (403), bad ids (400)', async () => {
      const stranger = await signUpClient(platform.http);
      expect((await platform.http.post('/api/experts/me/blocks', { clientId: stranger.user.id }, expert.accessToken)).status).to.equal(404);
      expect((await platform.http.post('/api/experts/me/blocks', { clientId: expert.user.id }, client.accessToken)).status).to.equal(403);
      expect((await platform.http.post('/api/experts/me/blocks', { clientId: 'x' }, expert.accessToken)).status).to.equal(400);
      expect((await platform.http.request('DELETE', `/api/experts/me/blocks/${stranger.user.id}`, { token: expert.accessToken })).status).to.equal(404);
      const [row] = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM expert_blocks WHERE client_id = $1', [stranger.user.id]);
      expect(row!.n).to.equal(0);
    });

    it('TRUST-4: booking a suspended expert is refused (409 expert_unavailable)', async () => {
      await everyone();
      await platform.http.post(`/api/admin/users/${expert.user.id}/suspend`, { reason: 'Investigation.' }, admin.accessToken);
      const booking = {
        expertSlug: expert.user.slug,
        mode: 'video',
        startAt: null,
        budgetCents: 1000,
        paymentMethod: 'pm_card_visa',
        acceptTerms: true,
        waiveWithdrawal: true,
      };
      const refused = await platform.http.post('/api/consultations', booking, client.accessToken);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('expert_unavailable');
      expect((await platform.http.get(`/api/experts/${expert.user.slug}/reviews`)).status).to.equal(404);
    });
  });
});
