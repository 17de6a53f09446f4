/**
 * bench sfu (SPEC §13 video, MEDIA-4): N concurrent 1:1 consultations through ONE mediasoup
 * worker, as production lays them out (one router per consultation, the codecs of
 * media/sfu/codecs.ts), each party sending a VP8 stream at STREAM_KBPS that the worker forwards
 * to the other party. Media enters and leaves on PlainTransports (no ICE/DTLS/SRTP: the
 * browsers' encryption cost is not in this figure, the RTP routing is), generated here as RTP
 * packets with VP8 payload descriptors (a key frame every KEYFRAME_EVERY frames). Prints, per N:
 * forwarded bitrate, the worker's CPU (getrusage of the worker process), packet loss, and this
 * process's own CPU (the generator shares the machine).
 */
import { createSocket, type Socket } from 'node:dgram';
import { loadavg } from 'node:os';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../media/sfu/codecs.ts';
import { printTable } from './support/table.ts';
import { cpuBetween, cpuSnapshot } from './support/machine.ts';

const STREAM_KBPS = 500;
const TICK_MS = 20;
const FRAME_MS = 40;
const KEYFRAME_EVERY = 50;
const PACKET_PAYLOAD_BYTES = Math.round((STREAM_KBPS * 1000 * TICK_MS) / 1000 / 8) - 12;
const WARMUP_MS = 1500;
const MEASURE_MS = 4000;
const LEVELS = [25, 50, 100, 150, 200];
const VP8_PAYLOAD_TYPE = 101;
const STREAMS_PER_RECEIVER = 8;

interface Stream {
  ssrc: number;
  port: number;
  sequence: number;
  timestamp: number;
  frame: number;
  packetInFrame: number;
}

export async function runSfuBench(levels: readonly number[] = LEVELS): Promise<void> {
  console.log(`\n## sfu: 1:1 consultations through one mediasoup ${mediasoup.version} worker, ${STREAM_KBPS} kbit/s VP8 per party`);
  const worker = await mediasoup.createWorker({ logLevel: 'error' });
  const sender = createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  const received = new Map<number, { packets: number; bytes: number }>();
  const receivers: Socket[] = [];
  // The worker sends a tick's packets of all streams at once: a few streams per socket keep
  // each burst under the kernel's default receive buffer, so the harness itself drops nothing.
  const receiverFor = async (streamIndex: number): Promise<Socket> => {
    const index = Math.floor(streamIndex / STREAMS_PER_RECEIVER);
    if (!receivers[index]) {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      socket.on('message', (packet) => {
        if (packet.length < 12) return;
        const counter = received.get(packet.readUInt32BE(8));
        if (counter) {
          counter.packets++;
          counter.bytes += packet.length;
        }
      });
      receivers[index] = socket;
    }
    return receivers[index];
  };
  const streams: Stream[] = [];
  const routers: types.Router[] = [];
  let nextSsrc = 10_000;
  const rows: (string | number)[][] = [];
  try {
    for (const target of levels) {
      while (routers.length < target) {
        const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
        routers.push(router);
        for (let party = 0; party < 2; party++) {
          const ssrc = nextSsrc++;
          const ingress = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
          const producer = await ingress.produce({
            kind: 'video',
            rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [] }], encodings: [{ ssrc }] },
          });
          const egress = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
          await egress.connect({ ip: '127.0.0.1', port: (await receiverFor(streams.length)).address().port });
          const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
          received.set(consumer.rtpParameters.encodings![0]!.ssrc!, { packets: 0, bytes: 0 });
          streams.push({ ssrc, port: ingress.tuple.localPort, sequence: 0, timestamp: 0, frame: 0, packetInFrame: 0 });
        }
      }
      const result = await measure(worker, sender, streams, received);
      rows.push([
        target,
        streams.length,
        result.sentMbps,
        result.forwardedMbps,
        result.forwardedMbps / target,
        `${(result.workerCores * 100).toFixed(0)} %`,
        `${(result.loss * 100).toFixed(2)} %`,
        `${(result.generatorCores * 100).toFixed(0)} %`,
        loadavg()[0]!.toFixed(1),
      ]);
      console.log(
        `  N=${target}: forwarded ${result.forwardedMbps.toFixed(1)} Mbit/s, worker ${(result.workerCores * 100).toFixed(0)} % of a core, loss ${(result.loss * 100).toFixed(2)} %`,
      );
    }
  } finally {
    sender.close();
    for (const socket of receivers) socket.close();
    worker.close();
  }
  printTable(
    'one worker, N consultations (2 streams each)',
    ['N consultations', 'streams', 'sent Mbit/s', 'forwarded Mbit/s', 'forwarded per consultation', 'worker CPU (1 core)', 'loss', 'generator CPU', 'load avg'],
    rows,
    [
      `goal (SPEC §13): ≥ 100 consultations per worker at 500 kbit/s each; here each PARTY sends ${STREAM_KBPS} kbit/s (1 Mbit/s in and out per consultation).`,
      'loss: packets sent to the worker in the window that did not come back out (includes the generator falling behind on a saturated machine).',
      'no SRTP here: with browsers, encryption and decryption add to the worker CPU.',
      "a load average above the core count means other processes took the CPU: the generator then sends in catch-up bursts and the loss is the machine's, not the worker's (its CPU column stays low).",
    ],
  );
}

async function measure(
  worker: types.Worker,
  sender: Socket,
  streams: Stream[],
  received: Map<number, { packets: number; bytes: number }>,
): Promise<{ sentMbps: number; forwardedMbps: number; workerCores: number; loss: number; generatorCores: number }> {
  let sentPackets = 0;
  let sentBytes = 0;
  let counting = false;
  const payload = Buffer.alloc(PACKET_PAYLOAD_BYTES, 0xab);
  const packetsPerFrame = FRAME_MS / TICK_MS;
  const tick = () => {
    for (const stream of streams) {
      const header = Buffer.alloc(12 + 2);
      const last = stream.packetInFrame === packetsPerFrame - 1;
      header[0] = 0x80;
      header[1] = (last ? 0x80 : 0) | VP8_PAYLOAD_TYPE;
      header.writeUInt16BE(stream.sequence & 0xffff, 2);
      header.writeUInt32BE(stream.timestamp >>> 0, 4);
      header.writeUInt32BE(stream.ssrc, 8);
      // VP8 payload descriptor (S bit on a frame's first packet) and payload header (P = 0: key frame).
      const first = stream.packetInFrame === 0;
      header[12] = first ? 0x10 : 0x00;
      header[13] = first && stream.frame % KEYFRAME_EVERY === 0 ? 0x00 : 0x01;
      const packet = Buffer.concat([header, payload]);
      sender.send(packet, stream.port, '127.0.0.1');
      if (counting) {
        sentPackets++;
        sentBytes += packet.length;
      }
      stream.sequence++;
      stream.packetInFrame++;
      if (stream.packetInFrame === packetsPerFrame) {
        stream.packetInFrame = 0;
        stream.frame++;
        stream.timestamp += (90000 * FRAME_MS) / 1000;
      }
    }
  };
  // Paced on the wall clock: a late timer sends the ticks it missed, so the rate holds.
  const startMs = performance.now();
  let ticksDone = 0;
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - startMs) / TICK_MS);
    while (ticksDone < due) {
      tick();
      ticksDone++;
    }
  }, TICK_MS / 2);
  await sleep(WARMUP_MS);
  const receivedBefore = total(received);
  const usageBefore = await worker.getResourceUsage();
  const cpuBefore = cpuSnapshot();
  const t0 = performance.now();
  counting = true;
  await sleep(MEASURE_MS);
  counting = false;
  // The generator stops with the window; what is still in flight comes back before counting.
  clearInterval(timer);
  const elapsedS = (performance.now() - t0) / 1000;
  const usageAfter = await worker.getResourceUsage();
  const cpuAfter = cpuSnapshot();
  await sleep(300);
  const receivedAfter = total(received);
  const forwardedPackets = receivedAfter.packets - receivedBefore.packets;
  const forwardedBytes = receivedAfter.bytes - receivedBefore.bytes;
  const workerCpuMs = usageAfter.ru_utime + usageAfter.ru_stime - (usageBefore.ru_utime + usageBefore.ru_stime);
  return {
    sentMbps: (sentBytes * 8) / elapsedS / 1e6,
    forwardedMbps: (forwardedBytes * 8) / elapsedS / 1e6,
    workerCores: workerCpuMs / 1000 / elapsedS,
    loss: sentPackets > 0 ? Math.max(0, 1 - forwardedPackets / sentPackets) : 0,
    generatorCores: cpuBetween(cpuBefore, cpuAfter).processCores,
  };
}

function total(received: Map<number, { packets: number; bytes: number }>): { packets: number; bytes: number } {
  let packets = 0;
  let bytes = 0;
  for (const counter of received.values()) {
    packets += counter.packets;
    bytes += counter.bytes;
  }
  return { packets, bytes };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (import.meta.url === `file://${process.argv[1]}`) {
  const levels = process.argv
    .slice(2)
    .map(Number)
    .filter((value) => value > 0);
  await runSfuBench(levels.length ? levels : LEVELS);
}
