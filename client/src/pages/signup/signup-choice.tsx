import { t } from '../../i18n/index.ts';
import { keepingReturn } from '../../return-path.ts';
import type { PageProps } from '../../router.ts';
import { PageLayout } from '../../ui/page.tsx';
import { sm } from './signup-messages.ts';

/** `/inscription`: which kind of account. */
export default function SignupChoicePage({ query, notice }: PageProps) {
  return (
    <PageLayout title={sm('choice.title')} notice={notice}>
      <ul class="choice-list">
        <li>
          <a href={keepingReturn('/inscription/client', query)} class="button button-primary">
            {sm('choice.asClient')}
          </a>
        </li>
        <li>
          <a href="/inscription/expert" class="button button-secondary">
            {sm('choice.asExpert')}
          </a>
        </li>
      </ul>
      <p>
        {t('auth.haveAccount')} <a href={keepingReturn('/connexion', query)}>{t('auth.loginLink')}</a>
      </p>
    </PageLayout>
  );
}
