/**
 * The booking flow's screens after the expert's page, loaded on demand: the account (sign up or
 * in, ACC-2, ACC-7) and the payment (ACC-10's code, BOOK-1's commitments, BOOK-3's hold). The
 * payment needs a signed-in client; anyone else is sent to the account step, which says why.
 */
import { useEffect } from 'preact/hooks';
import { t } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { AccountStep } from './account-step.tsx';
import { bookingAddress, type BookingChoice } from './booking-choice.ts';
import type { PublicProfile } from './booking-types.ts';
import { PaymentStep } from './payment-step.tsx';
import './booking-flow.css';

export interface BookingFlowProps {
  profile: PublicProfile;
  step: 'account' | 'payment';
  choice: BookingChoice;
  notice: string | undefined;
}

export function BookingFlow({ profile, step, choice, notice }: BookingFlowProps) {
  const isSignedIn = signedIn.value;
  const user = currentUser.value;
  useEffect(() => {
    if (step === 'payment' && !isSignedIn) navigate(bookingAddress(profile.slug, choice, 'account'), { replace: true });
  }, [step, isSignedIn]);
  if (step === 'account' || (user && user.role !== 'client')) return <AccountStep profile={profile} choice={choice} notice={notice} />;
  if (!user) {
    return (
      <div class="page" aria-busy="true">
        <p class="hint">{t('shell.loading')}</p>
      </div>
    );
  }
  return <PaymentStep profile={profile} choice={choice} notice={notice} />;
}
