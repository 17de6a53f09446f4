/**
 * TEL-4, development only: the two simulated phones of each phone consultation, driven by hand
 * through the simulator's routes (`/dev/telephony/...`, absent in production). The platform
 * calls the expert first, then the client; the meter runs while both are in the conference. A
 * party who hung up may call the platform back (TEL-5), from the same phone or with the code.
 * BOOK-4: the text messages the platform sent (the expert's live-request SMS) are listed too.
 * The simulator has no push channel: the page reads it every second while it is open.
 */
import { useEffect, useState } from 'preact/hooks';
import { defineMessages, formatTime, t, type MessageKey } from '../../i18n/index.ts';
import { PageLayout } from '../../ui/page.tsx';
import '../../ui/kit.css';
import './phone-simulator.css';

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

interface SimulatedMessage {
  messageId: string;
  to: string;
  body: string;
  sentAt: string;
}

interface Board {
  calls: SimulatedCall[];
  meters: MeterView[];
  messages: SimulatedMessage[];
}

const POLL_INTERVAL_MS = 1000;
const ACTIONS: Record<SimulatedCall['state'], readonly ('answer' | 'hangup' | 'drop')[]> = {
  ringing: ['answer', 'hangup'],
  in_conference: ['hangup', 'drop'],
  ended: [],
};

const text = defineMessages({
  fr: { messages: 'Textos envoyés', noMessages: 'Aucun texto pour le moment.', messageTo: 'À {to}, {time}' },
  en: { messages: 'Text messages sent', noMessages: 'No text message yet.', messageTo: 'To {to}, {time}' },
});

async function readBoard(): Promise<Board | undefined> {
  const [calls, messages] = await Promise.all([
    fetch('/dev/telephony/calls', { cache: 'no-store' }).catch(() => undefined),
    fetch('/dev/telephony/messages', { cache: 'no-store' }).catch(() => undefined),
  ]);
  if (!calls?.ok) return undefined;
  const board = (await calls.json()) as Omit<Board, 'messages'>;
  const sent = messages?.ok ? ((await messages.json()) as { messages: SimulatedMessage[] }).messages : [];
  return { ...board, messages: sent };
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

export default function PhoneSimulatorPage() {
  const [board, setBoard] = useState<Board | undefined | 'unavailable'>(undefined);
  const [status, setStatus] = useState('');
  const [consultationId, setConsultationId] = useState('');
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    const draw = () => void readBoard().then((read) => current && setBoard(read ?? 'unavailable'));
    draw();
    const timer = window.setInterval(draw, POLL_INTERVAL_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [generation]);
  // After an action: say what happened and read the phones again at once.
  const act = (path: string, body?: object, done?: string) =>
    void post(path, body).then((message) => {
      setStatus(message ?? done ?? '');
      setGeneration((value) => value + 1);
    });
  return (
    <PageLayout title={t('phoneSim.title')}>
      <p>{t('phoneSim.intro')}</p>
      <form
        class="phone-start"
        onSubmit={(event) => {
          event.preventDefault();
          const id = consultationId.trim();
          if (id) act(`/dev/telephony/consultations/${encodeURIComponent(id)}/start`, undefined, t('phoneSim.started'));
        }}
      >
        <label for="phone-sim-consultation">{t('phoneSim.consultationId')}</label>
        <input
          id="phone-sim-consultation"
          name="consultationId"
          autocomplete="off"
          size={40}
          value={consultationId}
          onInput={(event) => setConsultationId(event.currentTarget.value)}
        />
        <button type="submit" class="button button-secondary">
          {t('phoneSim.start')}
        </button>
      </form>
      <p role="status" class="notice" hidden={!status}>
        {status}
      </p>
      <div class="phone-board" aria-live="polite">
        {board === 'unavailable' ? <p>{t('phoneSim.unavailable')}</p> : board ? <Consultations board={board} act={act} /> : null}
      </div>
      {board && board !== 'unavailable' ? <Messages messages={board.messages} /> : null}
    </PageLayout>
  );
}

type Act = (path: string, body?: object) => void;

function Consultations({ board, act }: { board: Board; act: Act }) {
  // A call to the platform it did not recognise belongs to no consultation.
  const consultations = [...new Set(board.calls.map((call) => call.consultationId).filter(Boolean))].reverse();
  if (consultations.length === 0) return <p>{t('phoneSim.empty')}</p>;
  return (
    <>
      {consultations.map((id) => {
        const meter = board.meters.find((candidate) => candidate.consultationId === id);
        const meterText = meter
          ? `${t(meter.running ? 'phoneSim.meterRunning' : 'phoneSim.meterPaused')} · ${formatSeconds(meter.connectedSeconds)} / ${formatSeconds(meter.maxSeconds)}`
          : t('phoneSim.finished');
        return (
          <section key={id} class="phone-consultation" aria-label={`${t('phoneSim.consultation')} ${id}`}>
            <h2>{`${t('phoneSim.consultation')} ${id.slice(0, 8)}`}</h2>
            <p>{meterText}</p>
            <div class="phone-pair">
              {(['expert', 'client'] as const).map((party) => (
                <Phone key={party} party={party} calls={board.calls.filter((call) => call.consultationId === id && call.party === party)} act={act} />
              ))}
            </div>
          </section>
        );
      })}
    </>
  );
}

function Phone({ party, calls, act }: { party: 'expert' | 'client'; calls: SimulatedCall[]; act: Act }) {
  const current = calls[calls.length - 1];
  const title = t(party === 'expert' ? 'phoneSim.expertPhone' : 'phoneSim.clientPhone');
  if (!current) {
    return (
      <article class="phone">
        <h3>{title}</h3>
        <p>{t('phoneSim.notCalled')}</p>
      </article>
    );
  }
  const heard = calls.flatMap((call) => call.heard);
  return (
    <article class="phone">
      <h3>{`${title} · ${current.to}`}</h3>
      <p>
        {t(`phoneSim.state.${current.state}` as MessageKey)}
        {current.endedBy ? ` (${t(`phoneSim.endedBy.${current.endedBy}` as MessageKey)})` : ''}
      </p>
      {heard.length ? <p class="notice">{`${t('phoneSim.heard')} « ${heard[heard.length - 1]} »`}</p> : null}
      <p>{t('phoneSim.calls', { count: calls.length })}</p>
      <div class="phone-actions">
        {ACTIONS[current.state].map((action) => (
          <button
            key={action}
            type="button"
            class="button button-secondary button-small"
            onClick={() => act(`/dev/telephony/calls/${current.callId}/${action}`)}
          >
            {t(`phoneSim.action.${action}` as MessageKey)}
          </button>
        ))}
        {current.state === 'ended' ? <CallPlatform call={current} act={act} /> : null}
      </div>
    </article>
  );
}

/** TEL-5: this phone calls the platform's number back; the code is for a phone other than the one on file. */
function CallPlatform({ call, act }: { call: SimulatedCall; act: Act }) {
  const [code, setCode] = useState('');
  const inputId = `phone-sim-code-${call.callId}`;
  return (
    <form
      class="phone-call-platform"
      onSubmit={(event) => {
        event.preventDefault();
        const typed = code.trim();
        act(`/dev/telephony/calls/${call.callId}/call-platform`, typed ? { code: typed } : {});
      }}
    >
      <label for={inputId}>{t('phoneSim.code')}</label>
      <input
        id={inputId}
        name="code"
        inputMode="numeric"
        autocomplete="off"
        maxLength={6}
        size={8}
        value={code}
        onInput={(event) => setCode(event.currentTarget.value)}
      />
      <button type="submit" class="button button-secondary button-small">
        {t('phoneSim.action.callPlatform')}
      </button>
    </form>
  );
}

/** BOOK-4: the texts the platform sent (newest first), as the phone would show them. */
function Messages({ messages }: { messages: SimulatedMessage[] }) {
  return (
    <section class="phone-messages" aria-labelledby="phone-messages-title" data-testid="simulated-messages">
      <h2 id="phone-messages-title">{text('messages')}</h2>
      {messages.length === 0 ? <p>{text('noMessages')}</p> : null}
      <ol>
        {[...messages].reverse().map((message) => (
          <li key={message.messageId}>
            <p class="phone-message-to">{text('messageTo', { to: message.to, time: formatTime(message.sentAt) })}</p>
            <p class="phone-message-body">{message.body}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function formatSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
