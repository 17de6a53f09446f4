import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { bookingBody, setUpClient, tokenOf } from '../support/bookings.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { SignalingClient, immediateVideoConsultation, joinToken, opusRtpParameters, waitFor } from './support.ts';

const HOUR_MS = 3_600_000;

/** Integration with real mediasoup workers, no browser (MEDIA-1). MEDIA-4 with real media: test/e2e/video-worker-death-and-checkpoint.test.ts. */
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
      const booked = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: startAt.toISOString(), budgetCents: 600 }),
        client.token,
      );
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
    expect(clientJoin.presence).to.deep.equal({ expert: 'joined', client: 'joined' });
    const wrong = await clientSocket
      .request('produce', { transportId: expertJoin.sendTransport.id, kind: 'audio', source: 'microphone', rtpParameters: opusRtpParameters(1111) })
      .catch((failure: { code: string }) => failure);
    expect(wrong).to.have.property('code', 'not_your_transport');
    const ownRecv = await clientSocket
      .request('produce', { transportId: clientJoin.recvTransport.id, kind: 'audio', source: 'microphone', rtpParameters: opusRtpParameters(1112) })
      .catch((failure: { code: string }) => failure);
    expect(ownRecv).to.have.property('code', 'wrong_transport');
    const own = await clientSocket.request('produce', {
      transportId: clientJoin.sendTransport.id,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusRtpParameters(1113),
    });
    expect(own.producerId).to.be.a('string');
    expect(platform.media.room(consultationId)!.peer('expert')!.producers.size).to.equal(0);
    const twice = await clientSocket
      .request('produce', { transportId: clientJoin.sendTransport.id, kind: 'audio', source: 'microphone', rtpParameters: opusRtpParameters(1114) })
      .catch((failure: { code: string }) => failure);
    expect(twice).to.have.property('code', 'already_producing');
    // Signaling before joining is refused too.
    const stranger = await connect();
    const notJoined = await stranger.request('ready', { rtpCapabilities: {} }).catch((failure: { code: string }) => failure);
    expect(notJoined).to.have.property('code', 'not_joined');
  });

  it('MEDIA-7 the repair steps: new ICE credentials per transport, then fresh transports that replace the old ones, bounded per socket', async () => {
    const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
    const expertSocket = await connect();
    const clientSocket = await connect();
    await expertSocket.request('join', { token: await joinToken(platform.http, consultationId, expert.token) });
    const joined = await clientSocket.request('join', { token: await joinToken(platform.http, consultationId, client.token) });
    await expertSocket.request('ready', { rtpCapabilities: platform.media.room(consultationId)!.router.rtpCapabilities as never });
    const produced = await clientSocket.request('produce', {
      transportId: joined.sendTransport.id,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusRtpParameters(4001),
    });
    const consumed = await waitFor(
      () => expertSocket.notifications.find((notification) => notification.type === 'newConsumer' && notification.producerId === produced.producerId),
      5000,
      'the expert consumes it',
    );

    // Step 1: the same transport, new credentials.
    const restarted = await clientSocket.request('restartIce', { transportId: joined.sendTransport.id });
    expect(restarted.iceParameters.usernameFragment).to.not.equal(joined.sendTransport.iceParameters.usernameFragment);
    const foreign = await clientSocket.request('restartIce', { transportId: 'not-mine' }).catch((failure: { code: string }) => failure);
    expect(foreign).to.have.property('code', 'not_your_transport');

    // Step 2: fresh transports; the old ones and what was on them are gone, the other side is told.
    const renewed = await clientSocket.request('renewTransports', {});
    expect(renewed.sendTransport.id).to.not.equal(joined.sendTransport.id);
    expect(renewed.recvTransport.id).to.not.equal(joined.recvTransport.id);
    const peer = platform.media.room(consultationId)!.peer('client')!;
    expect(peer.sendTransport.id).to.equal(renewed.sendTransport.id);
    expect(peer.producers.size).to.equal(0);
    await waitFor(
      () =>
        expertSocket.notifications.find(
          (notification) => notification.type === 'consumerClosed' && consumed.type === 'newConsumer' && notification.consumerId === consumed.consumerId,
        ),
      5000,
      'the old consumer closed',
    );
    const old = await clientSocket
      .request('produce', { transportId: joined.sendTransport.id, kind: 'audio', source: 'microphone', rtpParameters: opusRtpParameters(4002) })
      .catch((failure: { code: string }) => failure);
    expect(old).to.have.property('code', 'not_your_transport');
    const again = await clientSocket.request('produce', {
      transportId: renewed.sendTransport.id,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusRtpParameters(4003),
    });
    expect(again.producerId).to.be.a('string');
    for (let renewal = 2; renewal <= 10; renewal++) await clientSocket.request('renewTransports', {});
    const tooMany = await clientSocket.request('renewTransports', {}).catch((failure: { code: string }) => failure);
    expect(tooMany).to.have.property('code', 'too_many_renewals');
  });

  it('MEDIA-6 at most one producer per source, of the source’s kind; only the screen is closed by request', async () => {
    const { client, consultationId } = await immediateVideoConsultation(platform.http);
    const socket = await connect();
    const joined = await socket.request('join', { token: await joinToken(platform.http, consultationId, client.token) });
    const wrongKind = await socket
      .request('produce', { transportId: joined.sendTransport.id, kind: 'audio', source: 'screen', rtpParameters: opusRtpParameters(5001) })
      .catch((failure: { code: string }) => failure);
    expect(wrongKind).to.have.property('code', 'wrong_kind');
    const microphone = await socket.request('produce', {
      transportId: joined.sendTransport.id,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusRtpParameters(5002),
    });
    const notClosable = await socket.request('closeProducer', { producerId: microphone.producerId }).catch((failure: { code: string }) => failure);
    expect(notClosable).to.have.property('code', 'not_closable');
    const unknown = await socket.request('closeProducer', { producerId: 'nope' }).catch((failure: { code: string }) => failure);
    expect(unknown).to.have.property('code', 'unknown_producer');
    const badSource = await socket
      .request('produce', { transportId: joined.sendTransport.id, kind: 'audio', source: 'radio' as never, rtpParameters: opusRtpParameters(5003) })
      .catch((failure: { code: string }) => failure);
    expect(badSource).to.have.property('code', 'invalid_request');
  });
});
