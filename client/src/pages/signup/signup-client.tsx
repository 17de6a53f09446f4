import { useState } from 'preact/hooks';
import { needsEmailCode } from '../../accounts/email-verification.ts';
import { t } from '../../i18n/index.ts';
import { keepingReturn, returnPath } from '../../return-path.ts';
import { navigate, type PageProps } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { PageLayout } from '../../ui/page.tsx';
import { ClientSignupForm } from './client-signup-form.tsx';
import { EmailCodeStep } from './email-code.tsx';
import { sm } from './signup-messages.ts';

/**
 * `/inscription/client` (ACC-1, ACC-2, ACC-10): name, email, password, terms, then, in the form's
 * place, the code emailed to that address; `?retour=` brings the client back where they were (ACC-7).
 */
export default function SignupClientPage({ query, notice }: PageProps) {
  const [signedUpEmail, setSignedUpEmail] = useState<string | undefined>(undefined);
  const finish = (verified: boolean) => navigate(returnPath(query) ?? '/compte', { notice: verified ? t('emailCode.verified') : t('account.welcome') });
  // Signed up already but the address is not verified (back on this page later): the code step.
  const pendingEmail = signedIn.value && needsEmailCode(currentUser.value) ? currentUser.value?.email : undefined;
  const codeFor = signedUpEmail ?? pendingEmail;
  return (
    <PageLayout title={sm('client.title')} notice={notice}>
      {codeFor ? (
        <EmailCodeStep email={codeFor} justSignedUp={signedUpEmail !== undefined} onDone={finish} />
      ) : (
        <>
          <p class="lead">{sm('client.intro')}</p>
          <ClientSignupForm
            label={sm('client.title')}
            submitLabel={sm('client.submit')}
            onSignedUp={(user) => (needsEmailCode(user) ? setSignedUpEmail(user.email) : finish(false))}
          />
        </>
      )}
      <p>
        {t('auth.haveAccount')} <a href={keepingReturn('/connexion', query)}>{t('auth.loginLink')}</a>
      </p>
      <p>
        <a href="/inscription/expert">{sm('client.expertLink')}</a>
      </p>
    </PageLayout>
  );
}
