import { prepared, type Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { InvariantViolation } from '../billing/index.ts';
import type { PricingInputs } from '../pricing/terms.ts';
import { PROFILE_COLUMNS, PROFILE_FROM, profileFromRow, type ProfileRow, type PublicExpertProfile } from './public-profile.ts';
import { PublicProfileCache } from './profile-cache.ts';
import { jsonBody, type JsonBody } from '../platform/json-body.ts';

/** A consultation page as its two public routes need it: the profile, and what the quote prices with. */
export interface ConsultationPage {
  profile: PublicExpertProfile;
  /** The profile as `GET /api/experts/:slug` sends it, serialised once for as long as the page is kept. */
  profileJson: JsonBody;
  expertId: string;
  /** BILL-13 inputs of the quote; never sent as they are. */
  pricingInputs: PricingInputs;
  /** The fee schedule and surcharge table read are both in force from `inForceFrom` until `inForceUntil` (null: none planned). */
  inForceFrom: Date;
  inForceUntil: Date | null;
}

/**
 * SPEC §13: the consultation page (`GET /api/experts/:slug`) and its price simulator
 * (`GET /api/experts/:slug/quote`) answer from one statement, kept briefly (PublicProfileCache:
 * a write in this process forgets it at once, another process's write shows within the time to
 * live). A page is also dropped when the platform's clock leaves the period its fee schedule and
 * surcharge table are in force, so a quote never prices with rates not in force.
 */
export class ConsultationPages {
  readonly #db: Queryable;
  readonly #clock: Clock;
  readonly #publicUrl: string;
  readonly #cache: PublicProfileCache<ConsultationPage>;

  constructor(deps: { db: Queryable; clock: Clock; publicUrl: string; ttlMs: number }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#publicUrl = deps.publicUrl;
    this.#cache = new PublicProfileCache<ConsultationPage>({ ttlMs: deps.ttlMs });
  }

  get(slug: string): Promise<ConsultationPage | undefined> {
    const now = this.#clock.now();
    return this.#cache.get(
      slug,
      () => readConsultationPage(this.#db, slug, this.#publicUrl, now),
      (page) => page.inForceFrom <= now && (page.inForceUntil === null || now < page.inForceUntil),
    );
  }

  /** Called around every write this process serves (app.ts). */
  forgetAll(): void {
    this.#cache.forgetAll();
  }
}

/** One JSON column: the driver then parses one value instead of describing and converting two dozen (dates come as ISO text). */
interface PageRow extends ProfileRow {
  expert_id: string;
  fee_per_minute_cents: number | null;
  fee_from: string | null;
  fee_until: string | null;
  france_cents: number | null;
  eu_cents: number | null;
  world_cents: number | null;
  surcharge_from: string | null;
  surcharge_until: string | null;
}

/** The page of an active expert in one statement: profile, offer, and the fee schedule and surcharge table in force at `at`. */
export async function readConsultationPage(db: Queryable, slug: string, publicUrl: string, at: Date): Promise<ConsultationPage | undefined> {
  const [found] = await db.query<{ page: PageRow }>(
    prepared(`SELECT row_to_json(page) AS page FROM (SELECT ${PROFILE_COLUMNS}, e.user_id AS expert_id,
            fee.fee_per_minute_cents, fee.effective_from AS fee_from,
            (SELECT min(f.effective_from) FROM fee_schedules f WHERE f.effective_from > $2) AS fee_until,
            sur.france_cents, sur.eu_cents, sur.world_cents, sur.effective_from AS surcharge_from,
            (SELECT min(t.effective_from) FROM surcharge_tables t WHERE t.effective_from > $2) AS surcharge_until
       FROM ${PROFILE_FROM}
       LEFT JOIN LATERAL (SELECT fee_per_minute_cents, effective_from FROM fee_schedules
                           WHERE effective_from <= $2 ORDER BY effective_from DESC LIMIT 1) fee ON true
       LEFT JOIN LATERAL (SELECT france_cents, eu_cents, world_cents, effective_from FROM surcharge_tables
                           WHERE effective_from <= $2 ORDER BY effective_from DESC LIMIT 1) sur ON true
      WHERE e.slug = $1 AND u.status = 'active') page`),
    [slug, at],
  );
  if (!found) return undefined;
  const row = found.page;
  // The migration seeds both in force since 2000: there is always one.
  if (row.fee_per_minute_cents === null || row.fee_from === null) throw new InvariantViolation(`no fee schedule in force at ${at.toISOString()}`);
  if (row.france_cents === null || row.eu_cents === null || row.world_cents === null || row.surcharge_from === null) {
    throw new InvariantViolation(`no surcharge table in force at ${at.toISOString()}`);
  }
  const profile = profileFromRow(row, publicUrl);
  const feeFrom = new Date(row.fee_from);
  const surchargeFrom = new Date(row.surcharge_from);
  const ends = [row.fee_until, row.surcharge_until].filter((end): end is string => end !== null).map((end) => new Date(end));
  return {
    profile,
    profileJson: jsonBody(profile),
    expertId: row.expert_id,
    pricingInputs: {
      pricing: profile.pricing,
      feePerMinuteCents: row.fee_per_minute_cents,
      surcharges: { franceCents: row.france_cents, euCents: row.eu_cents, worldCents: row.world_cents },
    },
    inForceFrom: feeFrom > surchargeFrom ? feeFrom : surchargeFrom,
    inForceUntil: ends.length ? new Date(Math.min(...ends.map((end) => end.getTime()))) : null,
  };
}
