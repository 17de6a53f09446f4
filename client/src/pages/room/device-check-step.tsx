/**
 * MEDIA-5, the step before the room: camera preview, microphone level, speaker test sound, device
 * choice and the connection test's verdict, with what to do. "Enter the room" hands the preview's
 * stream and the chosen devices to the call, so the camera does not restart. Nothing is billed
 * here: the meter only runs once media flows both ways (BILL-4).
 */
import type { JoinGrant } from '../../media/signaling.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import { formatTime } from '../../i18n/index.ts';
import { testConnection, type ConnectionTestResult } from '../../media/device-check.ts';
import { MicrophoneLevel, listDevices, openCameraAndMicrophone, openDevice, playTestSound, type DeviceList } from '../../media/devices.ts';
import { useNow } from '../../ui/use-now.ts';
import { roomText } from './room-messages.ts';

export interface DeviceChoice {
  stream: MediaStream | undefined;
  microphoneId: string | undefined;
  cameraId: string | undefined;
  speakerId: string | undefined;
}

interface DeviceCheckProps {
  consultationId: string;
  /** BOOK-5: an appointment's room opens at its start; before, the step counts down. */
  opensAt: string | undefined;
  onEnter: (choice: DeviceChoice) => void;
}

const COUNTDOWN_TICK_MS = 1000;

/** Whether this browser can choose where sound plays (HTMLMediaElement.setSinkId). */
const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function DeviceCheckStep({ consultationId, opensAt, onEnter }: DeviceCheckProps) {
  const [stream, setStream] = useState<MediaStream | undefined>(undefined);
  const [refused, setRefused] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [devices, setDevices] = useState<DeviceList>({ microphones: [], cameras: [], speakers: [] });
  const [speakerId, setSpeakerId] = useState<string | undefined>(undefined);
  const [level, setLevel] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [connection, setConnection] = useState<ConnectionTestResult | 'testing'>('testing');
  const [connectionRun, setConnectionRun] = useState(0);
  const preview = useRef<HTMLVideoElement>(null);
  // The stream belongs to this step until it is handed to the call.
  const handedOver = useRef(false);
  const latestStream = useRef<MediaStream | undefined>(undefined);
  latestStream.current = stream;

  useEffect(() => {
    let current = true;
    setRefused(false);
    openCameraAndMicrophone().then(
      async (opened) => {
        if (!current) return opened.getTracks().forEach((track) => track.stop());
        setStream(opened);
        setDevices(await listDevices());
      },
      () => current && setRefused(true),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  // Whatever happens (leaving the page), a stream not handed to the call is stopped.
  useEffect(
    () => () => {
      if (!handedOver.current) latestStream.current?.getTracks().forEach((track) => track.stop());
    },
    [],
  );

  useEffect(() => {
    const video = preview.current;
    if (!video) return;
    // The property, not the attribute: the preview never plays our own microphone back.
    video.muted = true;
    video.srcObject = stream ?? null;
  }, [stream]);

  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    let meter: MicrophoneLevel | undefined;
    let current = true;
    void MicrophoneLevel.start(stream, (value) => current && setLevel(value)).then((started) => {
      if (current) meter = started;
      else started.stop();
    });
    return () => {
      current = false;
      meter?.stop();
    };
  }, [stream]);

  // The connection test starts by itself once the camera is there (or refused), and can be run again.
  // It sends its own noisy picture, not the camera's: a still webcam image would measure the encoder, not the network.
  const ready = stream !== undefined || refused;
  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    setConnection('testing');
    void testConnection({
      joinToken: () => apiCall<JoinGrant>('POST', `/api/consultations/${encodeURIComponent(consultationId)}/join-token`, { json: { purpose: 'probe' } }),
      signal: controller.signal,
    }).then((result) => !controller.signal.aborted && setConnection(result));
    return () => controller.abort();
  }, [ready, connectionRun]);

  const switchTrack = async (kind: 'audio' | 'video', deviceId: string) => {
    if (!stream) return;
    const track = await openDevice(kind, deviceId);
    const old = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
    old.forEach((oldTrack) => oldTrack.stop());
    const others = kind === 'audio' ? stream.getVideoTracks() : stream.getAudioTracks();
    setStream(new MediaStream([...others, track]));
  };

  const testSound = () => {
    setPlaying(true);
    void playTestSound(speakerId)
      .catch(() => undefined)
      .finally(() => setPlaying(false));
  };

  const now = useNow(COUNTDOWN_TICK_MS);
  const opensInMs = opensAt ? Date.parse(opensAt) - now.getTime() : 0;
  const closed = opensInMs > 0;

  const enter = () => {
    handedOver.current = true;
    onEnter({
      stream,
      microphoneId: stream?.getAudioTracks()[0]?.getSettings().deviceId,
      cameraId: stream?.getVideoTracks()[0]?.getSettings().deviceId,
      speakerId,
    });
  };

  const microphoneId = stream?.getAudioTracks()[0]?.getSettings().deviceId;
  const cameraId = stream?.getVideoTracks()[0]?.getSettings().deviceId;
  const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
  return (
    <div class="device-check" data-testid="device-check">
      <p class="device-check-intro">{roomText('checkIntro')}</p>
      <div class="device-check-grid">
        <figure class="device-preview">
          <video ref={preview} autoPlay playsInline muted class="mirrored" aria-label={roomText('preview')} data-testid="preview-video" />
          {hasVideo ? null : <figcaption class="device-preview-empty">{roomText('noPreview')}</figcaption>}
        </figure>
        <div class="device-settings">
          {refused ? (
            <div class="device-refused" role="alert">
              <p>{roomText('devicesRefused')}</p>
              <button type="button" class="button button-secondary" onClick={() => setAttempt(attempt + 1)}>
                {roomText('devicesRetry')}
              </button>
            </div>
          ) : null}
          {/* Near the top: on a phone it is what to read before entering. */}
          <ConnectionVerdict result={connection} onRetry={() => setConnectionRun(connectionRun + 1)} />
          <DeviceSelect
            label={roomText('camera')}
            testId="check-camera-select"
            options={devices.cameras}
            value={cameraId}
            onChange={(id) => void switchTrack('video', id)}
          />
          <DeviceSelect
            label={roomText('microphone')}
            testId="check-microphone-select"
            options={devices.microphones}
            value={microphoneId}
            onChange={(id) => void switchTrack('audio', id)}
          />
          <div class="mic-level">
            <label for="mic-level">{roomText('micLevel')}</label>
            <meter id="mic-level" min={0} max={1} value={level} data-testid="mic-level" />
            <p class="hint">{roomText('micHint')}</p>
          </div>
          {canChooseSpeaker && devices.speakers.length > 0 ? (
            <DeviceSelect label={roomText('speaker')} testId="check-speaker-select" options={devices.speakers} value={speakerId} onChange={setSpeakerId} />
          ) : null}
          <p class="sound-test">
            <button type="button" class="button button-secondary" disabled={playing} onClick={testSound} data-testid="test-sound">
              {playing ? roomText('testSoundPlaying') : roomText('testSound')}
            </button>{' '}
            <span class="hint">{roomText('testSoundHint')}</span>
          </p>
        </div>
      </div>
      <div class="device-check-enter">
        {closed ? (
          <p class="room-opens" role="status" data-testid="room-opens">
            {roomText('opensAt', { time: formatTime(opensAt!) })} {roomText('opensIn', { time: countdown(opensInMs) })}
          </p>
        ) : null}
        <button type="button" class="button button-primary button-large" disabled={closed} onClick={enter} data-testid="enter-room">
          {roomText('enter')}
        </button>
      </div>
    </div>
  );
}

function countdown(durationMs: number): string {
  const seconds = Math.max(0, Math.ceil(durationMs / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

interface DeviceSelectProps {
  label: string;
  testId: string;
  options: { deviceId: string; label: string }[];
  value: string | undefined;
  onChange: (deviceId: string) => void;
}

export function DeviceSelect({ label, testId, options, value, onChange }: DeviceSelectProps) {
  return (
    <label class="device-select">
      <span>{label}</span>
      <select value={value ?? ''} disabled={options.length === 0} onChange={(event) => onChange(event.currentTarget.value)} data-testid={testId}>
        {value === undefined || options.length === 0 ? <option value="">{roomText('defaultDevice')}</option> : null}
        {options.map((option) => (
          <option key={option.deviceId} value={option.deviceId}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function ConnectionVerdict({ result, onRetry }: { result: ConnectionTestResult | 'testing'; onRetry: () => void }) {
  if (result === 'testing') {
    return (
      <div class="connection-verdict" data-testid="connection-verdict" data-verdict="testing" role="status">
        <p>
          <span class="spinner" aria-hidden="true" /> {roomText('connectionTesting')}
        </p>
      </div>
    );
  }
  const figures =
    result.roundTripMs !== undefined || result.uploadKbps !== undefined
      ? roomText('figures', { rtt: result.roundTripMs ?? '–', up: result.uploadKbps ?? '–', down: result.downloadKbps ?? '–' })
      : undefined;
  return (
    <div class={`connection-verdict verdict-${result.verdict}`} data-testid="connection-verdict" data-verdict={result.verdict} role="status">
      <p class="verdict-line">
        <strong>{roomText(`verdict.${result.verdict}`)}</strong>
      </p>
      {result.advice !== 'none' ? <p>{roomText(`advice.${result.advice}`)}</p> : null}
      {figures ? <p class="hint">{figures}</p> : null}
      {result.verdict !== 'good' ? (
        <button type="button" class="button button-secondary button-small" onClick={onRetry}>
          {roomText('connectionRetry')}
        </button>
      ) : null}
    </div>
  );
}
