/**
 * bench public-profile: the consultation page's data `GET /api/experts/:slug` over real HTTP
 * (SPEC §13: ≥ 50 % of the throughput of a bare Express handler on the same machine, p99 < 50 ms,
 * cache or no cache, on both databases).
 */
import { httpMethodLine } from './support/http-report.ts';
import { compareRouteWithBare } from './support/route-bench.ts';

export async function runPublicProfileBench(): Promise<void> {
  console.log('\n## public-profile: consultation page data GET /api/experts/:slug');
  console.log(`  ${httpMethodLine()}`);
  await compareRouteWithBare({
    title: 'public profile over HTTP',
    routeLabel: 'GET /api/experts/:slug',
    paths: (bench) => [`/api/experts/${bench.expertSlug}`],
  });
}
