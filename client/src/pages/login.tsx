import { login } from '../api.ts';
import { t } from '../i18n/index.ts';
import { keepingReturn, returnPath } from '../return-path.ts';
import { navigate, type PageProps } from '../router.ts';
import { homeOf, reloadCurrentUser } from '../session.ts';
import { Form, TextField, useForm } from '../ui/form.tsx';
import { PageLayout } from '../ui/page.tsx';

/** `/connexion` (ACC-4); `?retour=` brings the user back where they were (ACC-7), else to where their role works. */
export default function LoginPage({ query, notice }: PageProps) {
  const form = useForm({ email: '', password: '' });
  return (
    <PageLayout title={t('login.title')} notice={notice}>
      <Form
        form={form}
        label={t('login.title')}
        submitLabel={t('login.submit')}
        onSubmit={async ({ email, password }) => {
          await login(email.trim(), password);
          const user = await reloadCurrentUser();
          navigate(returnPath(query) ?? (user ? homeOf(user.role) : '/compte'));
        }}
      >
        <TextField form={form} name="email" label={t('field.email')} type="email" required autocomplete="email" />
        <TextField form={form} name="password" label={t('field.password')} type="password" required autocomplete="current-password" />
      </Form>
      <p>
        {t('login.noAccount')} <a href={keepingReturn('/inscription/client', query)}>{t('login.signupClient')}</a>
        {' · '}
        <a href="/inscription/expert">{t('login.signupExpert')}</a>
      </p>
    </PageLayout>
  );
}
