import type { types } from 'mediasoup';

/**
 * MEDIA-1: Opus for audio; VP8 first for video because every WebRTC browser sends and decodes
 * it, then H.264 (constrained baseline, packetization mode 1, what hardware encoders and
 * Safari produce) for a browser that prefers it. The browser sends H.264 only when the other
 * party can receive it (client/src/media/call.ts).
 */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** mediasoup-client 3.24 has no `device.sctpCapabilities`: the server chooses the stream counts. */
export const NUM_SCTP_STREAMS = { OS: 1024, MIS: 1024 } as const;
/** A 1:1 call at good quality; bounds what one participant can push through the SFU. */
export const MAX_INCOMING_BITRATE_BPS = 1_500_000;
export const INITIAL_OUTGOING_BITRATE_BPS = 600_000;
