import { h } from '../dom.ts';
import { language, t, type MessageKey } from '../i18n/index.ts';
import { ApiError, apiCall, apiDocument, isSignedIn } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';
import { CallSession, type Quality } from '../media/call.ts';
import type { EndReason } from '../../../media/signaling/messages.ts';

/** BILL-4: a lost connection is retried for at most the grace period's length. */
const RECONNECT_ATTEMPTS = 10;
const RECONNECT_DELAY_MS = 3000;
export const JOIN_MARK = 'consulto:join';
export const FIRST_FRAME_MARK = 'consulto:first-remote-frame';
/** The shared stylesheet belongs to the shell; the room's two videos size themselves here. */
const VIDEO_STYLE = 'width:100%;max-width:28rem;aspect-ratio:16/9;background:#111;border-radius:0.5rem';

interface ConsultationSummary {
  id: string;
  status: string;
  pricing: 'free_rate' | 'package';
  expert: { firstName: string; lastName: string; slug: string };
  client: { id: string; firstName: string; lastName: string };
  chargeCents: number | null;
  connectedSeconds: number;
}

const money = (cents: number) => new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * `/salle/:id`: the in-call page (MEDIA-3, BILL-3). Both videos, mute, camera off, device
 * selection, connection quality, elapsed time and running cost pushed by the server, the
 * 60-second warning, a text chat over the SFU's data channel (never stored), and the end
 * screen with the amount charged, the receipt and, for the client, the rating.
 */
export const consultationRoomPage: Page = async ({ params }) => {
  const consultationId = params['id'] ?? '';
  if (!isSignedIn()) {
    navigate(`/connexion?retour=${encodeURIComponent(`/salle/${consultationId}`)}`, { replace: true });
    return document.createTextNode('');
  }
  let consultation: ConsultationSummary;
  try {
    consultation = await apiCall<ConsultationSummary>('GET', `/api/consultations/${encodeURIComponent(consultationId)}`);
  } catch (error) {
    return pageLayout(t('room.title'), undefined, h('p', { class: 'error-text', role: 'alert' }, apiErrorMessage(error)));
  }
  // A page drawn again (a language switch, a second navigation) replaces the call, never doubles it.
  activeRoom?.dispose();
  const room = new RoomView(consultation);
  activeRoom = room;
  void room.connect();
  return room.element;
};

let activeRoom: RoomView | undefined;

class RoomView {
  readonly element: HTMLElement;
  readonly #consultation: ConsultationSummary;
  readonly #status = h('p', { class: 'notice', role: 'status', 'data-testid': 'room-status' }, t('room.connecting'));
  readonly #warning = h('p', { class: 'error-text', role: 'alert', hidden: true, 'data-testid': 'budget-warning' });
  readonly #elapsed = h('output', { 'data-testid': 'elapsed' }, '0:00');
  readonly #cost = h('output', { 'data-testid': 'running-cost' }, money(0));
  readonly #quality = h('output', { 'data-testid': 'quality' }, t('room.quality.unknown'));
  readonly #localVideo = h('video', { autoplay: true, playsinline: true, muted: true, 'aria-label': t('room.you'), style: VIDEO_STYLE });
  readonly #remoteVideo = h('video', { autoplay: true, playsinline: true, 'aria-label': t('room.other'), style: VIDEO_STYLE });
  readonly #remoteStream = new MediaStream();
  readonly #muteButton = h('button', { type: 'button', class: 'button button-secondary', 'aria-pressed': 'false' }, t('room.mute'));
  readonly #cameraButton = h('button', { type: 'button', class: 'button button-secondary', 'aria-pressed': 'false' }, t('room.cameraOff'));
  readonly #endButton = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'end-call' }, t('room.end'));
  readonly #microphones = h('select', { 'aria-label': t('room.microphone') });
  readonly #cameras = h('select', { 'aria-label': t('room.camera') });
  readonly #chatLog = h('ol', { class: 'chat-log', 'aria-live': 'polite', 'data-testid': 'chat-log' });
  readonly #chatInput = h('input', { type: 'text', maxlength: 2000, 'aria-label': t('room.chatLabel') });
  readonly #stage: HTMLElement;
  #session: CallSession | undefined;
  #local: MediaStream | undefined;
  #muted = false;
  #cameraOff = false;
  #ended = false;
  #attempts = 0;

  constructor(consultation: ConsultationSummary) {
    this.#consultation = consultation;
    this.#remoteVideo.srcObject = this.#remoteStream;
    const chatForm = h('form', { class: 'chat-form' }, this.#chatInput, h('button', { type: 'submit', class: 'button button-secondary' }, t('room.send')));
    chatForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.#session?.sendChat(this.#chatInput.value)) this.#chatInput.value = '';
    });
    this.#stage = h(
      'div',
      { class: 'call-stage' },
      h('div', { class: 'call-videos', style: 'display:flex;flex-wrap:wrap;gap:1rem' }, h('figure', {}, this.#remoteVideo, h('figcaption', {}, t('room.other'))), h('figure', {}, this.#localVideo, h('figcaption', {}, t('room.you')))),
      h(
        'dl',
        { class: 'call-meter' },
        h('dt', {}, t('room.elapsed')),
        h('dd', {}, this.#elapsed),
        h('dt', {}, t('room.cost')),
        h('dd', {}, this.#cost),
        h('dt', {}, t('room.qualityLabel')),
        h('dd', {}, this.#quality),
      ),
      this.#warning,
      h('div', { class: 'call-controls' }, this.#muteButton, this.#cameraButton, this.#endButton),
      h('div', { class: 'call-devices' }, h('label', {}, t('room.microphone'), ' ', this.#microphones), h('label', {}, t('room.camera'), ' ', this.#cameras)),
      h('section', { class: 'call-chat', 'aria-label': t('room.chat') }, h('h2', {}, t('room.chat')), h('p', {}, t('room.chatNotStored')), this.#chatLog, chatForm),
    );
    const title = t('room.titleWith', { name: `${consultation.expert.firstName} ${consultation.expert.lastName}` });
    this.element = pageLayout(title, undefined, this.#status, this.#stage);
    this.#muteButton.addEventListener('click', () => void this.#toggle('audio'));
    this.#cameraButton.addEventListener('click', () => void this.#toggle('video'));
    this.#endButton.addEventListener('click', () => void this.#end());
    this.#microphones.addEventListener('change', () => void this.#switchDevice('audio', this.#microphones.value));
    this.#cameras.addEventListener('change', () => void this.#switchDevice('video', this.#cameras.value));
  }

  /** Leaves the page without ending the consultation (the meter pauses, BILL-4). */
  dispose(): void {
    this.#ended = true;
    this.#session?.close();
    this.#stopLocal();
  }

  async connect(): Promise<void> {
    if (this.#ended) return;
    // bench/join reads these marks: join → first decoded remote frame (SPEC §13).
    if (performance.getEntriesByName(JOIN_MARK).length === 0) performance.mark(JOIN_MARK);
    try {
      const { token } = await apiCall<{ token: string }>('POST', `/api/consultations/${this.#consultation.id}/join-token`);
      const { session, otherPartyPresent } = await CallSession.start({ joinToken: token });
      if (this.#ended) {
        session.close();
        return;
      }
      this.#session = session;
      (window as unknown as { consultoCall?: CallSession }).consultoCall = session;
      this.#wire(session);
      this.#local ??= await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      if (this.#ended) return this.dispose();
      this.#localVideo.srcObject = this.#local;
      await session.publish(this.#local);
      if (this.#muted) await session.setPaused('audio', true);
      if (this.#cameraOff) await session.setPaused('video', true);
      this.#attempts = 0;
      this.#say(otherPartyPresent ? 'room.inCall' : 'room.waiting');
      await this.#listDevices();
    } catch (error) {
      if (this.#ended) return;
      const code = (error as { code?: string }).code;
      if (code === 'consultation_over' || error instanceof ApiError) {
        this.#status.textContent = apiErrorMessage(error);
        return;
      }
      this.#retry();
    }
  }

  #wire(session: CallSession): void {
    session.on('remoteTrack', (track) => {
      for (const old of this.#remoteStream.getTracks().filter((candidate) => candidate.kind === track.kind)) this.#remoteStream.removeTrack(old);
      this.#remoteStream.addTrack(track);
      void this.#remoteVideo.play().catch(() => undefined);
      if (track.kind === 'video' && performance.getEntriesByName(FIRST_FRAME_MARK).length === 0) {
        this.#remoteVideo.requestVideoFrameCallback(() => performance.mark(FIRST_FRAME_MARK));
      }
    });
    session.on('peer', ({ present }) => this.#say(present ? 'room.inCall' : 'room.otherLeft'));
    session.on('meter', (meter) => {
      this.#elapsed.textContent = clock(meter.connectedSeconds);
      this.#cost.textContent = money(meter.runningCostCents);
      if (!this.#element.isConnected) session.close();
    });
    session.on('warning', ({ secondsLeft, atStart }) => {
      this.#warning.hidden = false;
      const key = atStart ? 'room.warningAtStart' : this.#consultation.pricing === 'package' ? 'room.warningPackage' : 'room.warningBudget';
      this.#warning.textContent = t(key, { seconds: secondsLeft });
    });
    session.on('quality', (quality: Quality) => {
      this.#quality.textContent = t(`room.quality.${quality}` as MessageKey);
      if (!this.#element.isConnected) session.close();
    });
    session.on('chat', ({ from, text }) => {
      this.#chatLog.append(h('li', {}, h('strong', {}, from === 'me' ? t('room.you') : t('room.other')), ' ', text));
    });
    session.on('ended', ({ reason, connectedSeconds }) => {
      this.#ended = true;
      this.#showEnd(reason, connectedSeconds, undefined);
    });
    session.on('settled', ({ chargeCents, connectedSeconds }) => {
      this.#ended = true;
      session.close();
      this.#stopLocal();
      void this.#showCharge(chargeCents, connectedSeconds);
    });
    session.on('replaced', () => {
      this.#ended = true;
      this.#say('room.replaced');
      this.#stopLocal();
    });
    session.on('lost', () => this.#retry());
  }

  get #element(): HTMLElement {
    return this.element;
  }

  /** BILL-4: the meter is paused while we are away; coming back within 120 s resumes it. */
  #retry(): void {
    if (this.#ended || !this.element.isConnected) return;
    if (++this.#attempts > RECONNECT_ATTEMPTS) {
      this.#say('room.lostForGood');
      return;
    }
    this.#say('room.reconnecting');
    window.setTimeout(() => void this.connect(), RECONNECT_DELAY_MS);
  }

  async #toggle(kind: 'audio' | 'video'): Promise<void> {
    if (kind === 'audio') this.#muted = !this.#muted;
    else this.#cameraOff = !this.#cameraOff;
    const paused = kind === 'audio' ? this.#muted : this.#cameraOff;
    for (const track of (kind === 'audio' ? this.#local?.getAudioTracks() : this.#local?.getVideoTracks()) ?? []) track.enabled = !paused;
    const button = kind === 'audio' ? this.#muteButton : this.#cameraButton;
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = t(kind === 'audio' ? (paused ? 'room.unmute' : 'room.mute') : paused ? 'room.cameraOn' : 'room.cameraOff');
    await this.#session?.setPaused(kind, paused).catch(() => undefined);
  }

  async #listDevices(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, current: MediaStreamTrack | undefined) => {
      const currentId = current?.getSettings().deviceId;
      select.replaceChildren(
        ...devices
          .filter((device) => device.kind === kind)
          .map((device, index) => h('option', { value: device.deviceId, selected: device.deviceId === currentId }, device.label || `${kind} ${index + 1}`)),
      );
    };
    fill(this.#microphones, 'audioinput', this.#local?.getAudioTracks()[0]);
    fill(this.#cameras, 'videoinput', this.#local?.getVideoTracks()[0]);
  }

  async #switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    if (!this.#local) return;
    const constraints = kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId }, width: 640, height: 360 } };
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    const track = kind === 'audio' ? stream.getAudioTracks()[0]! : stream.getVideoTracks()[0]!;
    track.enabled = kind === 'audio' ? !this.#muted : !this.#cameraOff;
    const old = kind === 'audio' ? this.#local.getAudioTracks()[0] : this.#local.getVideoTracks()[0];
    await this.#session?.replaceTrack(kind, track);
    if (old) {
      this.#local.removeTrack(old);
      old.stop();
    }
    this.#local.addTrack(track);
  }

  async #end(): Promise<void> {
    this.#endButton.disabled = true;
    try {
      await this.#session?.leave();
    } catch (error) {
      this.#endButton.disabled = false;
      this.#status.textContent = apiErrorMessage(error);
    }
  }

  #showEnd(reason: EndReason, connectedSeconds: number, chargeCents: number | null | undefined): void {
    this.#stage.replaceWith(this.#endScreen(reason, connectedSeconds, chargeCents));
  }

  async #showCharge(chargeCents: number | null, connectedSeconds: number): Promise<void> {
    let charged = chargeCents;
    try {
      // The settlement as the API records it (PAY-2), whatever the socket said.
      const latest = await apiCall<ConsultationSummary>('GET', `/api/consultations/${this.#consultation.id}`);
      charged = latest.chargeCents ?? charged;
    } catch {
      // keep the figure from the SFU
    }
    const screen = this.element.querySelector('[data-testid="end-screen"]');
    const fresh = this.#endScreen(undefined, connectedSeconds, charged);
    if (screen) screen.replaceWith(fresh);
    else this.#stage.replaceWith(fresh);
  }

  #endScreen(reason: EndReason | undefined, connectedSeconds: number, chargeCents: number | null | undefined): HTMLElement {
    this.#say('room.ended');
    const screen = h(
      'section',
      { class: 'call-end', 'data-testid': 'end-screen', 'aria-labelledby': 'call-end-title' },
      h('h2', { id: 'call-end-title' }, t('room.endTitle')),
      reason ? h('p', {}, t(`room.reason.${reason}` as MessageKey)) : null,
      h('p', {}, t('room.duration', { duration: clock(connectedSeconds) })),
      chargeCents === undefined
        ? h('p', {}, t('room.settling'))
        : h('p', { 'data-testid': 'amount-charged' }, chargeCents === null ? t('room.chargeUnknown') : t('room.charged', { amount: money(chargeCents) })),
    );
    if (chargeCents !== undefined && chargeCents !== null && chargeCents > 0) {
      const receipt = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'receipt' }, t('room.receipt'));
      receipt.addEventListener('click', () => void this.#openReceipt(receipt));
      screen.append(receipt);
      if (this.#isClient()) screen.append(this.#ratingForm());
    }
    return screen;
  }

  async #openReceipt(button: HTMLButtonElement): Promise<void> {
    try {
      const blob = await apiDocument(`/api/consultations/${this.#consultation.id}/receipt.html`);
      window.open(URL.createObjectURL(blob), '_blank', 'noopener');
    } catch (error) {
      button.after(h('p', { class: 'error-text', role: 'alert' }, apiErrorMessage(error)));
    }
  }

  /** TRUST-1: the client rates the expert once, 1 to 5 stars, with an optional comment. */
  #ratingForm(): HTMLElement {
    const stars = h('select', { name: 'stars', required: true }, ...[5, 4, 3, 2, 1].map((value) => h('option', { value }, '★'.repeat(value))));
    const comment = h('textarea', { name: 'comment', maxlength: 2000, rows: 3 });
    const result = h('p', { role: 'status' });
    const form = h(
      'form',
      { class: 'call-rating', 'data-testid': 'rating-form' },
      h('h3', {}, t('room.rateTitle')),
      h('label', {}, t('room.rateStars'), ' ', stars),
      h('label', {}, t('room.rateComment'), comment),
      h('button', { type: 'submit', class: 'button button-primary' }, t('room.rateSubmit')),
      result,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      apiCall('POST', `/api/consultations/${this.#consultation.id}/review`, { json: { stars: Number(stars.value), ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) } })
        .then(() => {
          result.textContent = t('room.rateThanks');
          form.querySelector('button')!.disabled = true;
        })
        .catch((error: unknown) => {
          result.textContent = apiErrorMessage(error);
        });
    });
    return form;
  }

  #isClient(): boolean {
    return this.#session?.party === 'client';
  }

  #stopLocal(): void {
    for (const track of this.#local?.getTracks() ?? []) track.stop();
  }

  #say(key: MessageKey): void {
    this.#status.textContent = t(key);
  }
}
