import { t } from '../i18n/index.ts';
import type { PageProps } from '../router.ts';
import { currentUser, homeOf, signedIn } from '../session.ts';
import { PageLayout } from '../ui/page.tsx';

/** What Consulto is, and the ways in. */
export default function HomePage({ notice }: PageProps) {
  const user = currentUser.value;
  return (
    <PageLayout title={t('home.title')} notice={notice}>
      <p class="lead">{t('home.intro')}</p>
      <ul class="points">
        <li>{t('home.point1')}</li>
        <li>{t('home.point2')}</li>
        <li>{t('home.point3')}</li>
      </ul>
      <div class="cards">
        <section class="card" aria-labelledby="home-client">
          <h2 id="home-client">{t('home.clientHeading')}</h2>
          <p>{t('home.clientText')}</p>
          <a href="/inscription/client" class="button button-primary">
            {t('home.clientCta')}
          </a>
        </section>
        <section class="card" aria-labelledby="home-expert">
          <h2 id="home-expert">{t('home.expertHeading')}</h2>
          <p>{t('home.expertText')}</p>
          <a href="/inscription/expert" class="button button-primary">
            {t('home.expertCta')}
          </a>
        </section>
      </div>
      {signedIn.value ? (
        <p>
          <a href={user ? homeOf(user.role) : '/compte'}>{t('shell.account')}</a>
        </p>
      ) : (
        <p>
          {t('home.haveAccount')} <a href="/connexion">{t('home.loginCta')}</a>
        </p>
      )}
    </PageLayout>
  );
}
