import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, MINUTE_MS, bookingBody, holdOf, setUpClient, setUpExpert, tokenOf } from '../support/bookings.ts';
import { TRANSITIONS, canTransition, isTerminal, type ConsultationStatus } from '../../server/bookings/state-machine.ts';
import { JOB_LEASE_MS, JobQueue, MAX_JOB_ATTEMPTS, retryDelayMs } from '../../server/jobs/queue.ts';
import { createLogger } from '../../server/platform/logger.ts';

describe('consultation state machine and durable jobs', () => {
  describe('the transition table', () => {
    it('allows exactly the documented moves (SPEC §11 statuses)', () => {
      const allowed = Object.entries(TRANSITIONS).flatMap(([from, targets]) => targets.map((to) => `${from}→${to}`));
      expect(allowed).to.have.members([
        'requested→live',
        'requested→cancelled',
        'requested→expired',
        'scheduled→live',
        'scheduled→cancelled',
        'scheduled→no_show_client',
        'scheduled→no_show_expert',
        'live→ended',
      ]);
      for (const status of ['ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert'] as ConsultationStatus[]) {
        expect(isTerminal(status), status).to.equal(true);
      }
      expect(canTransition('live', 'cancelled')).to.equal(false);
      expect(canTransition('ended', 'live')).to.equal(false);
    });
  });

  describe('with a platform', () => {
    let platform: BookingPlatform;
    let client: Awaited<ReturnType<typeof setUpClient>>;

    before(async () => {
      platform = await BookingPlatform.start();
      client = await setUpClient(platform.http);
    });
    after(() => platform.close());

    /** Resolves once the job is claimed, with a lease reaching at least `untilMs` on the platform's clock. */
    async function waitForLease(dedupeKey: string, untilMs = 0): Promise<void> {
      for (let attempt = 0; attempt < 200; attempt++) {
        const [job] = await platform.db.query<{ locked_until: Date | null }>('SELECT locked_until FROM jobs WHERE dedupe_key = $1', [dedupeKey]);
        if (job?.locked_until && job.locked_until.getTime() >= untilMs) return;
        await new Promise((done) => setTimeout(done, 10));
      }
      throw new Error(`job ${dedupeKey} was not leased until ${new Date(untilMs).toISOString()}`);
    }

    const statusOf = async (id: string) => (await platform.db.query<{ status: string }>('SELECT status FROM consultations WHERE id = $1', [id]))[0]!.status;

    async function book(expertSlug: string, startAt: Date | null, overrides: Record<string, unknown> = {}) {
      const response = await platform.http.post(
        '/api/consultations',
        bookingBody(expertSlug, { startAt: startAt?.toISOString() ?? null, ...overrides }),
        await tokenOf(platform.http, client),
      );
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      return response.body.id as string;
    }

    describe('BOOK-4 immediate requests', () => {
      it('notify the expert, and expire after 5 minutes with the hold released and nothing charged', async () => {
        const expert = await setUpExpert(platform.http, { availableNow: true });
        const id = await book(expert.slug, null);
        expect(await statusOf(id)).to.equal('requested');
        expect((await holdOf(platform.db, id))!.status).to.equal('authorised');
        await platform.drainJobs();
        expect(platform.notifier.events(expert.id)).to.include('immediate_request_expert');
        platform.clock.advance(4 * MINUTE_MS + 59_000);
        await platform.drainJobs();
        expect(await statusOf(id)).to.equal('requested');
        platform.clock.advance(1_000);
        await platform.drainJobs();
        const view = await platform.http.get(`/api/consultations/${id}`, await tokenOf(platform.http, client));
        expect(view.body).to.include({ status: 'expired', chargeCents: 0, cancellationChargeCents: 0 });
        expect((await holdOf(platform.db, id))!.status).to.equal('released');
        expect(platform.notifier.events(client.id)).to.include('immediate_request_expired');
      });

      it('go live when the expert joins in time; the expiry then changes nothing', async () => {
        const expert = await setUpExpert(platform.http, { availableNow: true });
        const id = await book(expert.slug, null);
        // One request at a time per expert.
        const second = await platform.http.post('/api/consultations', bookingBody(expert.slug), await tokenOf(platform.http, client));
        expect(second.status).to.equal(409);
        expect(second.body.error.code).to.equal('expert_busy');
        platform.clock.advance(2 * MINUTE_MS);
        expect(await platform.services.consultations.markPartyJoined(id, 'expert')).to.equal('live');
        platform.clock.advance(10 * MINUTE_MS);
        await platform.drainJobs();
        expect(await statusOf(id)).to.equal('live');
        const settled = await platform.services.consultations.endConsultation(id, { connectedSeconds: 125, reason: 'party_left' });
        // BILL-2: round(200 × 125 / 60) = 417
        expect(settled).to.include({ chargeCents: 417, feeCents: 31 });
        const view = await platform.http.get(`/api/consultations/${id}`, await tokenOf(platform.http, client));
        expect(view.body).to.include({ status: 'ended', connectedSeconds: 125, chargeCents: 417, cancellationChargeCents: 0, endReason: 'party_left' });
        // The meter may report the end twice: nothing moves again.
        expect(await platform.services.consultations.endConsultation(id, { connectedSeconds: 125, reason: 'party_left' })).to.deep.equal(settled);
      });

      it('one request at a time per expert, even when 10 arrive at once (409 expert_busy, no hold kept)', async () => {
        const expert = await setUpExpert(platform.http, { availableNow: true });
        const token = await tokenOf(platform.http, client);
        const responses = await Promise.all(Array.from({ length: 10 }, () => platform.http.post('/api/consultations', bookingBody(expert.slug), token)));
        expect(responses.filter((response) => response.status === 201)).to.have.length(1);
        for (const response of responses.filter((candidate) => candidate.status !== 201)) {
          expect(response.status).to.equal(409);
          expect(response.body.error.code).to.equal('expert_busy');
        }
        const [{ n }] = (await platform.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM local_payment_holds h JOIN consultations c ON c.payment_hold_ref = h.id WHERE c.expert_id = $1`,
          [expert.id],
        )) as [{ n: number }];
        expect(n).to.equal(1);
      });

      it('are refused while an appointment of the expert starts within the minutes requested (409 expert_busy)', async () => {
        const expert = await setUpExpert(platform.http, { availableNow: true });
        await book(expert.slug, new Date(platform.clock.now().getTime() + 10 * MINUTE_MS));
        const response = await platform.http.post('/api/consultations', bookingBody(expert.slug), await tokenOf(platform.http, client));
        expect(response.status).to.equal(409);
        expect(response.body.error.code).to.equal('expert_busy');
        // A 2-minute budget fits before the appointment.
        const short = await platform.http.post('/api/consultations', bookingBody(expert.slug, { budgetCents: 400 }), await tokenOf(platform.http, client));
        expect(short.status).to.equal(201);
      });

      it('BILL-11: cancelled by the client before the expert joins, it costs nothing', async () => {
        const expert = await setUpExpert(platform.http, { availableNow: true });
        const id = await book(expert.slug, null);
        const response = await platform.http.post(`/api/consultations/${id}/cancel`, undefined, await tokenOf(platform.http, client));
        expect(response.body).to.include({ status: 'cancelled', cancellationChargeCents: 0 });
        expect((await holdOf(platform.db, id))!.status).to.equal('released');
      });
    });

    describe('BOOK-5 joining an appointment', () => {
      it('opens at the start time, goes live when both parties joined, and ends settled for the connected time', async () => {
        const expert = await setUpExpert(platform.http);
        const startAt = new Date(platform.clock.now().getTime() + 3 * HOUR_MS);
        const id = await book(expert.slug, startAt);
        let early: unknown;
        await platform.services.consultations.markPartyJoined(id, 'client').catch((error) => (early = error));
        expect(early).to.have.property('code', 'not_started');
        platform.clock.set(new Date(startAt.getTime() + MINUTE_MS));
        expect(await platform.services.consultations.markPartyJoined(id, 'client')).to.equal('scheduled');
        expect(await platform.services.consultations.markPartyJoined(id, 'client')).to.equal('scheduled');
        expect(await platform.services.consultations.markPartyJoined(id, 'expert')).to.equal('live');
        const cancel: { status: number; body: { error: { code: string } } } = await platform.http.post(
          `/api/consultations/${id}/cancel`,
          undefined,
          await tokenOf(platform.http, client),
        );
        expect(cancel.status).to.equal(409);
        platform.clock.advance(20 * MINUTE_MS);
        await platform.drainJobs(); // the no-show check finds it live and leaves it
        expect(await statusOf(id)).to.equal('live');
        const settled = await platform.services.consultations.endConsultation(id, { connectedSeconds: 900, reason: 'budget_exhausted' });
        expect(settled.chargeCents).to.equal(3000);
        const [row] = await platform.db.query<{ client_joined_at: Date; expert_joined_at: Date; live_at: Date }>(
          'SELECT client_joined_at, expert_joined_at, live_at FROM consultations WHERE id = $1',
          [id],
        );
        expect(row!.client_joined_at.getTime()).to.equal(startAt.getTime() + MINUTE_MS);
        expect(row!.live_at.getTime()).to.equal(startAt.getTime() + MINUTE_MS);
        let over: unknown;
        await platform.services.consultations.markPartyJoined(id, 'client').catch((error) => (over = error));
        expect(over).to.have.property('code', 'consultation_over');
      });
    });

    describe('BOOK-6 reminders', () => {
      it('are sent to both parties 24 h and 15 min before, and not for a cancelled appointment', async () => {
        const expert = await setUpExpert(platform.http);
        const startAt = new Date(platform.clock.now().getTime() + 3 * 24 * HOUR_MS);
        const id = await book(expert.slug, startAt);
        const cancelledId = await book(expert.slug, new Date(startAt.getTime() + HOUR_MS));
        await platform.http.post(`/api/consultations/${cancelledId}/cancel`, undefined, await tokenOf(platform.http, client));
        await platform.drainJobs();
        expect(platform.notifier.events(client.id)).to.include('booking_confirmed_client');
        expect(platform.notifier.events(expert.id)).to.include('booking_confirmed_expert');
        const reminders = (consultationId: string) =>
          platform.notifier.sent
            .filter((sent) => sent.data['consultationId'] === consultationId && sent.event.startsWith('appointment_reminder'))
            .map((sent) => sent.event);
        platform.clock.set(new Date(startAt.getTime() - 24 * HOUR_MS - MINUTE_MS));
        await platform.drainJobs();
        expect(reminders(id)).to.deep.equal([]);
        platform.clock.set(new Date(startAt.getTime() - 24 * HOUR_MS));
        await platform.drainJobs();
        expect(reminders(id)).to.deep.equal(['appointment_reminder_24h', 'appointment_reminder_24h']);
        platform.clock.set(new Date(startAt.getTime() - 15 * MINUTE_MS));
        await platform.drainJobs();
        platform.clock.set(new Date(startAt.getTime() + HOUR_MS - 15 * MINUTE_MS));
        await platform.drainJobs();
        expect(reminders(id)).to.deep.equal([
          'appointment_reminder_24h',
          'appointment_reminder_24h',
          'appointment_reminder_15min',
          'appointment_reminder_15min',
        ]);
        expect(reminders(cancelledId)).to.deep.equal([]);
      });
    });

    describe('BOOK-3 appointments more than 6 days ahead', () => {
      it('save the card at booking and place the hold 24 h before the start', async () => {
        const expert = await setUpExpert(platform.http);
        const startAt = new Date(platform.clock.now().getTime() + 8 * 24 * HOUR_MS);
        const id = await book(expert.slug, startAt);
        const booked = await platform.http.get(`/api/consultations/${id}`, await tokenOf(platform.http, client));
        expect(booked.body.paymentHoldPlaced).to.equal(false);
        expect(await holdOf(platform.db, id)).to.equal(undefined);
        platform.clock.set(new Date(startAt.getTime() - 24 * HOUR_MS));
        await platform.drainJobs();
        expect(await holdOf(platform.db, id)).to.deep.include({ status: 'authorised', amount_cents: 3000 });
      });

      it('a refused hold tells the client, is retried until 2 h before, then the platform cancels with no fee', async () => {
        const expert = await setUpExpert(platform.http);
        const startAt = new Date(platform.clock.now().getTime() + 7 * 24 * HOUR_MS);
        const id = await book(expert.slug, startAt, { paymentMethod: 'pm_card_chargeDeclined' });
        platform.clock.set(new Date(startAt.getTime() - 24 * HOUR_MS));
        await platform.drainJobs();
        expect(platform.notifier.events(client.id)).to.include('payment_hold_failed');
        expect(await statusOf(id)).to.equal('scheduled');
        for (let hour = 23; hour >= 3; hour--) {
          platform.clock.set(new Date(startAt.getTime() - hour * HOUR_MS));
          await platform.drainJobs();
        }
        expect(await statusOf(id)).to.equal('scheduled');
        const [{ hold_failures }] = (await platform.db.query<{ hold_failures: number }>('SELECT hold_failures FROM consultations WHERE id = $1', [id])) as [
          { hold_failures: number },
        ];
        expect(hold_failures).to.be.greaterThan(20);
        platform.clock.set(new Date(startAt.getTime() - 2 * HOUR_MS));
        await platform.drainJobs();
        const view = await platform.http.get(`/api/consultations/${id}`, await tokenOf(platform.http, client));
        expect(view.body).to.include({ status: 'cancelled', cancelledBy: 'platform', cancellationChargeCents: 0 });
        expect((await walletBalances(expert.id)).availableCents).to.equal(0);
      });

      it('the client can fix the card before the deadline (PUT /api/consultations/:id/payment-method)', async () => {
        const expert = await setUpExpert(platform.http);
        const startAt = new Date(platform.clock.now().getTime() + 10 * 24 * HOUR_MS);
        const id = await book(expert.slug, startAt, { paymentMethod: 'pm_card_chargeDeclined' });
        platform.clock.set(new Date(startAt.getTime() - 24 * HOUR_MS));
        await platform.drainJobs();
        platform.clock.set(new Date(startAt.getTime() - 20 * HOUR_MS));
        const token = await tokenOf(platform.http, client);
        const declined = await platform.http.put(`/api/consultations/${id}/payment-method`, { paymentMethod: 'pm_card_chargeDeclined' }, token);
        expect(declined.status).to.equal(402);
        const fixed = await platform.http.put(`/api/consultations/${id}/payment-method`, { paymentMethod: 'pm_card_visa' }, token);
        expect(fixed.status).to.equal(200);
        expect(fixed.body.paymentHoldPlaced).to.equal(true);
        platform.clock.set(new Date(startAt.getTime() - 2 * HOUR_MS));
        await platform.drainJobs();
        expect(await statusOf(id)).to.equal('scheduled');
      });
    });

    async function walletBalances(userId: string) {
      const { walletBalances: balances } = await import('../../server/ledger/balances.ts');
      return balances(platform.db, userId);
    }

    describe('the job queue', () => {
      it('retries a failing job with backoff, then parks it after the last attempt', async () => {
        expect(retryDelayMs(1)).to.equal(30_000);
        expect(retryDelayMs(2)).to.equal(60_000);
        expect(retryDelayMs(20)).to.equal(HOUR_MS);
        let calls = 0;
        platform.services.jobs.register('test.flaky', async () => {
          calls++;
          throw new Error('transport down');
        });
        await platform.services.jobs.enqueue({ kind: 'test.flaky', payload: {}, runAt: platform.clock.now(), dedupeKey: 'test-flaky' });
        await platform.services.jobs.enqueue({ kind: 'test.flaky', payload: {}, runAt: platform.clock.now(), dedupeKey: 'test-flaky' });
        for (let attempt = 0; attempt < MAX_JOB_ATTEMPTS + 2; attempt++) {
          await platform.drainJobs();
          platform.clock.advance(2 * HOUR_MS);
        }
        expect(calls).to.equal(MAX_JOB_ATTEMPTS);
        const [job] = await platform.db.query<{ attempts: number; failed_at: Date | null; last_error: string }>(
          `SELECT attempts, failed_at, last_error FROM jobs WHERE dedupe_key = 'test-flaky'`,
        );
        expect(job!.attempts).to.equal(MAX_JOB_ATTEMPTS);
        expect(job!.failed_at).to.not.equal(null);
        expect(job!.last_error).to.contain('transport down');
      });

      it('issue 15: a worker that dies mid-job leaves its lease; another node runs the job once JOB_LEASE_MS passed, not before', async () => {
        const dead = new JobQueue({ db: platform.db, clock: platform.clock, logger: createLogger('silent') });
        const survivor = new JobQueue({ db: platform.db, clock: platform.clock, logger: createLogger('silent') });
        const stuck = gate();
        dead.register('test.lease', () => stuck.passed);
        let survivorRuns = 0;
        survivor.register('test.lease', async () => {
          survivorRuns++;
        });
        await platform.services.jobs.enqueue({ kind: 'test.lease', payload: {}, runAt: platform.clock.now(), dedupeKey: 'test-lease' });
        const running = dead.runDueJobs();
        await waitForLease('test-lease');
        platform.clock.advance(JOB_LEASE_MS - 1000);
        expect(await survivor.runDueJobs()).to.equal(0);
        platform.clock.advance(2000);
        expect(await survivor.runDueJobs()).to.equal(1);
        expect(survivorRuns).to.equal(1);
        stuck.open();
        await running;
      });

      it('issue 15: a living worker renews the leases of the jobs it has claimed, however long they take', async () => {
        const living = new JobQueue({ db: platform.db, clock: platform.clock, logger: createLogger('silent'), leaseRenewIntervalMs: 20 });
        const other = new JobQueue({ db: platform.db, clock: platform.clock, logger: createLogger('silent') });
        const slow = gate();
        let runs = 0;
        living.register('test.slow', async () => {
          runs++;
          await slow.passed;
        });
        other.register('test.slow', async () => {
          runs++;
        });
        await platform.services.jobs.enqueue({ kind: 'test.slow', payload: {}, runAt: platform.clock.now(), dedupeKey: 'test-slow' });
        const running = living.runDueJobs();
        await waitForLease('test-slow');
        for (let step = 0; step < 3; step++) {
          platform.clock.advance(JOB_LEASE_MS - 5000);
          const leasedUntil = platform.clock.now().getTime() + JOB_LEASE_MS;
          await waitForLease('test-slow', leasedUntil);
          expect(await other.runDueJobs()).to.equal(0);
        }
        slow.open();
        expect(await running).to.equal(1);
        expect(runs).to.equal(1);
      });

      it('purges finished jobs after 30 days, keeps parked ones', async () => {
        platform.services.jobs.register('test.quick', async () => undefined);
        await platform.services.jobs.enqueue({ kind: 'test.quick', payload: {}, runAt: platform.clock.now(), dedupeKey: 'test-quick' });
        await platform.drainJobs();
        platform.clock.advance(31 * 24 * HOUR_MS);
        expect(await platform.services.jobs.purgeFinishedJobs()).to.be.greaterThan(0);
        const left = await platform.db.query(`SELECT dedupe_key FROM jobs WHERE dedupe_key IN ('test-quick', 'test-flaky')`);
        expect(left).to.deep.equal([{ dedupe_key: 'test-flaky' }]);
      });

      it('an admin sees any consultation', async () => {
        const expert = await setUpExpert(platform.http);
        const id = await book(expert.slug, new Date(platform.clock.now().getTime() + 5 * HOUR_MS));
        const { hashPassword } = await import('../../server/accounts/passwords.ts');
        const { TERMS_VERSION } = await import('../../server/accounts/terms.ts');
        const email = `admin-${id.slice(0, 8)}@consulto.test`;
        await platform.db.query(
          `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at) VALUES ('admin', $1, $2, 'Ada', 'Min', $3, $4)`,
          [email, await hashPassword('correct-horse-battery-staple'), TERMS_VERSION, platform.clock.now()],
        );
        const view = await platform.http.get(`/api/consultations/${id}`, await tokenOf(platform.http, { id: '', email }));
        expect(view.status).to.equal(200);
        expect(view.body).to.include({ id, status: 'scheduled' });
        expect(view.body).to.have.property('expertPenaltyCents');
      });
    });
  });

  describe('a restart loses no deadline', () => {
    it('an immediate request booked before a restart expires after it; a no-show check survives too', async () => {
      const platform = await BookingPlatform.start({ persistent: true });
      try {
        const client = await setUpClient(platform.http);
        const expert = await setUpExpert(platform.http, { availableNow: true });
        const request = await platform.http.post('/api/consultations', bookingBody(expert.slug), client.token);
        expect(request.status).to.equal(201);
        const other = await setUpExpert(platform.http);
        const startAt = new Date(platform.clock.now().getTime() + 2 * HOUR_MS);
        const appointment = await platform.http.post('/api/consultations', bookingBody(other.slug, { startAt: startAt.toISOString() }), client.token);
        expect(appointment.status).to.equal(201);

        await platform.restart();
        platform.clock.advance(6 * MINUTE_MS);
        await platform.drainJobs();
        const statusOf = async (id: string) => (await platform.db.query<{ status: string }>('SELECT status FROM consultations WHERE id = $1', [id]))[0]!.status;
        expect(await statusOf(request.body.id)).to.equal('expired');

        await platform.restart();
        platform.clock.set(new Date(startAt.getTime() + 10 * MINUTE_MS));
        await platform.drainJobs();
        expect(await statusOf(appointment.body.id)).to.equal('no_show_expert');
      } finally {
        await platform.close();
      }
    });
  });
});

describe('BOOK-6 emails through the real notifier (local mailbox)', () => {
  it('the booking confirmation carries an .ics, and the 24 h reminder reaches both parties', async () => {
    const platform = await BookingPlatform.start({ realNotifier: true });
    try {
      const client = await setUpClient(platform.http);
      const expert = await setUpExpert(platform.http);
      const startAt = new Date(platform.clock.now().getTime() + 3 * 24 * HOUR_MS);
      const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: startAt.toISOString() }), client.token);
      expect(booked.status).to.equal(201);
      await platform.drainJobs();
      const mailbox = async () =>
        (await platform.http.get('/dev/mailbox.json')).body.messages as { to: string; event: string; attachments: { filename: string }[] }[];
      const confirmation = (await mailbox()).find((mail) => mail.event === 'booking_confirmed_client')!;
      expect(confirmation.to).to.contain(client.email);
      expect(confirmation.attachments.map((attachment) => attachment.filename)).to.include('consultation.ics');
      expect((await mailbox()).some((mail) => mail.event === 'booking_confirmed_expert' && mail.to.includes(expert.email))).to.equal(true);
      platform.clock.set(new Date(startAt.getTime() - 24 * HOUR_MS));
      await platform.drainJobs();
      const reminders = (await mailbox()).filter((mail) => mail.event === 'appointment_reminder_24h');
      expect(reminders).to.have.length(2);
    } finally {
      await platform.close();
    }
  });
});

/** A promise the test settles when it chooses: a job that runs for as long as the test needs. */
function gate(): { passed: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const passed = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { passed, open: () => open() };
}
