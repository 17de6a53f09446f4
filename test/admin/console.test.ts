import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TINY_PNG, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { DAY_MS, notificationsSent, signInAgain, signUpAdmin } from '../trust/support.ts';
import { sqlState } from '../../server/platform/database.ts';

const REASON = 'Repeated abusive messages reported by clients.';

describe('TRUST-4 admin console API', function () {
  let platform: TestPlatform;
  let admin: SignedUp;
  let expert: SignedUp;
  let client: SignedUp;

  before(async () => {
    platform = await startTestPlatform();
    admin = await signUpAdmin(platform);
    expert = await signUpExpert(platform.http, { firstName: 'Marc', lastName: 'Moderated' });
    client = await signUpClient(platform.http);
  });
  after(() => platform.close());

  const post = (path: string, body: object, user = admin) => platform.http.post(path, body, user.accessToken);
  const auditCount = async () => (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_audit_log'))[0]!.n;
  const lastAudit = async () =>
    (
      await platform.db.query<{ admin_id: string; action: string; target_id: string; reason: string; created_at: Date }>(
        'SELECT admin_id, action, target_id, reason, created_at FROM admin_audit_log ORDER BY id DESC LIMIT 1',
      )
    )[0]!;

  describe('access control', () => {
    it('a client or an expert cannot open the admin API (403), and without a token it is 401', async () => {
      for (const user of [client, expert]) {
        for (const [method, path] of [
          ['GET', '/api/admin/users'],
          ['GET', '/api/admin/audit-log'],
          ['GET', '/api/admin/complaints'],
          ['GET', '/api/admin/reports'],
          ['GET', '/api/admin/fee-schedules'],
          ['POST', `/api/admin/users/${expert.user.id}/suspend`],
        ] as const) {
          const response = await platform.http.request(method, path, { token: user.accessToken, body: method === 'POST' ? { reason: REASON } : undefined });
          expect(response.status, `${user.user.role} ${method} ${path}`).to.equal(403);
          expect(response.body.error.code).to.equal('forbidden');
        }
      }
      expect((await platform.http.get('/api/admin/users')).status).to.equal(401);
      const [row] = await platform.db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [expert.user.id]);
      expect(row!.status).to.equal('active');
    });
  });

  describe('users', () => {
    it('searches by email, name or slug (LIKE wildcards taken literally)', async () => {
      const byName = await platform.http.get('/api/admin/users?q=moderated', admin.accessToken);
      expect(byName.status).to.equal(200);
      expect(byName.body.users.map((u: { id: string }) => u.id)).to.deep.equal([expert.user.id]);
      const wildcard = await platform.http.get('/api/admin/users?q=%25', admin.accessToken);
      expect(wildcard.body.users).to.have.length(0);
      const clients = await platform.http.get('/api/admin/users?role=client', admin.accessToken);
      expect(clients.body.users.every((u: { role: string }) => u.role === 'client')).to.equal(true);
      expect((await platform.http.get('/api/admin/users?role=king', admin.accessToken)).status).to.equal(400);
    });

    it('suspends (sessions revoked at once, page unavailable, audit entry, email) and reinstates', async () => {
      const before = await auditCount();
      const suspended = await post(`/api/admin/users/${expert.user.id}/suspend`, { reason: REASON });
      expect(suspended.status, JSON.stringify(suspended.body)).to.equal(200);
      expect(suspended.body.status).to.equal('suspended');
      expect(await auditCount()).to.equal(before + 1);
      expect(await lastAudit()).to.include({ admin_id: admin.user.id, action: 'user_suspended', target_id: expert.user.id, reason: REASON });
      // ACC-5: the expert's token stops working on the next request.
      const me = await platform.http.get('/api/me', expert.accessToken);
      expect(me.status).to.equal(401);
      const login = await platform.http.post('/api/auth/login', { email: expert.user.email, password: 'correct-horse-battery-staple' });
      expect(login.status).to.not.equal(200);
      const page = await platform.http.get(`/api/experts/${expert.user.slug}`);
      expect(page.status).to.equal(404);
      expect(page.body.error.code).to.equal('expert_unavailable');
      expect((await platform.http.get('/api/experts/nobody-at-all')).body.error.code).to.equal('not_found');
      expect(await notificationsSent(platform, 'account_moderated')).to.include(expert.user.id);

      const twice = await post(`/api/admin/users/${expert.user.id}/suspend`, { reason: REASON });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal('not_active');

      const reinstated = await post(`/api/admin/users/${expert.user.id}/reinstate`, { reason: 'Appeal accepted.' });
      expect(reinstated.status).to.equal(200);
      expect(reinstated.body.status).to.equal('active');
      expect(await lastAudit()).to.include({ action: 'user_reinstated', reason: 'Appeal accepted.' });
      await signInAgain(platform, expert);
      expect((await platform.http.get(`/api/experts/${expert.user.slug}`)).status).to.equal(200);
    });

    it('requires a reason, refuses unknown users and admins, and changes nothing then', async () => {
      const before = await auditCount();
      const cases: [string, object, number, string][] = [
        [`/api/admin/users/${expert.user.id}/suspend`, {}, 400, 'invalid_request'],
        [`/api/admin/users/${expert.user.id}/suspend`, { reason: '   ' }, 400, 'invalid_request'],
        [`/api/admin/users/${expert.user.id}/suspend`, { reason: 'x'.repeat(2001) }, 400, 'invalid_request'],
        ['/api/admin/users/00000000-0000-4000-8000-000000000000/suspend', { reason: REASON }, 404, 'not_found'],
        ['/api/admin/users/not-a-uuid/suspend', { reason: REASON }, 404, 'not_found'],
        [`/api/admin/users/${admin.user.id}/suspend`, { reason: REASON }, 409, 'cannot_moderate_yourself'],
        [`/api/admin/users/${client.user.id}/remove-photo`, { reason: REASON }, 404, 'not_found'],
        [`/api/admin/users/${expert.user.id}/reinstate`, { reason: REASON }, 409, 'not_suspended'],
        [`/api/admin/users/${expert.user.id}/wallet/unblock`, { reason: REASON }, 409, 'wallet_not_blocked'],
      ];
      for (const [path, body, status, code] of cases) {
        const response = await post(path, body);
        expect(response.status, path).to.equal(status);
        expect(response.body.error.code, path).to.equal(code);
      }
      expect(await auditCount()).to.equal(before);
    });

    it('removes profile content and the photo, blocks and unblocks the wallet (payouts refused meanwhile), each audited', async () => {
      await platform.http.request('PUT', '/api/experts/me/photo', { token: expert.accessToken, headers: { 'content-type': 'image/png' }, rawBody: TINY_PNG });
      await platform.db.query(`UPDATE expert_profiles SET headline = 'Buy my pills', description = 'Call me at home' WHERE user_id = $1`, [expert.user.id]);
      const content = await post(`/api/admin/users/${expert.user.id}/remove-content`, { fields: ['headline'], reason: 'Misleading headline.' });
      expect(content.status).to.equal(200);
      expect(content.body.profile).to.include({ headline: '', description: 'Call me at home' });
      expect(await lastAudit()).to.include({ action: 'profile_content_removed' });
      const photo = await post(`/api/admin/users/${expert.user.id}/remove-photo`, { reason: 'Not a portrait.' });
      expect(photo.status).to.equal(200);
      expect(photo.body.profile.hasPhoto).to.equal(false);
      expect(await lastAudit()).to.include({ action: 'profile_photo_removed' });
      expect((await post(`/api/admin/users/${expert.user.id}/remove-photo`, { reason: 'again' })).body.error.code).to.equal('no_photo');

      const blocked = await post(`/api/admin/users/${expert.user.id}/wallet/block`, { reason: 'Chargeback investigation.' });
      expect(blocked.status).to.equal(200);
      expect(blocked.body.walletBlocked).to.equal(true);
      expect(await lastAudit()).to.include({ action: 'wallet_blocked' });
      const wallet = await platform.http.get('/api/wallet', expert.accessToken);
      expect(wallet.body.blocked).to.equal(true);
      expect((await post(`/api/admin/users/${expert.user.id}/wallet/block`, { reason: 'again' })).body.error.code).to.equal('wallet_already_blocked');
      const unblocked = await post(`/api/admin/users/${expert.user.id}/wallet/unblock`, { reason: 'Cleared.' });
      expect(unblocked.body.walletBlocked).to.equal(false);
      expect(await lastAudit()).to.include({ action: 'wallet_unblocked' });
    });

    it('terminates an account: closed, signed out, recorded as a termination', async () => {
      const victim = await signUpClient(platform.http);
      const response = await post(`/api/admin/users/${victim.user.id}/terminate`, { reason: 'Fraudulent cards.' });
      expect(response.status).to.equal(200);
      expect(response.body).to.include({ status: 'closed', closure: 'terminated' });
      expect((await platform.http.get('/api/me', victim.accessToken)).status).to.equal(401);
      expect(await lastAudit()).to.include({ action: 'user_terminated', target_id: victim.user.id });
      expect((await post(`/api/admin/users/${victim.user.id}/reinstate`, { reason: 'no' })).body.error.code).to.equal('not_suspended');
    });
  });

  describe('site notices', () => {
    it('publishes a notice shown to everyone, then withdraws it; both audited', async () => {
      const published = await post('/api/admin/notices', {
        messageFr: 'Maintenance ce soir',
        messageEn: 'Maintenance tonight',
        level: 'warning',
        reason: 'Database upgrade.',
      });
      expect(published.status).to.equal(201);
      const notices = await platform.http.get('/api/notices');
      expect(notices.body.notices.map((n: { id: string }) => n.id)).to.include(published.body.id);
      expect(await lastAudit()).to.include({ action: 'notice_published', target_id: published.body.id });
      const bad = await post('/api/admin/notices', { messageFr: 'x', messageEn: 'y', endsAt: '2000-01-01T00:00:00Z', reason: 'r' });
      expect(bad.status).to.equal(400);
      const withdrawn = await post(`/api/admin/notices/${published.body.id}/withdraw`, { reason: 'Done.' });
      expect(withdrawn.status).to.equal(204);
      expect((await platform.http.get('/api/notices')).body.notices.map((n: { id: string }) => n.id)).not.to.include(published.body.id);
      expect(await lastAudit()).to.include({ action: 'notice_withdrawn' });
    });
  });

  describe('BILL-13 fee schedule and surcharge table with effective dates', () => {
    it('schedules a fee change at least 15 days ahead, emails every active expert, keeps the current fee until then', async () => {
      const now = platform.clock.now().getTime();
      const tooSoon = await post('/api/admin/fee-schedules', {
        feePerMinuteCents: 20,
        effectiveFrom: new Date(now + 15 * DAY_MS - 1000).toISOString(),
        reason: 'Costs.',
      });
      expect(tooSoon.status).to.equal(400);
      expect(tooSoon.body.error.code).to.equal('notice_too_short');
      const effectiveFrom = new Date(now + 30 * DAY_MS).toISOString();
      const added = await post('/api/admin/fee-schedules', { feePerMinuteCents: 20, effectiveFrom, reason: 'Payment costs went up.' });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      expect(await lastAudit()).to.include({ action: 'fee_schedule_added', target_id: String(added.body.id) });
      const emailed = await notificationsSent(platform, 'fee_schedule_changed');
      expect(emailed).to.include(expert.user.id);
      expect(emailed).not.to.include(client.user.id);
      const list = await platform.http.get('/api/admin/fee-schedules', admin.accessToken);
      expect(list.body.feeSchedules[0]).to.include({ feePerMinuteCents: 20, status: 'scheduled' });
      expect(list.body.feeSchedules.find((f: { status: string }) => f.status === 'in_force').feePerMinuteCents).to.equal(15);
      const same = await post('/api/admin/fee-schedules', { feePerMinuteCents: 25, effectiveFrom, reason: 'dup' });
      expect(same.status).to.equal(409);
      expect(same.body.error.code).to.equal('effective_date_taken');
      const negative = await post('/api/admin/fee-schedules', { feePerMinuteCents: -1, effectiveFrom, reason: 'bad' });
      expect(negative.status).to.equal(400);
    });

    it('schedules a surcharge table from a future date; a past date is refused', async () => {
      const now = platform.clock.now().getTime();
      const past = await post('/api/admin/surcharge-tables', {
        franceCents: 0,
        euCents: 25,
        worldCents: 60,
        effectiveFrom: new Date(now - 1000).toISOString(),
        reason: 'r',
      });
      expect(past.body.error.code).to.equal('effective_date_in_past');
      const added = await post('/api/admin/surcharge-tables', {
        franceCents: 0,
        euCents: 25,
        worldCents: 60,
        effectiveFrom: new Date(now + DAY_MS).toISOString(),
        reason: 'Carrier prices.',
      });
      expect(added.status).to.equal(201);
      expect(await lastAudit()).to.include({ action: 'surcharge_table_added' });
    });
  });

  describe('audit log', () => {
    it('lists who, what, when and why, newest first, and cannot be updated, deleted or truncated', async () => {
      const log = await platform.http.get('/api/admin/audit-log?limit=3', admin.accessToken);
      expect(log.status).to.equal(200);
      expect(log.body.entries).to.have.length(3);
      expect(log.body.entries[0]).to.have.keys(['id', 'adminId', 'adminEmail', 'action', 'targetType', 'targetId', 'reason', 'details', 'at']);
      expect(log.body.entries[0].adminEmail).to.equal(admin.user.email);
      expect(log.body.nextBefore).to.be.a('number');
      const before = await auditCount();
      for (const sql of ["UPDATE admin_audit_log SET reason = 'nothing happened'", 'DELETE FROM admin_audit_log', 'TRUNCATE admin_audit_log']) {
        let error: unknown;
        try {
          await platform.db.query(sql);
        } catch (caught) {
          error = caught;
        }
        expect(sqlState(error), sql).to.equal('42501');
      }
      expect(await auditCount()).to.equal(before);
      expect((await platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_audit_log WHERE reason = 'nothing happened'`))[0]!.n).to.equal(0);
    });
  });
});
