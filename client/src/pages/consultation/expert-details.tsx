import { useEffect, useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import { formatDate, formatMoney, formatTime } from '../../i18n/index.ts';
import { CANCELLATION_FREE_RATE_MINUTES, CANCELLATION_PACKAGE_PERCENT, LATE_CANCELLATION_HOURS } from '../../../../server/billing/constants.ts';
import { offeredModes, packagesFor, rateFor } from './booking-choice.ts';
import { formatDay, visitorTimeZone } from './booking-format.ts';
import type { PublicProfile, PublicReview, SlotsAnswer } from './booking-types.ts';
import { cm } from './consultation-messages.ts';
import { SLOT_DAYS, slotsByDay } from './use-free-slots.ts';

/** Reviews shown on the page; the API pages the rest. */
const REVIEWS_SHOWN = 5;
/** Days of availability listed below the fold. */
const AVAILABILITY_DAYS_SHOWN = 5;
const MINUTE_MS = 60_000;

/** Below the first screen: everything a careful client reads before paying a stranger. */
export function ExpertDetails({ profile }: { profile: PublicProfile }) {
  return (
    <div class="expert-details">
      {profile.description ? (
        <section class="card" aria-labelledby="about-expert">
          <h2 id="about-expert">{cm('about', { name: profile.firstName })}</h2>
          <p class="expert-description">{profile.description}</p>
        </section>
      ) : null}
      <OffersSection profile={profile} />
      <AvailabilitySection slug={profile.slug} />
      <ReviewsSection profile={profile} />
      <section class="card" aria-labelledby="cancellation-terms">
        <h2 id="cancellation-terms">{cm('cancellationTitle')}</h2>
        <ul class="plain-list">
          <li>{cm('cancellationImmediate')}</li>
          <li>{cm('cancellationRules', { hours: LATE_CANCELLATION_HOURS, minutes: CANCELLATION_FREE_RATE_MINUTES, percent: CANCELLATION_PACKAGE_PERCENT })}</li>
        </ul>
      </section>
      <section class="card" aria-labelledby="how-it-works">
        <h2 id="how-it-works">{cm('howTitle')}</h2>
        <ol class="how-steps">
          <li>{cm('how1')}</li>
          <li>{cm('how2')}</li>
          <li>{cm('how3')}</li>
        </ol>
      </section>
    </div>
  );
}

function OffersSection({ profile }: { profile: PublicProfile }) {
  const modes = offeredModes(profile);
  const video = rateFor(profile, 'video');
  const phone = rateFor(profile, 'phone');
  return (
    <section class="card" aria-labelledby="consultation-rates">
      <h2 id="consultation-rates">{cm('rates')}</h2>
      <ul class="rates">
        {video !== null ? <li>{cm('rate.video', { rate: formatMoney(video) })}</li> : null}
        {phone !== null ? <li>{cm('rate.phone', { rate: formatMoney(phone) })}</li> : null}
        {modes.flatMap((mode) =>
          packagesFor(profile, mode).map((offer) => (
            <li key={offer.id}>{cm('packageItem', { mode: cm(`mode.${mode}`), minutes: offer.minutes, price: formatMoney(offer.priceCents) })}</li>
          )),
        )}
      </ul>
      {modes.includes('phone') ? <p class="hint">{cm('phoneSurcharge')}</p> : null}
    </section>
  );
}

/** EXP-6: when the expert can be booked, as ranges of free start times per day in the visitor's zone. */
function AvailabilitySection({ slug }: { slug: string }) {
  const [answer, setAnswer] = useState<SlotsAnswer | 'failed' | undefined>(undefined);
  useEffect(() => {
    let current = true;
    apiCall<SlotsAnswer>('GET', `/api/experts/${encodeURIComponent(slug)}/slots?days=${SLOT_DAYS}`, { auth: false }).then(
      (slots) => current && setAnswer(slots),
      () => current && setAnswer('failed'),
    );
    return () => {
      current = false;
    };
  }, [slug]);
  const days = answer && answer !== 'failed' ? slotsByDay(answer.slots, formatDay).slice(0, AVAILABILITY_DAYS_SHOWN) : [];
  return (
    <section class="card" aria-labelledby="consultation-slots">
      <h2 id="consultation-slots">{cm('nextSlots')}</h2>
      {answer === undefined ? (
        <p class="hint">{cm('slotsLoading')}</p>
      ) : days.length === 0 ? (
        <p>{answer === 'failed' ? cm('slotsFailed') : cm('noSlots', { days: SLOT_DAYS })}</p>
      ) : (
        <>
          <ul class="next-slots">
            {days.map(({ day, slots }) => (
              <li key={day}>
                <strong>{day}</strong>
                {cm('colon')}
                {ranges(slots, (answer as SlotsAnswer).minutes).join(', ')}
              </li>
            ))}
          </ul>
          <p class="hint">{cm('timesInZone', { zone: visitorTimeZone() })}</p>
        </>
      )}
    </section>
  );
}

/** Free start times one step apart read as one range, ending when the last appointment would end. */
function ranges(slots: readonly string[], minutes: number): string[] {
  const starts = slots.map((slot) => Date.parse(slot));
  const step = starts.length > 1 ? Math.min(...starts.slice(1).map((start, index) => start - starts[index]!)) : minutes * MINUTE_MS;
  const result: string[] = [];
  let from = starts[0]!;
  for (let index = 0; index < starts.length; index++) {
    const start = starts[index]!;
    const next = starts[index + 1];
    if (next !== undefined && next - start === step) continue;
    result.push(cm('timeRange', { from: formatTime(new Date(from).toISOString()), to: formatTime(new Date(start + minutes * MINUTE_MS).toISOString()) }));
    if (next !== undefined) from = next;
  }
  return result;
}

/** TRUST-1: the latest published reviews, first names only. */
function ReviewsSection({ profile }: { profile: PublicProfile }) {
  const [reviews, setReviews] = useState<PublicReview[] | undefined>(undefined);
  useEffect(() => {
    if (profile.rating.count === 0) return;
    let current = true;
    apiCall<{ reviews: PublicReview[] }>('GET', `/api/experts/${encodeURIComponent(profile.slug)}/reviews?limit=${REVIEWS_SHOWN}`, { auth: false }).then(
      (answer) => current && setReviews(answer.reviews),
      () => current && setReviews([]),
    );
    return () => {
      current = false;
    };
  }, [profile.slug, profile.rating.count]);
  return (
    <section class="card" aria-labelledby="expert-reviews">
      <h2 id="expert-reviews">{cm('reviews')}</h2>
      {profile.rating.count === 0 || (reviews && reviews.length === 0) ? (
        <p>{cm('noReviews')}</p>
      ) : (
        <ul class="reviews">
          {(reviews ?? []).map((review) => (
            <li key={review.id} class="review">
              <p class="review-stars">
                <span aria-hidden="true">
                  {'★'.repeat(review.stars)}
                  {'☆'.repeat(5 - review.stars)}
                </span>
                <span class="visually-hidden">{cm('reviewStars', { stars: review.stars })}</span>
              </p>
              {review.comment ? <p class="review-comment">{review.comment}</p> : null}
              <p class="hint">{cm('reviewBy', { name: review.authorFirstName ?? cm('reviewAnonymous'), date: formatDate(review.createdAt) })}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
