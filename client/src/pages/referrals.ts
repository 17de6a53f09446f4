/**
 * `/parrainage`: the referral workspace (SPEC §4). The signup URL, QR code and banner that
 * attribute new experts to this sponsor (REF-1), the experts referred with their charged
 * consultations and commission (REF-4), and the commissions per month (REF-3).
 */
import { h } from '../dom.ts';
import { formatDate, language, t } from '../i18n/index.ts';
import { apiCall } from '../api.ts';
import type { Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';
import { bannerBlock, copyableUrl, dataTable, formatMonth, money, qrBlock, requireExpert, section } from './workspace-parts.ts';

export const REFERRALS_PATH = '/parrainage';

interface ReferralWorkspace {
  signupUrl: string;
  signupQrSvgUrl: string;
  signupQrPngUrl: string;
  banner: { html: string; signupUrl: string };
  commissionPercent: number;
  commissionMonths: number;
  referredExperts: {
    slug: string;
    firstName: string;
    lastName: string;
    signedUpAt: string;
    consultationsCount: number;
    commissionCents: number;
    commissionWindowEndsAt: string;
    insideCommissionWindow: boolean;
  }[];
  referredExpertsTruncated: boolean;
  commissionsByMonth: { month: string; consultationsCount: number; commissionCents: number }[];
  totals: { referredExperts: number; commissionCents: number };
}

export const referralsPage: Page = async ({ notice }) => {
  const title = t('referrals.title');
  const user = await requireExpert(REFERRALS_PATH, title, notice);
  if (user instanceof Node) return user;
  const referral = await apiCall<ReferralWorkspace>('GET', `/api/referrals/me?language=${language()}`);
  return pageLayout(
    title,
    notice,
    h('p', { class: 'lead' }, t('referrals.intro', { percent: referral.commissionPercent, months: referral.commissionMonths })),
    section(
      'referrals-share',
      t('referrals.share'),
      copyableUrl(t('referrals.signupUrl'), referral.signupUrl, t('referrals.openSignup')),
      h('h3', {}, t('referrals.qrCode')),
      qrBlock(referral.signupQrSvgUrl, referral.signupQrPngUrl, t('referrals.qrAlt')),
      h('h3', {}, t('referrals.banner')),
      bannerBlock(referral.banner.html, t('referrals.bannerCode')),
    ),
    referredSection(referral),
    commissionsSection(referral),
    h('p', {}, h('a', { href: '/portefeuille' }, t('workspace.walletLink')), ' · ', h('a', { href: '/espace' }, t('referrals.workspaceLink'))),
  );
};

function referredSection(referral: ReferralWorkspace): HTMLElement {
  const totals = h(
    'p',
    { 'data-testid': 'referral-totals' },
    t('referrals.totals', { count: referral.totals.referredExperts, amount: money(referral.totals.commissionCents) }),
  );
  if (referral.referredExperts.length === 0) return section('referrals-experts', t('referrals.experts'), totals, h('p', { class: 'hint' }, t('referrals.noExperts')));
  return section(
    'referrals-experts',
    t('referrals.experts'),
    totals,
    dataTable(
      t('referrals.experts'),
      [t('referrals.col.expert'), t('referrals.col.signedUp'), t('referrals.col.window'), t('referrals.col.consultations'), t('referrals.col.commission')],
      referral.referredExperts.map((expert) => [
        `${expert.firstName} ${expert.lastName}`,
        formatDate(expert.signedUpAt),
        expert.insideCommissionWindow
          ? t('referrals.windowUntil', { date: formatDate(expert.commissionWindowEndsAt) })
          : t('referrals.windowEnded', { date: formatDate(expert.commissionWindowEndsAt) }),
        String(expert.consultationsCount),
        money(expert.commissionCents),
      ]),
      { numericFrom: 3 },
    ),
    referral.referredExpertsTruncated ? h('p', { class: 'hint' }, t('referrals.truncated')) : null,
  );
}

function commissionsSection(referral: ReferralWorkspace): HTMLElement {
  if (referral.commissionsByMonth.length === 0) {
    return section('referrals-months', t('referrals.months'), h('p', { class: 'hint' }, t('referrals.noCommissions')));
  }
  return section(
    'referrals-months',
    t('referrals.months'),
    h('p', { class: 'hint' }, t('referrals.monthsHint')),
    dataTable(
      t('referrals.months'),
      [t('workspace.col.month'), t('referrals.col.consultations'), t('referrals.col.commission')],
      referral.commissionsByMonth.map((month) => [formatMonth(month.month), String(month.consultationsCount), money(month.commissionCents)]),
      { numericFrom: 1 },
    ),
  );
}
