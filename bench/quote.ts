/**
 * bench quote: the price simulator `GET /api/experts/:slug/quote` over real HTTP, against a bare
 * Express 5 handler measured in the same run (SPEC §13: ≥ 50 % of its throughput, p99 < 50 ms,
 * cache or no cache, on both databases), and the rate of the pure billing function it calls.
 */
import { settleConsultation, type ConsultationTerms } from '../server/billing/index.ts';
import { httpMethodLine } from './support/http-report.ts';
import { compareRouteWithBare } from './support/route-bench.ts';
import { elapsedMs } from './support/machine.ts';
import { printTable } from './support/table.ts';

/** The pure-function loop stops at this many calls or this long. */
const PURE_MAX_CALLS = 5_000_000;
const PURE_BUDGET_MS = 1_000;
const PURE_CALLS_BETWEEN_CLOCK_READS = 1_000;

export async function runQuoteBench(): Promise<void> {
  console.log('\n## quote: price simulator GET /api/experts/:slug/quote');
  console.log(`  ${httpMethodLine()}`);
  await compareRouteWithBare({
    title: 'quote over HTTP',
    routeLabel: 'GET /api/experts/:slug/quote',
    // A mix a consultation page sends: budgets by the minute (video, phone abroad) and a package.
    paths: (bench) => {
      const base = `/api/experts/${bench.expertSlug}/quote`;
      return [
        `${base}?mode=video&seconds=125&budgetCents=3000`,
        `${base}?mode=phone&seconds=600&budgetCents=4000&country=BE`,
        `${base}?mode=video&seconds=240&packageId=${bench.packageId}`,
      ];
    },
  });
  printPureRate();
}

/** settleConsultation alone: the billing rules with no I/O, as the quote and the settlement call them. */
function printPureRate(): void {
  const terms: ConsultationTerms[] = [
    { pricing: 'free_rate', mode: 'video', ratePerMinuteCents: 200, surchargePerMinuteCents: 0, feePerMinuteCents: 15, discountPercent: 0, budgetCents: 3000 },
    {
      pricing: 'free_rate',
      mode: 'phone',
      ratePerMinuteCents: 180,
      surchargePerMinuteCents: 20,
      feePerMinuteCents: 15,
      discountPercent: 10,
      budgetCents: 4000,
    },
    { pricing: 'package', mode: 'video', packageMinutes: 15, packagePriceCents: 7500, surchargePerMinuteCents: 0, feePerMinuteCents: 15, discountPercent: 0 },
  ];
  let calls = 0;
  let checksum = 0;
  const startNs = process.hrtime.bigint();
  while (calls < PURE_MAX_CALLS) {
    // The clock is read every thousand calls only: reading it costs about as much as a call.
    for (let index = 0; index < PURE_CALLS_BETWEEN_CLOCK_READS; index++, calls++) {
      checksum += settleConsultation(terms[calls % terms.length]!, (calls * 37) % 1300).chargeCents;
    }
    if (elapsedMs(startNs) >= PURE_BUDGET_MS) break;
  }
  const seconds = elapsedMs(startNs) / 1000;
  printTable(
    'settleConsultation, pure function (server/billing), in the bench process',
    ['function', 'calls', 'seconds', 'calls/s', 'µs per call'],
    [['settleConsultation(terms, connectedSeconds)', calls, seconds.toFixed(2), calls / seconds, (seconds * 1e6) / calls]],
    [`(checksum ${checksum}: the loop's results are used, so it is not optimised away)`],
  );
}
