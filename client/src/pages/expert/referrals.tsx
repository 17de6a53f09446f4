import { useState } from 'preact/hooks';
import type { readReferralWorkspace } from '../../../../server/referrals/workspace.ts';
import { apiCall } from '../../api.ts';
import { defineMessages, formatDate, formatMoney, language, locale } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { CopyField } from '../../ui/copy-field.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { QrCode } from '../../ui/qr-code.tsx';
import { SnippetPreview } from '../../ui/snippet-preview.tsx';
import { StatTile } from '../../ui/stat-tile.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import { SECTION_PATHS } from './workspace-sections.ts';

/** Rows shown at first in each list; "show more" adds as many again. */
const ROWS_PAGE_SIZE = 20;

const text = defineMessages({
  fr: {
    title: 'Mon parrainage',
    intro:
      'Recommandez Consulto à d’autres experts : vous touchez {percent} % des frais de service de leurs consultations pendant {months} mois après leur inscription, versés sur votre portefeuille.',
    referred: 'Experts parrainés',
    totalCommission: 'Commissions au total',
    share: 'Mes liens de parrainage',
    signupUrl: 'Mon adresse d’inscription parrainée',
    signupUrlHint: 'Un expert qui s’inscrit par cette adresse vous est rattaché.',
    copyUrl: 'Copier l’adresse',
    openSignup: 'Ouvrir la page d’inscription parrainée',
    qr: 'QR code d’inscription',
    qrAlt: 'QR code de votre adresse d’inscription parrainée',
    banner: 'Bannière de parrainage',
    bannerCode: 'Code HTML de la bannière de parrainage',
    bannerHint: 'Collez ce code dans votre site : il fonctionne sans script.',
    copyBanner: 'Copier le code de la bannière',
    bannerPreview: 'Aperçu de la bannière de parrainage',
    experts: 'Experts parrainés',
    noExperts: 'Aucun expert parrainé pour le moment.',
    truncated: 'Seuls les plus récents sont listés ; les totaux les comptent tous.',
    expert: 'Expert',
    signedUp: 'Inscription',
    window: 'Période de commission',
    consultations: 'Consultations',
    commission: 'Commissions',
    windowUntil: 'jusqu’au {date}',
    windowEnded: 'terminée le {date}',
    months: 'Commissions par mois',
    monthsHint: 'Commissions créditées sur votre portefeuille, moins celles reprises après un remboursement.',
    noCommissions: 'Aucune commission pour le moment.',
    month: 'Mois',
    walletLink: 'Mon portefeuille et mes virements',
  },
  en: {
    title: 'My referrals',
    intro:
      'Recommend Consulto to other experts: you earn {percent}% of the operating fees of their consultations for {months} months after they sign up, paid into your wallet.',
    referred: 'Referred experts',
    totalCommission: 'Total commissions',
    share: 'My referral links',
    signupUrl: 'My referral signup address',
    signupUrlHint: 'An expert who signs up through this address is attributed to you.',
    copyUrl: 'Copy the address',
    openSignup: 'Open the referral signup page',
    qr: 'Signup QR code',
    qrAlt: 'QR code of your referral signup address',
    banner: 'Referral banner',
    bannerCode: 'Referral banner HTML code',
    bannerHint: 'Paste this code into your website: it works without any script.',
    copyBanner: 'Copy the banner code',
    bannerPreview: 'Referral banner preview',
    experts: 'Referred experts',
    noExperts: 'No referred expert yet.',
    truncated: 'Only the most recent are listed; the totals count them all.',
    expert: 'Expert',
    signedUp: 'Signed up',
    window: 'Commission period',
    consultations: 'Consultations',
    commission: 'Commissions',
    windowUntil: 'until {date}',
    windowEnded: 'ended on {date}',
    months: 'Commissions per month',
    monthsHint: 'Commissions credited to your wallet, less those reversed after a refund.',
    noCommissions: 'No commission yet.',
    month: 'Month',
    walletLink: 'My wallet and payouts',
  },
});

type ReferralWorkspace = Awaited<ReturnType<typeof readReferralWorkspace>> & {
  signupUrl: string;
  signupQrSvgUrl: string;
  signupQrPngUrl: string;
  banner: { html: string; signupUrl: string };
};

const monthName = (month: string) => {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, index - 1, 1)));
};

/** `/parrainage` (REF-1 … REF-4): the signup links that attribute new experts, the experts referred, the commissions per month. */
export default function ReferralsPage({ notice }: PageProps) {
  const lang = language();
  const referral = useResource(() => apiCall<ReferralWorkspace>('GET', `/api/referrals/me?language=${lang}`), [lang]);
  return (
    <WorkspacePage section="referrals" title={text('title')} notice={notice}>
      {referral.state === 'ready' ? (
        <Referrals referral={referral.data} />
      ) : referral.state === 'failed' ? (
        <LoadFailed error={referral.error} onRetry={referral.reload} />
      ) : (
        <Loading />
      )}
    </WorkspacePage>
  );
}

function Referrals({ referral }: { referral: ReferralWorkspace }) {
  const [expertsShown, setExpertsShown] = useState(ROWS_PAGE_SIZE);
  const [monthsShown, setMonthsShown] = useState(ROWS_PAGE_SIZE);
  const experts = referral.referredExperts;
  const months = referral.commissionsByMonth;
  return (
    <>
      <p class="ws-intro">{text('intro', { percent: referral.commissionPercent, months: referral.commissionMonths })}</p>
      <div class="ws-tiles" data-testid="referral-totals">
        <StatTile label={text('referred')} value={String(referral.totals.referredExperts)} />
        <StatTile label={text('totalCommission')} value={formatMoney(referral.totals.commissionCents)}>
          <p>
            <a href={SECTION_PATHS.wallet}>{text('walletLink')}</a>
          </p>
        </StatTile>
      </div>
      <section class="card" aria-labelledby="referral-share-title">
        <h2 id="referral-share-title">{text('share')}</h2>
        <CopyField label={text('signupUrl')} hint={text('signupUrlHint')} value={referral.signupUrl} copyLabel={text('copyUrl')} />
        <p>
          <a href={new URL(referral.signupUrl).pathname}>{text('openSignup')}</a>
        </p>
        <div class="ws-grid referral-share-grid">
          <div>
            <h3>{text('qr')}</h3>
            <QrCode svgUrl={referral.signupQrSvgUrl} pngUrl={referral.signupQrPngUrl} alt={text('qrAlt')} />
          </div>
          <div>
            <h3>{text('banner')}</h3>
            <CopyField label={text('bannerCode')} hint={text('bannerHint')} value={referral.banner.html} copyLabel={text('copyBanner')} rows={6} />
            <SnippetPreview html={referral.banner.html} title={text('bannerPreview')} testId="referral-banner-preview" />
          </div>
        </div>
      </section>
      <section class="card" aria-labelledby="referral-experts-title">
        <h2 id="referral-experts-title">{text('experts')}</h2>
        {experts.length === 0 ? (
          <p class="empty">{text('noExperts')}</p>
        ) : (
          <DataTable
            caption={text('experts')}
            captionHidden
            columns={[
              { label: text('expert') },
              { label: text('signedUp') },
              { label: text('window') },
              { label: text('consultations'), numeric: true },
              { label: text('commission'), numeric: true },
            ]}
            rows={experts.slice(0, expertsShown).map((expert) => ({
              key: expert.slug,
              cells: [
                `${expert.firstName} ${expert.lastName}`,
                formatDate(expert.signedUpAt),
                expert.insideCommissionWindow
                  ? text('windowUntil', { date: formatDate(expert.commissionWindowEndsAt) })
                  : text('windowEnded', { date: formatDate(expert.commissionWindowEndsAt) }),
                String(expert.consultationsCount),
                formatMoney(expert.commissionCents),
              ],
            }))}
          />
        )}
        {experts.length > expertsShown ? (
          <div class="list-more">
            <p class="hint">{kitText('shownOf', { shown: expertsShown, count: experts.length })}</p>
            <button type="button" class="button button-secondary" onClick={() => setExpertsShown(expertsShown + ROWS_PAGE_SIZE)}>
              {kitText('more')}
            </button>
          </div>
        ) : null}
        {referral.referredExpertsTruncated ? <p class="hint">{text('truncated')}</p> : null}
      </section>
      <section class="card" aria-labelledby="referral-months-title">
        <h2 id="referral-months-title">{text('months')}</h2>
        <p class="hint">{text('monthsHint')}</p>
        {months.length === 0 ? (
          <p class="empty">{text('noCommissions')}</p>
        ) : (
          <DataTable
            caption={text('months')}
            captionHidden
            columns={[{ label: text('month') }, { label: text('consultations'), numeric: true }, { label: text('commission'), numeric: true }]}
            rows={months
              .slice(0, monthsShown)
              .map((month) => ({ key: month.month, cells: [monthName(month.month), String(month.consultationsCount), formatMoney(month.commissionCents)] }))}
          />
        )}
        {months.length > monthsShown ? (
          <button type="button" class="button button-secondary" onClick={() => setMonthsShown(monthsShown + ROWS_PAGE_SIZE)}>
            {kitText('more')}
          </button>
        ) : null}
      </section>
    </>
  );
}
