import type { PublicExpertProfile } from './public-profile.ts';

/** A read of one page, and the write count (generation) when its statement was sent (undefined: not yet sent). */
interface Read<Page> {
  generation: number | undefined;
  page: Promise<Page | undefined>;
}

/**
 * SPEC §13: the consultation page's data is read far more often than it changes, and reading it
 * is several joins. Answers are kept for a second; any write this process serves forgets them all
 * (`forgetAll`, called before and after every mutating request), so a change is seen at once here
 * and within `ttlMs` on other processes. A generation number keeps a read that raced a write from
 * storing what it read before the write. `isCurrent` lets the caller drop an answer sooner (the
 * fee schedule it carries stopped being in force).
 *
 * Readers share reads: a read is sent once the requests that arrived together have been handled
 * (setImmediate), and a reader takes it if it is not sent yet or was sent after the last write; if
 * it was sent before, the reader waits for it to end and takes the next read, one for everybody
 * who came meanwhile. Each reader's answer is read after it arrived, so it sees every write made
 * before, and a page written to often costs one read per wave of readers rather than one per
 * reader (on PGlite, whose statements run on this event loop, that is most of a request's cost).
 */
export class PublicProfileCache<Page = PublicExpertProfile> {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { page: Page; expiresAt: number }>();
  readonly #reading = new Map<string, Read<Page>>();
  readonly #next = new Map<string, Promise<Page | undefined>>();
  #generation = 0;

  constructor(options: { ttlMs: number }) {
    this.#ttlMs = options.ttlMs;
  }

  get(slug: string, load: () => Promise<Page | undefined>, isCurrent: (page: Page) => boolean = () => true): Promise<Page | undefined> {
    const entry = this.#entries.get(slug);
    // Staleness is wall-clock time, not the platform's (manual in tests) clock.
    if (entry && entry.expiresAt > performance.now() && isCurrent(entry.page)) return Promise.resolve(entry.page);
    const reading = this.#reading.get(slug);
    if (!reading) return this.#read(slug, load);
    if (reading.generation === undefined || reading.generation === this.#generation) return reading.page;
    let next = this.#next.get(slug);
    if (!next) {
      const ended = () => {
        this.#next.delete(slug);
        return this.#read(slug, load);
      };
      next = reading.page.then(ended, ended);
      this.#next.set(slug, next);
    }
    return next;
  }

  forgetAll(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #read(slug: string, load: () => Promise<Page | undefined>): Promise<Page | undefined> {
    const read: Read<Page> = { generation: undefined, page: this.#send(slug, load, () => read) };
    this.#reading.set(slug, read);
    return read.page;
  }

  async #send(slug: string, load: () => Promise<Page | undefined>, read: () => Read<Page>): Promise<Page | undefined> {
    await new Promise((sent) => setImmediate(sent));
    const generation = this.#generation;
    read().generation = generation;
    const sentAt = performance.now();
    try {
      const page = await load();
      if (page && generation === this.#generation) this.#entries.set(slug, { page, expiresAt: sentAt + this.#ttlMs });
      return page;
    } finally {
      if (this.#reading.get(slug) === read()) this.#reading.delete(slug);
    }
  }
}
