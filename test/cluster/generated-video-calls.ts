import type { Browser, Page } from 'playwright-core';
import type { JoinGrant } from '../../client/src/media/signaling.ts';
import { bundleClientModule, pageWithModule } from '../media/browser-module.ts';

export type Party = 'expert' | 'client';

/** One generated video consultation as the browser page holds it. */
export interface GeneratedCall {
  consultationId: string;
  /** When both parties' call engines were started. */
  startedAtMs: number;
  /** When both parties' pages first showed the meter running (BILL-4): the connected time's start, at the latest. */
  meteredAtMs: number;
}

/**
 * Generated video consultations with real media (issue 15): the web client's own call engine
 * (client/src/media/call.ts), several calls in one Chromium page, each party sending its
 * microphone through ICE, DTLS and SRTP to the media node, as a browser does (cameras off: with
 * cameras, this one page took both cores of the test machine; the browser calls carry cameras).
 * The parties' join grants come from the test (`grant`), so each party can go through its own
 * API node. A page of many calls costs far less than a browser per party.
 */
export class GeneratedVideoCalls {
  readonly #page: Page;

  private constructor(page: Page) {
    this.#page = page;
  }

  static async open(browser: Browser, grant: (consultationId: string, party: Party) => Promise<JoinGrant>): Promise<GeneratedVideoCalls> {
    const page = await pageWithModule(browser, await bundleClientModule('client/src/media/call.ts', 'consultoCallEngine'));
    await page.exposeFunction('consultoGrant', grant);
    return new GeneratedVideoCalls(page);
  }

  /** Starts both parties of each consultation and resolves once every meter runs, with its times. */
  async start(consultationIds: readonly string[], timeoutMs: number): Promise<GeneratedCall[]> {
    const startedAtMs = Date.now();
    await this.#page.evaluate(`(${START_CALLS_IN_PAGE})(${JSON.stringify(consultationIds)})`);
    const meteredAtMs = new Map<string, number>();
    const deadlineMs = Date.now() + timeoutMs;
    while (meteredAtMs.size < consultationIds.length) {
      if (Date.now() > deadlineMs)
        throw new Error(`generated video calls: ${consultationIds.length - meteredAtMs.size} meters not running after ${timeoutMs} ms`);
      const running = await this.#page.evaluate(() => {
        const calls = (window as unknown as { generatedCalls: Map<string, { meterRunning: boolean }> }).generatedCalls;
        return [...calls].filter(([, entry]) => entry.meterRunning).map(([key]) => key);
      });
      const now = Date.now();
      for (const consultationId of consultationIds) {
        if (!meteredAtMs.has(consultationId) && running.includes(`${consultationId}:expert`) && running.includes(`${consultationId}:client`))
          meteredAtMs.set(consultationId, now);
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    return consultationIds.map((consultationId) => ({ consultationId, startedAtMs, meteredAtMs: meteredAtMs.get(consultationId)! }));
  }

  /** The party ends the call from its page (BILL-4 `leave`), as the "End" button does. */
  async end(consultationId: string, party: Party): Promise<void> {
    await this.#page.evaluate(async (key) => {
      const calls = (window as unknown as { generatedCalls: Map<string, { engine: { end(): Promise<void> } }> }).generatedCalls;
      await calls.get(key)!.engine.end();
    }, `${consultationId}:${party}`);
  }
}

/**
 * Runs in the page, as source text: the test runner rewrites functions it compiles (their names),
 * which a page cannot run. One fake microphone feeds every party: real media, little cost.
 */
const START_CALLS_IN_PAGE = `async (ids) => {
  const source = await navigator.mediaDevices.getUserMedia({ audio: true });
  window.generatedCalls = new Map();
  for (const consultationId of ids) {
    for (const party of ['expert', 'client']) {
      const engine = new window.consultoCallEngine.CallClient({
        consultationId,
        joinToken: () => window.consultoGrant(consultationId, party),
        localStream: source.clone(),
      });
      const entry = { engine, meterRunning: false };
      engine.subscribe((state) => { entry.meterRunning ||= state.meterRunning; });
      window.generatedCalls.set(consultationId + ':' + party, entry);
      void engine.start();
    }
  }
}`;
