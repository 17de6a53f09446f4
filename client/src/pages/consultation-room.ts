import { h } from '../dom.ts';
import { language, t, type MessageKey } from '../i18n/index.ts';
import { apiCall, apiDocument, isSignedIn } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';
import { CallClient, type CallEnd, type CallEndReason, type CallState } from '../media/call.ts';
import type { JoinGrant } from '../media/signaling.ts';

export const JOIN_MARK = 'consulto:join';
export const FIRST_FRAME_MARK = 'consulto:first-remote-frame';
/** The shared stylesheet belongs to the shell; the room's videos size themselves here. */
const VIDEO_STYLE = 'width:100%;max-width:28rem;aspect-ratio:16/9;background:#111;border-radius:0.5rem';
const SCREEN_STYLE = 'width:100%;aspect-ratio:16/9;background:#111;border-radius:0.5rem';
const MINUTE_MS = 60_000;

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
 * `/salle/:id`: the in-call page (MEDIA-3, BILL-3). It renders the call client's state
 * (client/src/media/call.ts) and sends it the person's intents: both videos and the other's shared
 * screen, mute, camera off, screen share, device selection, connection quality, elapsed time and
 * running cost pushed by the server, the 60-second warning, a text chat over the SFU's data channel
 * (never stored), and the end screen with its reason, the amount charged, the receipt and, for the
 * client, the rating.
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
  // A page drawn again (a language switch) renders the same call; another consultation replaces it.
  if (activeCall && activeCall.consultationId !== consultation.id) {
    activeCall.call.dispose();
    activeCall = undefined;
  }
  if (!activeCall) {
    if (performance.getEntriesByName(JOIN_MARK).length === 0) performance.mark(JOIN_MARK);
    const call = new CallClient({
      consultationId: consultation.id,
      // The answer names the media node holding the room: the call connects to it directly.
      joinToken: () => apiCall<JoinGrant>('POST', `/api/consultations/${encodeURIComponent(consultation.id)}/join-token`),
    });
    activeCall = { consultationId: consultation.id, call };
    // Tests and benches read the call's inbound statistics through it.
    (window as unknown as { consultoCall?: CallClient }).consultoCall = call;
    void call.start();
  }
  activeView?.detach();
  activeView = new RoomView(consultation, activeCall.call);
  return activeView.element;
};

let activeCall: { consultationId: string; call: CallClient } | undefined;
let activeView: RoomView | undefined;

class RoomView {
  readonly element: HTMLElement;
  readonly #consultation: ConsultationSummary;
  readonly #call: CallClient;
  readonly #unsubscribe: () => void;
  readonly #status = h('p', { class: 'notice', role: 'status', 'data-testid': 'room-status' }, t('room.connecting'));
  readonly #warning = h('p', { class: 'error-text', role: 'alert', hidden: true, 'data-testid': 'budget-warning' });
  readonly #elapsed = h('output', { 'data-testid': 'elapsed' }, '0:00');
  readonly #cost = h('output', { 'data-testid': 'running-cost' }, money(0));
  readonly #quality = h('output', { 'data-testid': 'quality' }, t('room.quality.unknown'));
  readonly #localVideo = h('video', { autoplay: true, playsinline: true, 'aria-label': t('room.you'), style: VIDEO_STYLE, 'data-testid': 'local-video' });
  readonly #remoteVideo = h('video', { autoplay: true, playsinline: true, 'aria-label': t('room.other'), style: VIDEO_STYLE, 'data-testid': 'remote-video' });
  readonly #screenVideo = h('video', { autoplay: true, playsinline: true, muted: true, 'aria-label': t('room.otherScreen'), style: SCREEN_STYLE, 'data-testid': 'remote-screen' });
  readonly #screenFigure: HTMLElement;
  readonly #muteButton = h('button', { type: 'button', class: 'button button-secondary', 'aria-pressed': 'false', 'data-testid': 'toggle-microphone' }, t('room.mute'));
  readonly #cameraButton = h('button', { type: 'button', class: 'button button-secondary', 'aria-pressed': 'false', 'data-testid': 'toggle-camera' }, t('room.cameraOff'));
  readonly #screenButton = h('button', { type: 'button', class: 'button button-secondary', 'aria-pressed': 'false', 'data-testid': 'toggle-screen' }, t('room.shareScreen'));
  readonly #endButton = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'end-call' }, t('room.end'));
  readonly #microphones = h('select', { 'aria-label': t('room.microphone'), 'data-testid': 'microphone-select' });
  readonly #cameras = h('select', { 'aria-label': t('room.camera'), 'data-testid': 'camera-select' });
  readonly #chatLog = h('ol', { class: 'chat-log', 'aria-live': 'polite', 'data-testid': 'chat-log' });
  readonly #chatInput = h('input', { type: 'text', maxlength: 2000, 'aria-label': t('room.chatLabel'), 'data-testid': 'chat-input' });
  readonly #stage: HTMLElement;
  #endShown: string | undefined;
  #chatShown = 0;
  #devicesShown = '';

  constructor(consultation: ConsultationSummary, call: CallClient) {
    this.#consultation = consultation;
    this.#call = call;
    // The self-view never plays our own microphone: the property, not the attribute, mutes a media element.
    this.#localVideo.muted = true;
    this.#screenVideo.muted = true;
    this.#screenFigure = h('figure', { hidden: true }, this.#screenVideo, h('figcaption', {}, t('room.otherScreen')));
    const chatForm = h('form', { class: 'chat-form' }, this.#chatInput, h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'chat-send' }, t('room.send')));
    chatForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.#call.sendChat(this.#chatInput.value)) this.#chatInput.value = '';
    });
    this.#stage = h(
      'div',
      { class: 'call-stage' },
      this.#screenFigure,
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
      h('div', { class: 'call-controls' }, this.#muteButton, this.#cameraButton, this.#screenButton, this.#endButton),
      h('div', { class: 'call-devices' }, h('label', {}, t('room.microphone'), ' ', this.#microphones), h('label', {}, t('room.camera'), ' ', this.#cameras)),
      h('section', { class: 'call-chat', 'aria-label': t('room.chat') }, h('h2', {}, t('room.chat')), h('p', {}, t('room.chatNotStored')), this.#chatLog, chatForm),
    );
    const title = t('room.titleWith', { name: `${consultation.expert.firstName} ${consultation.expert.lastName}` });
    this.element = pageLayout(title, undefined, this.#status, this.#stage);
    this.#muteButton.addEventListener('click', () => void this.#call.toggleMicrophone());
    this.#cameraButton.addEventListener('click', () => void this.#call.toggleCamera());
    this.#screenButton.addEventListener('click', () => void (this.#call.state.sharingScreen ? this.#call.stopScreenShare() : this.#call.startScreenShare()).catch(() => undefined));
    this.#endButton.addEventListener('click', () => void this.#end());
    this.#microphones.addEventListener('change', () => void this.#call.switchDevice('microphone', this.#microphones.value));
    this.#cameras.addEventListener('change', () => void this.#call.switchDevice('camera', this.#cameras.value));
    // bench/join reads this mark: join → first decoded remote frame (SPEC §13).
    this.#remoteVideo.requestVideoFrameCallback(() => {
      if (performance.getEntriesByName(FIRST_FRAME_MARK).length === 0) performance.mark(FIRST_FRAME_MARK);
    });
    this.#unsubscribe = call.subscribe((state) => this.#render(state));
  }

  /** Another view of the same call took over (a language switch). */
  detach(): void {
    this.#unsubscribe();
  }

  #render(state: CallState): void {
    // Left for another page: the call leaves the room (the meter pauses, BILL-4).
    if (!this.element.isConnected && this.#rendered && activeView === this) {
      activeCall?.call.dispose();
      activeCall = undefined;
      return;
    }
    this.#rendered ||= this.element.isConnected;
    this.#status.dataset['status'] = state.status;
    // A problem that does not stop the call (no camera) is said next to the status.
    const problem = state.problem && state.status !== 'ended' ? ` ${t(problemKey(state.problem))}` : '';
    this.#status.textContent = this.#statusText(state) + problem;
    this.#elapsed.textContent = clock(state.elapsedSeconds);
    this.#cost.textContent = money(state.runningCostCents);
    this.#quality.textContent = t(`room.quality.${state.quality}` as MessageKey);
    if (state.warningSecondsLeft !== undefined) {
      this.#warning.hidden = false;
      this.#warning.textContent = t(state.warningAtStart ? 'room.warningAtStart' : this.#consultation.pricing === 'package' ? 'room.warningPackage' : 'room.warningBudget', { seconds: state.warningSecondsLeft });
    }
    if (this.#localVideo.srcObject !== (state.localStream ?? null)) this.#localVideo.srcObject = state.localStream ?? null;
    if (this.#remoteVideo.srcObject !== state.remoteStream) this.#remoteVideo.srcObject = state.remoteStream;
    if (state.remoteStream.getTracks().length > 0) void this.#remoteVideo.play().catch(() => undefined);
    if (this.#screenVideo.srcObject !== (state.remoteScreenStream ?? null)) this.#screenVideo.srcObject = state.remoteScreenStream ?? null;
    this.#screenFigure.hidden = state.remoteScreenStream === undefined;
    this.#pressed(this.#muteButton, !state.microphoneOn, state.microphoneOn ? 'room.mute' : 'room.unmute');
    this.#pressed(this.#cameraButton, !state.cameraOn, state.cameraOn ? 'room.cameraOff' : 'room.cameraOn');
    this.#pressed(this.#screenButton, state.sharingScreen, state.sharingScreen ? 'room.stopSharing' : 'room.shareScreen');
    this.#renderDevices(state);
    for (const message of state.chat.slice(this.#chatShown)) {
      this.#chatLog.append(h('li', {}, h('strong', {}, message.from === 'me' ? t('room.you') : t('room.other')), ' ', message.text));
    }
    this.#chatShown = state.chat.length;
    if (state.end) this.#renderEnd(state.end);
  }

  #rendered = false;

  #statusText(state: CallState): string {
    if (state.problem && state.status === 'ended' && !state.end) return t(problemKey(state.problem));
    switch (state.status) {
      case 'ended':
        return t('room.ended');
      case 'live':
        return t('room.inCall');
      case 'reconnecting':
        return t(state.reconnecting === 'other' ? 'room.otherReconnecting' : 'room.reconnecting');
      case 'waiting':
        if (state.otherLeft) return t('room.otherLeft');
        if (state.requestExpiresAt) {
          const minutes = Math.max(1, Math.ceil((Date.parse(state.requestExpiresAt) - Date.now()) / MINUTE_MS));
          return t('room.waitingForExpert', { minutes });
        }
        return t('room.waiting');
      case 'connecting':
        return state.party ? t('room.connectingMedia') : t('room.connecting');
    }
  }

  #pressed(button: HTMLButtonElement, pressed: boolean, label: MessageKey): void {
    button.setAttribute('aria-pressed', String(pressed));
    button.textContent = t(label);
  }

  #renderDevices(state: CallState): void {
    const key = JSON.stringify([state.devices.microphones, state.devices.cameras, state.devices.microphoneId, state.devices.cameraId]);
    if (key === this.#devicesShown) return;
    this.#devicesShown = key;
    const fill = (select: HTMLSelectElement, options: { deviceId: string; label: string }[], current: string | undefined) =>
      select.replaceChildren(...options.map((option) => h('option', { value: option.deviceId, selected: option.deviceId === current }, option.label)));
    fill(this.#microphones, state.devices.microphones, state.devices.microphoneId);
    fill(this.#cameras, state.devices.cameras, state.devices.cameraId);
  }

  async #end(): Promise<void> {
    this.#endButton.disabled = true;
    try {
      await this.#call.end();
    } catch (error) {
      this.#endButton.disabled = false;
      this.#status.textContent = apiErrorMessage(error);
    }
  }

  /** The end screen keeps its reason when the settlement adds the amount (PAY-2). */
  #renderEnd(end: CallEnd): void {
    const key = JSON.stringify(end);
    if (key === this.#endShown) return;
    this.#endShown = key;
    const current = this.element.querySelector('[data-testid="end-screen"]');
    const screen = this.#endScreen(end.reason, end.connectedSeconds, end.chargeCents);
    if (current) current.replaceWith(screen);
    else this.#stage.replaceWith(screen);
    if (end.chargeCents !== undefined && end.reason !== 'left') void this.#showCharge(end);
  }

  async #showCharge(end: CallEnd): Promise<void> {
    let charged = end.chargeCents;
    try {
      // The settlement as the API records it (PAY-2), whatever the socket said.
      const latest = await apiCall<ConsultationSummary>('GET', `/api/consultations/${this.#consultation.id}`);
      charged = latest.chargeCents ?? charged;
    } catch {
      // keep the figure from the SFU
    }
    if (charged === end.chargeCents) return;
    this.#endShown = undefined;
    this.#renderEnd({ ...end, chargeCents: charged });
  }

  #endScreen(reason: CallEndReason, connectedSeconds: number, chargeCents: number | null | undefined): HTMLElement {
    const screen = h(
      'section',
      { class: 'call-end', 'data-testid': 'end-screen', 'data-reason': reason, 'aria-labelledby': 'call-end-title' },
      h('h2', { id: 'call-end-title' }, t('room.endTitle')),
      h('p', { 'data-testid': 'end-reason' }, t(`room.reason.${reason}` as MessageKey)),
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
    return this.#call.state.party === 'client';
  }
}

/** The words for a refusal the call client cannot repair. */
function problemKey(code: string): MessageKey {
  const known: Record<string, MessageKey> = {
    consultation_over: 'room.problem.consultationOver',
    not_started: 'room.problem.notStarted',
    media_devices_unavailable: 'room.problem.devices',
  };
  return known[code] ?? 'room.lostForGood';
}
