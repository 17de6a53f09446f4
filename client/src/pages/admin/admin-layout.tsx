/**
 * The frame of every console page (TRUST-4): the <h1>, the console's sections, and the check
 * that the reader is an admin (the API refuses everyone else anyway, with 403).
 */
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { currentLocation, navigate } from '../../router.ts';
import { currentUser, loadCurrentUser, signedIn } from '../../session.ts';
import { PageLayout } from '../../ui/page.tsx';
import { SectionNav } from '../../ui/section-nav.tsx';
import { am } from './admin-messages.ts';
import './admin.css';

export function AdminLayout({ notice, children }: { notice: string | undefined; children: ComponentChildren }) {
  const user = currentUser.value;
  useEffect(() => {
    const here = currentLocation.value.pathname;
    // Signing out from here navigates away first: only a visitor still on the console is sent to sign in.
    if (!signedIn.value) {
      if (here === '/admin' || here.startsWith('/admin/')) navigate(`/connexion?retour=${encodeURIComponent(here)}`, { replace: true });
    } else if (!user) void loadCurrentUser();
  }, [signedIn.value, user]);
  if (!user) {
    return (
      <PageLayout title={am('title')} notice={notice}>
        <p aria-busy="true">{am('loading')}</p>
      </PageLayout>
    );
  }
  if (user.role !== 'admin') {
    return (
      <PageLayout title={am('title')} notice={notice}>
        <p class="error-text" role="alert">
          {am('forbidden')}
        </p>
      </PageLayout>
    );
  }
  return (
    <PageLayout title={am('title')} notice={notice} wide>
      <SectionNav
        label={am('sections')}
        links={[
          { href: '/admin', label: am('tab.users'), alsoCurrentFor: (path) => path.startsWith('/admin/utilisateurs/') },
          { href: '/admin/reclamations', label: am('tab.complaints') },
          { href: '/admin/signalements', label: am('tab.reports') },
          { href: '/admin/messages', label: am('tab.notices') },
          { href: '/admin/frais', label: am('tab.fees') },
          { href: '/admin/journal', label: am('tab.audit') },
        ]}
      />
      {children}
    </PageLayout>
  );
}
