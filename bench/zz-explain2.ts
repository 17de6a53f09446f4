import { openPostgresFresh } from './support/databases.ts';
import { migrate } from '../server/platform/migrations.ts';
import { seedParties, seedFinishedConsultations } from './support/consultations.ts';
import { SettlementService } from '../server/settlement/service.ts';
import { LocalPaymentProvider } from '../server/payments/local-provider.ts';
import { systemClock } from '../server/platform/clock.ts';
import type { Database } from '../server/platform/database.ts';

const target = await openPostgresFresh(process.env['DATABASE_URL']!, 4);
try {
  await migrate(target.db);
  const parties = await seedParties(target.db, 8);
  const ids = await seedFinishedConsultations(target.db, parties, 400);
  let explain = false;
  const spy: Database = { ...target.db, query: async (sql, params) => {
    if (explain && sql.includes('WITH capturing')) {
      const plan = await target.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, SUMMARY) ${sql.replace('/* prepared */ ', '')}`, params);
      console.log(plan.map((r) => r['QUERY PLAN']).filter((l) => /Planning|Execution|Trigger|Insert on|Update on|LockRows/.test(l)).join('\n'));
      return [];
    }
    return target.db.query(sql, params);
  } };
  const service = new SettlementService({ db: spy, clock: systemClock, payments: new LocalPaymentProvider(spy), referral: { commissionPercent: 10, months: 12 } });
  for (const id of ids.slice(0, 300)) await service.settle(id);
  explain = true;
  await service.settle(ids[301]!);
  await service.settle(ids[302]!);
} finally {
  await target.drop();
}
