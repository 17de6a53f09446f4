import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { SignalingClient, immediateVideoConsultation, waitFor } from '../media/support.ts';
import { registerMediaNode, placeRoom, NODE_DEAD_AFTER_MS } from '../../media/cluster/node-registry.ts';
import { DeadMediaNodeSweeper } from '../../media/cluster/dead-node-sweeper.ts';
import { settleConsultation } from '../../server/billing/index.ts';
import { createLogger } from '../../server/platform/logger.ts';

/** Scale out (issue 15): the media node registry, room placement and the dead-node sweep, on the test database (PGlite or a server). */
describe('MEDIA-1 MEDIA-4 media nodes: placement by one conditional write, a dead node’s consultations settled once', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform({ environment: { NODE_ID: 'node-under-test', MEDIA_CAPACITY: '1000' } });
    // The test platform is a live media node itself; three more, as other processes would register.
    for (const nodeId of ['media-a', 'media-b', 'media-c']) {
      await registerMediaNode(platform.db, { nodeId, signalingUrl: `ws://127.0.0.1:1/media/nodes/${nodeId}/ws`, capacity: 1000 });
      alive.add(nodeId);
    }
    // Their heartbeats, as their processes would send them (the load is left to placement).
    beating = setInterval(() => {
      void platform.db.query(`UPDATE media_nodes SET heartbeat_at = now() WHERE id = ANY($1::text[])`, [[...alive]]).catch(() => undefined);
    }, 1000);
  });
  after(async () => {
    clearInterval(beating);
    await platform.close();
  });

  const alive = new Set<string>();
  let beating: NodeJS.Timeout;
  const kill = async (nodeId: string) => {
    alive.delete(nodeId);
    await platform.db.query(`UPDATE media_nodes SET heartbeat_at = now() - make_interval(secs => $2) WHERE id = $1`, [nodeId, NODE_DEAD_AFTER_MS / 1000 + 1]);
  };
  const revive = async (nodeId: string) => {
    await platform.db.query(`UPDATE media_nodes SET heartbeat_at = now(), swept_at = NULL WHERE id = $1`, [nodeId]);
    alive.add(nodeId);
  };

  it('both parties, asking through the API at once, get the same node and its signaling URL in their token answers', async () => {
    const { consultationId, expert, client } = await immediateVideoConsultation(platform.http);
    const [fromExpert, fromClient] = await Promise.all([
      platform.http.post(`/api/consultations/${consultationId}/join-token`, undefined, expert.token),
      platform.http.post(`/api/consultations/${consultationId}/join-token`, undefined, client.token),
    ]);
    expect(fromExpert.status).to.equal(200);
    expect(fromClient.body.signalingUrl).to.equal(fromExpert.body.signalingUrl);
    const rows = await platform.db.query<{ media_node_id: string }>('SELECT media_node_id FROM video_rooms WHERE consultation_id = $1', [consultationId]);
    expect(rows).to.have.length(1);
    expect(fromExpert.body.signalingUrl).to.match(/^(ws:\/\/|\/)/);
  });

  it('spreads rooms over the least-loaded live nodes, never a dead one, and places again a room whose node died before it went live', async () => {
    await kill('media-c');
    const ids: string[] = [];
    for (let index = 0; index < 12; index++) ids.push((await immediateVideoConsultation(platform.http)).consultationId);
    const placed = await Promise.all(ids.map((id) => placeRoom(platform.db, id)));
    const perNode = new Map<string, number>();
    for (const node of placed) perNode.set(node.nodeId, (perNode.get(node.nodeId) ?? 0) + 1);
    expect(perNode.has('media-c'), 'a dead node').to.equal(false);
    expect(perNode.size, `rooms per node: ${JSON.stringify([...perNode])}`).to.be.at.least(2);
    // Its node dies before anyone joined: the next join places it elsewhere.
    const first = placed[0]!;
    await kill(first.nodeId);
    const again = await placeRoom(platform.db, ids[0]!);
    expect(again.nodeId).to.not.equal(first.nodeId);
    await revive(first.nodeId);
    await revive('media-c');
  });

  it('a live consultation stays on its node; when that node dies, a survivor ends it at its checkpoint and it is settled exactly once', async () => {
    const { consultationId } = await immediateVideoConsultation(platform.http, { ratePerMinuteCents: 300, budgetCents: 600 });
    await platform.db.query(`INSERT INTO video_rooms (consultation_id, media_node_id, placed_at) VALUES ($1, 'media-b', now())`, [consultationId]);
    await platform.services.consultations.markPartyJoined(consultationId, 'client');
    await platform.services.consultations.markPartyJoined(consultationId, 'expert');
    // media-b's last checkpoint.
    await platform.db.query(`UPDATE consultations SET connected_seconds = 37 WHERE id = $1`, [consultationId]);
    await kill('media-b');
    expect((await placeRoom(platform.db, consultationId)).nodeId, 'a live room is not moved').to.equal('media-b');

    const logger = createLogger('silent');
    const sweepers = ['survivor-1', 'survivor-2'].map(
      (nodeId) => new DeadMediaNodeSweeper({ db: platform.db, consultations: platform.services.consultations, logger, nodeId }),
    );
    // Two sweepers at once (and the platform's own, every 2 s): one claims the node, the end happens once.
    const ended = await Promise.all(sweepers.map((sweeper) => sweeper.sweep()));
    expect(ended.reduce((sum, count) => sum + count, 0)).to.be.at.most(1);
    await waitFor(
      async () => {
        const rows = await platform.db.query<{ status: string }>(`SELECT s.status FROM settlements s WHERE s.consultation_id = $1`, [consultationId]);
        return rows[0]?.status === 'settled' || undefined;
      },
      10_000,
      'settled',
    );
    const [row] = await platform.db.query<{ status: string; end_reason: string; connected_seconds: number }>(
      'SELECT status, end_reason, connected_seconds FROM consultations WHERE id = $1',
      [consultationId],
    );
    expect(row).to.deep.equal({ status: 'ended', end_reason: 'platform', connected_seconds: 37 });
    const settlements = await platform.db.query<{ charge_cents: number }>('SELECT charge_cents FROM settlements WHERE consultation_id = $1', [consultationId]);
    expect(settlements).to.have.length(1);
    const terms = {
      pricing: 'free_rate',
      mode: 'video',
      ratePerMinuteCents: 300,
      surchargePerMinuteCents: 0,
      feePerMinuteCents: 15,
      discountPercent: 0,
      budgetCents: 600,
    } as const;
    expect(settlements[0]!.charge_cents).to.equal(settleConsultation(terms, 37).chargeCents);
    // Sweeping again finds nothing; the ledger balances.
    expect(await sweepers[0]!.sweep()).to.equal(0);
    const [sum] = await platform.db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0)::int AS total FROM ledger_postings');
    expect(sum!.total).to.equal(0);
  });

  it('a media node refuses a join token naming another node (409 wrong_media_node) and serves its metrics', async () => {
    const { consultationId, client } = await immediateVideoConsultation(platform.http);
    await platform.db.query(`INSERT INTO video_rooms (consultation_id, media_node_id, placed_at) VALUES ($1, 'media-a', now())`, [consultationId]);
    const grant = await platform.http.post(`/api/consultations/${consultationId}/join-token`, undefined, client.token);
    expect(grant.body.signalingUrl).to.equal('ws://127.0.0.1:1/media/nodes/media-a/ws');
    const socket = await SignalingClient.connect(platform.url);
    try {
      const refused = await socket.request('join', { token: grant.body.token }).then(
        () => undefined,
        (error: Error & { code?: string }) => error.code,
      );
      expect(refused).to.equal('wrong_media_node');
    } finally {
      socket.close();
    }
    const metrics = await fetch(`${platform.url}/metrics`);
    expect(metrics.status).to.equal(200);
    const text = await metrics.text();
    for (const name of [
      'consulto_live_consultations',
      'consulto_job_queue_depth',
      'consulto_http_request_duration_seconds_bucket',
      'consulto_settlement_duration_seconds',
      'consulto_meter_deadline_lateness_seconds',
    ]) {
      expect(text).to.include(name);
    }
    expect(text).to.include('route="/api/consultations/:id/join-token"');
    expect(text).to.not.include(consultationId);
  });
});
