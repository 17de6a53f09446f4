/**
 * bench meter: SPEC §13 "10 000 concurrent live consultations metered by one process with less
 * than 5 % of one core" and "the consultation ends within 2 s after the budget is exhausted
 * (p99)". The real Meter (server/metering/meter.ts) on the system clock and real timers; a
 * driver replays random joins, drops, reconnections and hang-ups from one sorted schedule (one
 * timer for the driver too), and each cap signal is compared with the instant the bench itself
 * computes the budget ran out. The driver's own cost is measured alone first and subtracted.
 *
 * Run alone: `node --import tsx bench/meter.ts [consultations] [seconds]`.
 */
import { fileURLToPath } from 'node:url';
import { Meter, type MeterSignal, type Party } from '../server/metering/meter.ts';
import { systemClock } from '../server/platform/clock.ts';

const TARGET_CPU_SHARE = 0.05;
const TARGET_P99_LATENESS_MS = 2000;
const DEFAULT_CONSULTATIONS = 10_000;
/** Wall time of one run; both runs together stay under a minute. */
const DEFAULT_RUN_SECONDS = 24;
/** The driver applies due events this often (one timer, whatever the count). */
const DRIVER_TICK_MS = 20;
/** Parties join within this long after the start. */
const JOIN_SPREAD_MS = 3000;
/** Share of consultations where one party's line drops once, and of those that never come back. */
const DROP_SHARE = 0.3;
const HANG_UP_SHARE = 0.1;

type Event = { atMs: number; consultation: number; kind: 'connect' | 'disconnect' | 'hang_up'; party: Party };

interface Truth {
  maxMs: number;
  present: Set<Party>;
  accumulatedMs: number;
  runningSinceMs: number | null;
  open: boolean;
}

interface RunFigures {
  wallMs: number;
  cpuMs: number;
  caps: number;
  graces: number;
  hangUps: number;
  latenessMs: number[];
  peakLive: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so two runs replay the same schedule. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Caps fall in the second half of the run, so that all consultations are live together first. */
function schedule(consultations: number, runMs: number): { maxSeconds: number[]; events: Event[] } {
  const next = random(20261123);
  const maxSeconds: number[] = [];
  const events: Event[] = [];
  const capWindowStartS = Math.floor(runMs / 2000);
  const capWindowS = Math.max(1, Math.floor(runMs / 1000) - capWindowStartS - 4);
  for (let consultation = 0; consultation < consultations; consultation++) {
    maxSeconds.push(capWindowStartS + Math.floor(next() * capWindowS));
    events.push({ atMs: next() * JOIN_SPREAD_MS, consultation, kind: 'connect', party: 'expert' });
    events.push({ atMs: next() * JOIN_SPREAD_MS, consultation, kind: 'connect', party: 'client' });
    const roll = next();
    if (roll < DROP_SHARE) {
      const party: Party = next() < 0.5 ? 'expert' : 'client';
      const dropAtMs = JOIN_SPREAD_MS + next() * (runMs / 3);
      events.push({ atMs: dropAtMs, consultation, kind: 'disconnect', party });
      // Back within the 120 s grace, after a pause the cap has to account for.
      events.push({ atMs: dropAtMs + 500 + next() * 3000, consultation, kind: 'connect', party });
    } else if (roll < DROP_SHARE + HANG_UP_SHARE) {
      events.push({ atMs: JOIN_SPREAD_MS + next() * (runMs / 2), consultation, kind: 'hang_up', party: 'client' });
    }
  }
  events.sort((a, b) => a.atMs - b.atMs);
  return { maxSeconds, events };
}

async function run(consultations: number, runMs: number, withMeter: boolean): Promise<RunFigures> {
  const { maxSeconds, events } = schedule(consultations, runMs);
  const ids = Array.from({ length: consultations }, (_, index) => `c${index}`);
  const truths: Truth[] = maxSeconds.map((seconds) => ({ maxMs: seconds * 1000, present: new Set(), accumulatedMs: 0, runningSinceMs: null, open: true }));
  const figures: RunFigures = { wallMs: 0, cpuMs: 0, caps: 0, graces: 0, hangUps: 0, latenessMs: [], peakLive: 0 };
  const onSignal = (signal: MeterSignal) => {
    const nowMs = Date.now();
    const index = Number(signal.consultationId.slice(1));
    const truth = truths[index]!;
    if (signal.kind === 'cap_reached') {
      figures.caps++;
      const dueMs = truth.runningSinceMs! + truth.maxMs - truth.accumulatedMs;
      figures.latenessMs.push(nowMs - dueMs);
      truth.open = false;
    } else if (signal.kind === 'grace_expired') {
      figures.graces++;
      truth.open = false;
    }
  };
  const meter = withMeter ? new Meter({ clock: systemClock, onSignal }) : undefined;
  for (let index = 0; index < consultations; index++) meter?.open(ids[index]!, maxSeconds[index]!);
  figures.peakLive = meter?.liveCount ?? consultations;

  const cpuBefore = process.cpuUsage();
  const startMs = Date.now();
  let cursor = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsedMs = Date.now() - startMs;
      while (cursor < events.length && events[cursor]!.atMs <= elapsedMs) {
        const event = events[cursor++]!;
        const truth = truths[event.consultation]!;
        if (!truth.open) continue;
        const nowMs = Date.now();
        const id = ids[event.consultation]!;
        if (event.kind === 'hang_up') {
          truth.open = false;
          figures.hangUps++;
          meter?.close(id);
        } else if (event.kind === 'connect') {
          if (truth.present.has(event.party)) continue;
          truth.present.add(event.party);
          if (truth.present.size === 2) truth.runningSinceMs = nowMs;
          meter?.connect(id, event.party);
        } else {
          if (!truth.present.has(event.party)) continue;
          truth.present.delete(event.party);
          if (truth.runningSinceMs !== null) truth.accumulatedMs += nowMs - truth.runningSinceMs;
          truth.runningSinceMs = null;
          meter?.disconnect(id, event.party);
        }
      }
      if (elapsedMs >= runMs) resolve();
      else setTimeout(tick, DRIVER_TICK_MS);
    };
    tick();
  });
  const cpu = process.cpuUsage(cpuBefore);
  figures.wallMs = Date.now() - startMs;
  figures.cpuMs = (cpu.user + cpu.system) / 1000;
  for (const id of ids) meter?.close(id);
  return figures;
}

function percentile(values: number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

export async function runMeterBench(consultations = DEFAULT_CONSULTATIONS, runSeconds = DEFAULT_RUN_SECONDS): Promise<void> {
  const runMs = runSeconds * 1000;
  console.log(`\n## meter: ${consultations} concurrent live consultations, real Meter and timers, ${runSeconds} s of wall time per run`);
  const driver = await run(consultations, runMs, false);
  const metered = await run(consultations, runMs, true);
  const share = (figures: RunFigures) => figures.cpuMs / figures.wallMs;
  const meterShare = Math.max(0, share(metered) - share(driver));
  const p50 = percentile(metered.latenessMs, 0.5);
  const p99 = percentile(metered.latenessMs, 0.99);
  const max = percentile(metered.latenessMs, 1);
  console.log(`  live at once: ${metered.peakLive}; caps enforced: ${metered.caps}; hang-ups: ${metered.hangUps}; grace expiries: ${metered.graces}`);
  console.log(
    `  CPU per second of wall time: driver alone ${(share(driver) * 100).toFixed(2)} % of a core, driver + meter ${(share(metered) * 100).toFixed(2)} %`,
  );
  console.log(
    `  meter's own CPU: ${(meterShare * 100).toFixed(2)} % of one core (goal < ${TARGET_CPU_SHARE * 100} %): ${meterShare < TARGET_CPU_SHARE ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  cap lateness (signal − budget exhausted): p50 ${p50} ms, p99 ${p99} ms, max ${max} ms (goal p99 < ${TARGET_P99_LATENESS_MS} ms): ${p99 < TARGET_P99_LATENESS_MS ? 'met' : 'NOT met'}`,
  );
  const missing = consultations - metered.caps - metered.hangUps - metered.graces;
  if (missing > 0) console.log(`  note: ${missing} consultations still live at the end of the run (cap after the window)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const consultations = Number(process.argv[2] ?? DEFAULT_CONSULTATIONS);
  const seconds = Number(process.argv[3] ?? DEFAULT_RUN_SECONDS);
  await runMeterBench(consultations, seconds);
}
