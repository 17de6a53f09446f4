import { expect } from 'chai';
import { BookingPlatform, HOUR_MS, bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';
import { signUpClient } from '../support/fixtures.ts';
import { isValidTimeZone, isoWeekday, localDate, offsetMs, wallClockToUtc } from '../../server/availability/time-zone.ts';
import { freeSlots, isWithinAvailability, openIntervals, type Availability } from '../../server/availability/schedule.ts';

describe('EXP-6 availability', () => {
  describe('wall-clock time in a time zone ↔ UTC (Intl only)', () => {
    it('converts Paris opening hours in winter (UTC+1) and summer (UTC+2)', () => {
      expect(wallClockToUtc('2026-11-23', 9 * 60, 'Europe/Paris').toISOString()).to.equal('2026-11-23T08:00:00.000Z');
      expect(wallClockToUtc('2026-07-01', 9 * 60, 'Europe/Paris').toISOString()).to.equal('2026-07-01T07:00:00.000Z');
      expect(wallClockToUtc('2026-11-23', 24 * 60, 'Europe/Paris').toISOString()).to.equal('2026-11-23T23:00:00.000Z');
      expect(wallClockToUtc('2026-11-23', 9 * 60, 'America/New_York').toISOString()).to.equal('2026-11-23T14:00:00.000Z');
      expect(wallClockToUtc('2026-11-23', 9 * 60, 'Asia/Kathmandu').toISOString()).to.equal('2026-11-23T03:15:00.000Z');
    });

    it('handles the spring-forward gap and the fall-back repeat (last Sundays of March and October 2026)', () => {
      // 02:30 does not exist in Paris on 2026-03-29: it maps to 03:30 CEST, the same distance after the change.
      expect(wallClockToUtc('2026-03-29', 2 * 60 + 30, 'Europe/Paris').toISOString()).to.equal('2026-03-29T01:30:00.000Z');
      expect(wallClockToUtc('2026-03-29', 3 * 60, 'Europe/Paris').toISOString()).to.equal('2026-03-29T01:00:00.000Z');
      expect(wallClockToUtc('2026-03-29', 1 * 60 + 59, 'Europe/Paris').toISOString()).to.equal('2026-03-29T00:59:00.000Z');
      // 02:30 happens twice in Paris on 2026-10-25: the first one (CEST) wins.
      expect(wallClockToUtc('2026-10-25', 2 * 60 + 30, 'Europe/Paris').toISOString()).to.equal('2026-10-25T00:30:00.000Z');
      expect(wallClockToUtc('2026-10-25', 3 * 60, 'Europe/Paris').toISOString()).to.equal('2026-10-25T02:00:00.000Z');
      expect(offsetMs(new Date('2026-10-25T00:30:00Z'), 'Europe/Paris')).to.equal(2 * HOUR_MS);
      expect(offsetMs(new Date('2026-10-25T01:30:00Z'), 'Europe/Paris')).to.equal(HOUR_MS);
    });

    it('gives local dates and ISO weekdays (Monday = 1), and validates zone names', () => {
      expect(localDate(new Date('2026-11-23T23:30:00Z'), 'Europe/Paris')).to.equal('2026-11-24');
      expect(localDate(new Date('2026-11-23T23:30:00Z'), 'UTC')).to.equal('2026-11-23');
      expect(isoWeekday('2026-11-23')).to.equal(1);
      expect(isoWeekday('2026-11-29')).to.equal(7);
      expect(isValidTimeZone('Europe/Paris')).to.equal(true);
      expect(isValidTimeZone('America/Argentina/Buenos_Aires')).to.equal(true);
      expect(isValidTimeZone('Mars/Olympus_Mons')).to.equal(false);
      expect(isValidTimeZone('+01:00')).to.equal(false);
    });
  });

  describe('opening intervals and slots (pure)', () => {
    const weekdays9to12: Availability = {
      timeZone: 'Europe/Paris',
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })),
      exceptions: [
        { date: '2026-11-25', closed: true },
        { date: '2026-11-28', start: '14:00', end: '15:00' },
        { date: '2026-11-26', start: '10:00', end: '11:00' },
      ],
    };

    it('applies the weekly hours, closes a closed date, and replaces the hours of a date with its ranges', () => {
      const intervals = openIntervals(weekdays9to12, '2026-11-23', '2026-11-29').map((interval) => [
        new Date(interval.startMs).toISOString(),
        new Date(interval.endMs).toISOString(),
      ]);
      expect(intervals).to.deep.equal([
        ['2026-11-23T08:00:00.000Z', '2026-11-23T11:00:00.000Z'],
        ['2026-11-24T08:00:00.000Z', '2026-11-24T11:00:00.000Z'],
        ['2026-11-26T09:00:00.000Z', '2026-11-26T10:00:00.000Z'],
        ['2026-11-27T08:00:00.000Z', '2026-11-27T11:00:00.000Z'],
        ['2026-11-28T13:00:00.000Z', '2026-11-28T14:00:00.000Z'],
      ]);
    });

    it('joins ranges that meet at midnight, so an appointment may span it', () => {
      const lateHours: Availability = {
        timeZone: 'Europe/Paris',
        weekly: [
          { weekday: 1, start: '22:00', end: '24:00' },
          { weekday: 2, start: '00:00', end: '02:00' },
        ],
        exceptions: [],
      };
      expect(isWithinAvailability(lateHours, new Date('2026-11-23T22:30:00Z'), 60)).to.equal(true); // 23:30–00:30 Paris
      expect(isWithinAvailability(lateHours, new Date('2026-11-24T00:30:00Z'), 60)).to.equal(false); // 01:30–02:30 Paris
    });

    it('offers every 15 minutes that fit, after now, around booked appointments', () => {
      const slots = freeSlots({
        availability: weekdays9to12,
        fromDate: '2026-11-23',
        days: 1,
        minutes: 30,
        notBefore: new Date('2026-11-23T08:20:00Z'),
        booked: [{ startMs: Date.parse('2026-11-23T09:00:00Z'), endMs: Date.parse('2026-11-23T09:45:00Z') }],
      }).map((slot) => slot.toISOString().slice(11, 16));
      expect(slots).to.deep.equal(['08:30', '09:45', '10:00', '10:15', '10:30']);
    });
  });

  describe('over HTTP', () => {
    let platform: BookingPlatform;
    before(async () => {
      platform = await BookingPlatform.start();
    });
    after(() => platform.close());

    const body = {
      timeZone: 'Europe/Paris',
      weekly: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '14:00', end: '18:30' },
        { weekday: 7, start: '20:00', end: '24:00' },
      ],
      exceptions: [
        { date: '2026-12-25', closed: true },
        { date: '2026-12-26', start: '10:00', end: '12:00' },
      ],
    };

    it('PUT answers 200 with the same body and GET returns it; the default is no hours in Europe/Paris', async () => {
      const expert = await setUpExpert(platform.http);
      const fresh = await setUpExpert(platform.http, { availability: { timeZone: 'Europe/Paris', weekly: [], exceptions: [] } });
      expect((await platform.http.get('/api/experts/me/availability', fresh.token)).body).to.deep.equal({
        timeZone: 'Europe/Paris',
        weekly: [],
        exceptions: [],
      });
      const put = await platform.http.put('/api/experts/me/availability', body, expert.token);
      expect(put.status).to.equal(200);
      expect(put.body).to.deep.equal(body);
      expect((await platform.http.get('/api/experts/me/availability', expert.token)).body).to.deep.equal(body);
    });

    const refusals: [string, object, string][] = [
      ['an unknown time zone', { ...body, timeZone: 'Europe/Atlantis' }, 'invalid_time_zone'],
      ['a UTC offset instead of a zone', { ...body, timeZone: '+01:00' }, 'invalid_time_zone'],
      ['weekday 0', { ...body, weekly: [{ weekday: 0, start: '09:00', end: '10:00' }] }, 'invalid_request'],
      ['weekday 8', { ...body, weekly: [{ weekday: 8, start: '09:00', end: '10:00' }] }, 'invalid_request'],
      ['an end before the start', { ...body, weekly: [{ weekday: 1, start: '10:00', end: '09:00' }] }, 'invalid_time_range'],
      ['24:00 as a start', { ...body, weekly: [{ weekday: 1, start: '24:00', end: '24:00' }] }, 'invalid_time'],
      ['a time of 9h', { ...body, weekly: [{ weekday: 1, start: '9:00', end: '10:00' }] }, 'invalid_time'],
      [
        'overlapping ranges',
        {
          ...body,
          weekly: [
            { weekday: 1, start: '09:00', end: '11:00' },
            { weekday: 1, start: '10:00', end: '12:00' },
          ],
        },
        'overlapping_hours',
      ],
      ['an impossible date', { ...body, exceptions: [{ date: '2026-02-30', closed: true }] }, 'invalid_date'],
      [
        'a date both closed and open',
        {
          ...body,
          exceptions: [
            { date: '2026-12-24', closed: true },
            { date: '2026-12-24', start: '10:00', end: '11:00' },
          ],
        },
        'conflicting_exceptions',
      ],
      ['closed: false', { ...body, exceptions: [{ date: '2026-12-24', closed: false }] }, 'invalid_request'],
      ['an unknown field', { ...body, weekly: [{ weekday: 1, start: '09:00', end: '10:00', note: 'x' }] }, 'invalid_request'],
    ];
    for (const [what, invalid, code] of refusals) {
      it(`refuses ${what}: 400 ${code}, and keeps the previous hours`, async () => {
        const expert = await setUpExpert(platform.http, { availability: body });
        const response = await platform.http.put('/api/experts/me/availability', invalid, expert.token);
        expect(response.status).to.equal(400);
        expect(response.body.error.code).to.equal(code);
        expect((await platform.http.get('/api/experts/me/availability', expert.token)).body).to.deep.equal(body);
      });
    }

    it('only experts have availability and presence (403 for a client)', async () => {
      const client = await signUpClient(platform.http);
      expect((await platform.http.put('/api/experts/me/availability', body, client.accessToken)).status).to.equal(403);
      expect((await platform.http.put('/api/experts/me/presence', { availableNow: true }, client.accessToken)).status).to.equal(403);
    });

    it('the "available now" switch shows on the public profile', async () => {
      const expert = await setUpExpert(platform.http);
      expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.availableNow).to.equal(false);
      const on = await platform.http.put('/api/experts/me/presence', { availableNow: true }, expert.token);
      expect(on.body).to.deep.equal({ availableNow: true });
      expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.availableNow).to.equal(true);
      await platform.http.put('/api/experts/me/presence', { availableNow: false }, expert.token);
      expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.availableNow).to.equal(false);
      expect((await platform.http.put('/api/experts/me/presence', { availableNow: 'yes' }, expert.token)).status).to.equal(400);
    });

    it('GET /api/experts/:slug/slots gives the free start times in UTC, without booked appointments', async () => {
      // The platform clock is Monday 2026-11-23 08:00 UTC (09:00 in Paris).
      const expert = await setUpExpert(platform.http, {
        availability: { timeZone: 'Europe/Paris', weekly: [{ weekday: 2, start: '09:00', end: '10:30' }], exceptions: [] },
      });
      const before = await platform.http.get(`/api/experts/${expert.slug}/slots?from=2026-11-23&days=2&minutes=30`);
      expect(before.status).to.equal(200);
      expect(before.body).to.deep.equal({
        timeZone: 'Europe/Paris',
        minutes: 30,
        slots: ['2026-11-24T08:00:00.000Z', '2026-11-24T08:15:00.000Z', '2026-11-24T08:30:00.000Z', '2026-11-24T08:45:00.000Z', '2026-11-24T09:00:00.000Z'],
      });
      const client = await setUpClient(platform.http);
      const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: '2026-11-24T08:30:00.000Z' }), client.token);
      expect(booked.status).to.equal(201);
      const after = await platform.http.get(`/api/experts/${expert.slug}/slots?from=2026-11-23&days=2&minutes=15`);
      expect(after.body.slots).to.deep.equal([
        '2026-11-24T08:00:00.000Z',
        '2026-11-24T08:15:00.000Z',
        '2026-11-24T08:45:00.000Z',
        '2026-11-24T09:00:00.000Z',
        '2026-11-24T09:15:00.000Z',
      ]);
      expect((await platform.http.get(`/api/experts/${expert.slug}/slots?from=2026-13-01`)).body.error.code).to.equal('invalid_date');
      expect((await platform.http.get(`/api/experts/${expert.slug}/slots?days=400`)).status).to.equal(400);
      expect((await platform.http.get(`/api/experts/nobody/slots`)).status).to.equal(404);
      // The booking and the slots agree: a time the page does not offer is refused.
      const outside = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: '2026-11-24T09:20:00.000Z' }), client.token);
      expect(outside.status).to.equal(400);
      expect(outside.body.error.code).to.equal('outside_availability');
    });
  });
});
