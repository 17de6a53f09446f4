import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { ROOM_CHANNEL_LABEL, type Party } from '../signaling/messages.ts';
import { MEDIA_CODECS } from './codecs.ts';
import { Peer } from './peer.ts';

export type RoomEvents = {
  /** BILL-4: a party's media started or stopped flowing both ways, at `atMs`. */
  presence: [party: Party, connected: boolean, atMs: number];
  peerClosed: [peer: Peer];
  closed: [];
};

/**
 * One consultation's media (MEDIA-1): its own router on one worker, and at most one peer per
 * party. The room owns its peers; closing it closes them and the router. A peer that joins
 * again (a reload, a reconnection within the grace period, BILL-4) replaces the old one.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly consultationId: string;
  readonly worker: types.Worker;
  readonly router: types.Router;
  /** The SFU's own data channel, consumed by each peer at `ready` to open its receive transport early. */
  readonly roomChannel: types.DataProducer;
  readonly #listenInfos: types.TransportListenInfo[];
  readonly #peers = new Map<Party, Peer>();
  #closed = false;

  private constructor(options: {
    consultationId: string;
    worker: types.Worker;
    router: types.Router;
    roomChannel: types.DataProducer;
    listenInfos: types.TransportListenInfo[];
  }) {
    super();
    this.consultationId = options.consultationId;
    this.worker = options.worker;
    this.router = options.router;
    this.roomChannel = options.roomChannel;
    this.#listenInfos = options.listenInfos;
    // The worker died or was closed: everything below is gone already.
    this.router.observer.once('close', () => this.close());
  }

  static async create(options: { consultationId: string; worker: types.Worker; listenInfos: types.TransportListenInfo[] }): Promise<Room> {
    const router = await options.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { consultationId: options.consultationId } });
    try {
      // Owned by the router: closing the room closes them.
      const direct = await router.createDirectTransport();
      const roomChannel = await direct.produceData({ label: ROOM_CHANNEL_LABEL });
      return new Room({ ...options, router, roomChannel });
    } catch (error) {
      router.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peers(): Peer[] {
    return [...this.#peers.values()];
  }

  peer(party: Party): Peer | undefined {
    return this.#peers.get(party);
  }

  other(party: Party): Peer | undefined {
    return this.#peers.get(party === 'expert' ? 'client' : 'expert');
  }

  /** A new peer for this party, replacing (and closing) the one it had. */
  async addPeer(party: Party, userId: string): Promise<Peer> {
    if (this.#closed) throw new Error(`room ${this.consultationId} is closed`);
    const peer = await Peer.create({ router: this.router, party, userId, listenInfos: this.#listenInfos });
    if (this.#closed) {
      peer.close();
      throw new Error(`room ${this.consultationId} is closed`);
    }
    this.#peers.get(party)?.close();
    this.#peers.set(party, peer);
    peer.on('presence', (connected, atMs) => this.emit('presence', party, connected, atMs));
    peer.once('closed', () => {
      if (this.#peers.get(party) === peer) this.#peers.delete(party);
      this.emit('peerClosed', peer);
    });
    return peer;
  }

  /** Idempotent: closes the peers (their transports first, BILL-3), then the router. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.router.close();
    this.emit('closed');
    this.removeAllListeners();
  }
}
