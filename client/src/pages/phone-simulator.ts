import { h } from '../dom.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import type { Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';

/**
 * TEL-4, development only: the two simulated phones of each phone consultation, driven by hand
 * through the simulator's routes (`/dev/telephony/...`, absent in production). The platform
 * calls the expert first, then the client; the meter runs while both are in the conference. A
 * party who hung up may call the platform back (TEL-5), from the same phone or with the code.
 */
interface SimulatedCall {
  callId: string;
  direction: 'outbound' | 'inbound';
  consultationId: string;
  party: 'expert' | 'client' | null;
  to: string;
  state: 'ringing' | 'in_conference' | 'ended';
  endedBy: 'hangup' | 'drop' | 'declined' | 'no_answer' | 'platform' | 'not_recognised' | null;
  heard: string[];
}

interface MeterView {
  consultationId: string;
  connectedSeconds: number;
  running: boolean;
  maxSeconds: number;
}

const POLL_INTERVAL_MS = 1000;
const ACTIONS: Record<SimulatedCall['state'], readonly ('answer' | 'hangup' | 'drop')[]> = {
  ringing: ['answer', 'hangup'],
  in_conference: ['hangup', 'drop'],
  ended: [],
};

export const phoneSimulatorPage: Page = async () => {
  const board = h('div', { class: 'phone-board', 'aria-live': 'polite' });
  const status = h('p', { role: 'status', class: 'notice' });
  const consultationInput = h('input', { id: 'phone-sim-consultation', name: 'consultationId', autocomplete: 'off', size: 40 });
  const startButton = h('button', { type: 'submit' }, t('phoneSim.start'));
  const startForm = h(
    'form',
    { class: 'phone-start' },
    h('label', { for: 'phone-sim-consultation' }, t('phoneSim.consultationId')),
    consultationInput,
    startButton,
  );
  startForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = consultationInput.value.trim();
    if (!id) return;
    void post(`/dev/telephony/consultations/${encodeURIComponent(id)}/start`).then((message) => {
      status.textContent = message ?? t('phoneSim.started');
      return draw();
    });
  });

  let lastDrawn = '';
  async function draw(): Promise<void> {
    const response = await fetch('/dev/telephony/calls', { cache: 'no-store' }).catch(() => undefined);
    if (!response?.ok) {
      board.replaceChildren(h('p', {}, t('phoneSim.unavailable')));
      return;
    }
    const data = (await response.json()) as { calls: SimulatedCall[]; meters: MeterView[] };
    const serialised = JSON.stringify(data);
    if (serialised === lastDrawn) return; // unchanged: keep focus where the person left it
    lastDrawn = serialised;
    // A call to the platform it did not recognise belongs to no consultation.
    const consultations = [...new Set(data.calls.map((call) => call.consultationId).filter(Boolean))].reverse();
    if (consultations.length === 0) {
      board.replaceChildren(h('p', {}, t('phoneSim.empty')));
      return;
    }
    board.replaceChildren(...consultations.map((id) => consultationCard(id, data)));
  }

  function consultationCard(consultationId: string, data: { calls: SimulatedCall[]; meters: MeterView[] }): HTMLElement {
    const meter = data.meters.find((candidate) => candidate.consultationId === consultationId);
    const meterText = meter
      ? `${t(meter.running ? 'phoneSim.meterRunning' : 'phoneSim.meterPaused')} · ${formatSeconds(meter.connectedSeconds)} / ${formatSeconds(meter.maxSeconds)}`
      : t('phoneSim.finished');
    return h(
      'section',
      { class: 'phone-consultation', 'aria-label': `${t('phoneSim.consultation')} ${consultationId}` },
      h('h2', {}, `${t('phoneSim.consultation')} ${consultationId.slice(0, 8)}`),
      h('p', {}, meterText),
      h(
        'div',
        { class: 'phone-pair' },
        (['expert', 'client'] as const).map((party) => phoneCard(party, data.calls.filter((call) => call.consultationId === consultationId && call.party === party))),
      ),
    );
  }

  function phoneCard(party: 'expert' | 'client', calls: SimulatedCall[]): HTMLElement {
    const current = calls[calls.length - 1];
    const title = t(party === 'expert' ? 'phoneSim.expertPhone' : 'phoneSim.clientPhone');
    if (!current) return h('article', { class: 'phone' }, h('h3', {}, title), h('p', {}, t('phoneSim.notCalled')));
    const buttons = ACTIONS[current.state].map((action) => {
      const button = h('button', { type: 'button' }, t(`phoneSim.action.${action}` as MessageKey));
      button.addEventListener('click', () => {
        void post(`/dev/telephony/calls/${current.callId}/${action}`).then((message) => {
          status.textContent = message ?? '';
          return draw();
        });
      });
      return button;
    });
    const heard = calls.flatMap((call) => call.heard);
    return h(
      'article',
      { class: 'phone' },
      h('h3', {}, `${title} · ${current.to}`),
      h('p', {}, `${t(`phoneSim.state.${current.state}` as MessageKey)}${current.endedBy ? ` (${t(`phoneSim.endedBy.${current.endedBy}` as MessageKey)})` : ''}`),
      heard.length ? h('p', { class: 'notice' }, `${t('phoneSim.heard')} « ${heard[heard.length - 1]} »`) : null,
      h('p', {}, t('phoneSim.calls').replace('{count}', String(calls.length))),
      h('div', { class: 'phone-actions' }, buttons, current.state === 'ended' ? callPlatformForm(current) : null),
    );
  }

  /** TEL-5: this phone calls the platform's number back; the code is for a phone other than the one on file. */
  function callPlatformForm(call: SimulatedCall): HTMLElement {
    const inputId = `phone-sim-code-${call.callId}`;
    const code = h('input', { id: inputId, name: 'code', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, size: 8 });
    const form = h(
      'form',
      { class: 'phone-call-platform' },
      h('label', { for: inputId }, t('phoneSim.code')),
      code,
      h('button', { type: 'submit' }, t('phoneSim.action.callPlatform')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = code.value.trim();
      void post(`/dev/telephony/calls/${call.callId}/call-platform`, typed ? { code: typed } : {}).then((message) => {
        status.textContent = message ?? '';
        return draw();
      });
    });
    return form;
  }

  /** Returns the message to show, or undefined when the action went through. */
  async function post(path: string, body?: object): Promise<string | undefined> {
    const response = await fetch(path, {
      method: 'POST',
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    }).catch(() => undefined);
    if (!response) return t('phoneSim.unavailable');
    const answer = (await response.json().catch(() => undefined)) as { error?: { message?: string }; call?: SimulatedCall } | undefined;
    if (response.ok) return answer?.call?.endedBy === 'not_recognised' ? t('phoneSim.notRecognised') : undefined;
    return answer?.error?.message ?? t('phoneSim.unavailable');
  }

  await draw();
  const timer = setInterval(() => {
    // The router replaced the page: stop polling.
    if (!board.isConnected) {
      clearInterval(timer);
      return;
    }
    void draw();
  }, POLL_INTERVAL_MS);

  return pageLayout(t('phoneSim.title'), undefined, h('p', {}, t('phoneSim.intro')), startForm, status, board);
};

function formatSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
