import { expect } from 'chai';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { AppError } from '../../server/platform/errors.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { joiningParty } from '../../media/routes.ts';
import type { MediaConsultation } from '../../media/store.ts';
import { WorkerPool } from '../../media/sfu/worker-pool.ts';
import { Room } from '../../media/sfu/room.ts';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: mkdtempSync(join(tmpdir(), 'consulto-media-config-')) };

describe('MEDIA configuration (§12)', () => {
  after(() => rmSync(base.DATA_DIR, { recursive: true, force: true }));

  it('defaults: one worker per core, ports 40000–49999, loopback without an announced address', () => {
    const { media } = loadConfig(base);
    expect(media).to.deep.equal({ workers: Math.max(1, cpus().length), announcedIp: undefined, listenIp: '127.0.0.1', minPort: 40000, maxPort: 49999 });
  });

  it('an announced address listens on every interface; a bad value names its variable', () => {
    expect(loadConfig({ ...base, MEDIASOUP_ANNOUNCED_IP: '203.0.113.7', MEDIASOUP_WORKERS: '3' }).media).to.include({
      listenIp: '0.0.0.0',
      announcedIp: '203.0.113.7',
      workers: 3,
    });
    expect(() => loadConfig({ ...base, MEDIASOUP_WORKERS: '0' })).to.throw(ConfigError, /MEDIASOUP_WORKERS/);
    expect(() => loadConfig({ ...base, MEDIASOUP_ANNOUNCED_IP: 'not an ip!' })).to.throw(ConfigError, /MEDIASOUP_ANNOUNCED_IP/);
    expect(() => loadConfig({ ...base, MEDIASOUP_MIN_PORT: '50000', MEDIASOUP_MAX_PORT: '40000' })).to.throw(ConfigError, /MEDIASOUP_MAX_PORT/);
  });
});

describe('MEDIA-1 who may join, and when (joiningParty)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const consultation = (overrides: Partial<MediaConsultation> = {}): MediaConsultation => ({
    id: 'c',
    status: 'scheduled',
    mode: 'video',
    terms: {} as MediaConsultation['terms'],
    expertId: 'e',
    clientId: 'k',
    startAt: new Date('2026-11-23T10:00:00Z'),
    requestExpiresAt: null,
    ...overrides,
  });
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as AppError).code;
    }
    return 'allowed';
  };

  it('the two parties from the start time; a third party is told nothing exists', () => {
    expect(joiningParty(consultation(), 'e', now)).to.equal('expert');
    expect(joiningParty(consultation(), 'k', now)).to.equal('client');
    expect(code(() => joiningParty(consultation(), 'someone', now))).to.equal('not_found');
    expect(code(() => joiningParty(undefined, 'e', now))).to.equal('not_found');
  });

  it('BOOK-5 not before the start; BOOK-4 an immediate request at once; never after the end or by phone', () => {
    expect(code(() => joiningParty(consultation({ startAt: new Date('2026-11-23T10:00:01Z') }), 'k', now))).to.equal('not_started');
    expect(joiningParty(consultation({ status: 'requested', startAt: null }), 'e', now)).to.equal('expert');
    for (const status of ['ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert'] as const) {
      expect(code(() => joiningParty(consultation({ status }), 'k', now))).to.equal('consultation_over');
    }
    expect(code(() => joiningParty(consultation({ mode: 'phone' }), 'k', now))).to.equal('not_a_video_consultation');
  });
});

describe('MEDIA-1 ownership tree: Room → Peer → transports, idempotent close announced once', function () {
  this.timeout(30_000);
  it('closing the room closes its peers and their transports, once, with one closed event each', async () => {
    const pool = new WorkerPool({ size: 1, logger: createLogger('silent') });
    try {
      const worker = await pool.acquire();
      const room = await Room.create({ consultationId: 'c', worker, listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
      const expert = await room.addPeer('expert', 'e');
      const client = await room.addPeer('client', 'k');
      let roomClosed = 0;
      let peersClosed = 0;
      room.on('closed', () => roomClosed++);
      expert.on('closed', () => peersClosed++);
      client.on('closed', () => peersClosed++);
      room.close();
      room.close();
      expect([roomClosed, peersClosed]).to.deep.equal([1, 2]);
      expect([expert.sendTransport.closed, expert.recvTransport.closed, client.sendTransport.closed, room.router.closed]).to.deep.equal([
        true,
        true,
        true,
        true,
      ]);
      // A peer joining again replaces (and closes) the previous one of the same party.
      const again = await Room.create({ consultationId: 'd', worker, listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
      const first = await again.addPeer('client', 'k');
      const replaced = once(first, 'closed');
      const second = await again.addPeer('client', 'k');
      await replaced;
      expect(again.peer('client')).to.equal(second);
      expect(first.closed).to.equal(true);
      again.close();
    } finally {
      pool.close();
    }
  });
});
