import { t } from '../i18n/index.ts';
import { PageLayout } from '../ui/page.tsx';

export default function NotFoundPage() {
  return (
    <PageLayout title={t('notFound.title')}>
      <p>{t('notFound.text')}</p>
      <p>
        <a href="/">{t('notFound.home')}</a>
      </p>
    </PageLayout>
  );
}
