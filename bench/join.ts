/**
 * bench join (SPEC §13 video): join to first remote frame in the real room page (`/salle/<id>`),
 * headless Chromium on loopback, for both orders of arrival:
 * - the one who joins: from its own join (the page's `consulto:join` mark) to the first decoded
 *   frame of the other's video on its page;
 * - the one who waited: from the other's join to the first decoded frame of the other's video on
 *   the waiting page. Both pages are on one machine, so their clocks compare (performance.timeOrigin).
 * Rounds alternate who arrives first (the expert, then the client), so each side is measured for
 * both parties. Marks come from client/src/pages/room/ (`consulto:join` on "Enter the room" after the device check, the frame by requestVideoFrameCallback).
 */
import type { Page } from 'playwright-core';
import { immediateVideoConsultation, waitFor } from '../test/media/support.ts';
import { launchBrowsers, signIn, startVideoPlatform, enterRoom, endCall } from '../test/media/video-platform.ts';
import { printTable } from './support/table.ts';

const ROUNDS = 20;
const FIRST_FRAME_TIMEOUT_MS = 15_000;
const JOIN_MARK = 'consulto:join';
const FIRST_FRAME_MARK = 'consulto:first-remote-frame';
/** SPEC §13. */
const GOAL_MEDIAN_MS = 500;
const GOAL_P99_MS = 1500;

/** A mark of this page, in epoch milliseconds. */
function markAtMs(page: Page, name: string): Promise<number | undefined> {
  return page.evaluate((mark) => {
    const entry = performance.getEntriesByName(mark)[0];
    return entry ? performance.timeOrigin + entry.startTime : undefined;
  }, name);
}

export async function runJoinBench(rounds = ROUNDS): Promise<void> {
  console.log(`\n## join: join → first decoded remote frame in the room page, headless Chromium on loopback, ${rounds} rounds, both orders of arrival`);
  const browsers = await launchBrowsers(2);
  const platform = await startVideoPlatform();
  const samples = { joins: [] as number[], waited: [] as number[] };
  const pages = { expert: await browsers[0]!.newPage(), client: await browsers[1]!.newPage() };
  try {
    for (let round = 0; round < rounds; round++) {
      const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
      const [first, second] = round % 2 === 0 ? (['expert', 'client'] as const) : (['client', 'expert'] as const);
      const people = { expert, client };
      await signIn(pages[first], platform.url, platform.http, people[first], 'fr');
      await signIn(pages[second], platform.url, platform.http, people[second], 'fr');
      await enterRoom(pages[first], platform.url, consultationId);
      // The first one is in the room and sends its camera and microphone: it waits.
      await waitFor(() => (platform.media.room(consultationId)?.peer(first)?.producers.size ?? 0) >= 2, 10_000, 'first party publishing');
      await enterRoom(pages[second], platform.url, consultationId);
      const joinedAtMs = await waitFor(() => markAtMs(pages[second], JOIN_MARK), FIRST_FRAME_TIMEOUT_MS, 'join mark');
      const joinerFrameAtMs = await waitFor(() => markAtMs(pages[second], FIRST_FRAME_MARK), FIRST_FRAME_TIMEOUT_MS, 'first remote frame (joiner)');
      const waiterFrameAtMs = await waitFor(() => markAtMs(pages[first], FIRST_FRAME_MARK), FIRST_FRAME_TIMEOUT_MS, 'first remote frame (waiter)');
      samples.joins.push(joinerFrameAtMs - joinedAtMs);
      samples.waited.push(waiterFrameAtMs - joinedAtMs);
      console.log(
        `  round ${round + 1} (${first} waits): joins ${(joinerFrameAtMs - joinedAtMs).toFixed(0)} ms, waited ${(waiterFrameAtMs - joinedAtMs).toFixed(0)} ms`,
      );
      const ended = new Promise((resolve) => platform.media.once('ended', resolve));
      await endCall(pages.expert);
      await ended;
    }
  } finally {
    await platform.close();
    for (const browser of browsers) await browser.close().catch(() => undefined);
  }
  const row = (side: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return [side, sorted.length, Math.round(quantile(0.5)), Math.round(quantile(0.99)), Math.round(sorted[0]!), Math.round(sorted[sorted.length - 1]!)];
  };
  printTable(
    'join → first decoded remote frame, in the room page',
    ['side', 'rounds', 'median ms', 'p99 ms', 'min ms', 'max ms'],
    [row('the one who joins', samples.joins), row('the one who waited', samples.waited)],
    [
      `goal (SPEC §13): median < ${GOAL_MEDIAN_MS} ms, p99 < ${GOAL_P99_MS} ms for each side. With few rounds p99 is the maximum.`,
      'both sides from the same instant: the joining page’s `consulto:join` mark (join token, signaling, ICE + DTLS, the first key frame).',
    ],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2]);
  await runJoinBench(Number.isInteger(rounds) && rounds > 0 ? rounds : ROUNDS);
}
