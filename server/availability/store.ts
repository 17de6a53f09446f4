import type { Queryable } from '../platform/database.ts';
import { emptyAvailability, type Availability, type Interval } from './schedule.ts';

export async function readAvailability(db: Queryable, expertId: string): Promise<Availability> {
  const [row] = await db.query<{ time_zone: string; weekly: Availability['weekly']; exceptions: Availability['exceptions'] }>(
    'SELECT time_zone, weekly, exceptions FROM expert_availability WHERE expert_id = $1',
    [expertId],
  );
  return row ? { timeZone: row.time_zone, weekly: row.weekly, exceptions: row.exceptions } : emptyAvailability();
}

export async function writeAvailability(db: Queryable, expertId: string, availability: Availability, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO expert_availability (expert_id, time_zone, weekly, exceptions, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (expert_id) DO UPDATE SET time_zone = $2, weekly = $3, exceptions = $4, updated_at = $5`,
    [expertId, availability.timeZone, JSON.stringify(availability.weekly), JSON.stringify(availability.exceptions), at],
  );
}

/** The appointments that hold the expert's time between two instants (EXP-6: they never overlap). */
export async function bookedIntervals(db: Queryable, expertId: string, from: Date, to: Date): Promise<Interval[]> {
  const rows = await db.query<{ start_ms: number; end_ms: number }>(
    `SELECT (extract(epoch FROM lower(reserved_during)) * 1000)::bigint AS start_ms, (extract(epoch FROM upper(reserved_during)) * 1000)::bigint AS end_ms
       FROM consultations
      WHERE expert_id = $1 AND status IN ('scheduled', 'live') AND reserved_during && tstzrange($2, $3)`,
    [expertId, from, to],
  );
  return rows.map((row) => ({ startMs: Number(row.start_ms), endMs: Number(row.end_ms) }));
}
