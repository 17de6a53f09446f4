/**
 * `npm run bench` runs every bench; `npm run bench -- settlement quote` runs the ones named.
 * Benches print figures and ratios to targets (SPEC §13); they never assert timings. Each is
 * bounded in count and time, and only talks to loopback.
 */
import { machineFacts, elapsedMs } from './support/machine.ts';
import { runSettlementBench } from './settlement.ts';
import { runQuoteBench } from './quote.ts';
import { runPublicProfileBench } from './public-profile.ts';
import { runMeterBench } from './meter.ts';
import { runSfuBench } from './sfu.ts';
import { runJoinBench } from './join.ts';
import { runPageBench } from './page.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  settlement: runSettlementBench,
  quote: runQuoteBench,
  'public-profile': runPublicProfileBench,
  meter: () => runMeterBench(),
  sfu: () => runSfuBench(),
  join: () => runJoinBench(),
  page: () => runPageBench(),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`Unknown bench: ${unknown.join(', ')}. Choose among: ${Object.keys(BENCHES).join(', ')}.`);
  process.exit(2);
}
const chosen = asked.length ? asked : Object.keys(BENCHES);

console.log('# Consulto benches');
for (const fact of machineFacts()) console.log(`  ${fact}`);
console.log(
  `  PostgreSQL: ${process.env['DATABASE_URL'] ? `DATABASE_URL set (${new URL(process.env['DATABASE_URL']).host})` : 'DATABASE_URL not set, PostgreSQL runs are skipped'}`,
);
console.log(`  benches: ${chosen.join(', ')}`);

const startNs = process.hrtime.bigint();
for (const name of chosen) {
  const benchStartNs = process.hrtime.bigint();
  await BENCHES[name]!();
  console.log(`\n  (${name} took ${(elapsedMs(benchStartNs) / 1000).toFixed(1)} s)`);
}
console.log(`\nAll benches done in ${(elapsedMs(startNs) / 1000).toFixed(1)} s.`);
