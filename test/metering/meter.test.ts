import { expect } from 'chai';
import fc from 'fast-check';
import { ManualClock } from '../../server/platform/clock.ts';
import { Meter, type MeterSignal } from '../../server/metering/meter.ts';
import { DeadlineQueue, type Timers } from '../../server/metering/deadline-queue.ts';

/** Timers that never fire by themselves: the test moves the clock and calls runDue. */
const manualTimers: Timers = { setTimeout: () => ({}), clearTimeout: () => undefined };

function meterWithClock() {
  const clock = new ManualClock('2026-11-23T10:00:00Z');
  const signals: MeterSignal[] = [];
  const meter = new Meter({ clock, timers: manualTimers, onSignal: (signal) => signals.push(signal) });
  const advanceSeconds = (seconds: number) => {
    clock.advance(seconds * 1000);
    meter.runDue();
  };
  return { clock, meter, signals, advanceSeconds };
}

describe('BILL-4 connected time', () => {
  it('runs only while both parties are connected', () => {
    const { meter, advanceSeconds } = meterWithClock();
    meter.open('c', 600);
    meter.connect('c', 'expert');
    advanceSeconds(30);
    expect(meter.reading('c')!.connectedSeconds).to.equal(0);
    meter.connect('c', 'client');
    advanceSeconds(100);
    expect(meter.reading('c')).to.deep.include({ connectedSeconds: 100, running: true });
    meter.disconnect('c', 'client');
    advanceSeconds(50);
    expect(meter.reading('c')).to.deep.include({ connectedSeconds: 100, running: false });
    meter.connect('c', 'client');
    advanceSeconds(20);
    expect(meter.close('c')).to.equal(120);
  });

  it('a drop noticed late is dated when it happened, never before the run began nor in the future', () => {
    const { clock, meter, advanceSeconds } = meterWithClock();
    meter.open('c', 3000);
    meter.connect('c', 'expert');
    meter.connect('c', 'client');
    advanceSeconds(60);
    // The SFU saw the client's media stop 1.5 s ago.
    meter.disconnect('c', 'client', clock.now().getTime() - 1500);
    expect(meter.reading('c')).to.deep.include({ connectedSeconds: 58, running: false });
    meter.connect('c', 'client');
    advanceSeconds(10);
    meter.disconnect('c', 'client', clock.now().getTime() - 3_600_000);
    meter.connect('c', 'client');
    advanceSeconds(5);
    meter.disconnect('c', 'client', clock.now().getTime() + 60_000);
    expect(meter.close('c')).to.equal(63);
  });

  it('a party back within 120 s: the gap is not billed and the consultation goes on', () => {
    const { meter, signals, advanceSeconds } = meterWithClock();
    meter.open('c', 3000);
    meter.connect('c', 'expert');
    meter.connect('c', 'client');
    advanceSeconds(60);
    meter.disconnect('c', 'expert');
    advanceSeconds(119);
    meter.connect('c', 'expert');
    advanceSeconds(60);
    expect(signals).to.deep.equal([]);
    expect(meter.close('c')).to.equal(120);
  });

  it('a party not back within 120 s ends the consultation, billed for the time before the drop', () => {
    const { meter, signals, advanceSeconds } = meterWithClock();
    meter.open('c', 3000);
    meter.connect('c', 'expert');
    meter.connect('c', 'client');
    advanceSeconds(75);
    meter.disconnect('c', 'client');
    advanceSeconds(119);
    expect(signals).to.deep.equal([]);
    advanceSeconds(1);
    expect(signals).to.deep.equal([{ kind: 'grace_expired', consultationId: 'c', connectedSeconds: 75 }]);
    expect(meter.reading('c')).to.equal(undefined);
  });

  it('before both parties ever met there is no grace period (the no-show rules decide, BOOK-5)', () => {
    const { meter, signals, advanceSeconds } = meterWithClock();
    meter.open('c', 600);
    meter.connect('c', 'expert');
    meter.disconnect('c', 'expert');
    advanceSeconds(600);
    expect(signals).to.deep.equal([]);
  });
});

describe('BILL-3 budget cap', () => {
  it('warns 60 s before the cap and ends at the cap, exactly at the maximum duration', () => {
    const { meter, signals, advanceSeconds } = meterWithClock();
    meter.open('c', 900);
    meter.connect('c', 'client');
    meter.connect('c', 'expert');
    advanceSeconds(839);
    expect(signals).to.deep.equal([]);
    advanceSeconds(1);
    expect(signals).to.deep.equal([{ kind: 'budget_warning', consultationId: 'c', secondsLeft: 60, atStart: false }]);
    advanceSeconds(59);
    expect(signals).to.have.length(1);
    advanceSeconds(1);
    expect(signals[1]).to.deep.equal({ kind: 'cap_reached', consultationId: 'c', connectedSeconds: 900 });
  });

  it('counts only connected time towards the cap, across pauses', () => {
    const { meter, signals, advanceSeconds } = meterWithClock();
    meter.open('c', 120);
    meter.connect('c', 'client');
    meter.connect('c', 'expert');
    advanceSeconds(50);
    meter.disconnect('c', 'expert');
    advanceSeconds(100);
    meter.connect('c', 'expert');
    advanceSeconds(69);
    expect(signals.map((signal) => signal.kind)).to.deep.equal(['budget_warning']);
    advanceSeconds(1);
    expect(signals[1]).to.deep.equal({ kind: 'cap_reached', consultationId: 'c', connectedSeconds: 120 });
  });

  it('BILL-3 as amended: a budget or package of 60 s or less is warned at the start, saying how long it can last', () => {
    for (const maxSeconds of [60, 45, 1]) {
      const { meter, signals, advanceSeconds } = meterWithClock();
      meter.open('c', maxSeconds);
      meter.connect('c', 'client');
      meter.connect('c', 'expert');
      advanceSeconds(0);
      expect(signals, `${maxSeconds} s`).to.deep.equal([{ kind: 'budget_warning', consultationId: 'c', secondsLeft: maxSeconds, atStart: true }]);
      advanceSeconds(maxSeconds - 1);
      expect(signals, `${maxSeconds} s`).to.have.length(1);
      advanceSeconds(1);
      expect(signals[1], `${maxSeconds} s`).to.deep.equal({ kind: 'cap_reached', consultationId: 'c', connectedSeconds: maxSeconds });
    }
  });

  it('61 s are warned 1 s after the start, not at it, and never twice', () => {
    const { meter, signals, advanceSeconds } = meterWithClock();
    meter.open('c', 61);
    meter.connect('c', 'client');
    meter.connect('c', 'expert');
    advanceSeconds(0);
    expect(signals).to.deep.equal([]);
    advanceSeconds(1);
    expect(signals).to.deep.equal([{ kind: 'budget_warning', consultationId: 'c', secondsLeft: 60, atStart: false }]);
    meter.disconnect('c', 'client');
    advanceSeconds(10);
    meter.connect('c', 'client');
    advanceSeconds(60);
    expect(signals.map((signal) => signal.kind)).to.deep.equal(['budget_warning', 'cap_reached']);
  });

  it('connected seconds never exceed the maximum, whatever the events (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(
          fc.record({ party: fc.constantFrom('expert' as const, 'client' as const), connect: fc.boolean(), afterSeconds: fc.integer({ min: 0, max: 400 }) }),
          { maxLength: 40 },
        ),
        (maxSeconds, events) => {
          const { meter, signals, advanceSeconds } = meterWithClock();
          meter.open('c', maxSeconds);
          for (const event of events) {
            advanceSeconds(event.afterSeconds);
            if (event.connect) meter.connect('c', event.party);
            else meter.disconnect('c', event.party);
          }
          const billed = meter.reading('c') ? meter.close('c') : (signals.at(-1) as { connectedSeconds: number }).connectedSeconds;
          expect(billed).to.be.within(0, maxSeconds);
          expect(signals.filter((signal) => signal.kind !== 'budget_warning')).to.have.length.at.most(1);
          expect(signals.filter((signal) => signal.kind === 'budget_warning')).to.have.length.at.most(1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('deadline queue', () => {
  it('fires deadlines in time order, once, and honours rescheduling and cancelling', () => {
    let nowMs = 0;
    const fired: string[] = [];
    const queue = new DeadlineQueue({ now: () => nowMs, timers: manualTimers, onDue: (key) => fired.push(key) });
    queue.schedule('b', 200);
    queue.schedule('a', 100);
    queue.schedule('c', 300);
    queue.schedule('b', 400);
    queue.cancel('c');
    nowMs = 1000;
    queue.runDue();
    expect(fired).to.deep.equal(['a', 'b']);
    expect(queue.size).to.equal(0);
  });

  it('keeps a single process timer armed for the earliest deadline', () => {
    const armed = new Set<number>();
    let nextHandle = 0;
    const timers: Timers = {
      setTimeout: () => {
        armed.add(++nextHandle);
        return nextHandle;
      },
      clearTimeout: (handle) => armed.delete(handle as number),
    };
    const queue = new DeadlineQueue({ now: () => 0, timers, onDue: () => undefined });
    for (let index = 0; index < 1000; index++) queue.schedule(`k${index}`, 10_000 - index);
    expect(armed.size).to.equal(1);
  });
});
