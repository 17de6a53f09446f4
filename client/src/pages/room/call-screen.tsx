/**
 * MEDIA-3, MEDIA-6, MEDIA-7, BILL-3: the call as people see it. Everything renders from the call
 * client's state (useCallState); buttons send intents back to it. The other's video fills the
 * stage (its shared screen instead, when there is one, and its camera becomes a small view), the
 * self-view sits small in a corner, and one control bar stays on screen at every size: the screen
 * is the viewport's height (100dvh) and never scrolls.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatMoney } from '../../i18n/index.ts';
import type { CallClient, CallState } from '../../media/call.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { pageHeadingDrawn } from '../../ui/focus.ts';
import { CallBar } from './call-bar.tsx';
import { ChatPanel } from './chat-panel.tsx';
import { DeviceSelect } from './device-check-step.tsx';
import { FIRST_FRAME_MARK, markOnce } from './room-marks.ts';
import { roomText, type RoomMessage } from './room-messages.ts';
import { useCallState } from './use-call-state.ts';

const MINUTE_MS = 60_000;

export function clock(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** The status line, always true (call-state.ts says what each status means). */
export function statusText(state: CallState): string {
  const problem = state.problem && state.status !== 'ended' ? ` ${roomText(problemKey(state.problem))}` : '';
  return baseStatusText(state) + problem;
}

function baseStatusText(state: CallState): string {
  if (state.problem && state.status === 'ended' && !state.end) return roomText(problemKey(state.problem));
  switch (state.status) {
    case 'ended':
      return roomText('ended');
    case 'live':
      return roomText('inCall');
    case 'reconnecting':
      return roomText(state.reconnecting === 'other' ? 'otherReconnecting' : 'reconnecting');
    case 'waiting':
      if (state.otherLeft) return roomText('otherLeft');
      if (state.requestExpiresAt) {
        const minutes = Math.max(1, Math.ceil((Date.parse(state.requestExpiresAt) - Date.now()) / MINUTE_MS));
        return roomText('waitingForExpert', { minutes });
      }
      return roomText('waiting');
    case 'connecting':
      return state.party ? roomText('connectingMedia') : roomText('connecting');
  }
}

/** The words for a refusal the call client cannot repair. */
function problemKey(code: string): RoomMessage {
  const known: Record<string, RoomMessage> = {
    consultation_over: 'problem.consultationOver',
    not_started: 'problem.notStarted',
    media_devices_unavailable: 'problem.devices',
  };
  return known[code] ?? 'lostForGood';
}

/** A <video> whose stream, muting and speaker are set on the element (properties, not attributes). */
function useVideoElement(stream: MediaStream | undefined, options: { muted: boolean; speakerId?: string | undefined }) {
  const element = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = element.current;
    if (!video) return;
    // The `muted` attribute only sets the default: the property is what silences a self-view.
    video.muted = options.muted;
    if (video.srcObject !== (stream ?? null)) video.srcObject = stream ?? null;
    if (stream && stream.getTracks().length > 0 && video.paused) void video.play().catch(() => undefined);
  });
  useEffect(() => {
    const video = element.current;
    if (video?.setSinkId && options.speakerId) void video.setSinkId(options.speakerId).catch(() => undefined);
  }, [options.speakerId]);
  return element;
}

interface CallScreenProps {
  call: CallClient;
  title: string;
}

export function CallScreen({ call, title }: CallScreenProps) {
  const state = useCallState(call);
  const screen = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [chatOpen, setChatOpen] = useState(false);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [endError, setEndError] = useState<string | undefined>(undefined);
  const [ending, setEnding] = useState(false);
  const [readUpTo, setReadUpTo] = useState(0);
  const remote = useVideoElement(state.remoteStream, { muted: false, speakerId: state.devices.speakerId });
  const remoteScreen = useVideoElement(state.remoteScreenStream, { muted: true });
  const local = useVideoElement(state.localStream, { muted: true });
  const localScreen = useVideoElement(state.localScreenStream, { muted: true });

  useEffect(() => pageHeadingDrawn(heading.current), []);
  useEffect(() => {
    document.title = `${title} · Consulto`;
  }, [title]);
  // The call owns the whole window: the page behind it never scrolls.
  useEffect(() => {
    document.documentElement.classList.add('in-call');
    return () => document.documentElement.classList.remove('in-call');
  }, []);
  // bench/join and the BILL-4 test read this mark: join → first decoded remote frame (SPEC §13).
  useEffect(() => {
    remote.current?.requestVideoFrameCallback(() => markOnce(FIRST_FRAME_MARK));
  }, []);
  useEffect(() => {
    if (chatOpen) setReadUpTo(state.chat.length);
  }, [chatOpen, state.chat.length]);

  const unread = chatOpen ? 0 : state.chat.slice(readUpTo).filter((message) => message.from === 'other').length;
  const sharedScreen = state.remoteScreenStream !== undefined;
  const remoteHasPicture = state.remoteStream.getVideoTracks().length > 0 && state.remoteCameraOn;

  const end = () => {
    setEnding(true);
    setEndError(undefined);
    call
      .end()
      .then(
        () => setConfirmEnd(false),
        (error: unknown) => setEndError(apiErrorMessage(error)),
      )
      .finally(() => setEnding(false));
  };

  return (
    <div class="call-screen" ref={screen} data-testid="call-screen" data-chat={chatOpen ? 'open' : 'closed'}>
      <header class="call-top">
        <h1 class="call-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        <p class="call-status" role="status" data-testid="room-status" data-status={state.status}>
          {statusText(state)}
        </p>
        <p class="call-meter">
          <span
            class={`quality-dot quality-${state.quality}`}
            role="img"
            aria-label={roomText('quality', { quality: roomText(`quality.${state.quality}`) })}
            title={roomText('quality', { quality: roomText(`quality.${state.quality}`) })}
          />
          <span class="visually-hidden">{roomText('elapsed')} </span>
          <output data-testid="elapsed">{clock(state.elapsedSeconds)}</output>
          <span aria-hidden="true"> · </span>
          <span class="visually-hidden">{roomText('cost')} </span>
          <output data-testid="running-cost">{formatMoney(state.runningCostCents)}</output>
        </p>
      </header>
      {state.warningSecondsLeft !== undefined ? (
        <p class="call-warning" role="alert" data-testid="budget-warning">
          {roomText(state.warningAtStart ? 'warningAtStart' : state.pricing === 'package' ? 'warningPackage' : 'warningBudget', {
            seconds: state.warningSecondsLeft,
          })}
        </p>
      ) : null}
      <div class="call-stage" data-layout={sharedScreen ? 'screen' : 'camera'}>
        <video
          ref={remoteScreen}
          class="view view-main"
          hidden={!sharedScreen}
          autoPlay
          playsInline
          muted
          aria-label={roomText('otherScreen')}
          data-testid="remote-screen"
        />
        <video
          ref={remote}
          class={sharedScreen ? 'view view-pip view-pip-other' : 'view view-main'}
          autoPlay
          playsInline
          aria-label={roomText('other')}
          data-testid="remote-video"
        />
        {!sharedScreen && !remoteHasPicture ? (
          <p class="view-placeholder" aria-hidden="true">
            {state.status === 'live' ? roomText('otherCameraOff') : roomText('waitingPicture')}
          </p>
        ) : null}
        {state.status === 'live' && !state.remoteMicrophoneOn ? <p class="remote-muted">{roomText('otherMuted')}</p> : null}
        <video
          ref={local}
          class="view view-pip view-self mirrored"
          hidden={!state.localStream}
          autoPlay
          playsInline
          muted
          aria-label={roomText('you')}
          data-testid="local-video"
        />
        <video
          ref={localScreen}
          class="view view-pip view-own-screen"
          hidden={!state.localScreenStream}
          autoPlay
          playsInline
          muted
          aria-label={roomText('yourScreen')}
        />
        {chatOpen ? <ChatPanel chat={state.chat} onSend={(text) => call.sendChat(text)} onClose={() => setChatOpen(false)} /> : null}
      </div>
      <CallBar
        state={state}
        fullScreenTarget={screen}
        unread={unread}
        chatOpen={chatOpen}
        onMicrophone={() => void call.toggleMicrophone()}
        onCamera={() => void call.toggleCamera()}
        onScreen={() => void (state.sharingScreen ? call.stopScreenShare() : call.startScreenShare()).catch(() => undefined)}
        onChat={() => setChatOpen(!chatOpen)}
        onDevices={() => setDevicesOpen(true)}
        onEnd={() => setConfirmEnd(true)}
      />
      <Dialog title={roomText('devices')} open={devicesOpen} onClose={() => setDevicesOpen(false)} testId="devices-dialog">
        <DeviceSelect
          label={roomText('camera')}
          testId="camera-select"
          options={state.devices.cameras}
          value={state.devices.cameraId}
          onChange={(id) => void call.switchDevice('camera', id)}
        />
        <DeviceSelect
          label={roomText('microphone')}
          testId="microphone-select"
          options={state.devices.microphones}
          value={state.devices.microphoneId}
          onChange={(id) => void call.switchDevice('microphone', id)}
        />
        {state.devices.speakers.length > 0 && 'setSinkId' in HTMLMediaElement.prototype ? (
          <DeviceSelect
            label={roomText('speaker')}
            testId="speaker-select"
            options={state.devices.speakers}
            value={state.devices.speakerId}
            onChange={(id) => void call.switchDevice('speaker', id)}
          />
        ) : null}
      </Dialog>
      <Dialog title={roomText('endConfirmTitle')} open={confirmEnd} onClose={() => setConfirmEnd(false)} testId="end-dialog">
        <p>{roomText('endConfirmText')}</p>
        {endError ? (
          <p class="error-text" role="alert">
            {endError}
          </p>
        ) : null}
        <div class="button-row">
          <button type="button" class="button button-danger" disabled={ending} onClick={end} data-testid="end-call-confirm">
            {roomText('endConfirm')}
          </button>
          <button type="button" class="button button-secondary" onClick={() => setConfirmEnd(false)}>
            {roomText('endCancel')}
          </button>
        </div>
      </Dialog>
    </div>
  );
}
