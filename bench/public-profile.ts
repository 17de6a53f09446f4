/**
 * bench public-profile: the consultation page's data `GET /api/experts/:slug` over real HTTP
 * (SPEC §13: ≥ 50 % of the throughput of a bare Express handler on the same machine, p99 < 50 ms).
 */
import { httpMethodLine } from './support/http-report.ts';
import { compareRouteWithBare } from './support/route-bench.ts';
import { ms, percent, printTable } from './support/table.ts';

const TARGET_SHARE_OF_BARE = 0.5;
const TARGET_P99_MS = 50;

export async function runPublicProfileBench(): Promise<void> {
  console.log('\n## public-profile: consultation page data GET /api/experts/:slug');
  console.log(`  ${httpMethodLine()}`);
  const { bare, routes } = await compareRouteWithBare({
    title: 'public profile over HTTP',
    routeLabel: 'GET /api/experts/:slug',
    paths: (bench) => [`/api/experts/${bench.expertSlug}`],
  });
  printTable(
    'public profile vs SPEC §13 targets (≥ 50 % of bare Express throughput, p99 < 50 ms)',
    ['handler', 'share of bare', 'ratio to 50 % target', 'p99', 'ratio to 50 ms limit', 'both met'],
    routes.map((route) => {
      const share = route.requestsPerSecond / bare.requestsPerSecond;
      return [
        route.label,
        percent(share),
        `${(share / TARGET_SHARE_OF_BARE).toFixed(2)}×`,
        ms(route.p99Ms),
        `${(route.p99Ms / TARGET_P99_MS).toFixed(2)}×`,
        share >= TARGET_SHARE_OF_BARE && route.p99Ms < TARGET_P99_MS ? 'yes' : 'no',
      ];
    }),
  );
}
