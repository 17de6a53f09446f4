/**
 * EXP-6 as the availability editor holds it (client/src/pages/expert/availability-model.ts):
 * painting and erasing ranges on the grid, copying a day, and the round trip to the API's body
 * with `24:00` kept. Pure functions, checked with examples and with fast-check.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  DAY_MINUTES,
  WORKDAYS,
  addRange,
  copyDay,
  emptyWeek,
  fromApi,
  normalise,
  rangeProblem,
  removeRange,
  toApi,
  type Range,
} from '../../client/src/pages/expert/availability-model.ts';

const range = fc
  .tuple(fc.integer({ min: 0, max: DAY_MINUTES / 15 - 1 }), fc.integer({ min: 1, max: DAY_MINUTES / 15 }))
  .map(([start, length]): Range => ({ start: start * 15, end: Math.min(DAY_MINUTES, (start + length) * 15) }));

const covers = (ranges: Range[], minute: number) => ranges.some((r) => r.start <= minute && minute < r.end);

describe('EXP-6 availability editor model', () => {
  it('paints and erases half-hours into sorted ranges that never overlap or touch', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), range), { maxLength: 12 }), (strokes) => {
        let day: Range[] = [];
        const open = new Set<number>();
        for (const [erase, stroke] of strokes) {
          day = erase ? removeRange(day, stroke) : addRange(day, stroke);
          for (let minute = stroke.start; minute < stroke.end; minute++) erase ? open.delete(minute) : open.add(minute);
        }
        expect(rangeProblem(day)).to.equal(undefined);
        for (let index = 1; index < day.length; index++) expect(day[index]!.start).to.be.greaterThan(day[index - 1]!.end);
        for (let minute = 0; minute < DAY_MINUTES; minute += 5) expect(covers(day, minute)).to.equal(open.has(minute));
      }),
    );
  });

  it('says what is wrong with ranges typed in the list: an end before its start, or an overlap', () => {
    expect(rangeProblem([{ start: 600, end: 540 }])).to.deep.equal({ index: 0, kind: 'order' });
    expect(
      rangeProblem([
        { start: 540, end: 720 },
        { start: 700, end: 800 },
      ]),
    ).to.deep.equal({ index: 1, kind: 'overlap' });
    expect(
      rangeProblem([
        { start: 540, end: 720 },
        { start: 720, end: 800 },
      ]),
    ).to.equal(undefined);
    expect(
      normalise([
        { start: 720, end: 800 },
        { start: 540, end: 720 },
      ]),
    ).to.deep.equal([{ start: 540, end: 800 }]);
  });

  it('copies Monday to the weekdays as separate copies, and round-trips the API body with 24:00 and dated exceptions', () => {
    const week = emptyWeek();
    week[1] = [{ start: 9 * 60, end: 18 * 60 }];
    week[6] = [{ start: 20 * 60, end: DAY_MINUTES }];
    const copied = copyDay(week, 1, WORKDAYS);
    copied[2][0]!.end = 17 * 60;
    expect(copied[1]).to.deep.equal([{ start: 540, end: 1080 }]);
    const body = toApi({
      timeZone: 'Europe/Paris',
      week: copied,
      exceptions: [
        {
          date: '2030-12-24',
          closed: false,
          ranges: [
            { start: 600, end: 660 },
            { start: 840, end: 900 },
          ],
        },
        { date: '2030-12-25', closed: true },
      ],
    });
    expect(body.weekly).to.deep.equal([
      { weekday: 1, start: '09:00', end: '18:00' },
      { weekday: 2, start: '09:00', end: '17:00' },
      { weekday: 3, start: '09:00', end: '18:00' },
      { weekday: 4, start: '09:00', end: '18:00' },
      { weekday: 5, start: '09:00', end: '18:00' },
      { weekday: 6, start: '20:00', end: '24:00' },
    ]);
    expect(body.exceptions).to.deep.equal([
      { date: '2030-12-24', start: '10:00', end: '11:00' },
      { date: '2030-12-24', start: '14:00', end: '15:00' },
      { date: '2030-12-25', closed: true },
    ]);
    expect(toApi(fromApi(body))).to.deep.equal(body);
  });
});
