import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { navigate } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { Loading } from '../../ui/load-state.tsx';
import { PageLayout } from '../../ui/page.tsx';
import { dashboard, useLiveDashboard } from './dashboard-store.ts';
import { LiveRequestBanner, useLiveRequestTitle } from './live-requests.tsx';
import { workspaceText } from './workspace-messages.ts';
import { CHECKLIST_PATHS, PUBLICATION_STEPS, SECTIONS, SECTION_PATHS, type SectionKey } from './workspace-sections.ts';
// The small components' styles (button sizes, tables, dialogs) for every section, whichever it uses.
import '../../ui/kit.css';
import './workspace.css';

interface WorkspacePageProps {
  section: SectionKey;
  title: string;
  notice?: string | undefined;
  children?: ComponentChildren;
}

/**
 * Every section of the expert workspace: its navigation (a column on a desktop, a strip on a
 * phone), the "not yet published" banner, and the section under its own <h1>. Signed out, the
 * expert signs in and comes back; another role gets a sentence, not a broken page. The
 * section's own content mounts only for an expert, so it may call expert routes at once.
 */
export function WorkspacePage({ section, title, notice, children }: WorkspacePageProps) {
  const isSignedIn = signedIn.value;
  const user = currentUser.value;
  useEffect(() => {
    if (!isSignedIn) navigate(`/connexion?retour=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
  }, [isSignedIn]);
  const isExpert = user?.role === 'expert';
  return (
    <div class={isExpert ? 'ws' : 'ws ws-alone'}>
      {isExpert ? <WorkspaceNav current={section} /> : null}
      <div class="ws-main">
        <PageLayout title={title} notice={notice} wide>
          {!isSignedIn || !user ? (
            <Loading />
          ) : isExpert ? (
            <ExpertContent section={section}>{children}</ExpertContent>
          ) : (
            <p class="error-text">{workspaceText('expertsOnly')}</p>
          )}
        </PageLayout>
      </div>
    </div>
  );
}

function ExpertContent({ section, children }: { section: SectionKey; children?: ComponentChildren }) {
  useLiveDashboard();
  useLiveRequestTitle();
  return (
    <>
      {section !== 'dashboard' ? <LiveRequestBanner /> : null}
      {section !== 'dashboard' ? <PublicationBanner /> : null}
      {children}
    </>
  );
}

function WorkspaceNav({ current }: { current: SectionKey }) {
  const live = dashboard.value?.liveRequests.length ?? 0;
  const list = useRef<HTMLUListElement>(null);
  // On a phone the tabs scroll sideways inside their strip: bring the current one into view.
  useEffect(() => {
    const strip = list.current;
    const tab = strip?.querySelector<HTMLElement>('[aria-current="page"]');
    if (strip && tab && strip.scrollWidth > strip.clientWidth) strip.scrollLeft = tab.offsetLeft - strip.clientWidth / 2 + tab.offsetWidth / 2;
  }, [current]);
  return (
    <nav class="ws-nav" aria-label={workspaceText('navLabel')}>
      <ul ref={list}>
        {SECTIONS.map((key) => (
          <li key={key}>
            <a href={SECTION_PATHS[key]} aria-current={key === current ? 'page' : undefined}>
              {workspaceText(`nav.${key}`)}
              {key === 'dashboard' && live > 0 ? (
                <>
                  <span class="ws-badge" aria-hidden="true">
                    {live}
                  </span>
                  <span class="visually-hidden"> ({workspaceText('liveBadge', { count: live })})</span>
                </>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Until the page is published, every section says what is missing; it updates as soon as a section saves. */
function PublicationBanner() {
  const state = dashboard.value;
  if (!state || state.published) return null;
  // ACC-10: a verified email is a step too, done on the dashboard.
  const missing = [
    ...(state.emailVerified ? [] : [{ key: 'email', href: `${SECTION_PATHS.dashboard}#adresse-email`, label: workspaceText('check.email') }]),
    ...state.checklist.items
      .filter((item) => PUBLICATION_STEPS.includes(item.key) && !item.done)
      .map((item) => ({ key: item.key, href: CHECKLIST_PATHS[item.key], label: workspaceText(`check.${item.key}`) })),
  ];
  return (
    <div class="ws-banner" role="status" data-testid="publication">
      <strong>{workspaceText('notPublished')}</strong>{' '}
      {missing.length > 0 ? (
        <>
          {workspaceText('notPublishedMissing', { count: missing.length })}{' '}
          {missing.map((step, index) => (
            <span key={step.key}>
              {index > 0 ? ', ' : ''}
              <a href={step.href}>{step.label}</a>
            </span>
          ))}
          {'. '}
        </>
      ) : null}
      <a href={SECTION_PATHS.dashboard}>{workspaceText('seeChecklist')}</a>
    </div>
  );
}
