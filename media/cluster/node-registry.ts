import type { Queryable } from '../../server/platform/database.ts';
import { AppError } from '../../server/platform/errors.ts';

/** A media node heart-beats this often (its row's `heartbeat_at`, on the database's clock). */
export const HEARTBEAT_INTERVAL_MS = 2_000;
/** A media node silent this long is dead: three heartbeats missed. */
export const NODE_DEAD_AFTER_MS = 6_000;
/** Placement picks at random among this many least-loaded live nodes: no herd on one node between heartbeats. */
const PLACEMENT_CHOICES = 3;

export interface MediaNodeAddress {
  nodeId: string;
  signalingUrl: string;
}

/** The SQL test of a live node, on the database's clock (every node agrees on it). */
const LIVE = (alias: string) => `${alias}.swept_at IS NULL AND ${alias}.heartbeat_at > now() - make_interval(secs => ${NODE_DEAD_AFTER_MS / 1000})`;

/** A media node enters (or re-enters after a restart) the registry; a restart is a new life. */
export async function registerMediaNode(db: Queryable, node: { nodeId: string; signalingUrl: string; capacity: number }): Promise<void> {
  await db.query(
    `INSERT INTO media_nodes (id, signaling_url, capacity, load, heartbeat_at, started_at) VALUES ($1, $2, $3, 0, now(), now())
     ON CONFLICT (id) DO UPDATE SET signaling_url = EXCLUDED.signaling_url, capacity = EXCLUDED.capacity, load = 0,
       heartbeat_at = now(), started_at = now(), swept_at = NULL`,
    [node.nodeId, node.signalingUrl, node.capacity],
  );
}

/** Returns false when another node found this one dead meanwhile (it was swept: its live consultations ended). */
export async function heartbeat(db: Queryable, nodeId: string, load: number): Promise<boolean> {
  const rows = await db.query<{ swept: boolean }>(
    `UPDATE media_nodes SET heartbeat_at = now(), load = $2, swept_at = NULL WHERE id = $1 RETURNING (SELECT swept_at IS NOT NULL FROM media_nodes WHERE id = $1) AS swept`,
    [nodeId, load],
  );
  return rows[0] !== undefined && !rows[0].swept;
}

/** A node stopping cleanly leaves at once instead of being found dead 6 s later. */
export async function deregisterMediaNode(db: Queryable, nodeId: string): Promise<void> {
  await db.query(`UPDATE media_nodes SET heartbeat_at = now() - make_interval(secs => ${NODE_DEAD_AFTER_MS / 1000}) WHERE id = $1`, [nodeId]);
}

/**
 * MEDIA-1: the node of a consultation's room. The first join places it with one conditional write
 * (an INSERT whose conflict keeps the existing placement while its node lives), so both parties,
 * whichever API node they asked, get the same node. A room whose node died before the
 * consultation went live is placed again; a live one stays (its node's death ends it, MEDIA-4).
 * The chosen node's load goes up at once, so the next placements see it before its heartbeat.
 */
export async function placeRoom(db: Queryable, consultationId: string): Promise<MediaNodeAddress> {
  await db.query(
    `WITH chosen AS (
       SELECT id FROM (SELECT id FROM media_nodes n WHERE ${LIVE('n')} AND n.load < n.capacity
                        ORDER BY n.load::float8 / n.capacity, n.id LIMIT ${PLACEMENT_CHOICES}) best
        ORDER BY random() LIMIT 1
     ), placed AS (
       INSERT INTO video_rooms (consultation_id, media_node_id, placed_at) SELECT $1, id, now() FROM chosen
       ON CONFLICT (consultation_id) DO UPDATE SET media_node_id = EXCLUDED.media_node_id, placed_at = EXCLUDED.placed_at
        WHERE NOT EXISTS (SELECT 1 FROM media_nodes n WHERE n.id = video_rooms.media_node_id AND ${LIVE('n')})
          AND NOT EXISTS (SELECT 1 FROM consultations c WHERE c.id = video_rooms.consultation_id AND c.status = 'live')
       RETURNING media_node_id
     )
     UPDATE media_nodes SET load = load + 1 WHERE id IN (SELECT media_node_id FROM placed)`,
    [consultationId],
  );
  const [row] = await db.query<{ media_node_id: string; signaling_url: string }>(
    'SELECT r.media_node_id, n.signaling_url FROM video_rooms r JOIN media_nodes n ON n.id = r.media_node_id WHERE r.consultation_id = $1',
    [consultationId],
  );
  if (!row) throw mediaUnavailable();
  return { nodeId: row.media_node_id, signalingUrl: row.signaling_url };
}

/** MEDIA-5: a device check goes to a live node (least loaded, at random among the best); nothing is written. */
export async function pickProbeNode(db: Queryable): Promise<MediaNodeAddress> {
  const [row] = await db.query<{ id: string; signaling_url: string }>(
    `SELECT id, signaling_url FROM (SELECT id, signaling_url FROM media_nodes n WHERE ${LIVE('n')}
       ORDER BY n.load::float8 / n.capacity, n.id LIMIT ${PLACEMENT_CHOICES}) best ORDER BY random() LIMIT 1`,
  );
  if (!row) throw mediaUnavailable();
  return { nodeId: row.id, signalingUrl: row.signaling_url };
}

/** Whether the room of this consultation is (still) placed on this node. */
export async function roomIsOn(db: Queryable, consultationId: string, nodeId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM video_rooms WHERE consultation_id = $1 AND media_node_id = $2', [consultationId, nodeId]);
  return rows.length > 0;
}

export async function liveMediaNodeCount(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM media_nodes n WHERE ${LIVE('n')}`);
  return row?.count ?? 0;
}

function mediaUnavailable(): AppError {
  return new AppError(503, 'media_unavailable', 'No video node is available right now; try again in a few seconds.');
}
