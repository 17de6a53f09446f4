import type { Queryable } from '../platform/database.ts';

/**
 * EXP-6: the writes of one expert's reserved time take turns, until commit. Racing inserts judged
 * by the exclusion constraint alone wait on each other's uncommitted rows, in cycles PostgreSQL
 * breaks one per `deadlock_timeout` (1 s): 50 clients racing for one slot took minutes, the losers
 * retried into new cycles. Taking turns, each later writer sees the committed booking and is
 * refused at once (slot_taken). Called first in the transaction, before any row lock.
 */
export async function lockExpertAgenda(tx: Queryable, expertId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`expert-agenda:${expertId}`]);
}
