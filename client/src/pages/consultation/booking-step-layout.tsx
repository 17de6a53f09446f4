import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatMoney, formatTime } from '../../i18n/index.ts';
import { pageHeadingDrawn } from '../../ui/focus.ts';
import { BUDGET, bookingAddress, parseEuros, readDraft, type BookingChoice, type BookingStep } from './booking-choice.ts';
import { formatDay } from './booking-format.ts';
import { bm } from './booking-messages.ts';
import type { PublicProfile } from './booking-types.ts';
import { cm } from './consultation-messages.ts';

interface BookingStepLayoutProps {
  profile: PublicProfile;
  choice: BookingChoice;
  step: Exclude<BookingStep, 'offer'>;
  title: string;
  notice?: string | undefined;
  children?: ComponentChildren;
}

const STEPS = ['offer', 'account', 'payment'] as const;
const STEP_LABELS = { offer: 'progress.choice', account: 'progress.account', payment: 'progress.payment' } as const;

/**
 * Every step after the expert's page: where the client is in the flow, what they are booking
 * (with the way back to change it), the step's heading (focused when the step opens) and its form.
 */
export function BookingStepLayout({ profile, choice, step, title, notice, children }: BookingStepLayoutProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${profile.firstName} ${profile.lastName} · Consulto`;
  }, [title]);
  useEffect(() => pageHeadingDrawn(heading.current), []);
  const current = STEPS.indexOf(step);
  return (
    <div class="page booking-step">
      <nav aria-label={bm('progress.label')}>
        <ol class="booking-progress">
          {STEPS.map((name, index) => (
            <li key={name} class={index < current ? 'done' : index === current ? 'current' : undefined} aria-current={index === current ? 'step' : undefined}>
              <span class="step-number" aria-hidden="true">
                {index < current ? '✓' : index + 1}
              </span>
              {bm(STEP_LABELS[name])}
              <span class="visually-hidden"> {index < current ? bm('progress.done') : index === current ? bm('progress.current') : ''}</span>
            </li>
          ))}
        </ol>
      </nav>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <BookingRecap profile={profile} choice={choice} />
      {children}
    </div>
  );
}

/** What is being booked, in one glance, with the way back to the expert's page to change it. */
export function BookingRecap({ profile, choice }: { profile: PublicProfile; choice: BookingChoice }) {
  const offer = profile.pricing.packages.find((candidate) => candidate.id === choice.pricing);
  const budgetCents = choice.pricing === BUDGET ? parseEuros(choice.budgetText) : undefined;
  const phoneNumber = choice.mode === 'phone' ? readDraft(profile.slug).phoneE164 : undefined;
  const when = choice.timing === 'now' ? bm('recap.now') : choice.slot ? `${formatDay(choice.slot)}, ${formatTime(choice.slot)}` : bm('recap.noSlot');
  return (
    <section class="booking-recap" aria-label={bm('recap.label')} data-testid="booking-recap">
      {profile.photoUrl ? <img class="recap-photo" src={profile.photoUrl} alt="" width={48} height={48} /> : null}
      <div>
        <p class="recap-expert">{bm('recap.with', { name: `${profile.firstName} ${profile.lastName}` })}</p>
        <p class="recap-choice">
          {cm(`mode.${choice.mode}`)} · {when} ·{' '}
          {offer ? bm('recap.package', { minutes: offer.minutes }) : budgetCents !== undefined ? bm('recap.budget', { amount: formatMoney(budgetCents) }) : ''}
        </p>
        {choice.mode === 'phone' ? <p class="recap-choice">{phoneNumber ? bm('recap.call', { number: phoneNumber }) : bm('recap.noNumber')}</p> : null}
      </div>
      <a class="recap-edit" href={bookingAddress(profile.slug, choice, 'offer')}>
        {bm('edit')}
      </a>
    </section>
  );
}
