/**
 * A platform with a little of everything the workspaces show (issue 13), for the browser tests
 * that walk every page: a published expert with bookings, a second expert, a client with upcoming
 * appointments (one movable, one within 48 h with the expert's proposal of a new time) and past
 * consultations (rated, complained about, cancelled), a report, a platform complaint, a site
 * notice, moderation in the audit log, and enough users for the admin list to have pages.
 */
import { insertFinishedConsultation, packageTerms, freeRateVideoTerms } from './consultations.ts';
import { ALWAYS_OPEN, setUpExpert, type Person } from './bookings.ts';
import { TEST_PASSWORD, signUpClient, signUpExpert } from './fixtures.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';
import { signUpAdmin } from '../trust/support.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Enough users for two pages of the admin list (25 a page). */
export const EXTRA_CLIENTS = 40;

export interface SeededSite {
  platform: TestPlatform;
  admin: Person;
  expert: Person & { slug: string; name: string };
  secondExpert: Person & { slug: string };
  client: Person & { name: string };
  /** More than 48 h ahead: the client may move or cancel it for free. */
  farAppointmentId: string;
  /** Within 48 h: cancelling costs the late fee; the expert proposed a new time. */
  nearAppointmentId: string;
  /** A settled consultation the client has not rated yet. */
  unratedConsultationId: string;
}

async function ok<T = any>(response: Promise<{ status: number; body: T }>, expected: number[] = [200, 201, 202, 204]): Promise<T> {
  const answer = await response;
  if (!expected.includes(answer.status)) throw new Error(`seed step failed (${answer.status}): ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function tokenFor(platform: TestPlatform, person: { email: string }): Promise<{ accessToken: string; refreshToken: string }> {
  return ok(platform.http.post('/api/auth/login', { email: person.email, password: TEST_PASSWORD }));
}

/** The first free slot of the expert at or after `notBefore`. */
async function freeSlotAfter(platform: TestPlatform, slug: string, notBefore: Date): Promise<string> {
  const from = new Date(notBefore.getTime() - DAY_MS).toISOString().slice(0, 10);
  const { slots } = await ok<{ slots: string[] }>(platform.http.get(`/api/experts/${slug}/slots?from=${from}&days=7&minutes=15`));
  const slot = slots.find((candidate) => Date.parse(candidate) >= notBefore.getTime());
  if (!slot) throw new Error(`no free slot after ${notBefore.toISOString()}`);
  return slot;
}

export async function startSeededSite(): Promise<SeededSite> {
  const platform = await startTestPlatform();
  const http = platform.http;
  const now = () => platform.clock.now().getTime();

  const adminSignup = await signUpAdmin(platform);
  const admin = { id: adminSignup.user.id, email: adminSignup.user.email };
  const expertSetUp = await setUpExpert(http, { availability: ALWAYS_OPEN });
  await ok(
    http.request('PATCH', '/api/experts/me/profile', {
      token: expertSetUp.token,
      body: { headline: 'Psychologue clinicienne', description: 'Thérapies brèves, anxiété, sommeil.' },
    }),
  );
  const [expertUser] = await platform.db.query<{ first_name: string; last_name: string }>('SELECT first_name, last_name FROM users WHERE id = $1', [
    expertSetUp.id,
  ]);
  const expert = { ...expertSetUp, name: `${expertUser!.first_name} ${expertUser!.last_name}` };
  const second = await signUpExpert(http, { firstName: 'Bruno', lastName: 'Signalé' });
  const secondExpert = { id: second.user.id, email: second.user.email, slug: second.user.slug! };

  const clientSignup = await signUpClient(http, { firstName: 'Alice', lastName: 'Bernard' });
  const client = { id: clientSignup.user.id, email: clientSignup.user.email, name: 'Alice Bernard' };
  const clientToken = clientSignup.accessToken;

  const book = async (startAt: string) =>
    (
      await ok<{ id: string }>(
        http.post(
          '/api/consultations',
          { expertSlug: expert.slug, mode: 'video', startAt, budgetCents: 3000, paymentMethod: 'pm_card_visa', acceptTerms: true, waiveWithdrawal: true },
          clientToken,
        ),
      )
    ).id;
  const farAppointmentId = await book(await freeSlotAfter(platform, expert.slug, new Date(now() + 4 * DAY_MS)));
  const nearAppointmentId = await book(await freeSlotAfter(platform, expert.slug, new Date(now() + 30 * HOUR_MS)));
  // BOOK-7: within 48 h the expert's move is a proposal for the client to accept or refuse.
  await ok(
    http.post(
      `/api/consultations/${nearAppointmentId}/reschedule`,
      { startAt: await freeSlotAfter(platform, expert.slug, new Date(now() + 40 * HOUR_MS)) },
      expert.token,
    ),
    [202],
  );

  const past = async (daysAgo: number, input: Partial<Parameters<typeof insertFinishedConsultation>[1]> = {}) => {
    const id = await insertFinishedConsultation(platform, {
      expertId: expert.id,
      clientId: client.id,
      terms: freeRateVideoTerms(),
      connectedSeconds: 754,
      ...input,
    });
    const at = new Date(now() - daysAgo * DAY_MS);
    await platform.db.query(
      `UPDATE consultations SET created_at = $2, live_at = CASE WHEN live_at IS NULL THEN NULL ELSE $2::timestamptz END,
              ended_at = CASE WHEN ended_at IS NULL THEN NULL ELSE $2::timestamptz + make_interval(secs => connected_seconds) END WHERE id = $1`,
      [id, at],
    );
    await platform.services.settlements.settle(id);
    return id;
  };
  const unratedConsultationId = await past(1);
  const rated = await past(2, { terms: packageTerms(), connectedSeconds: 900 });
  const complainedAbout = await past(3);
  await past(4, { status: 'cancelled', cancelledBy: 'client', cancelledAt: new Date(now() - 4 * DAY_MS), connectedSeconds: 0 });
  for (let day = 5; day < 16; day++) await past(day);
  await ok(http.post(`/api/consultations/${rated}/review`, { stars: 5, comment: 'Très à l’écoute, merci.' }, clientToken));
  await ok(http.post('/api/complaints', { kind: 'consultation', consultationId: complainedAbout, comment: 'La connexion a coupé deux fois.' }, clientToken));
  await ok(http.post('/api/complaints', { kind: 'platform', comment: 'Le paiement a été refusé sans explication.' }, clientToken));
  await ok(
    http.post('/api/reports', { targetType: 'profile', expertSlug: secondExpert.slug, reason: 'fake_or_misleading', comment: 'Diplôme inventé.' }, clientToken),
  );

  const adminToken = adminSignup.accessToken;
  await ok(
    http.post(
      '/api/admin/notices',
      { messageFr: 'Maintenance dimanche de 6 h à 7 h.', messageEn: 'Maintenance on Sunday from 6 to 7 am.', reason: 'Mise à jour' },
      adminToken,
    ),
  );
  await ok(http.post(`/api/admin/users/${secondExpert.id}/suspend`, { reason: 'Vérification du diplôme' }, adminToken));
  await ok(http.post(`/api/admin/users/${secondExpert.id}/reinstate`, { reason: 'Diplôme vérifié' }, adminToken));

  // The admin list's pages: clients signed up on distinct days (the signup route is rate-limited per network).
  await platform.db.query(
    `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at, created_at)
     SELECT 'client', 'seeded-' || n || '@example.com', '!seeded', 'Client' || n, 'Nom' || lpad(n::text, 2, '0'), 'seed', now(), now() - make_interval(days => n)
       FROM generate_series(1, $1::int) AS n`,
    [EXTRA_CLIENTS],
  );

  return { platform, admin, expert, secondExpert: { ...secondExpert }, client, farAppointmentId, nearAppointmentId, unratedConsultationId };
}
