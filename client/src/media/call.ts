/**
 * The call's logic in one object (MEDIA-1…7, BILL-3, BILL-4), as mediasoup-demo's RoomClient: it
 * talks to the SFU and keeps a typed `CallState` that pages only render; pages send intents back
 * (toggle the microphone or camera, switch a device, share the screen, chat, end). Nothing is
 * computed here that the server decides: elapsed time and cost come from its `meter` pushes,
 * presence from its `presence` pushes.
 *
 * Reconnection (MEDIA-7) happens here, without reloading the page: on a network loss or change,
 * first an ICE restart, then fresh transports on the same socket, then a rejoin with a new socket,
 * until the BILL-4 grace period is over.
 */
import { Device, type types } from 'mediasoup-client';
import {
  CHAT_LABEL,
  CHAT_MAX_MESSAGE_CHARS,
  assertUnreachable,
  type MediaSource,
  type Notification,
  type Requests,
  type TransportOptions,
} from '../../../media/signaling/messages.ts';
import { SignalingSocket, grantOf, type JoinGrant } from './signaling.ts';
import { callStatus, otherParty, qualityOf, NOBODY, type CallEnd, type CallState, type ChatMessage } from './call-state.ts';
import { listDevices, openCameraAndMicrophone, openDevice } from './devices.ts';

export type { CallState, CallStatus, Quality, CallEnd, CallEndReason, ChatMessage } from './call-state.ts';

/** How often connection quality is sampled from getStats. */
const QUALITY_INTERVAL_MS = 2000;
/** BILL-4: how often this browser checks it has decoded the other's media, to tell the SFU. */
const RECEIPT_CHECK_INTERVAL_MS = 100;
/** The chat shown on the page: the latest messages only (nothing is stored anywhere). */
const CHAT_HISTORY_MAX = 200;
/** MEDIA-7: ICE may come back by itself after a short loss; past this it is restarted. */
const ICE_DISCONNECTED_GRACE_MS = 2000;
/** MEDIA-7: how long each step of the repair may take before the next one is tried. */
const ICE_RESTART_TIMEOUT_MS = 5000;
const RENEW_TIMEOUT_MS = 8000;
/** MEDIA-7: waits between rejoin attempts; the last one repeats. */
const REJOIN_DELAYS_MS = [0, 1000, 2000, 3000, 5000] as const;
/** BILL-4: the server ends the consultation after 120 s without a return; trying longer is pointless. */
const REPAIR_LIMIT_MS = 120_000;
/** Refusals a retry cannot change: the page says why instead of trying again. */
const FATAL_CODES = new Set([
  'consultation_over',
  'not_found',
  'not_started',
  'not_a_video_consultation',
  'session_expired',
  'forbidden',
  'invalid_join_token',
]);

export interface CallClientOptions {
  consultationId: string;
  /** A fresh join token (`POST /api/consultations/:id/join-token`) and its media node's signaling URL, asked for at every (re)join. */
  joinToken: () => Promise<string | JoinGrant>;
  /** The API's origin; the page's own by default. */
  baseUrl?: string;
  /** Chosen on the device check (MEDIA-5). */
  microphoneId?: string;
  cameraId?: string;
  /** The device check's camera and microphone, reused so the camera does not restart. */
  localStream?: MediaStream;
}

export interface InboundStats {
  audioBytes: number;
  videoBytes: number;
  framesDecoded: number;
}

/** One socket to the SFU with its device and transports: a rejoin makes a new one. */
interface Link {
  readonly socket: SignalingSocket;
  readonly device: Device;
  send: types.Transport;
  recv: types.Transport;
  readonly producers: Map<MediaSource, types.Producer>;
  readonly consumers: Map<string, { consumer: types.Consumer; source: MediaSource }>;
  chat: types.DataProducer | undefined;
  receiptConfirmed: boolean;
  receiptTimer: number | undefined;
  closed: boolean;
}

type CodedError = Error & { code?: string };

export class CallClient {
  readonly #options: CallClientOptions;
  readonly #listeners = new Set<(state: CallState) => void>();
  readonly #remoteStream = new MediaStream();
  #state: CallState;
  #link: Link | undefined;
  #localStream: MediaStream | undefined;
  #screenTrack: MediaStreamTrack | undefined;
  #joined = false;
  #ended = false;
  /** The room refused this page for good: nothing more is tried. */
  #refused = false;
  #disposed = false;
  #started = false;
  /** MEDIA-7: the browser reported the network gone; nothing is sent until it is back. */
  #suspended = false;
  #repair: Promise<void> | undefined;
  #qualityTimer: number | undefined;
  readonly #onOffline = () => void this.#startRepair('offline');
  readonly #onNetworkChange = () => {
    if (this.#joined && !this.#repair && navigator.onLine) void this.#startRepair('network_change');
  };
  readonly #onDeviceChange = () => void this.#refreshDevices();

  constructor(options: CallClientOptions) {
    this.#options = options;
    this.#localStream = options.localStream;
    this.#state = {
      status: 'connecting',
      party: undefined,
      presence: NOBODY,
      reconnecting: undefined,
      otherLeft: false,
      requestExpiresAt: undefined,
      pricing: undefined,
      end: undefined,
      problem: undefined,
      localStream: options.localStream,
      localScreenStream: undefined,
      remoteStream: this.#remoteStream,
      remoteScreenStream: undefined,
      microphoneOn: true,
      cameraOn: true,
      sharingScreen: false,
      remoteMicrophoneOn: true,
      remoteCameraOn: true,
      devices: { microphones: [], cameras: [], speakers: [], microphoneId: options.microphoneId, cameraId: options.cameraId, speakerId: undefined },
      quality: 'unknown',
      elapsedSeconds: 0,
      runningCostCents: 0,
      maxSeconds: undefined,
      meterRunning: false,
      warningSecondsLeft: undefined,
      warningAtStart: false,
      chat: [],
    };
  }

  get state(): CallState {
    return this.#state;
  }

  /** The listener gets the state now and after every change; the returned function stops it. */
  subscribe(listener: (state: CallState) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#state);
    return () => this.#listeners.delete(listener);
  }

  /** Joins the room and sends the camera and microphone; a failure to reach the SFU is repaired. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    window.addEventListener('offline', this.#onOffline);
    window.addEventListener('online', this.#onNetworkChange);
    (navigator as Navigator & { connection?: EventTarget }).connection?.addEventListener('change', this.#onNetworkChange);
    navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceChange);
    this.#qualityTimer = window.setInterval(() => void this.#sampleQuality(), QUALITY_INTERVAL_MS);
    // The camera starts while the room is being joined: neither waits for the other.
    const media = this.#openLocalMedia();
    let link: Link;
    try {
      link = await this.#connect();
    } catch (error) {
      await media;
      this.#onJoinFailure(error);
      return;
    }
    await media;
    await this.#publish(link).catch((error: unknown) => this.#onLinkFailure(link, error));
    // The network went and came back while joining: repair now that there is something to repair.
    if (this.#suspended && navigator.onLine) void this.#startRepair('network_change');
  }

  async toggleMicrophone(): Promise<void> {
    await this.#setSending('microphone', !this.#state.microphoneOn);
  }

  async toggleCamera(): Promise<void> {
    await this.#setSending('camera', !this.#state.cameraOn);
  }

  /** MEDIA-3 device choice: a new track replaces the old one without renegotiation; the speaker is the page's to apply. */
  async switchDevice(kind: 'microphone' | 'camera' | 'speaker', deviceId: string): Promise<void> {
    if (kind === 'speaker') {
      this.#update({ devices: { ...this.#state.devices, speakerId: deviceId } });
      return;
    }
    const source: MediaSource = kind;
    const track = await openDevice(kind === 'microphone' ? 'audio' : 'video', deviceId);
    track.enabled = kind === 'microphone' ? this.#state.microphoneOn : this.#state.cameraOn;
    const producer = this.#link?.producers.get(source);
    if (producer && !this.#suspended) await producer.replaceTrack({ track });
    const old = kind === 'microphone' ? this.#localStream?.getAudioTracks()[0] : this.#localStream?.getVideoTracks()[0];
    old?.stop();
    const tracks = [...(this.#localStream?.getTracks() ?? []).filter((candidate) => candidate !== old), track];
    this.#localStream = new MediaStream(tracks);
    this.#update({
      localStream: this.#localStream,
      devices: { ...this.#state.devices, ...(kind === 'microphone' ? { microphoneId: deviceId } : { cameraId: deviceId }) },
    });
  }

  /** MEDIA-6: a second video, tagged as the screen; the other page shows it large. */
  async startScreenShare(): Promise<void> {
    if (this.#screenTrack || this.#ended) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    // Text and lines stay sharp at the cost of motion.
    track.contentHint = 'detail';
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.#screenTrack = track;
    this.#update({ sharingScreen: true, localScreenStream: stream });
    const link = this.#link;
    if (link && !link.closed) await this.#produce(link, 'screen', track);
  }

  async stopScreenShare(): Promise<void> {
    const track = this.#screenTrack;
    if (!track) return;
    this.#screenTrack = undefined;
    track.stop();
    this.#update({ sharingScreen: false, localScreenStream: undefined });
    const link = this.#link;
    const producer = link?.producers.get('screen');
    if (!link || !producer) return;
    link.producers.delete('screen');
    producer.close();
    await link.socket.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
  }

  /** MEDIA-3: over the SFU's data channel, never stored. */
  sendChat(text: string): boolean {
    const line = text.trim().slice(0, CHAT_MAX_MESSAGE_CHARS);
    const chat = this.#link?.chat;
    if (!line || !chat || chat.readyState !== 'open') return false;
    chat.send(line);
    this.#appendChat({ from: 'me', text: line, atMs: Date.now() });
    return true;
  }

  /** BILL-4: either party can end it at any time; the end comes back as `ended` then `settled`. */
  async end(): Promise<void> {
    const link = this.#link;
    if (!link || this.#ended) return;
    try {
      await link.socket.request('leave', {});
    } catch (error) {
      // The server closes the socket once it has ended the consultation, sometimes before answering.
      await link.socket.idle();
      if (this.#ended) return;
      throw error;
    }
    // Not live yet (the other never came): this page simply left the room.
    if (!this.#ended) this.#finish({ reason: 'left', connectedSeconds: 0, chargeCents: 0 });
  }

  /** Leaves the page without ending the consultation (the meter pauses, BILL-4). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#detach();
    this.#teardown();
    for (const track of this.#localStream?.getTracks() ?? []) track.stop();
    this.#screenTrack?.stop();
    this.#listeners.clear();
  }

  /** Inbound bytes and decoded frames of the other's media (tests, and the quality line). */
  async inboundStats(): Promise<InboundStats> {
    const result: InboundStats = { audioBytes: 0, videoBytes: 0, framesDecoded: 0 };
    for (const { consumer, source } of this.#link?.consumers.values() ?? []) {
      if (source === 'screen') continue;
      const report = await consumer.getStats();
      report.forEach((entry: { type: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
        if (entry.type !== 'inbound-rtp') return;
        if (entry.kind === 'audio') result.audioBytes += entry.bytesReceived ?? 0;
        if (entry.kind === 'video') {
          result.videoBytes += entry.bytesReceived ?? 0;
          result.framesDecoded += entry.framesDecoded ?? 0;
        }
      });
    }
    return result;
  }

  // ——— joining and publishing ———

  async #openLocalMedia(): Promise<void> {
    if (!this.#localStream) {
      try {
        this.#localStream = await openCameraAndMicrophone({ microphoneId: this.#options.microphoneId, cameraId: this.#options.cameraId });
      } catch {
        this.#update({ problem: 'media_devices_unavailable' });
        return;
      }
    }
    this.#update({ localStream: this.#localStream });
    await this.#refreshDevices();
  }

  async #connect(): Promise<Link> {
    const { token, signalingUrl } = grantOf(await this.#options.joinToken());
    const socket = await SignalingSocket.open(signalingUrl ?? this.#options.baseUrl ?? location.href);
    try {
      const joined = await socket.request('join', { token });
      const device = new Device();
      await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
      const link: Link = {
        socket,
        device,
        send: undefined as never,
        recv: undefined as never,
        producers: new Map(),
        consumers: new Map(),
        chat: undefined,
        receiptConfirmed: false,
        receiptTimer: undefined,
        closed: false,
      };
      this.#createTransports(link, joined.sendTransport, joined.recvTransport);
      this.#link = link;
      this.#joined = true;
      this.#update({
        party: joined.party,
        presence: joined.presence,
        pricing: joined.pricing,
        requestExpiresAt: joined.requestExpiresAt ?? undefined,
        otherLeft: false,
        problem: undefined,
      });
      socket.onNotification((notification) => this.#onNotification(link, notification));
      socket.onClose(() => this.#onLinkFailure(link, Object.assign(new Error('socket closed'), { code: 'socket_closed' })));
      await socket.request('ready', { rtpCapabilities: device.rtpCapabilities });
      return link;
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  #createTransports(link: Link, sendOptions: TransportOptions, recvOptions: TransportOptions): void {
    const send = link.device.createSendTransport(sendOptions);
    const recv = link.device.createRecvTransport(recvOptions);
    for (const transport of [send, recv]) {
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        link.socket.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
      transport.on('connectionstatechange', (state) => this.#onTransportState(link, transport, state));
    }
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = (appData as { source: MediaSource }).source;
      link.socket.request('produce', { transportId: send.id, kind, source, rtpParameters }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
    send.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
      link.socket
        .request('produceData', { transportId: send.id, sctpStreamParameters, label: label ?? '', protocol: protocol ?? '' })
        .then(({ dataProducerId }) => callback({ id: dataProducerId }), errback);
    });
    link.send = send;
    link.recv = recv;
  }

  /** The camera, the microphone, the screen when shared, and the chat, on the link's send transport. */
  async #publish(link: Link): Promise<void> {
    const audio = this.#localStream?.getAudioTracks()[0];
    const video = this.#localStream?.getVideoTracks()[0];
    // The camera first: the other sees us one round trip sooner (SPEC §13 join time), the voice follows.
    if (video) await this.#produce(link, 'camera', video);
    if (audio) await this.#produce(link, 'microphone', audio);
    if (this.#screenTrack) await this.#produce(link, 'screen', this.#screenTrack);
    if (!link.closed) link.chat = await link.send.produceData({ ordered: true, label: CHAT_LABEL, protocol: 'text' });
  }

  async #produce(link: Link, source: MediaSource, track: MediaStreamTrack): Promise<void> {
    if (link.closed || link.producers.has(source)) return;
    const codecs = link.device.rtpCapabilities.codecs ?? [];
    // MEDIA-1: VP8 unless this browser cannot send it, then H.264.
    const codec =
      track.kind === 'video'
        ? (codecs.find((candidate) => candidate.mimeType.toLowerCase() === 'video/vp8') ??
          codecs.find((candidate) => candidate.mimeType.toLowerCase() === 'video/h264'))
        : undefined;
    const producer = await link.send.produce({
      track,
      codec,
      // The tracks are the call's: a closed transport (a repair) must not stop the camera.
      stopTracks: false,
      appData: { source },
      ...(source === 'microphone' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
    });
    link.producers.set(source, producer);
    if (this.#suspended) await producer.replaceTrack({ track: null });
    const on = source === 'microphone' ? this.#state.microphoneOn : source === 'camera' ? this.#state.cameraOn : true;
    if (!on) {
      producer.pause();
      await link.socket.request('setProducerPaused', { producerId: producer.id, paused: true });
    }
  }

  async #setSending(source: 'microphone' | 'camera', on: boolean): Promise<void> {
    this.#update(source === 'microphone' ? { microphoneOn: on } : { cameraOn: on });
    const track = source === 'microphone' ? this.#localStream?.getAudioTracks()[0] : this.#localStream?.getVideoTracks()[0];
    if (track) track.enabled = on;
    const link = this.#link;
    const producer = link?.producers.get(source);
    if (!link || !producer) return;
    // Paused: the SFU stops forwarding it and the other side is told (consumerPaused).
    if (on) producer.resume();
    else producer.pause();
    await link.socket.request('setProducerPaused', { producerId: producer.id, paused: !on }).catch(() => undefined);
  }

  // ——— what the server says ———

  async #onNotification(link: Link, notification: Notification): Promise<void> {
    if (link !== this.#link || link.closed) return;
    switch (notification.type) {
      case 'newConsumer': {
        const consumer = await link.recv.consume({
          id: notification.consumerId,
          producerId: notification.producerId,
          kind: notification.kind,
          rtpParameters: notification.rtpParameters,
          appData: { source: notification.source },
        });
        link.consumers.set(consumer.id, { consumer, source: notification.source });
        this.#showRemoteTrack(notification.source, consumer.track);
        if (notification.source === 'microphone') this.#update({ remoteMicrophoneOn: !notification.paused });
        if (notification.source === 'camera') this.#update({ remoteCameraOn: !notification.paused });
        if (this.#suspended) consumer.pause();
        // Not awaited: the next notification (the other track) need not wait for this answer.
        else void link.socket.request('resumeConsumer', { consumerId: consumer.id }).catch(() => undefined);
        // Decoding is checked once packets arrive (the track unmutes): no statistics read before, while the page is busiest.
        if (consumer.track.muted) consumer.track.addEventListener('unmute', () => this.#watchReceipt(link), { once: true });
        else this.#watchReceipt(link);
        return;
      }
      case 'newDataConsumer': {
        const dataConsumer = await link.recv.consumeData({
          id: notification.dataConsumerId,
          dataProducerId: notification.dataProducerId,
          sctpStreamParameters: notification.sctpStreamParameters,
          label: notification.label,
          protocol: notification.protocol,
        });
        // The room channel only opens the receive transport early (ROOM_CHANNEL_LABEL); the chat is the other's.
        if (notification.label !== CHAT_LABEL) return;
        dataConsumer.on('message', (data) => {
          if (typeof data === 'string') this.#appendChat({ from: 'other', text: data.slice(0, CHAT_MAX_MESSAGE_CHARS), atMs: Date.now() });
        });
        return;
      }
      case 'consumerClosed': {
        const entry = link.consumers.get(notification.consumerId);
        link.consumers.delete(notification.consumerId);
        if (!entry) return;
        entry.consumer.close();
        this.#hideRemoteTrack(entry.source, entry.consumer.track);
        return;
      }
      case 'consumerPaused': {
        const entry = link.consumers.get(notification.consumerId);
        if (entry?.source === 'microphone') this.#update({ remoteMicrophoneOn: !notification.paused });
        if (entry?.source === 'camera') this.#update({ remoteCameraOn: !notification.paused });
        return;
      }
      case 'presence': {
        const party = this.#state.party;
        const otherWas = party ? this.#state.presence[otherParty(party)] : 'absent';
        const otherIs = party ? notification.presence[otherParty(party)] : 'absent';
        this.#update({ presence: notification.presence, otherLeft: otherIs === 'absent' ? this.#state.otherLeft || otherWas !== 'absent' : false });
        return;
      }
      case 'meter':
        this.#update({
          elapsedSeconds: notification.connectedSeconds,
          runningCostCents: notification.runningCostCents,
          maxSeconds: notification.maxSeconds,
          meterRunning: notification.running,
        });
        return;
      case 'budgetWarning':
        this.#update({ warningSecondsLeft: notification.secondsLeft, warningAtStart: notification.atStart });
        return;
      case 'ended':
        this.#finish({ reason: notification.reason, connectedSeconds: notification.connectedSeconds, chargeCents: undefined, endedBy: notification.endedBy });
        return;
      case 'settled': {
        // The reason and who ended stay: the settlement only adds the amount.
        const reason = this.#state.end?.reason ?? 'party_left';
        this.#finish({ reason, connectedSeconds: notification.connectedSeconds, chargeCents: notification.chargeCents, endedBy: this.#state.end?.endedBy });
        return;
      }
      case 'replaced':
        this.#finish({ reason: 'replaced', connectedSeconds: this.#state.elapsedSeconds, chargeCents: undefined });
        return;
      default:
        assertUnreachable(notification);
    }
  }

  #showRemoteTrack(source: MediaSource, track: MediaStreamTrack): void {
    if (source === 'screen') {
      this.#update({ remoteScreenStream: new MediaStream([track]) });
      return;
    }
    for (const old of this.#remoteStream.getTracks().filter((candidate) => candidate.kind === track.kind)) this.#remoteStream.removeTrack(old);
    this.#remoteStream.addTrack(track);
    this.#update({});
  }

  #hideRemoteTrack(source: MediaSource, track: MediaStreamTrack): void {
    if (source === 'screen') {
      if (this.#state.remoteScreenStream?.getTracks().includes(track)) this.#update({ remoteScreenStream: undefined });
      return;
    }
    this.#remoteStream.removeTrack(track);
    this.#update({});
  }

  /**
   * BILL-4: the meter waits for this browser to have decoded the other's media. Every consumer
   * whose sender is not paused has decoded something: a video frame, or audio samples.
   */
  #watchReceipt(link: Link): void {
    if (link.receiptConfirmed || link.receiptTimer !== undefined) return;
    link.receiptTimer = window.setInterval(() => {
      void this.#checkReceipt(link);
    }, RECEIPT_CHECK_INTERVAL_MS);
  }

  async #checkReceipt(link: Link): Promise<void> {
    if (link.closed || link.receiptConfirmed) return this.#stopReceiptWatch(link);
    const active = [...link.consumers.values()].filter(({ consumer }) => !consumer.paused && !consumer.closed);
    if (active.length === 0) return;
    const decoded = await Promise.all(
      active.map(async ({ consumer }) => {
        let done = false;
        (await consumer.getStats()).forEach((entry: { type: string; framesDecoded?: number; totalSamplesReceived?: number }) => {
          if (entry.type !== 'inbound-rtp') return;
          if (consumer.kind === 'video' ? (entry.framesDecoded ?? 0) > 0 : (entry.totalSamplesReceived ?? 0) > 0) done = true;
        });
        return done;
      }),
    ).catch(() => [false]);
    if (!decoded.every(Boolean) || link.receiptConfirmed || link.closed) return;
    link.receiptConfirmed = true;
    this.#stopReceiptWatch(link);
    await link.socket.request('mediaReceived', {}).catch(() => {
      link.receiptConfirmed = false;
    });
  }

  #stopReceiptWatch(link: Link): void {
    window.clearInterval(link.receiptTimer);
    link.receiptTimer = undefined;
  }

  // ——— MEDIA-7: repairing the connection ———

  #onTransportState(link: Link, transport: types.Transport, state: string): void {
    if (link !== this.#link || link.closed || this.#ended) return;
    if (state === 'failed') void this.#startRepair('ice');
    if (state === 'disconnected') {
      window.setTimeout(() => {
        if (link === this.#link && !link.closed && transport.connectionState === 'disconnected') void this.#startRepair('ice');
      }, ICE_DISCONNECTED_GRACE_MS);
    }
  }

  #onLinkFailure(link: Link, error: unknown): void {
    if (link !== this.#link || this.#ended || this.#disposed) return;
    if (FATAL_CODES.has((error as CodedError).code ?? '')) {
      this.#onJoinFailure(error);
      return;
    }
    void this.#startRepair('socket');
  }

  #onJoinFailure(error: unknown): void {
    const code = (error as CodedError).code ?? 'unreachable';
    if (FATAL_CODES.has(code)) {
      this.#refuse(code);
      return;
    }
    void this.#startRepair('socket');
  }

  /** The room refused us for good (the consultation is over, not started…): the page says why. */
  #refuse(code: string): void {
    this.#refused = true;
    this.#detach();
    this.#teardown();
    for (const track of this.#localStream?.getTracks() ?? []) track.stop();
    this.#update({ problem: code });
  }

  async #startRepair(trigger: 'offline' | 'ice' | 'network_change' | 'socket'): Promise<void> {
    if (this.#ended || this.#disposed || this.#refused) return;
    if (trigger === 'offline') this.#suspend();
    // Before the first join completes, `start` owns the connection (a second join would replace it).
    if (this.#repair || (!this.#joined && trigger !== 'socket')) return;
    this.#repair = this.#runRepair(trigger).finally(() => {
      this.#repair = undefined;
      this.#update({});
    });
    this.#update({});
  }

  async #runRepair(trigger: 'offline' | 'ice' | 'network_change' | 'socket'): Promise<void> {
    const startedAtMs = Date.now();
    if (!navigator.onLine) await waitUntilOnline();
    const link = this.#link;
    if (link && !link.closed && !link.socket.closed && trigger !== 'socket') {
      if (await this.#restartIce(link)) {
        this.#resume(link);
        return;
      }
      if (await this.#renewTransports(link)) return;
    }
    for (let attempt = 0; !this.#ended && !this.#disposed && !this.#refused; attempt++) {
      if (Date.now() - startedAtMs > REPAIR_LIMIT_MS) {
        this.#finish({ reason: 'lost', connectedSeconds: this.#state.elapsedSeconds, chargeCents: undefined });
        return;
      }
      await delay(REJOIN_DELAYS_MS[Math.min(attempt, REJOIN_DELAYS_MS.length - 1)]!);
      if (!navigator.onLine) await waitUntilOnline();
      try {
        await this.#rejoin();
        return;
      } catch (error) {
        if (FATAL_CODES.has((error as CodedError).code ?? '')) {
          this.#refuse((error as CodedError).code!);
          return;
        }
      }
    }
  }

  /** Step 1: new ICE credentials from the SFU for each transport in use; true once they are connected again. */
  async #restartIce(link: Link): Promise<boolean> {
    const transports = [link.send, link.recv].filter((transport) => transport.connectionState !== 'new');
    const deadlineMs = Date.now() + ICE_RESTART_TIMEOUT_MS;
    try {
      for (const transport of transports) {
        // A socket that died with the network would hold each request for its whole timeout.
        const { iceParameters } = await beforeDeadline(link.socket.request('restartIce', { transportId: transport.id }), deadlineMs);
        await transport.restartIce({ iceParameters });
      }
      return await waitForConnected(transports, Math.max(0, deadlineMs - Date.now()));
    } catch {
      return false;
    }
  }

  /** Step 2: fresh transports on the same socket; everything is sent and received again on them. */
  async #renewTransports(link: Link): Promise<boolean> {
    const deadlineMs = Date.now() + RENEW_TIMEOUT_MS;
    try {
      const renewed: Requests['renewTransports']['response'] = await beforeDeadline(link.socket.request('renewTransports', {}), deadlineMs);
      this.#dropMedia(link);
      this.#createTransports(link, renewed.sendTransport, renewed.recvTransport);
      this.#suspended = false;
      await beforeDeadline(link.socket.request('ready', { rtpCapabilities: link.device.rtpCapabilities }), deadlineMs);
      await beforeDeadline(this.#publish(link), deadlineMs);
      return await waitForConnected([link.send], Math.max(0, deadlineMs - Date.now()));
    } catch {
      return false;
    }
  }

  /** Step 3: a new socket, a new join token, a new peer on the server (it replaces the old one). */
  async #rejoin(): Promise<void> {
    this.#teardown();
    this.#suspended = false;
    const link = await this.#connect();
    await this.#publish(link);
  }

  /** The browser says the network is gone: stop sending and receiving until it is repaired, so no side counts it as flowing. */
  #suspend(): void {
    if (this.#suspended) return;
    this.#suspended = true;
    const link = this.#link;
    if (!link || link.closed) return;
    for (const producer of link.producers.values()) void producer.replaceTrack({ track: null }).catch(() => undefined);
    for (const { consumer } of link.consumers.values()) consumer.pause();
    this.#update({});
  }

  #resume(link: Link): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    const tracks: Record<MediaSource, MediaStreamTrack | undefined> = {
      microphone: this.#localStream?.getAudioTracks()[0],
      camera: this.#localStream?.getVideoTracks()[0],
      screen: this.#screenTrack,
    };
    for (const [source, producer] of link.producers) void producer.replaceTrack({ track: tracks[source] ?? null }).catch(() => undefined);
    for (const { consumer } of link.consumers.values()) {
      consumer.resume();
      // The decoder restarts from a key frame: ask for one now.
      void link.socket.request('resumeConsumer', { consumerId: consumer.id }).catch(() => undefined);
    }
  }

  /** The link's transports go (a repair); remote tracks go with them, local tracks stay. */
  #dropMedia(link: Link): void {
    this.#stopReceiptWatch(link);
    link.receiptConfirmed = false;
    for (const { source, consumer } of link.consumers.values()) this.#hideRemoteTrack(source, consumer.track);
    link.consumers.clear();
    link.producers.clear();
    link.chat = undefined;
    link.send?.close();
    link.recv?.close();
  }

  /** Closes the current link (a rejoin, the end, leaving the page); local tracks stay. */
  #teardown(): void {
    const link = this.#link;
    if (!link || link.closed) return;
    this.#dropMedia(link);
    link.closed = true;
    link.socket.close();
  }

  #detach(): void {
    window.clearInterval(this.#qualityTimer);
    window.removeEventListener('offline', this.#onOffline);
    window.removeEventListener('online', this.#onNetworkChange);
    (navigator as Navigator & { connection?: EventTarget }).connection?.removeEventListener('change', this.#onNetworkChange);
    navigator.mediaDevices.removeEventListener('devicechange', this.#onDeviceChange);
  }

  #finish(end: CallEnd): void {
    const first = !this.#ended;
    this.#ended = true;
    this.#update({ end, meterRunning: false });
    // The media stops at the first word of the end; the settlement may still come on the same socket.
    if (first) {
      this.#detach();
      for (const track of this.#localStream?.getTracks() ?? []) track.stop();
      this.#screenTrack?.stop();
    }
    if (end.chargeCents !== undefined || end.reason === 'replaced' || end.reason === 'lost' || end.reason === 'left') this.#teardown();
  }

  // ——— state ———

  async #refreshDevices(): Promise<void> {
    try {
      const list = await listDevices();
      const current = (track: MediaStreamTrack | undefined) => track?.getSettings().deviceId;
      this.#update({
        devices: {
          ...this.#state.devices,
          ...list,
          microphoneId: current(this.#localStream?.getAudioTracks()[0]) ?? this.#state.devices.microphoneId,
          cameraId: current(this.#localStream?.getVideoTracks()[0]) ?? this.#state.devices.cameraId,
        },
      });
    } catch {
      // No device list (an old browser): the page offers no choice.
    }
  }

  #appendChat(message: ChatMessage): void {
    this.#update({ chat: [...this.#state.chat, message].slice(-CHAT_HISTORY_MAX) });
  }

  /** Loss and round-trip time of what this browser receives and sends, as three levels. */
  async #sampleQuality(): Promise<void> {
    const link = this.#link;
    if (!link || link.closed) return;
    let packetsLost = 0;
    let packetsReceived = 0;
    let roundTripSeconds: number | undefined;
    try {
      for (const transport of [link.recv, link.send]) {
        const report = await transport.getStats();
        report.forEach((entry: { type: string; packetsLost?: number; packetsReceived?: number; currentRoundTripTime?: number; nominated?: boolean }) => {
          if (entry.type === 'inbound-rtp') {
            packetsLost += Math.max(0, entry.packetsLost ?? 0);
            packetsReceived += entry.packetsReceived ?? 0;
          }
          if (entry.type === 'candidate-pair' && entry.nominated && entry.currentRoundTripTime !== undefined) roundTripSeconds = entry.currentRoundTripTime;
        });
      }
    } catch {
      return;
    }
    this.#update({ quality: qualityOf({ packetsLost, packetsReceived, roundTripSeconds }) });
  }

  #update(change: Partial<CallState>): void {
    const next = { ...this.#state, ...change };
    const { status, reconnecting } = callStatus({
      ended: this.#ended || this.#refused,
      joined: this.#joined,
      repairing: this.#repair !== undefined || this.#suspended,
      party: next.party,
      presence: next.presence,
    });
    this.#state = { ...next, status, reconnecting };
    for (const listener of this.#listeners) listener(this.#state);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

/** The promise's value, or a rejection once the deadline (epoch ms) passes first. */
function beforeDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new Error('deadline passed')), Math.max(0, deadlineMs - Date.now()));
    work.then(
      (value) => {
        window.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        window.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function waitUntilOnline(): Promise<void> {
  return new Promise((resolve) => window.addEventListener('online', () => resolve(), { once: true }));
}

/** True when every transport is connected before the time is up. */
function waitForConnected(transports: types.Transport[], timeoutMs: number): Promise<boolean> {
  const connected = () => transports.every((transport) => transport.connectionState === 'connected');
  if (connected()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const check = () => {
      if (!connected()) return;
      finish(true);
    };
    const timer = window.setTimeout(() => finish(false), timeoutMs);
    const finish = (result: boolean) => {
      window.clearTimeout(timer);
      for (const transport of transports) transport.off('connectionstatechange', check);
      resolve(result);
    };
    for (const transport of transports) transport.on('connectionstatechange', check);
  });
}
