import type { Database } from '../../server/platform/database.ts';
import type { Logger } from '../../server/platform/logger.ts';
import type { ConsultationStateMachine } from '../../server/bookings/state-machine.ts';
import { NODE_DEAD_AFTER_MS } from './node-registry.ts';

/** Every node looks for dead media nodes this often: found within 6 s + 2 s, ended and settled before 10 s. */
export const SWEEP_INTERVAL_MS = 2_000;
/** A node swept this long ago with consultations still live: its sweeper died mid-way; anyone finishes. */
const UNFINISHED_SWEEP_AFTER_MS = 20_000;

/**
 * MEDIA-4 across nodes: a media node that stopped heart-beating has lost its rooms and meters.
 * One surviving node (whichever marks the node's row first: a conditional UPDATE, so once) ends
 * each of its live video consultations for the connected seconds of its last checkpoint and
 * settles it (PAY-2). A sweeper that dies half-way is finished by another later; ending twice is
 * harmless (the state machine and the settlement are idempotent).
 */
export class DeadMediaNodeSweeper {
  readonly #db: Database;
  readonly #consultations: ConsultationStateMachine;
  readonly #logger: Logger;
  readonly #nodeId: string;
  readonly #onEnded: (event: { consultationId: string; nodeId: string; connectedSeconds: number }) => void;

  constructor(deps: {
    db: Database;
    consultations: ConsultationStateMachine;
    logger: Logger;
    /** This node: never swept by itself (a node able to sweep is alive; a stall delays both timers). */
    nodeId: string;
    onEnded?: (event: { consultationId: string; nodeId: string; connectedSeconds: number }) => void;
  }) {
    this.#db = deps.db;
    this.#consultations = deps.consultations;
    this.#logger = deps.logger;
    this.#nodeId = deps.nodeId;
    this.#onEnded = deps.onEnded ?? (() => undefined);
  }

  /** One round; returns how many consultations it ended. */
  async sweep(): Promise<number> {
    const claimed = await this.#db.query<{ id: string }>(
      `UPDATE media_nodes SET swept_at = now()
        WHERE swept_at IS NULL AND id <> $1 AND heartbeat_at <= now() - make_interval(secs => ${NODE_DEAD_AFTER_MS / 1000}) RETURNING id`,
      [this.#nodeId],
    );
    for (const { id } of claimed) this.#logger.warn({ mediaNodeId: id }, 'media node stopped heart-beating: ending its consultations');
    const orphans = await this.#db.query<{ id: string; connected_seconds: number; media_node_id: string }>(
      `SELECT c.id, c.connected_seconds, r.media_node_id FROM consultations c
         JOIN video_rooms r ON r.consultation_id = c.id JOIN media_nodes n ON n.id = r.media_node_id
        WHERE c.status = 'live' AND c.mode = 'video'
          AND (n.id = ANY($1::text[]) OR (n.id <> $2 AND n.swept_at <= now() - make_interval(secs => ${UNFINISHED_SWEEP_AFTER_MS / 1000})))`,
      [claimed.map((row) => row.id), this.#nodeId],
    );
    let ended = 0;
    for (const orphan of orphans) {
      try {
        await this.#consultations.endConsultation(orphan.id, { connectedSeconds: orphan.connected_seconds, reason: 'platform' });
        ended += 1;
        this.#onEnded({ consultationId: orphan.id, nodeId: orphan.media_node_id, connectedSeconds: orphan.connected_seconds });
      } catch (error) {
        this.#logger.error({ err: error, consultationId: orphan.id }, 'ending a video consultation of a dead media node failed');
      }
    }
    return ended;
  }
}
