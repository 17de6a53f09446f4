import type { PublicExpertProfile } from './public-profile.ts';

/**
 * SPEC §13: the consultation page's data is read far more often than it changes, and reading it
 * is several joins. Answers are kept for a second; any write this process serves forgets them all
 * (`forgetAll`, called before and after every mutating request), so a change is seen at once here
 * and within `ttlMs` on other processes. A generation number keeps a read that raced a write from
 * storing what it read before the write. `isCurrent` lets the caller drop an answer sooner (the
 * fee schedule it carries stopped being in force).
 */
export class PublicProfileCache<Page = PublicExpertProfile> {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { page: Page; expiresAt: number }>();
  readonly #loading = new Map<string, Promise<Page | undefined>>();
  #generation = 0;

  constructor(options: { ttlMs: number }) {
    this.#ttlMs = options.ttlMs;
  }

  async get(slug: string, load: () => Promise<Page | undefined>, isCurrent: (page: Page) => boolean = () => true): Promise<Page | undefined> {
    const entry = this.#entries.get(slug);
    // Staleness is wall-clock time, not the platform's (manual in tests) clock.
    const now = performance.now();
    if (entry && entry.expiresAt > now && isCurrent(entry.page)) return entry.page;
    const pending = this.#loading.get(slug);
    if (pending) return pending;
    const generation = this.#generation;
    const loading = load().finally(() => this.#loading.delete(slug));
    this.#loading.set(slug, loading);
    const page = await loading;
    if (page && generation === this.#generation) this.#entries.set(slug, { page, expiresAt: now + this.#ttlMs });
    return page;
  }

  forgetAll(): void {
    this.#generation++;
    this.#entries.clear();
    this.#loading.clear();
  }
}
