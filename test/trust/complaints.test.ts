import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { refundSplit } from '../../server/billing/index.ts';
import { releaseDueHolds } from '../../server/ledger/holds.ts';
import { MEDIATOR_URL } from '../../server/trust/complaints.ts';
import { DAY_MS, SECOND_MS, balance, chargedConsultation, clockOf, ledgerSum, notificationsSent, signInAgain, signUpAdmin } from './support.ts';

const COMMENT = 'The expert was 20 minutes late and the sound kept cutting out.';

describe('TRUST-2 / TRUST-3 complaints', function () {
  let platform: TestPlatform;
  let sponsor: SignedUp;
  let expert: SignedUp;
  let otherExpert: SignedUp;
  let client: SignedUp;
  let otherClient: SignedUp;
  let admin: SignedUp;

  before(async () => {
    platform = await startTestPlatform();
    sponsor = await signUpExpert(platform.http, { firstName: 'Sam', lastName: 'Sponsor' });
    expert = await signUpExpert(platform.http, { firstName: 'Eve', lastName: 'Expert', sponsorSlug: sponsor.user.slug });
    otherExpert = await signUpExpert(platform.http, { firstName: 'Olga', lastName: 'Other' });
    client = await signUpClient(platform.http);
    otherClient = await signUpClient(platform.http);
    admin = await signUpAdmin(platform);
  });
  after(() => platform.close());

  const everyone = () => Promise.all([sponsor, expert, otherExpert, client, otherClient, admin].map((user) => signInAgain(platform, user)));
  const file = (body: object, user = client) => platform.http.post('/api/complaints', body, user.accessToken);
  const complaintCount = async () => (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM complaints'))[0]!.n;

  describe('TRUST-2 filing within 7 days of the end', () => {
    it('accepts a complaint at 7 d − 1 s after the end and refuses one at 7 d + 1 s (409 complaint_window_closed)', async () => {
      const inTime = await chargedConsultation(platform, expert.user.id, client.user.id);
      const late = await chargedConsultation(platform, expert.user.id, client.user.id);
      clockOf(platform).advance(7 * DAY_MS - SECOND_MS);
      await everyone();
      const accepted = await file({ kind: 'consultation', consultationId: inTime, comment: COMMENT });
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
      expect(accepted.body).to.include({ kind: 'consultation', status: 'open', consultationId: inTime, overdue: false });
      expect(new Date(accepted.body.answerDueAt).getTime() - new Date(accepted.body.filedAt).getTime()).to.equal(14 * DAY_MS);
      clockOf(platform).advance(2 * SECOND_MS);
      const before = await complaintCount();
      const refused = await file({ kind: 'consultation', consultationId: late, comment: COMMENT });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('complaint_window_closed');
      expect(await complaintCount()).to.equal(before);
    });

    it('emails the expert (complaint_filed) and the client (complaint_received)', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const filed = await file({ kind: 'consultation', consultationId: id, comment: COMMENT });
      expect(filed.status).to.equal(201);
      expect(await notificationsSent(platform, 'complaint_filed')).to.include(expert.user.id);
      expect(await notificationsSent(platform, 'complaint_received')).to.include(client.user.id);
    });

    it('refuses bad inputs with 4xx and a code, and changes nothing', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const before = await complaintCount();
      const cases: [object, SignedUp, number, string][] = [
        [{ kind: 'consultation', consultationId: id }, client, 400, 'invalid_request'],
        [{ kind: 'consultation', consultationId: id, comment: '   ' }, client, 400, 'invalid_request'],
        [{ kind: 'consultation', comment: COMMENT }, client, 400, 'consultation_required'],
        [{ kind: 'refund', consultationId: id, comment: COMMENT }, client, 400, 'invalid_request'],
        [{ kind: 'consultation', consultationId: 'not-a-uuid', comment: COMMENT }, client, 400, 'invalid_request'],
        [{ kind: 'consultation', consultationId: id, comment: COMMENT }, otherClient, 404, 'not_found'],
        [{ kind: 'consultation', consultationId: id, comment: COMMENT }, expert, 403, 'forbidden'],
        [
          { kind: 'platform', comment: COMMENT, incidentAt: new Date(platform.clock.now().getTime() + DAY_MS).toISOString() },
          client,
          400,
          'incident_in_future',
        ],
      ];
      for (const [body, user, status, code] of cases) {
        const response = await file(body, user);
        expect(response.status, JSON.stringify(body)).to.equal(status);
        expect(response.body.error.code, JSON.stringify(body)).to.equal(code);
      }
      expect(await complaintCount()).to.equal(before);
    });

    it('takes one complaint per consultation (409 complaint_exists)', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      expect((await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).status).to.equal(201);
      const again = await file({ kind: 'consultation', consultationId: id, comment: COMMENT });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('complaint_exists');
    });
  });

  describe('TRUST-2 answers, refunds through the ledger and the payment provider (REF-3)', () => {
    it('a full refund before the hold release: refund journal `refund:<id>` balanced, taken from pending earnings, fee, and the sponsor commission in proportion', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const [settlement] = await platform.db.query<{
        charge_cents: number;
        fee_cents: number;
        surcharge_cents: number;
        expert_earnings_cents: number;
        commission_cents: number;
      }>('SELECT charge_cents, fee_cents, surcharge_cents, expert_earnings_cents, commission_cents FROM settlements WHERE consultation_id = $1', [id]);
      expect(settlement!.commission_cents).to.be.greaterThan(0);
      const expertPendingBefore = await balance(platform, `wallet_pending:${expert.user.id}`);
      const sponsorPendingBefore = await balance(platform, `wallet_pending:${sponsor.user.id}`);
      const feesBefore = await balance(platform, 'platform_fees');
      const refundsBefore = await balance(platform, 'refunds');
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;

      const answer = await platform.http.post(
        `/api/complaints/${complaint.id}/answer`,
        { resolution: 'full_refund', reply: 'Sorry about that.' },
        expert.accessToken,
      );
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.include({
        status: 'resolved',
        resolution: 'full_refund',
        refundCents: settlement!.charge_cents,
        refundStatus: 'refunded',
        answeredBy: 'expert',
      });

      const split = refundSplit(
        {
          expertEarningsCents: settlement!.expert_earnings_cents,
          feeCents: settlement!.fee_cents,
          surchargeCents: settlement!.surcharge_cents,
          sponsorCommissionCents: settlement!.commission_cents,
        },
        settlement!.charge_cents,
      );
      expect(await balance(platform, 'refunds')).to.equal(refundsBefore + settlement!.charge_cents);
      expect(await balance(platform, `wallet_pending:${expert.user.id}`)).to.equal(expertPendingBefore - split.expertEarningsCents);
      expect(await balance(platform, `wallet_pending:${sponsor.user.id}`)).to.equal(sponsorPendingBefore - split.sponsorCommissionCents);
      expect(split.sponsorCommissionCents).to.equal(settlement!.commission_cents);
      expect(await balance(platform, 'platform_fees')).to.equal(feesBefore - (split.feeCents - split.sponsorCommissionCents));
      expect(await ledgerSum(platform)).to.equal(0);
      const journals = await platform.db.query<{ total: number }>(
        `SELECT sum(p.amount_cents) AS total FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id WHERE j.idempotency_key = $1`,
        [`refund:${complaint.id}`],
      );
      expect(journals).to.have.length(1);
      expect(journals[0]!.total).to.equal(0);
      // The holds release only what is left: nothing for the expert and the sponsor.
      const holds = await platform.db.query<{ amount_cents: number; refunded_cents: number }>(
        'SELECT h.amount_cents, h.refunded_cents FROM wallet_holds h JOIN settlements s ON s.journal_id = h.journal_id WHERE s.consultation_id = $1',
        [id],
      );
      expect(holds.every((hold) => hold.amount_cents === hold.refunded_cents)).to.equal(true);
      // PAY-6 local provider: the card was refunded with the same key.
      const [card] = await platform.db.query<{ refunded_cents: number }>(
        'SELECT h.refunded_cents FROM local_payment_holds h JOIN consultations c ON c.payment_hold_ref = h.id WHERE c.id = $1',
        [id],
      );
      expect(card!.refunded_cents).to.equal(settlement!.charge_cents);
      expect(await notificationsSent(platform, 'complaint_answered')).to.include(client.user.id);

      clockOf(platform).advance(7 * DAY_MS + SECOND_MS);
      await releaseDueHolds(platform.db, platform.clock);
      expect(await ledgerSum(platform)).to.equal(0);
    });

    it('a partial refund after the hold release takes it back from available (which may go negative) and the sum stays zero', async () => {
      await everyone();
      const id = await chargedConsultation(platform, otherExpert.user.id, client.user.id);
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;
      clockOf(platform).advance(7 * DAY_MS + SECOND_MS);
      await releaseDueHolds(platform.db, platform.clock);
      await everyone();
      const availableBefore = await balance(platform, `wallet_available:${otherExpert.user.id}`);
      const pendingBefore = await balance(platform, `wallet_pending:${otherExpert.user.id}`);
      const answer = await platform.http.post(
        `/api/complaints/${complaint.id}/answer`,
        { resolution: 'partial_refund', refundCents: 2500 },
        otherExpert.accessToken,
      );
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.include({ resolution: 'partial_refund', refundCents: 2500, refundStatus: 'refunded' });
      const split = refundSplit({ expertEarningsCents: 7275, feeCents: 225, surchargeCents: 0, sponsorCommissionCents: 0 }, 2500);
      expect(await balance(platform, `wallet_available:${otherExpert.user.id}`)).to.equal(availableBefore - split.expertEarningsCents);
      expect(await balance(platform, `wallet_pending:${otherExpert.user.id}`)).to.equal(pendingBefore);
      expect(await ledgerSum(platform)).to.equal(0);
    });

    it('refuses a partial refund of the whole charge or more, and a rejection without a reply, changing nothing', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;
      const journalsBefore = (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journal'))[0]!.n;
      const cases: [object, number, string][] = [
        [{ resolution: 'partial_refund', refundCents: 7500 }, 400, 'invalid_refund_amount'],
        [{ resolution: 'partial_refund' }, 400, 'refund_amount_required'],
        [{ resolution: 'rejected' }, 400, 'reply_required'],
        [{ resolution: 'answered', reply: 'x' }, 400, 'invalid_resolution'],
        [{ resolution: 'full_refund', refundCents: 10 }, 400, 'unexpected_refund_amount'],
        [{ resolution: 'maybe' }, 400, 'invalid_request'],
      ];
      for (const [body, status, code] of cases) {
        const response = await platform.http.post(`/api/complaints/${complaint.id}/answer`, body, expert.accessToken);
        expect(response.status, JSON.stringify(body)).to.equal(status);
        expect(response.body.error.code, JSON.stringify(body)).to.equal(code);
      }
      expect((await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journal'))[0]!.n).to.equal(journalsBefore);
      expect((await platform.http.get(`/api/complaints/${complaint.id}`, client.accessToken)).body.status).to.equal('open');
    });

    it('a rejection with a reply shows the consumer mediator to the client', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;
      const answer = await platform.http.post(
        `/api/complaints/${complaint.id}/answer`,
        { resolution: 'rejected', reply: 'The consultation lasted the full 15 minutes.' },
        expert.accessToken,
      );
      expect(answer.status).to.equal(200);
      const seen = await platform.http.get(`/api/complaints/${complaint.id}`, client.accessToken);
      expect(seen.body).to.include({ resolution: 'rejected', mediatorUrl: MEDIATOR_URL, refundStatus: null });
      const again = await platform.http.post(`/api/complaints/${complaint.id}/answer`, { resolution: 'full_refund' }, expert.accessToken);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('complaint_already_answered');
    });

    it("an expert cannot see or answer another expert's complaints (404)", async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;
      const read = await platform.http.get(`/api/complaints/${complaint.id}`, otherExpert.accessToken);
      expect(read.status).to.equal(404);
      const answer = await platform.http.post(`/api/complaints/${complaint.id}/answer`, { resolution: 'full_refund' }, otherExpert.accessToken);
      expect(answer.status).to.equal(404);
      const list = await platform.http.get('/api/complaints', otherExpert.accessToken);
      expect(list.body.complaints.map((c: { id: string }) => c.id)).not.to.include(complaint.id);
      expect((await platform.http.get(`/api/complaints/${complaint.id}`, otherClient.accessToken)).status).to.equal(404);
      expect((await platform.http.get(`/api/complaints/${complaint.id}`, expert.accessToken)).status).to.equal(200);
    });
  });

  describe('BILL-14 a card refund that fails is retried, never doubled', () => {
    it('the ledger decides at once; the provider refund is retried by the periodic task until it succeeds, once', async () => {
      await everyone();
      const id = await chargedConsultation(platform, otherExpert.user.id, client.user.id);
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;
      const payments = platform.services.payments;
      const realRefund = payments.refund.bind(payments);
      let calls = 0;
      payments.refund = async () => {
        calls += 1;
        throw new Error('provider unreachable');
      };
      try {
        const answer = await platform.http.post(`/api/complaints/${complaint.id}/answer`, { resolution: 'full_refund' }, otherExpert.accessToken);
        expect(answer.status).to.equal(200);
        expect(answer.body.refundStatus).to.equal('pending');
        expect(await platform.services.complaintRefunds.retryPending()).to.equal(0);
        expect(calls).to.equal(2);
      } finally {
        payments.refund = realRefund;
      }
      const journal = await platform.db.query('SELECT 1 FROM ledger_journal WHERE idempotency_key = $1', [`refund:${complaint.id}`]);
      expect(journal).to.have.length(1);
      expect(await platform.services.complaintRefunds.retryPending()).to.equal(1);
      expect(await platform.services.complaintRefunds.retryPending()).to.equal(0);
      const [card] = await platform.db.query<{ refunded_cents: number }>(
        'SELECT h.refunded_cents FROM local_payment_holds h JOIN consultations c ON c.payment_hold_ref = h.id WHERE c.id = $1',
        [id],
      );
      expect(card!.refunded_cents).to.equal(7500);
      expect((await platform.http.get(`/api/complaints/${complaint.id}`, client.accessToken)).body.refundStatus).to.equal('refunded');
      expect(await ledgerSum(platform)).to.equal(0);
    });
  });

  describe('TRUST-2 escalation after 14 days', () => {
    it('stays with the expert at 14 d − 1 s; escalates at 14 d + 1 s (periodic task), the expert can no longer answer, an admin decides', async () => {
      await everyone();
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const complaint = (await file({ kind: 'consultation', consultationId: id, comment: COMMENT })).body;
      clockOf(platform).advance(14 * DAY_MS - SECOND_MS);
      await platform.services.complaints.escalateOverdue();
      await everyone();
      expect((await platform.http.get(`/api/complaints/${complaint.id}`, client.accessToken)).body.status).to.equal('open');
      clockOf(platform).advance(2 * SECOND_MS);
      const late = await platform.http.post(`/api/complaints/${complaint.id}/answer`, { resolution: 'full_refund' }, expert.accessToken);
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('answer_deadline_passed');
      expect(await platform.services.complaints.escalateOverdue()).to.be.greaterThan(0);
      expect(await platform.services.complaints.escalateOverdue()).to.equal(0);
      const escalated = await platform.http.get(`/api/complaints/${complaint.id}`, client.accessToken);
      expect(escalated.body).to.include({ status: 'escalated', overdue: true });
      expect(await notificationsSent(platform, 'complaint_escalated')).to.include.members([client.user.id, expert.user.id]);
      const expertTry = await platform.http.post(`/api/complaints/${complaint.id}/answer`, { resolution: 'full_refund' }, expert.accessToken);
      expect(expertTry.body.error.code).to.equal('complaint_escalated');

      const queue = await platform.http.get('/api/admin/complaints', admin.accessToken);
      expect(queue.status).to.equal(200);
      expect(queue.body.complaints.map((c: { id: string }) => c.id)).to.include(complaint.id);
      const decided = await platform.http.post(
        `/api/admin/complaints/${complaint.id}/answer`,
        { resolution: 'partial_refund', refundCents: 1000, reply: 'Partly refunded.' },
        admin.accessToken,
      );
      expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
      expect(decided.body).to.include({ status: 'resolved', answeredBy: 'admin', refundStatus: 'refunded' });
      expect(await ledgerSum(platform)).to.equal(0);
      expect(await notificationsSent(platform, 'complaint_resolved_by_admin')).to.include(expert.user.id);
      const [audit] = await platform.db.query<{ action: string; admin_id: string }>(`SELECT action, admin_id FROM admin_audit_log WHERE target_id = $1`, [
        complaint.id,
      ]);
      expect(audit).to.include({ action: 'complaint_answered', admin_id: admin.user.id });
    });
  });

  describe('TRUST-3 complaints about the platform', () => {
    it('any user files within 7 days of the incident; 7 d + 1 s is refused; admins have 45 days, then it shows overdue', async () => {
      await everyone();
      const now = platform.clock.now().getTime();
      const tooOld = await file({ kind: 'platform', comment: 'Video froze', incidentAt: new Date(now - 7 * DAY_MS - SECOND_MS).toISOString() }, expert);
      expect(tooOld.status).to.equal(409);
      expect(tooOld.body.error.code).to.equal('complaint_window_closed');
      const filed = await file({ kind: 'platform', comment: 'Video froze', incidentAt: new Date(now - 7 * DAY_MS + SECOND_MS).toISOString() }, expert);
      expect(filed.status).to.equal(201);
      expect(new Date(filed.body.answerDueAt).getTime() - new Date(filed.body.filedAt).getTime()).to.equal(45 * DAY_MS);
      expect(await notificationsSent(platform, 'complaint_received')).to.include(expert.user.id);

      clockOf(platform).advance(45 * DAY_MS - SECOND_MS);
      await everyone();
      let queue = await platform.http.get('/api/admin/complaints', admin.accessToken);
      expect(queue.body.complaints.find((c: { id: string }) => c.id === filed.body.id)).to.include({ overdue: false });
      clockOf(platform).advance(2 * SECOND_MS);
      queue = await platform.http.get('/api/admin/complaints', admin.accessToken);
      expect(queue.body.complaints.find((c: { id: string }) => c.id === filed.body.id)).to.include({ overdue: true });
      // Escalation concerns the expert's 14 days only: a platform complaint stays open with the admins.
      await platform.services.complaints.escalateOverdue();
      const refund = await platform.http.post(`/api/admin/complaints/${filed.body.id}/answer`, { resolution: 'full_refund' }, admin.accessToken);
      expect(refund.body.error.code).to.equal('invalid_resolution');
      const answered = await platform.http.post(
        `/api/admin/complaints/${filed.body.id}/answer`,
        { resolution: 'answered', reply: 'Fixed in the last release.' },
        admin.accessToken,
      );
      expect(answered.status).to.equal(200);
      expect(answered.body).to.include({ status: 'resolved', resolution: 'answered', overdue: false });
      expect(await notificationsSent(platform, 'platform_complaint_answered')).to.include(expert.user.id);
    });
  });
});
