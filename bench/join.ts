/**
 * bench join (SPEC §13 video): time from joining to the first decoded remote video frame, in
 * headless Chromium on loopback, through the whole product path: the in-call page asks the API
 * for a join token, opens the signaling socket, loads the device, connects ICE + DTLS, and the
 * other party's video is presented (requestVideoFrameCallback). The other party is already in
 * the room. Marks come from client/src/pages/consultation-room.ts.
 */
import type { Browser } from 'playwright-core';
import { immediateVideoConsultation, waitFor } from '../test/media/support.ts';
import { launchBrowsers, signIn, startVideoPlatform } from '../test/media/video-platform.ts';
import { printTable } from './support/table.ts';

const ROUNDS = 15;
const FIRST_FRAME_TIMEOUT_MS = 15_000;

export async function runJoinBench(rounds = ROUNDS): Promise<void> {
  console.log(`\n## join: join → first decoded remote frame, headless Chromium on loopback, ${rounds} rounds`);
  const browsers: Browser[] = await launchBrowsers(2);
  const platform = await startVideoPlatform();
  const samples: number[] = [];
  const expertPage = await browsers[0]!.newPage();
  const clientPage = await browsers[1]!.newPage();
  try {
    for (let round = 0; round < rounds; round++) {
      const { expert, client, consultationId } = await immediateVideoConsultation(platform.http);
      await signIn(expertPage, platform.url, platform.http, expert, 'fr');
      await expertPage.goto(`${platform.url}/salle/${consultationId}`);
      await waitFor(() => (platform.media.room(consultationId)?.peer('expert')?.producers.size ?? 0) >= 2, 10_000, 'expert publishing');
      await signIn(clientPage, platform.url, platform.http, client, 'fr');
      await clientPage.goto(`${platform.url}/salle/${consultationId}`);
      const elapsedMs = await waitFor(
        () =>
          clientPage.evaluate(() => {
            const join = performance.getEntriesByName('consulto:join')[0];
            const frame = performance.getEntriesByName('consulto:first-remote-frame')[0];
            return join && frame ? frame.startTime - join.startTime : undefined;
          }),
        FIRST_FRAME_TIMEOUT_MS,
        'first remote frame',
      );
      samples.push(elapsedMs);
      console.log(`  round ${round + 1}: ${elapsedMs.toFixed(0)} ms`);
      const ended = new Promise((resolve) => platform.media.once('ended', resolve));
      await expertPage.getByTestId('end-call').click();
      await ended;
    }
  } finally {
    await platform.close();
    for (const browser of browsers) await browser.close().catch(() => undefined);
  }
  samples.sort((a, b) => a - b);
  const quantile = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  printTable(
    'join → first decoded remote frame',
    ['rounds', 'median ms', 'p99 ms', 'min ms', 'max ms'],
    [[samples.length, quantile(0.5), quantile(0.99), samples[0]!, samples[samples.length - 1]!]],
    ['goal (SPEC §13 and issue 5): median < 500 ms, p99 < 1.5 s. With few rounds p99 is the maximum.', 'includes the join-token request, signaling, ICE + DTLS and the first key frame.'],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2]);
  await runJoinBench(Number.isInteger(rounds) && rounds > 0 ? rounds : ROUNDS);
}
