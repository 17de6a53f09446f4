/**
 * The one control bar of the call: microphone, camera, screen share (where the browser can share
 * one: not on phones), messages with the unread count, devices, full screen (where the browser
 * allows it) and end. Each button's words are its name and its tooltip; they show under the
 * icon where there is room, and are read by screen readers everywhere.
 */
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CallState } from '../../media/call.ts';
import { CameraIcon, ChatIcon, FullScreenIcon, HangUpIcon, MicrophoneIcon, ScreenIcon, SettingsIcon } from './room-icons.tsx';
import { roomText } from './room-messages.ts';

const canShareScreen = typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
const canGoFullScreen = typeof document !== 'undefined' && document.fullscreenEnabled === true;

interface CallBarProps {
  state: CallState;
  fullScreenTarget: RefObject<HTMLElement | null>;
  unread: number;
  chatOpen: boolean;
  onMicrophone: () => void;
  onCamera: () => void;
  onScreen: () => void;
  onChat: () => void;
  onDevices: () => void;
  onEnd: () => void;
}

export function CallBar({ state, fullScreenTarget, unread, chatOpen, onMicrophone, onCamera, onScreen, onChat, onDevices, onEnd }: CallBarProps) {
  const [fullScreen, setFullScreen] = useState(false);
  useEffect(() => {
    const onChange = () => setFullScreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  const toggleFullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void fullScreenTarget.current?.requestFullscreen().catch(() => undefined);
  };
  const ended = state.status === 'ended';
  return (
    <div class="call-bar" role="toolbar" aria-label={roomText('controls')} data-testid="call-bar">
      <BarButton
        label={state.microphoneOn ? roomText('mute') : roomText('unmute')}
        pressed={!state.microphoneOn}
        testId="toggle-microphone"
        onClick={onMicrophone}
        disabled={ended}
      >
        <MicrophoneIcon off={!state.microphoneOn} />
      </BarButton>
      <BarButton
        label={state.cameraOn ? roomText('cameraOff') : roomText('cameraOn')}
        pressed={!state.cameraOn}
        testId="toggle-camera"
        onClick={onCamera}
        disabled={ended}
      >
        <CameraIcon off={!state.cameraOn} />
      </BarButton>
      {canShareScreen ? (
        <BarButton
          label={state.sharingScreen ? roomText('stopSharing') : roomText('shareScreen')}
          pressed={state.sharingScreen}
          testId="toggle-screen"
          onClick={onScreen}
          disabled={ended}
        >
          <ScreenIcon />
        </BarButton>
      ) : null}
      <BarButton
        label={roomText('chat')}
        extra={unread > 0 ? roomText('chatUnread', { count: unread }) : undefined}
        expanded={chatOpen}
        testId="toggle-chat"
        onClick={onChat}
      >
        <ChatIcon />
        {unread > 0 ? (
          <span class="bar-badge" aria-hidden="true" data-testid="chat-unread">
            {unread}
          </span>
        ) : null}
      </BarButton>
      <BarButton label={roomText('settings')} testId="open-devices" onClick={onDevices} popup>
        <SettingsIcon />
      </BarButton>
      {canGoFullScreen ? (
        <BarButton
          label={fullScreen ? roomText('exitFullScreen') : roomText('fullScreen')}
          pressed={fullScreen}
          testId="toggle-full-screen"
          onClick={toggleFullScreen}
        >
          <FullScreenIcon on={fullScreen} />
        </BarButton>
      ) : null}
      <BarButton label={roomText('end')} title={roomText('endLabel')} testId="end-call" onClick={onEnd} popup danger disabled={ended}>
        <HangUpIcon />
      </BarButton>
    </div>
  );
}

interface BarButtonProps {
  /** The button's name, shown next to the icon where there is room (read by screen readers always). */
  label: string;
  /** Said after the name to assistive technology only (the unread count the badge shows). */
  extra?: string | undefined;
  title?: string;
  testId: string;
  onClick: () => void;
  pressed?: boolean;
  expanded?: boolean;
  popup?: boolean;
  danger?: boolean;
  disabled?: boolean;
  children: ComponentChildren;
}

function BarButton({ label, extra, title, testId, onClick, pressed, expanded, popup, danger, disabled, children }: BarButtonProps) {
  return (
    <button
      type="button"
      class={danger ? 'bar-button bar-button-end' : pressed ? 'bar-button bar-button-on' : 'bar-button'}
      title={title ?? label}
      aria-pressed={pressed === undefined ? undefined : pressed ? 'true' : 'false'}
      aria-expanded={expanded === undefined ? undefined : expanded ? 'true' : 'false'}
      aria-haspopup={popup ? 'dialog' : undefined}
      disabled={disabled}
      onClick={onClick}
      data-testid={testId}
    >
      {children}
      <span class="bar-label">
        {label}
        {extra ? <span class="visually-hidden">{extra}</span> : null}
      </span>
    </button>
  );
}
