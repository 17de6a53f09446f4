import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { DAY_MS, clockOf, signInAgain, signUpAdmin } from '../trust/support.ts';

/** Issue 13: every admin list is paged; users are filtered, sorted and searched; complaints come by deadline (TRUST-2…TRUST-5). */
describe('admin console lists: paging, filters and sorting (TRUST-2, TRUST-3, TRUST-4, TRUST-5)', () => {
  let platform: TestPlatform;
  let admin: SignedUp;
  const experts: SignedUp[] = [];
  const clients: SignedUp[] = [];

  before(async () => {
    platform = await startTestPlatform();
    admin = await signUpAdmin(platform);
    // Distinct signup times, and last names whose order differs from the signup order.
    for (const [index, lastName] of ['Zpagedelta', 'Zpagealpha', 'Zpageecho', 'Zpagecharlie', 'Zpagebravo'].entries()) {
      experts.push(await signUpExpert(platform.http, { firstName: `Expert${index}`, lastName }));
      clockOf(platform).advance(1000);
    }
    for (const [index, lastName] of ['Zpagehotel', 'Zpagefoxtrot', 'Zpagegolf'].entries()) {
      clients.push(await signUpClient(platform.http, { firstName: `Client${index}`, lastName }));
      clockOf(platform).advance(1000);
    }
    await signInAgain(platform, admin);
  });
  after(() => platform.close());

  const get = (path: string, user = admin) => platform.http.get(path, user.accessToken);
  const ids = (body: { users: { id: string }[] }) => body.users.map((user) => user.id);

  describe('users', () => {
    it('pages by signup date with the total, never repeating or skipping anyone', async () => {
      const everyone = [...experts, ...clients].map((user) => user.user.id);
      const pages = [];
      for (let page = 1; page <= 3; page++) {
        const response = await get(`/api/admin/users?q=zpage&sort=signup_date&order=asc&limit=3&page=${page}`);
        expect(response.status).to.equal(200);
        expect(response.body).to.include({ page, limit: 3, total: 8, hasMore: page < 3 });
        pages.push(...ids(response.body));
      }
      expect(pages).to.deep.equal(everyone);
      const newestFirst = await get('/api/admin/users?q=zpage&limit=2');
      expect(ids(newestFirst.body)).to.deep.equal([clients[2]!.user.id, clients[1]!.user.id]);
      expect((await get('/api/admin/users?q=zpage&page=5&limit=3')).body).to.deep.include({ users: [], total: 8, hasMore: false });
    });

    it('sorts by name and filters by role and status', async () => {
      const byName = await get('/api/admin/users?q=zpage&role=expert&sort=name&order=asc');
      expect(byName.body.users.map((user: { lastName: string }) => user.lastName)).to.deep.equal([
        'Zpagealpha',
        'Zpagebravo',
        'Zpagecharlie',
        'Zpagedelta',
        'Zpageecho',
      ]);
      const reversed = await get('/api/admin/users?q=zpage&role=client&sort=name&order=desc');
      expect(reversed.body.users.map((user: { lastName: string }) => user.lastName)).to.deep.equal(['Zpagehotel', 'Zpagegolf', 'Zpagefoxtrot']);
      expect(
        (await platform.http.post(`/api/admin/users/${experts[1]!.user.id}/suspend`, { reason: 'Checking the paging.' }, admin.accessToken)).status,
      ).to.equal(200);
      const suspended = await get('/api/admin/users?status=suspended&role=expert');
      expect(ids(suspended.body)).to.deep.equal([experts[1]!.user.id]);
      expect(suspended.body.total).to.equal(1);
      expect((await get('/api/admin/users?q=zpageecho')).body.total).to.equal(1);
    });

    it('refuses bad paging, sorting or filtering with 400, and non-admins with 403', async () => {
      for (const query of [
        'page=0',
        'page=-1',
        'page=10001',
        'page=1.5',
        'limit=0',
        'limit=201',
        'limit=ten',
        'sort=email',
        'order=up',
        'role=king',
        'status=gone',
      ]) {
        const response = await get(`/api/admin/users?${query}`);
        expect(response.status, query).to.equal(400);
        expect(response.body.error.code).to.equal('invalid_request');
      }
      for (const path of ['/api/admin/users', '/api/admin/notices', '/api/admin/complaints', '/api/admin/reports', '/api/admin/audit-log']) {
        expect((await get(path, clients[0])).status, path).to.equal(403);
        expect((await platform.http.get(path)).status, path).to.equal(401);
      }
    });
  });

  it('the complaints queue comes by deadline, a page at a time', async () => {
    const filed: string[] = [];
    for (const [index, client] of clients.entries()) {
      await signInAgain(platform, client);
      const response = await platform.http.post('/api/complaints', { kind: 'platform', comment: `The page froze, case ${index + 1}.` }, client.accessToken);
      expect(response.status).to.equal(201);
      filed.push(response.body.id);
      clockOf(platform).advance(DAY_MS);
    }
    await signInAgain(platform, admin);
    const first = await get('/api/admin/complaints?limit=2');
    expect(first.body).to.include({ page: 1, limit: 2, total: 3, hasMore: true });
    const second = await get('/api/admin/complaints?limit=2&page=2');
    const queue = [...first.body.complaints, ...second.body.complaints];
    expect(queue.map((complaint: { id: string }) => complaint.id)).to.deep.equal(filed);
    const deadlines = queue.map((complaint: { answerDueAt: string }) => complaint.answerDueAt);
    expect([...deadlines].sort()).to.deep.equal(deadlines);
    expect((await get('/api/admin/complaints?page=0')).status).to.equal(400);
  });

  it('the reports queue and the notices are paged; notices filter by state', async () => {
    for (const client of clients) {
      await signInAgain(platform, client);
      const reported = await platform.http.post(
        '/api/reports',
        { targetType: 'profile', expertSlug: experts[0]!.user.slug, reason: 'other' },
        client.accessToken,
      );
      expect(reported.status).to.equal(201);
    }
    await signInAgain(platform, admin);
    const reports = await get('/api/admin/reports?limit=2&page=2');
    expect(reports.body).to.include({ total: 3, page: 2, hasMore: false });
    expect(reports.body.reports).to.have.length(1);

    const publish = (body: object) =>
      platform.http.post('/api/admin/notices', { messageFr: 'Maintenance', messageEn: 'Maintenance', reason: 'Planned work.', ...body }, admin.accessToken);
    const active = await publish({});
    clockOf(platform).advance(1000);
    const scheduled = await publish({ startsAt: new Date(platform.clock.now().getTime() + DAY_MS).toISOString() });
    clockOf(platform).advance(1000);
    const withdrawn = await publish({});
    await platform.http.post(`/api/admin/notices/${withdrawn.body.id}/withdraw`, { reason: 'Done.' }, admin.accessToken);
    const all = await get('/api/admin/notices?limit=2');
    expect(all.body).to.include({ total: 3, hasMore: true });
    expect(all.body.notices.map((notice: { id: string; state: string }) => [notice.id, notice.state])).to.deep.equal([
      [withdrawn.body.id, 'withdrawn'],
      [scheduled.body.id, 'scheduled'],
    ]);
    for (const [state, expected] of [
      ['active', active],
      ['scheduled', scheduled],
      ['ended', withdrawn],
    ] as const) {
      const filtered = await get(`/api/admin/notices?state=${state}`);
      expect(
        filtered.body.notices.map((notice: { id: string }) => notice.id),
        state,
      ).to.deep.equal([expected.body.id]);
    }
    expect((await get('/api/admin/notices?state=soon')).status).to.equal(400);
    const audit = await get('/api/admin/audit-log?limit=2');
    expect(audit.body.entries).to.have.length(2);
    expect((await get(`/api/admin/audit-log?limit=2&before=${audit.body.nextBefore}`)).body.entries).to.have.length(2);
    for (const query of ['limit=0', 'limit=201', 'before=abc', 'before=0']) expect((await get(`/api/admin/audit-log?${query}`)).status, query).to.equal(400);
  });
});
