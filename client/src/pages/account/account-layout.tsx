/**
 * The frame of every "my account" page: the one <h1>, the sections of the account for the
 * user's role (own addresses, so Back and bookmarks work), and the signed-in user the page
 * renders from. Signed out, it sends the visitor to sign in and back here (ACC-7).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../api.ts';
import { currentLocation, navigate } from '../../router.ts';
import { currentUser, loadCurrentUser, signedIn } from '../../session.ts';
import { PageLayout } from '../../ui/page.tsx';
import { SectionNav, type SectionLink } from '../../ui/section-nav.tsx';
import { at } from './account-messages.ts';
import { EmailVerificationSection } from './email-verification-section.tsx';
import './account.css';

export const ACCOUNT_PATH = '/compte';

function sectionLinks(user: User): SectionLink[] {
  const isProfile = (path: string) => path === '/compte/profil';
  switch (user.role) {
    case 'client':
      return [
        { href: ACCOUNT_PATH, label: at('tab.consultations') },
        { href: '/compte/profil', label: at('tab.profile') },
        { href: '/compte/securite', label: at('tab.security') },
        { href: '/compte/reclamations', label: at('tab.complaints') },
        { href: '/compte/donnees', label: at('tab.data') },
      ];
    case 'expert':
      return [
        { href: ACCOUNT_PATH, label: at('tab.profile'), alsoCurrentFor: isProfile },
        { href: '/compte/securite', label: at('tab.security') },
        { href: '/compte/reclamations', label: at('tab.complaintsExpert') },
        { href: '/compte/donnees', label: at('tab.data') },
      ];
    case 'admin':
      return [
        { href: ACCOUNT_PATH, label: at('tab.profile'), alsoCurrentFor: isProfile },
        { href: '/compte/securite', label: at('tab.security') },
      ];
  }
}

interface AccountLayoutProps {
  notice: string | undefined;
  /** A dashboard for this role (the client's consultations) rather than a column of forms. */
  wideFor?: User['role'];
  children: (user: User) => ComponentChildren;
}

export function AccountLayout({ notice, wideFor, children }: AccountLayoutProps) {
  const user = currentUser.value;
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [verifiedNotice, setVerifiedNotice] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!signedIn.value) {
      // Signing out from here navigates away first: only a visitor still on an account page is sent to sign in.
      const here = currentLocation.value.pathname;
      if (here === ACCOUNT_PATH || here.startsWith(`${ACCOUNT_PATH}/`)) navigate(`/connexion?retour=${encodeURIComponent(here)}`, { replace: true, notice });
      return;
    }
    if (!user) {
      setFailed(false);
      void loadCurrentUser().then((loaded) => setFailed(loaded === undefined && signedIn.value));
    }
  }, [signedIn.value, user, attempt]);
  if (!user) {
    return (
      <PageLayout title={at('title')} notice={notice}>
        {failed ? (
          <p class="error-text" role="alert">
            {at('loadFailed')}{' '}
            <button type="button" class="button button-secondary button-small" onClick={() => setAttempt(attempt + 1)}>
              {at('retry')}
            </button>
          </p>
        ) : (
          <p aria-busy="true">{at('loading')}</p>
        )}
      </PageLayout>
    );
  }
  return (
    <PageLayout title={at('title')} notice={verifiedNotice ?? notice} wide={user.role === wideFor}>
      <SectionNav label={at('sections')} links={sectionLinks(user)} />
      {user.emailVerified ? null : <EmailVerificationSection user={user} onVerified={setVerifiedNotice} />}
      {children(user)}
    </PageLayout>
  );
}
