/**
 * `/consultation/<slug>`: the expert's public consultation page (EXP-1, BOOK-1, BOOK-2). What
 * the expert offers (photo, headline, rating, modes and rates, packages, next free slots, the
 * "available now" badge), the price simulator and, for a signed-in client, the booking form,
 * then the confirmation. An unknown or unpublished expert is a plain "unavailable" page.
 */
import { append, h } from '../dom.ts';
import { language, t } from '../i18n/index.ts';
import { ApiError, apiCall, getMe, isSignedIn } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { categoryOptions } from '../categories.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { link, pageLayout } from './layout.ts';
import { bookingSection } from './booking-form.ts';
import {
  formatDateTime,
  formatDay,
  formatTime,
  heldCents,
  money,
  visitorTimeZone,
  type BookedConsultation,
  type PaymentsConfig,
  type PublicProfile,
  type SlotsAnswer,
} from './booking-api.ts';

/** The public overview lists a few next slots; the form offers the whole week. */
const NEXT_SLOTS_SHOWN = 6;

/** The confirmation has its own address, so a reload or a language switch keeps it on screen. */
const RESERVATION_PARAM = 'reservation';

export const consultationPage: Page = async ({ params, query, notice }) => {
  const slug = params['slug'] ?? '';
  const reservation = query.get(RESERVATION_PARAM);
  if (reservation && isSignedIn()) {
    try {
      const consultation = await apiCall<BookedConsultation>('GET', `/api/consultations/${encodeURIComponent(reservation)}`);
      if (consultation.expert.slug === slug) return h('div', { class: 'page' }, confirmation(consultation));
    } catch {
      // not this visitor's, or gone: the consultation page itself is what they can use
    }
  }
  let profile: PublicProfile;
  try {
    profile = await apiCall<PublicProfile>('GET', `/api/experts/${encodeURIComponent(slug)}`, { auth: false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return unavailablePage(notice);
    return pageLayout(t('consultation.unavailableTitle'), notice, h('p', { class: 'error-text' }, apiErrorMessage(error)));
  }
  if (!profile.published) return unavailablePage(notice);

  const [viewer, payments, slots] = await Promise.all([
    whoIsViewing(),
    apiCall<PaymentsConfig>('GET', '/api/payments/config', { auth: false }).catch(() => undefined),
    apiCall<SlotsAnswer>('GET', `/api/experts/${encodeURIComponent(slug)}/slots?days=7`, { auth: false }).catch(() => undefined),
  ]);

  const name = `${profile.firstName} ${profile.lastName}`;
  const root = pageLayout(
    name,
    notice,
    profileSection(profile),
    ratesSection(profile),
    slotsSection(slots),
  );
  root.append(
    bookingSection({
      profile,
      viewer,
      payments,
      onBooked: (consultation) => {
        navigate(`/consultation/${encodeURIComponent(slug)}?${new URLSearchParams({ [RESERVATION_PARAM]: consultation.id }).toString()}`);
      },
    }),
  );
  return root;
};

async function whoIsViewing(): Promise<'anonymous' | 'client' | 'other'> {
  if (!isSignedIn()) return 'anonymous';
  try {
    return (await getMe()).role === 'client' ? 'client' : 'other';
  } catch {
    return isSignedIn() ? 'other' : 'anonymous';
  }
}

function unavailablePage(notice: string | undefined): HTMLElement {
  return pageLayout(
    t('consultation.unavailableTitle'),
    notice,
    h('p', {}, t('consultation.unavailableText')),
    h('p', {}, link('/', t('notFound.home'))),
  );
}

function profileSection(profile: PublicProfile): HTMLElement {
  const category = categoryOptions().find((option) => option.value === profile.category)?.label ?? profile.category;
  const rating =
    profile.rating.count > 0 && profile.rating.averageStars !== null
      ? t('consultation.rating', {
          stars: profile.rating.averageStars.toLocaleString(language() === 'en' ? 'en-GB' : 'fr-FR'),
          count: profile.rating.count,
        })
      : t('consultation.noRating');
  return h(
    'section',
    { class: 'expert-profile', 'aria-label': t('consultation.profile') },
    profile.photoUrl
      ? h('img', { class: 'expert-photo', src: profile.photoUrl, alt: t('consultation.photoAlt', { name: `${profile.firstName} ${profile.lastName}` }), width: 128, height: 128 })
      : null,
    h(
      'div',
      { class: 'expert-intro' },
      profile.headline ? h('p', { class: 'lead expert-headline' }, profile.headline) : null,
      h('p', { class: 'expert-category' }, category),
      h('p', { class: 'expert-rating' }, rating),
      profile.availableNow ? h('p', { class: 'badge badge-available' }, t('consultation.availableNow')) : null,
      profile.description ? h('p', { class: 'expert-description' }, profile.description) : null,
    ),
  );
}

function ratesSection(profile: PublicProfile): HTMLElement {
  const { videoRatePerMinuteCents: video, phoneRatePerMinuteCents: phone, packages } = profile.pricing;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'consultation-rates' },
    h('h2', { id: 'consultation-rates' }, t('consultation.rates')),
    h(
      'ul',
      { class: 'rates' },
      video !== null ? h('li', {}, t('consultation.rate.video', { rate: money(video) })) : null,
      phone !== null ? h('li', {}, t('consultation.rate.phone', { rate: money(phone) })) : null,
      packages.map((offer) =>
        h('li', {}, t('consultation.packageItem', { mode: t(`booking.mode.${offer.mode}`), minutes: offer.minutes, price: money(offer.priceCents) })),
      ),
    ),
    phone !== null || packages.some((offer) => offer.mode === 'phone') ? h('p', { class: 'hint' }, t('consultation.phoneSurcharge')) : null,
  );
}

function slotsSection(slots: SlotsAnswer | undefined): HTMLElement {
  const next = slots?.slots.slice(0, NEXT_SLOTS_SHOWN) ?? [];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'consultation-slots' },
    h('h2', { id: 'consultation-slots' }, t('consultation.nextSlots')),
    next.length === 0
      ? h('p', {}, slots ? t('booking.noSlots') : t('consultation.slotsFailed'))
      : [
          h('ul', { class: 'next-slots' }, next.map((slot) => h('li', {}, h('time', { datetime: slot }, `${formatDay(slot)}, ${formatTime(slot)}`)))),
          h('p', { class: 'hint' }, t('consultation.timesInZone', { zone: visitorTimeZone() })),
        ],
  );
}

/** After booking: when, what is held on the card, and where to find the consultation. */
function confirmation(consultation: BookedConsultation): DocumentFragment {
  const immediate = consultation.startAt === null;
  const row = (term: string, description: string) => [h('dt', {}, term), h('dd', {}, description)];
  const fragment = document.createDocumentFragment();
  append(
    fragment,
    h('h1', { tabindex: '-1' }, immediate ? t('booking.confirmed.requestTitle') : t('booking.confirmed.title')),
    h('p', { class: 'notice', role: 'status' }, immediate ? t('booking.confirmed.requestText') : t('booking.confirmed.text')),
    h(
      'dl',
      { class: 'summary booking-confirmation' },
      row(t('booking.confirmed.expert'), `${consultation.expert.firstName} ${consultation.expert.lastName}`),
      row(t('booking.mode'), t(`booking.mode.${consultation.mode}`)),
      immediate ? [] : row(t('booking.confirmed.when'), `${formatDateTime(consultation.startAt!)} (${visitorTimeZone()})`),
      row(t('booking.confirmed.minutes'), t('booking.confirmed.minutesValue', { minutes: consultation.reservedMinutes })),
      row(t('booking.held'), money(heldCents(consultation))),
    ),
    h('p', { class: 'hint' }, consultation.paymentHoldPlaced ? t('booking.holdExplained') : t('booking.confirmed.deferredHold')),
    immediate ? null : h('p', {}, t('booking.confirmed.email')),
    h(
      'p',
      { class: 'actions' },
      immediate && consultation.mode === 'video' ? link(`/salle/${encodeURIComponent(consultation.id)}`, t('booking.confirmed.room'), 'button button-primary') : null,
      ' ',
      link('/compte', t('booking.confirmed.account'), immediate && consultation.mode === 'video' ? 'button button-secondary' : 'button button-primary'),
    ),
  );
  return fragment;
}
