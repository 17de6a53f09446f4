import { expect } from 'chai';
import { PublicProfileCache } from '../../server/experts/profile-cache.ts';
import type { PublicExpertProfile } from '../../server/experts/public-profile.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { setUpExpert } from '../support/bookings.ts';

const profile = (headline: string) => ({ slug: 'marie-curie', headline }) as PublicExpertProfile;
/** A read is sent once the requests that arrived together have been handled. */
const readSent = () => new Promise((resolve) => setImmediate(resolve));

describe('§13 consultation page data: kept briefly, forgotten at every write', () => {
  it('answers from memory within its time to live, one load for concurrent readers', async () => {
    const cache = new PublicProfileCache({ ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads++;
      return profile('first');
    };
    const answers = await Promise.all([cache.get('marie-curie', load), cache.get('marie-curie', load), cache.get('marie-curie', load)]);
    expect(answers.map((answer) => answer?.headline)).to.deep.equal(['first', 'first', 'first']);
    await cache.get('marie-curie', load);
    expect(loads).to.equal(1);
  });

  it('loads again after its time to live and after forgetAll; an unknown page is never kept', async () => {
    const cache = new PublicProfileCache({ ttlMs: 20 });
    let headline = 'first';
    let loads = 0;
    const load = async () => {
      loads++;
      return profile(headline);
    };
    await cache.get('marie-curie', load);
    headline = 'second';
    cache.forgetAll();
    expect((await cache.get('marie-curie', load))?.headline).to.equal('second');
    headline = 'third';
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await cache.get('marie-curie', load))?.headline).to.equal('third');
    let misses = 0;
    await cache.get('nobody', async () => (misses++, undefined));
    await cache.get('nobody', async () => (misses++, undefined));
    expect(misses).to.equal(2);
    expect(loads).to.equal(3);
  });

  it('does not keep what a read loaded before a write that happened while it was loading', async () => {
    const cache = new PublicProfileCache({ ttlMs: 60_000 });
    let release!: () => void;
    const slowOldRead = cache.get('marie-curie', () => new Promise((resolve) => (release = () => resolve(profile('before the write')))));
    await readSent();
    cache.forgetAll();
    release();
    expect((await slowOldRead)?.headline).to.equal('before the write');
    expect((await cache.get('marie-curie', async () => profile('after the write')))?.headline).to.equal('after the write');
  });

  it('never answers a reader with a read that started before a write it came after; readers meanwhile share the next read', async () => {
    const cache = new PublicProfileCache({ ttlMs: 60_000 });
    const releases: (() => void)[] = [];
    let headline = 'before the write';
    const load = () =>
      new Promise<PublicExpertProfile>((resolve) => {
        const read = headline;
        releases.push(() => resolve(profile(read)));
      });
    const oldRead = cache.get('marie-curie', load);
    await readSent();
    headline = 'after the write';
    cache.forgetAll();
    const afterWrite = [cache.get('marie-curie', load), cache.get('marie-curie', load), cache.get('marie-curie', load)];
    await readSent();
    expect(releases).to.have.length(1);
    releases[0]!();
    expect((await oldRead)?.headline).to.equal('before the write');
    await readSent();
    expect(releases).to.have.length(2);
    releases[1]!();
    expect((await Promise.all(afterWrite)).map((answer) => answer?.headline)).to.deep.equal(['after the write', 'after the write', 'after the write']);
    expect((await cache.get('marie-curie', load))?.headline).to.equal('after the write');
    expect(releases).to.have.length(2);
  });

  it('lets readers that arrive together, writes between them included, share one read sent after the last of them', async () => {
    const cache = new PublicProfileCache({ ttlMs: 60_000 });
    let headline = 'first write';
    let loads = 0;
    const load = async () => (loads++, profile(headline));
    const together = [cache.get('marie-curie', load)];
    cache.forgetAll();
    headline = 'second write';
    together.push(cache.get('marie-curie', load));
    expect((await Promise.all(together)).map((answer) => answer?.headline)).to.deep.equal(['second write', 'second write']);
    expect(loads).to.equal(1);
  });

  it('lets a failed read fail its readers only, and reads again for the next one', async () => {
    const cache = new PublicProfileCache({ ttlMs: 60_000 });
    let fail = true;
    const load = async () => {
      if (fail) throw new Error('connection lost');
      return profile('read again');
    };
    const failed = await Promise.allSettled([cache.get('marie-curie', load), cache.get('marie-curie', load)]);
    expect(failed.map((outcome) => outcome.status)).to.deep.equal(['rejected', 'rejected']);
    fail = false;
    expect((await cache.get('marie-curie', load))?.headline).to.equal('read again');
  });

  describe('over HTTP', () => {
    let platform: TestPlatform;
    before(async () => {
      platform = await startTestPlatform();
    });
    after(() => platform.close());

    it("shows the expert's change at once on the next read (EXP-3 presence, pricing)", async () => {
      const expert = await setUpExpert(platform.http);
      expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.availableNow).to.equal(false);
      await platform.http.put('/api/experts/me/presence', { availableNow: true }, expert.token);
      expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.availableNow).to.equal(true);
      await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 250, packages: [] }, expert.token);
      expect((await platform.http.get(`/api/experts/${expert.slug}`)).body.pricing).to.deep.include({
        videoRatePerMinuteCents: 250,
        phoneRatePerMinuteCents: null,
      });
    });
  });
});
