import { expect } from 'chai';
import { PublicProfileCache } from '../../server/experts/profile-cache.ts';
import type { PublicExpertProfile } from '../../server/experts/public-profile.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { setUpExpert } from '../support/bookings.ts';

const profile = (headline: string) => ({ slug: 'marie-curie', headline }) as PublicExpertProfile;

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
    cache.forgetAll();
    release();
    expect((await slowOldRead)?.headline).to.equal('before the write');
    expect((await cache.get('marie-curie', async () => profile('after the write')))?.headline).to.equal('after the write');
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
