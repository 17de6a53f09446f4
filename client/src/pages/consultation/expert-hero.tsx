import { useEffect, useRef } from 'preact/hooks';
import { formatMoney, formatNumber } from '../../i18n/index.ts';
import { categoryOptions } from '../../categories.ts';
import { pageHeadingDrawn } from '../../ui/focus.ts';
import { offeredModes, packagesFor, rateFor } from './booking-choice.ts';
import type { PublicProfile } from './booking-types.ts';
import { cm } from './consultation-messages.ts';

/**
 * The first screen of the consultation page (§13 phone arrival): who the expert is, whether
 * they can take a call now and what a minute costs, before any detail.
 */
export function ExpertHero({ profile }: { profile: PublicProfile }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const name = `${profile.firstName} ${profile.lastName}`;
  useEffect(() => {
    document.title = `${name} · Consulto`;
  }, [name]);
  useEffect(() => pageHeadingDrawn(heading.current), []);
  const category = categoryOptions().find((option) => option.value === profile.category)?.label ?? profile.category;
  return (
    <section class="expert-hero" aria-labelledby="expert-name">
      {profile.photoUrl ? (
        // The photo is part of the first screen: fetched before anything below it.
        <img
          class="expert-photo"
          src={profile.photoUrl}
          alt={cm('photoAlt', { name })}
          width={96}
          height={96}
          fetchpriority="high"
          data-testid="expert-photo"
        />
      ) : null}
      <div class="expert-identity">
        <h1 id="expert-name" tabIndex={-1} ref={heading} data-testid="expert-name">
          {name}
        </h1>
        {profile.headline ? (
          <p class="expert-headline" data-testid="expert-headline">
            {profile.headline}
          </p>
        ) : null}
        <p class="expert-meta">
          <span>{category}</span>
          <span class="expert-rating" data-testid="expert-rating">
            {profile.rating.count > 0 && profile.rating.averageStars !== null ? (
              <>
                <span aria-hidden="true">★ </span>
                {cm('rating', { stars: formatNumber(profile.rating.averageStars), count: profile.rating.count })}
              </>
            ) : (
              cm('noRating')
            )}
          </span>
        </p>
        {profile.availableNow ? (
          <p class="badge badge-available" data-testid="available-now">
            {cm('availableNow')}
          </p>
        ) : null}
      </div>
      <PriceLine profile={profile} />
    </section>
  );
}

/** The per-minute price of each mode, or where packages start. */
function PriceLine({ profile }: { profile: PublicProfile }) {
  const modes = offeredModes(profile);
  const rated = modes.filter((mode) => rateFor(profile, mode) !== null);
  const cheapestPackageCents = Math.min(...modes.flatMap((mode) => packagesFor(profile, mode).map((offer) => offer.priceCents)));
  return (
    <p class="expert-price" data-testid="expert-price">
      {rated.map((mode) => (
        <span key={mode} class="price-item">
          {cm('heroRate', { mode: cm(`mode.${mode}`), rate: formatMoney(rateFor(profile, mode)!) })}
        </span>
      ))}
      {rated.length === 0 && Number.isFinite(cheapestPackageCents) ? (
        <span class="price-item">{cm('heroPackagesFrom', { price: formatMoney(cheapestPackageCents) })}</span>
      ) : null}
    </p>
  );
}
