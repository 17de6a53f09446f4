/**
 * Cameras, microphones and speakers (MEDIA-3 device selection, MEDIA-5 device check): the list,
 * the camera and microphone with the chosen devices, the microphone's level and a test sound.
 */
import type { DeviceOption } from './call-state.ts';

/** What the call sends: enough for a 1:1 consultation, light on the uplink. */
export const CAMERA_CONSTRAINTS = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } } as const;
/** How often the microphone level is read: smooth enough for a meter, cheap. */
const LEVEL_INTERVAL_MS = 100;
/** The speaker test: a short two-tone chime at a comfortable volume. */
const TEST_SOUND_TONES_HZ = [660, 880] as const;
const TEST_SOUND_TONE_SECONDS = 0.35;
const TEST_SOUND_GAIN = 0.2;

export interface DeviceList {
  microphones: DeviceOption[];
  cameras: DeviceOption[];
  speakers: DeviceOption[];
}

/** Labels are empty until the page was granted the camera or microphone once; numbered then. */
export async function listDevices(): Promise<DeviceList> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const options = (kind: MediaDeviceKind, fallback: string) =>
    devices
      .filter((device) => device.kind === kind && device.deviceId !== '')
      .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `${fallback} ${index + 1}` }));
  return { microphones: options('audioinput', 'Microphone'), cameras: options('videoinput', 'Camera'), speakers: options('audiooutput', 'Speaker') };
}

/**
 * The camera and microphone, with the chosen devices when given. Without a camera (or when it is
 * refused) the microphone alone; the caller learns which tracks it got from the stream.
 */
export async function openCameraAndMicrophone(choice: { microphoneId?: string | undefined; cameraId?: string | undefined } = {}): Promise<MediaStream> {
  const audio: MediaTrackConstraints | boolean = choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : true;
  const video: MediaTrackConstraints = choice.cameraId ? { ...CAMERA_CONSTRAINTS, deviceId: { exact: choice.cameraId } } : { ...CAMERA_CONSTRAINTS };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'NotFoundError' && name !== 'NotReadableError' && name !== 'OverconstrainedError') throw error;
    return navigator.mediaDevices.getUserMedia({ audio });
  }
}

/** One track of the chosen device, to replace the current one without renegotiation. */
export async function openDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(
    kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { ...CAMERA_CONSTRAINTS, deviceId: { exact: deviceId } } },
  );
  return kind === 'audio' ? stream.getAudioTracks()[0]! : stream.getVideoTracks()[0]!;
}

/**
 * The microphone's level, 0 to 1, read from an AudioContext analyser (MEDIA-5: "is my microphone
 * heard?"). `stop()` closes the audio context; the track itself stays the caller's.
 */
export class MicrophoneLevel {
  readonly #context: AudioContext;
  readonly #timer: number;

  private constructor(context: AudioContext, analyser: AnalyserNode, onLevel: (level: number) => void) {
    this.#context = context;
    const samples = new Float32Array(analyser.fftSize);
    this.#timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      onLevel(rootMeanSquareLevel(samples));
    }, LEVEL_INTERVAL_MS);
  }

  static async start(stream: MediaStream, onLevel: (level: number) => void): Promise<MicrophoneLevel> {
    const context = new AudioContext();
    // A page's first AudioContext may start suspended until a user gesture.
    if (context.state === 'suspended') await context.resume().catch(() => undefined);
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    return new MicrophoneLevel(context, analyser, onLevel);
  }

  stop(): void {
    window.clearInterval(this.#timer);
    void this.#context.close().catch(() => undefined);
  }
}

/** 0 for silence, about 1 for a loud voice close to the microphone. */
export function rootMeanSquareLevel(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  // Speech sits around 0.05–0.3 RMS: a square-root curve makes a quiet voice visible on the meter.
  return Math.min(1, Math.sqrt(rms * 4));
}

/** MEDIA-5 speaker test: plays a short chime on the chosen output (where the browser can choose one). */
export async function playTestSound(speakerId?: string): Promise<void> {
  const context = new AudioContext();
  try {
    const destination = context.createMediaStreamDestination();
    const audio = new Audio();
    audio.srcObject = destination.stream;
    const withSink = audio as HTMLAudioElement & { setSinkId?: (sinkId: string) => Promise<void> };
    if (speakerId && withSink.setSinkId) await withSink.setSinkId(speakerId);
    await audio.play();
    const start = context.currentTime;
    TEST_SOUND_TONES_HZ.forEach((frequency, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.value = TEST_SOUND_GAIN;
      oscillator.connect(gain).connect(destination);
      oscillator.start(start + index * TEST_SOUND_TONE_SECONDS);
      oscillator.stop(start + (index + 1) * TEST_SOUND_TONE_SECONDS);
    });
    await new Promise((resolve) => window.setTimeout(resolve, TEST_SOUND_TONES_HZ.length * TEST_SOUND_TONE_SECONDS * 1000 + 100));
    audio.pause();
  } finally {
    await context.close().catch(() => undefined);
  }
}
