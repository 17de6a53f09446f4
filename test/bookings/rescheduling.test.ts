import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, MINUTE_MS, bookingBody, holdOf, setUpClient, setUpExpert, tokenOf, type Person } from '../support/bookings.ts';
import { calendarOf, mailbox } from '../support/calendar.ts';
import { signUpAdmin } from '../trust/support.ts';
import { holdPlanAfterMove, proposalExpiresAt, rescheduleKind } from '../../server/bookings/reschedule-rules.ts';
import { AppError } from '../../server/platform/errors.ts';

const DAY_MS = 24 * HOUR_MS;

describe('BOOK-7 rescheduling', () => {
  describe('rules', () => {
    const now = new Date('2026-11-23T08:00:00.000Z');
    const at = (hours: number) => new Date(now.getTime() + hours * HOUR_MS);

    it('moves at once 48 h or more before the start, for either party; within 48 h the expert proposes and the client may not', () => {
      expect(rescheduleKind('client', at(48), now)).to.equal('move');
      expect(rescheduleKind('expert', at(49), now)).to.equal('move');
      expect(rescheduleKind('expert', at(47.9), now)).to.equal('propose');
      expect(() => rescheduleKind('client', at(47.9), now))
        .to.throw(AppError)
        .with.property('code', 'reschedule_window_closed');
    });

    it('a proposal lapses after 24 h, at the old start, or at the proposed time, whichever comes first', () => {
      expect(proposalExpiresAt(now, at(40), at(45))).to.deep.equal(at(24));
      expect(proposalExpiresAt(now, at(3), at(30))).to.deep.equal(at(3));
      expect(proposalExpiresAt(now, at(30), at(2))).to.deep.equal(at(2));
    });

    it('BOOK-3: keeps a hold while the new start is within 6 days of it, else defers it to 24 h before, or holds now within 24 h', () => {
      expect(holdPlanAfterMove({ holdPlacedAt: now, newStartAt: at(6 * 24), now })).to.equal('keep');
      expect(holdPlanAfterMove({ holdPlacedAt: now, newStartAt: at(6 * 24 + 1), now })).to.equal('defer');
      expect(holdPlanAfterMove({ holdPlacedAt: null, newStartAt: at(25), now })).to.equal('defer');
      expect(holdPlanAfterMove({ holdPlacedAt: null, newStartAt: at(24), now })).to.equal('hold_now');
      expect(holdPlanAfterMove({ holdPlacedAt: at(-6 * 24), newStartAt: at(23), now })).to.equal('hold_now');
    });
  });

  describe('over HTTP', () => {
    let platform: BookingPlatform;
    let client: Awaited<ReturnType<typeof setUpClient>>;

    before(async () => {
      platform = await BookingPlatform.start({ realNotifier: true });
      client = await setUpClient(platform.http);
    });
    after(() => platform.close());

    const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS);

    async function book(expertSlug: string, startAt: Date, overrides: Record<string, unknown> = {}) {
      const response = await platform.http.post(
        '/api/consultations',
        bookingBody(expertSlug, { startAt: startAt.toISOString(), ...overrides }),
        await tokenOf(platform.http, client),
      );
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      return response.body as { id: string; startAt: string; terms: object };
    }

    async function reschedule(who: Person, id: string, startAt: Date | string) {
      return platform.http.post(
        `/api/consultations/${id}/reschedule`,
        { startAt: typeof startAt === 'string' ? startAt : startAt.toISOString() },
        await tokenOf(platform.http, who),
      );
    }

    const row = async (id: string) =>
      (
        await platform.db.query<{ start_at: Date; status: string; schedule_version: number; payment_hold_ref: string | null }>(
          'SELECT start_at, status, schedule_version, payment_hold_ref FROM consultations WHERE id = $1',
          [id],
        )
      )[0]!;

    const pendingJobs = async (id: string) =>
      (
        await platform.db.query<{ dedupe_key: string; run_at: Date }>(
          `SELECT dedupe_key, run_at FROM jobs WHERE payload->>'consultationId' = $1 AND kind <> 'notify' AND done_at IS NULL ORDER BY run_at`,
          [id],
        )
      ).map((job) => [job.dedupe_key.replace(id, 'ID'), job.run_at.toISOString()]);

    const drain = async () => {
      await platform.drainJobs();
    };

    /** The emails of one event about one consultation (its id is in the link), newest first. */
    const mailsAbout = async (to: string, event: string, consultationId: string) =>
      (await mailbox(platform.http, { to, event })).filter((mail) => mail.text.includes(consultationId));

    it('more than 48 h before: the client moves it at once to another free slot, same terms and hold; both parties get an .ics with the same UID and SEQUENCE 1', async () => {
      const expert = await setUpExpert(platform.http);
      const oldStart = inHours(72);
      const booked = await book(expert.slug, oldStart);
      const holdBefore = await holdOf(platform.db, booked.id);
      await drain();
      const confirmation = calendarOf((await mailsAbout(client.email, 'booking_confirmed_client', booked.id))[0]!);
      const newStart = inHours(96);
      const moved = await reschedule(client, booked.id, newStart);
      expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      expect(moved.body).to.include({ id: booked.id, status: 'scheduled', startAt: newStart.toISOString() });
      expect(moved.body.terms).to.deep.equal(booked.terms);
      expect(await holdOf(platform.db, booked.id)).to.deep.equal(holdBefore);
      expect((await row(booked.id)).schedule_version).to.equal(1);
      // The deadlines of the old time are retired; the new time has its own.
      expect(await pendingJobs(booked.id)).to.deep.equal([
        ['reminder-24h:ID:v1', new Date(newStart.getTime() - DAY_MS).toISOString()],
        ['reminder-15min:ID:v1', new Date(newStart.getTime() - 15 * MINUTE_MS).toISOString()],
        ['no-show:ID:v1', new Date(newStart.getTime() + 10 * MINUTE_MS).toISOString()],
      ]);
      // The old slot is free again: another booking takes it.
      await book(expert.slug, oldStart);
      await drain();
      for (const party of [client, expert]) {
        const [mail] = await mailsAbout(party.email, 'consultation_rescheduled', booked.id);
        expect(mail, party.email).to.not.equal(undefined);
        const [event] = calendarOf(mail!).events;
        expect(event).to.include({ uid: confirmation.events[0]!.uid, sequence: 1, status: 'CONFIRMED', startAt: newStart.toISOString() });
      }
      expect(confirmation.events[0]!.sequence).to.equal(0);
    });

    it('reminders and the no-show check follow the new time; the old time triggers nothing', async () => {
      const expert = await setUpExpert(platform.http);
      const oldStart = inHours(60);
      const booked = await book(expert.slug, oldStart);
      const newStart = inHours(84);
      expect((await reschedule(expert, booked.id, newStart)).status).to.equal(200);
      await drain();
      platform.clock.set(new Date(oldStart.getTime() - DAY_MS + MINUTE_MS));
      await drain();
      expect(await mailsAbout(client.email, 'appointment_reminder_24h', booked.id)).to.have.length(0);
      platform.clock.set(new Date(oldStart.getTime() + 11 * MINUTE_MS));
      await drain();
      expect((await row(booked.id)).status).to.equal('scheduled');
      // 11 minutes past the old start is also 24 h minus 13 minutes before the new one: its reminder is due, with the new time.
      const reminders = await mailsAbout(client.email, 'appointment_reminder_24h', booked.id);
      expect(reminders).to.have.length(1);
      const [reminderEvent] = calendarOf(reminders[0]!).events;
      expect(reminderEvent).to.include({ startAt: newStart.toISOString(), sequence: 1 });
      platform.clock.set(new Date(newStart.getTime() + 10 * MINUTE_MS));
      await drain();
      expect((await row(booked.id)).status).to.equal('no_show_expert');
    });

    it('refuses invalid moves with clear 4xx codes and changes nothing', async () => {
      const expert = await setUpExpert(platform.http);
      const other = await setUpExpert(platform.http);
      const start = inHours(100);
      const booked = await book(expert.slug, start);
      const busy = await book(expert.slug, inHours(120));
      const stranger = await setUpClient(platform.http);
      const admin = await signUpAdmin(platform as never);
      const cases: [Person | string, string, unknown, number, string][] = [
        [stranger, booked.id, inHours(130).toISOString(), 404, 'not_found'],
        [other, booked.id, inHours(130).toISOString(), 404, 'not_found'],
        [client, '00000000-0000-4000-8000-000000000000', inHours(130).toISOString(), 404, 'not_found'],
        [client, 'not-an-id', inHours(130).toISOString(), 404, 'not_found'],
        [client, booked.id, start.toISOString(), 400, 'same_time'],
        [client, booked.id, inHours(-1).toISOString(), 400, 'start_in_past'],
        [client, booked.id, inHours(400 * 24).toISOString(), 400, 'start_too_far'],
        [client, booked.id, new Date(busy.startAt).toISOString(), 409, 'slot_taken'],
        [client, booked.id, new Date(new Date(busy.startAt).getTime() - 5 * MINUTE_MS).toISOString(), 409, 'slot_taken'],
        [client, booked.id, 'tomorrow', 400, 'invalid_request'],
      ];
      for (const [who, id, startAt, status, code] of cases) {
        const response = await platform.http.post(
          `/api/consultations/${id}/reschedule`,
          { startAt },
          typeof who === 'string' ? who : await tokenOf(platform.http, who),
        );
        expect(response.status, `${code} ${JSON.stringify(response.body)}`).to.equal(status);
        expect(response.body.error.code).to.equal(code);
      }
      expect(
        (await platform.http.post(`/api/consultations/${booked.id}/reschedule`, { startAt: inHours(130).toISOString() }, admin.accessToken)).status,
      ).to.equal(403);
      expect(
        (
          await platform.http.post(
            `/api/consultations/${booked.id}/reschedule`,
            { startAt: inHours(130).toISOString(), extra: 1 },
            await tokenOf(platform.http, client),
          )
        ).status,
      ).to.equal(400);
      expect(await row(booked.id)).to.deep.include({ start_at: start, schedule_version: 0, status: 'scheduled' });

      const limited = await setUpExpert(platform.http, {
        availability: { timeZone: 'Europe/Paris', weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })), exceptions: [] },
      });
      const slots = (await platform.http.get(`/api/experts/${limited.slug}/slots?days=7&minutes=15`)).body.slots as string[];
      const limitedBooking = await book(limited.slug, new Date(slots.find((slot) => new Date(slot) > inHours(72))!));
      const evening = new Date(new Date(limitedBooking.startAt).getTime() + 8 * HOUR_MS);
      const outside = await reschedule(client, limitedBooking.id, evening);
      expect(outside.status).to.equal(400);
      expect(outside.body.error.code).to.equal('outside_availability');

      // An immediate request has no time to move.
      const now = await setUpExpert(platform.http, { availableNow: true });
      const request = await platform.http.post('/api/consultations', bookingBody(now.slug), await tokenOf(platform.http, client));
      const immediate = await reschedule(client, request.body.id, inHours(80));
      expect(immediate.status).to.equal(409);
      expect(immediate.body.error.code).to.equal('not_an_appointment');

      // Cancelled, then started: nothing to move.
      await platform.http.post(`/api/consultations/${busy.id}/cancel`, undefined, await tokenOf(platform.http, client));
      const cancelled = await reschedule(client, busy.id, inHours(140));
      expect(cancelled.body.error.code).to.equal('not_reschedulable');
      platform.clock.set(start);
      const started = await reschedule(expert, booked.id, inHours(5));
      expect(started.status).to.equal(409);
      expect(started.body.error.code).to.equal('consultation_started');
      expect(await row(booked.id)).to.deep.include({ start_at: start, schedule_version: 0 });
    });

    describe('within 48 h: the expert proposes, the client accepts or refuses', () => {
      it("the client cannot move it; the expert's move is a proposal (202) the client refuses: nothing changes, the expert is told", async () => {
        const expert = await setUpExpert(platform.http);
        const start = inHours(30);
        const booked = await book(expert.slug, start);
        const byClient = await reschedule(client, booked.id, inHours(34));
        expect(byClient.status).to.equal(409);
        expect(byClient.body.error.code).to.equal('reschedule_window_closed');

        const proposed = await reschedule(expert, booked.id, inHours(34));
        expect(proposed.status, JSON.stringify(proposed.body)).to.equal(202);
        const proposal = proposed.body.proposal;
        expect(proposal).to.include({
          status: 'pending',
          currentStartAt: start.toISOString(),
          proposedStartAt: inHours(34).toISOString(),
          expiresAt: inHours(24).toISOString(),
        });
        expect((await row(booked.id)).start_at).to.deep.equal(start);
        const seen = await platform.http.get(`/api/consultations/${booked.id}/reschedule-proposal`, await tokenOf(platform.http, client));
        expect(seen.body.proposal).to.deep.equal(proposal);
        const second = await reschedule(expert, booked.id, inHours(36));
        expect(second.status).to.equal(409);
        expect(second.body.error.code).to.equal('proposal_pending');
        // Only the client answers.
        expect(
          (
            await platform.http.post(
              `/api/consultations/${booked.id}/reschedule-proposal/accept`,
              { proposalId: proposal.id },
              await tokenOf(platform.http, expert),
            )
          ).status,
        ).to.equal(403);

        const refused = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/refuse`,
          { proposalId: proposal.id },
          await tokenOf(platform.http, client),
        );
        expect(refused.status).to.equal(200);
        expect(refused.body.proposal.status).to.equal('refused');
        expect(await row(booked.id)).to.deep.include({ start_at: start, schedule_version: 0 });
        const late = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/accept`,
          { proposalId: proposal.id },
          await tokenOf(platform.http, client),
        );
        expect(late.status).to.equal(409);
        expect(late.body.error.code).to.equal('proposal_not_open');
        await drain();
        expect(await mailsAbout(client.email, 'reschedule_proposed', booked.id)).to.have.length(1);
        expect(await mailsAbout(expert.email, 'reschedule_refused', booked.id)).to.have.length(1);
      });

      it('the client accepts: the appointment moves, both get an .ics with SEQUENCE 1; a withdrawn or stale proposal cannot be accepted', async () => {
        const expert = await setUpExpert(platform.http);
        const start = inHours(20);
        const booked = await book(expert.slug, start);
        const first = (await reschedule(expert, booked.id, inHours(26))).body.proposal;
        const withdrawn = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/withdraw`,
          { proposalId: first.id },
          await tokenOf(platform.http, expert),
        );
        expect(withdrawn.body.proposal.status).to.equal('withdrawn');
        const second = (await reschedule(expert, booked.id, inHours(28))).body.proposal;
        const stale = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/accept`,
          { proposalId: first.id },
          await tokenOf(platform.http, client),
        );
        expect(stale.body.error.code).to.equal('proposal_not_open');
        const accepted = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/accept`,
          { proposalId: second.id },
          await tokenOf(platform.http, client),
        );
        expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
        expect(accepted.body.startAt).to.equal(inHours(28).toISOString());
        expect((await platform.http.get(`/api/consultations/${booked.id}/reschedule-proposal`, await tokenOf(platform.http, expert))).body.proposal).to.equal(
          null,
        );
        await drain();
        for (const party of [client, expert]) {
          const [mail] = await mailsAbout(party.email, 'consultation_rescheduled', booked.id);
          expect(calendarOf(mail!).events[0]).to.include({ startAt: accepted.body.startAt, sequence: 1 });
        }
      });

      it('a proposal nobody answers expires after 24 h at most, the expert is told and the appointment stays', async () => {
        const expert = await setUpExpert(platform.http);
        const start = inHours(40);
        const booked = await book(expert.slug, start);
        const proposal = (await reschedule(expert, booked.id, inHours(44))).body.proposal;
        platform.clock.set(inHours(24));
        await drain();
        const accept = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/accept`,
          { proposalId: proposal.id },
          await tokenOf(platform.http, client),
        );
        expect(accept.body.error.code).to.equal('proposal_not_open');
        expect((await platform.db.query<{ status: string }>('SELECT status FROM reschedule_proposals WHERE id = $1', [proposal.id]))[0]!.status).to.equal(
          'expired',
        );
        expect(await mailsAbout(expert.email, 'reschedule_proposal_expired', booked.id)).to.have.length(1);
        expect((await row(booked.id)).start_at).to.deep.equal(start);
        // A new proposal can be made once the old one lapsed.
        expect((await reschedule(expert, booked.id, inHours(42))).status).to.equal(202);
      });

      it('accepting a time taken meanwhile answers 409 slot_taken and moves nothing', async () => {
        const expert = await setUpExpert(platform.http);
        const start = inHours(30);
        const booked = await book(expert.slug, start);
        const proposal = (await reschedule(expert, booked.id, inHours(36))).body.proposal;
        await book(expert.slug, inHours(36));
        const accept = await platform.http.post(
          `/api/consultations/${booked.id}/reschedule-proposal/accept`,
          { proposalId: proposal.id },
          await tokenOf(platform.http, client),
        );
        expect(accept.status).to.equal(409);
        expect(accept.body.error.code).to.equal('slot_taken');
        expect(await row(booked.id)).to.deep.include({ start_at: start, schedule_version: 0 });
      });
    });

    describe('BOOK-3: the card hold follows the new start', () => {
      const holdStatus = async (holdRef: string) =>
        (await platform.db.query<{ status: string }>('SELECT status FROM local_payment_holds WHERE id = $1', [holdRef]))[0]!.status;

      it('a far appointment moved further: the deferred hold (T−24 h) and its T−2 h deadline follow the new start', async () => {
        const expert = await setUpExpert(platform.http);
        const booked = await book(expert.slug, inHours(8 * 24), { paymentMethod: 'pm_card_chargeDeclined' });
        const newStart = inHours(12 * 24);
        expect((await reschedule(client, booked.id, newStart)).status).to.equal(200);
        expect((await pendingJobs(booked.id)).find(([key]) => key!.startsWith('place-hold'))).to.deep.equal([
          'place-hold:ID:v1',
          new Date(newStart.getTime() - DAY_MS).toISOString(),
        ]);
        // The old time's T−24 h and T−2 h pass without effect.
        platform.clock.set(inHours(8 * 24 - 1));
        await drain();
        expect((await row(booked.id)).status).to.equal('scheduled');
        expect(await mailsAbout(client.email, 'payment_hold_failed', booked.id)).to.have.length(0);
        // The new time's T−24 h tries the card and tells the client; its T−2 h cancels without fee.
        platform.clock.set(new Date(newStart.getTime() - DAY_MS));
        await drain();
        expect(await mailsAbout(client.email, 'payment_hold_failed', booked.id)).to.have.length(1);
        expect((await row(booked.id)).status).to.equal('scheduled');
        platform.clock.set(new Date(newStart.getTime() - 2 * HOUR_MS));
        await drain();
        const cancelled = await platform.http.get(`/api/consultations/${booked.id}`, await tokenOf(platform.http, client));
        expect(cancelled.body).to.include({ status: 'cancelled', cancelledBy: 'platform', cancellationChargeCents: 0 });
      });

      it('a far appointment moved within 24 h gets its hold at once; a refused card answers 402 hold_failed and moves nothing', async () => {
        const expert = await setUpExpert(platform.http);
        const booked = await book(expert.slug, inHours(7 * 24));
        expect(await holdOf(platform.db, booked.id)).to.equal(undefined);
        const soon = inHours(20);
        expect((await reschedule(client, booked.id, soon)).status).to.equal(200);
        expect(await holdOf(platform.db, booked.id)).to.include({ status: 'authorised' });
        expect((await pendingJobs(booked.id)).some(([key]) => key!.startsWith('place-hold'))).to.equal(false);

        const declined = await book(expert.slug, inHours(7 * 24 + 2), { paymentMethod: 'pm_card_chargeDeclined' });
        const refused = await reschedule(client, declined.id, inHours(22));
        expect(refused.status).to.equal(402);
        expect(refused.body.error.code).to.equal('hold_failed');
        expect(await row(declined.id)).to.deep.include({ schedule_version: 0, payment_hold_ref: null });
      });

      it('a near appointment (hold placed at booking) moved beyond 6 days: the hold is released and placed again 24 h before the new start', async () => {
        const expert = await setUpExpert(platform.http);
        const booked = await book(expert.slug, inHours(3 * 24));
        const firstHold = (await row(booked.id)).payment_hold_ref!;
        const newStart = inHours(20 * 24);
        expect((await reschedule(client, booked.id, newStart)).status).to.equal(200);
        await drain();
        expect(await holdStatus(firstHold)).to.equal('released');
        expect((await row(booked.id)).payment_hold_ref).to.equal(null);
        platform.clock.set(new Date(newStart.getTime() - DAY_MS));
        await drain();
        const secondHold = (await row(booked.id)).payment_hold_ref!;
        expect(secondHold).to.not.equal(null);
        expect(secondHold).to.not.equal(firstHold);
        expect(await holdStatus(secondHold)).to.equal('authorised');
      });
    });
  });
});
