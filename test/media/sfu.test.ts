import { expect } from 'chai';
import { once } from 'node:events';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { bookingBody, setUpClient, tokenOf } from '../support/bookings.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { settleConsultation } from '../../server/billing/index.ts';
import type { MediaServiceEvents } from '../../media/service.ts';
import { SignalingClient, immediateVideoConsultation, joinToken, opusRtpParameters, waitFor } from './support.ts';

const HOUR_MS = 3_600_000;

/** Integration with real mediasoup workers, no browser (MEDIA-1, MEDIA-2, MEDIA-4, BILL-4). */
describe('MEDIA video SFU with real mediasoup workers', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let clock: ManualClock;
  const sockets: SignalingClient[] = [];

  beforeEach(async () => {
    clock = new ManualClock(new Date());
    platform = await startTestPlatform({ clock, environment: { MEDIASOUP_WORKERS: '1' } });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await platform.close();
  });

  async function connect(): Promise<SignalingClient> {
    const socket = await SignalingClient.connect(platform.url);
    sockets.push(socket);
    return socket;
  }

  describe('MEDIA-1 join tokens', () => {
    it('are issued to the two parties only: a third party learns nothing (404)', async () => {
      const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
      const stranger = await setUpClient(platform.http);
      const refused = await platform.http.post(`/api/consultations/${consultationId}/join-token`, undefined, stranger.token);
      expect(refused.status).to.equal(404);
      expect(refused.body.error.code).to.equal('not_found');
      for (const party of [expert, client]) {
        const granted = await platform.http.post(`/api/consultations/${consultationId}/join-token`, undefined, party.token);
        expect(granted.status).to.equal(200);
        expect(granted.body).to.include({ signalingPath: '/media/ws', party: party === expert ? 'expert' : 'client' });
      }
    });

    it('are refused before an appointment starts (BOOK-5), and granted from its start', async () => {
      const { expert, client } = await immediateVideoConsultation(platform.http);
      const startAt = new Date(Math.ceil((clock.now().getTime() + 3 * HOUR_MS) / HOUR_MS) * HOUR_MS);
      const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: startAt.toISOString(), budgetCents: 600 }), client.token);
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      const early = await platform.http.post(`/api/consultations/${booked.body.id}/join-token`, undefined, client.token);
      expect(early.status).to.equal(409);
      expect(early.body.error.code).to.equal('not_started');
      clock.set(startAt);
      const onTime = await platform.http.post(`/api/consultations/${booked.body.id}/join-token`, undefined, await tokenOf(platform.http, client));
      expect(onTime.status).to.equal(200);
    });

    it('an access token, a forged or an expired join token does not open the room', async () => {
      const { client, consultationId } = await immediateVideoConsultation(platform.http);
      const socket = await connect();
      for (const token of [client.token, 'not-a-jwt']) {
        const error = await socket.request('join', { token }).catch((failure: { code: string }) => failure);
        expect(error).to.have.property('code', 'invalid_join_token');
      }
      const token = await joinToken(platform.http, consultationId, client.token);
      clock.advance(6 * 60_000);
      const expired = await socket.request('join', { token }).catch((failure: { code: string }) => failure);
      expect(expired).to.have.property('code', 'invalid_join_token');
    });
  });

  it('MEDIA-1 a peer can act only on its own transports: a producer on the other party’s transport is refused', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
    const expertSocket = await connect();
    const clientSocket = await connect();
    const expertJoin = await expertSocket.request('join', { token: await joinToken(platform.http, consultationId, expert.token) });
    const clientJoin = await clientSocket.request('join', { token: await joinToken(platform.http, consultationId, client.token) });
    expect(expertJoin.party).to.equal('expert');
    expect(clientJoin.otherPartyPresent).to.equal(true);
    const wrong = await clientSocket
      .request('produce', { transportId: expertJoin.sendTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(1111) as never })
      .catch((failure: { code: string }) => failure);
    expect(wrong).to.have.property('code', 'not_your_transport');
    const ownRecv = await clientSocket
      .request('produce', { transportId: clientJoin.recvTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(1112) as never })
      .catch((failure: { code: string }) => failure);
    expect(ownRecv).to.have.property('code', 'wrong_transport');
    const own = await clientSocket.request('produce', { transportId: clientJoin.sendTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(1113) as never });
    expect(own.producerId).to.be.a('string');
    expect(platform.media.room(consultationId)!.peer('expert')!.producers.size).to.equal(0);
    const twice = await clientSocket
      .request('produce', { transportId: clientJoin.sendTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(1114) as never })
      .catch((failure: { code: string }) => failure);
    expect(twice).to.have.property('code', 'already_producing');
    // Signaling before joining is refused too.
    const stranger = await connect();
    const notJoined = await stranger.request('ready', { rtpCapabilities: {} as never }).catch((failure: { code: string }) => failure);
    expect(notJoined).to.have.property('code', 'not_joined');
  });

  it('BILL-3 as amended: a one-minute budget gets its warning at the start, on both pages, saying how long it can last', async () => {
    // 300 cents at 300 cents a minute buy exactly 60 s (BILL-1): no later moment is 60 s before the cap.
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http, { ratePerMinuteCents: 300, budgetCents: 300 });
    const sockets = { expert: await connect(), client: await connect() };
    for (const [party, person] of [['expert', expert], ['client', client]] as const) {
      const joined = await sockets[party].request('join', { token: await joinToken(platform.http, consultationId, person.token) });
      await sockets[party].request('produce', { transportId: joined.sendTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(party === 'expert' ? 3001 : 3002) as never });
    }
    const warnings = () => [...sockets.expert.notifications, ...sockets.client.notifications].filter((notification) => notification.type === 'budgetWarning');
    expect(warnings(), 'nothing before media flows both ways').to.deep.equal([]);
    const room = platform.media.room(consultationId)!;
    for (const peer of room.peers) {
      for (const transport of [peer.sendTransport, peer.recvTransport]) {
        transport.emit('icestatechange', 'connected');
        transport.emit('dtlsstatechange', 'connected');
      }
    }
    expect(platform.media.reading(consultationId)).to.include({ running: true, connectedSeconds: 0, maxSeconds: 60 });
    await waitFor(() => warnings().length === 2, 5000, 'the warning on both pages');
    for (const socket of [sockets.expert, sockets.client]) {
      expect(socket.notifications.filter((notification) => notification.type === 'budgetWarning')).to.deep.equal([{ type: 'budgetWarning', secondsLeft: 60, atStart: true }]);
    }
    expect(platform.media.reading(consultationId)!.connectedSeconds).to.equal(0);
  });

  it('MEDIA-4 a worker killed mid-consultation: the consultation ends and is settled for the connected time, and the worker is replaced', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http, { ratePerMinuteCents: 300, budgetCents: 600 });
    const sockets = { expert: await connect(), client: await connect() };
    for (const [party, person] of [['expert', expert], ['client', client]] as const) {
      const joined = await sockets[party].request('join', { token: await joinToken(platform.http, consultationId, person.token) });
      await sockets[party].request('produce', { transportId: joined.sendTransport.id, kind: 'audio', rtpParameters: opusRtpParameters(party === 'expert' ? 2001 : 2002) as never });
    }
    const room = platform.media.room(consultationId)!;
    // ICE and DTLS need a browser: the transports' own state events stand in for it (BILL-4 presence).
    for (const peer of room.peers) {
      for (const transport of [peer.sendTransport, peer.recvTransport]) {
        transport.emit('icestatechange', 'connected');
        transport.emit('dtlsstatechange', 'connected');
      }
    }
    expect(platform.media.reading(consultationId)).to.include({ running: true, connectedSeconds: 0 });
    clock.advance(37_000);
    const [worker] = platform.media.workers;
    const ended = once(platform.media, 'ended') as Promise<MediaServiceEvents['ended']>;
    process.kill(worker!.pid, 'SIGKILL');
    const [event] = await ended;
    expect(event).to.include({ consultationId, reason: 'platform', connectedSeconds: 37 });
    const expected = settleConsultation(
      { pricing: 'free_rate', mode: 'video', ratePerMinuteCents: 300, surchargePerMinuteCents: 0, feePerMinuteCents: 15, discountPercent: 0, budgetCents: 600 },
      37,
    );
    expect(event.chargeCents).to.equal(expected.chargeCents);
    const view = await platform.http.get(`/api/consultations/${consultationId}`, client.token);
    expect(view.body).to.include({ status: 'ended', connectedSeconds: 37, endReason: 'platform', chargeCents: expected.chargeCents });
    await waitFor(() => sockets.client.notifications.find((notification) => notification.type === 'settled'), 5000, 'settled notification');
    expect(sockets.client.notifications.map((notification) => notification.type)).to.include('ended');
    // A new worker takes the slot, and the next consultation gets a room on it.
    const replacement = await waitFor(() => platform.media.workers.find((candidate) => candidate.pid !== worker!.pid), 10_000, 'replacement worker');
    const next = await immediateVideoConsultation(platform.http);
    const socket = await connect();
    await socket.request('join', { token: await joinToken(platform.http, next.consultationId, next.client.token) });
    expect(platform.media.room(next.consultationId)!.worker.pid).to.equal(replacement.pid);
  });
});
