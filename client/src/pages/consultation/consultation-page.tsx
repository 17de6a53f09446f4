/**
 * `/consultation/<slug>` (EXP-1, BOOK-1…3): the expert's public page and the booking flow that
 * starts on it. The first screen sells (photo, name, headline, rating, "available now", price and
 * the main action, §13 phone arrival); details fold below. The flow's next screens (account,
 * payment) are steps of the same address (`?etape=compte|paiement`) whose code loads on demand.
 * An unknown, unpublished or suspended expert is a plain "unavailable" page.
 */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate, type PageProps } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { PageLayout } from '../../ui/page.tsx';
import { bookingAddress, choiceFromQuery, stepFromQuery, type BookingChoice } from './booking-choice.ts';
import type { BookingFlowProps } from './booking-flow.tsx';
import { BookingPanel } from './booking-panel.tsx';
import type { PublicProfile } from './booking-types.ts';
import { cm } from './consultation-messages.ts';
import { ExpertDetails } from './expert-details.tsx';
import { ExpertHero } from './expert-hero.tsx';
import { useExpertProfile } from './use-expert-profile.ts';
import './consultation.css';

/** The account and payment steps: fetched once the first screen is drawn, so the next tap is instant. */
const loadBookingFlow = () => import('./booking-flow.tsx').then((module) => module.BookingFlow);
/** Long enough for the photo to have started downloading on a slow phone network. */
const PREFETCH_DELAY_MS = 1_000;

export default function ConsultationPage({ params, query, notice }: PageProps) {
  const slug = params['slug'] ?? '';
  const profile = useExpertProfile(slug);
  const step = stepFromQuery(query);
  if (profile.state === 'loading') return <Loading />;
  if (profile.state === 'unavailable') return <UnavailablePage notice={notice} />;
  if (profile.state === 'failed') {
    return (
      <PageLayout title={cm('unavailableTitle')} notice={notice}>
        <p class="error-text">{apiErrorMessage(profile.error)}</p>
      </PageLayout>
    );
  }
  return step === 'offer' ? (
    <ExpertPage profile={profile.profile} query={query} notice={notice} />
  ) : (
    <LazyBookingFlow profile={profile.profile} step={step} choice={choiceFromQuery(query, profile.profile)} notice={notice} />
  );
}

function ExpertPage({ profile, query, notice }: { profile: PublicProfile; query: URLSearchParams; notice: string | undefined }) {
  const initialChoice = useMemo(() => choiceFromQuery(query, profile), [profile.slug]);
  useEffect(() => {
    const timer = setTimeout(() => void loadBookingFlow().catch(() => undefined), PREFETCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);
  const onContinue = (choice: BookingChoice) => {
    // A signed-in client goes straight to the payment; anyone else signs up or in first (ACC-7).
    const next = signedIn.value && currentUser.value?.role === 'client' ? 'payment' : 'account';
    navigate(bookingAddress(profile.slug, choice, next));
  };
  return (
    <div class="page consultation-page">
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <div class="consultation-layout">
        <ExpertHero profile={profile} />
        <BookingPanel profile={profile} initialChoice={initialChoice} onContinue={onContinue} />
        <ExpertDetails profile={profile} />
      </div>
    </div>
  );
}

function LazyBookingFlow(props: BookingFlowProps) {
  const [Flow, setFlow] = useState<ComponentType<BookingFlowProps> | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadBookingFlow().then(
      (component) => setFlow(() => component),
      () => setFailed(true),
    );
  }, []);
  if (failed) {
    return (
      <PageLayout title={cm('loadFailedTitle')}>
        <p>{cm('loadFailed')}</p>
      </PageLayout>
    );
  }
  return Flow ? <Flow {...props} /> : <Loading />;
}

/** No heading yet: the page is not drawn until the expert's data is in (tests wait for the <h1>). */
function Loading() {
  return (
    <div class="page" aria-busy="true">
      <p class="hint">{cm('loading')}</p>
    </div>
  );
}

function UnavailablePage({ notice }: { notice: string | undefined }) {
  return (
    <PageLayout title={cm('unavailableTitle')} notice={notice}>
      <p>{cm('unavailableText')}</p>
      <p>
        <a href="/">{cm('home')}</a>
      </p>
    </PageLayout>
  );
}
