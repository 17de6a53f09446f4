/**
 * `/espace`: the expert workspace (SPEC §3). One page with a table of contents, because an
 * expert setting up goes through it top to bottom: profile, rates and packages, hours and
 * the "available now" switch, discount codes, the consultation URL / QR code / banner to
 * share (EXP-1 … EXP-3), then the consultations, earnings and statements (EXP-8, BILL-9).
 */
import { h } from '../dom.ts';
import { language, t } from '../i18n/index.ts';
import { ApiError, apiCall } from '../api.ts';
import { categoryOptions } from '../categories.ts';
import { apiErrorMessage, checkboxField, createForm, inputField, selectField, type FieldError } from '../forms.ts';
import type { Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';
import { bannerBlock, copyableUrl, dataTable, formatDateTime, loadInto, qrBlock, requireExpert, section } from './workspace-parts.ts';
import { availabilitySection, presenceSection, pricingSection, pricingSummary, type AvailabilityView, type PricingView } from './workspace-schedule.ts';
import { consultationsSection, earningsSection, statementsSection } from './workspace-earnings.ts';

export const WORKSPACE_PATH = '/espace';
/** The API's limits (server/experts/workspace.ts). */
const HEADLINE_MAX_CHARS = 120;
const DESCRIPTION_MAX_CHARS = 4000;
const DISCOUNT_CODE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;

interface OwnProfile {
  slug: string;
  firstName: string;
  lastName: string;
  category: string;
  headline: string;
  description: string;
  availableNow: boolean;
  published: boolean;
}

interface WorkspaceView {
  slug: string;
  published: boolean;
  consultationUrl: string;
  qrSvgUrl: string;
  qrPngUrl: string;
  banner: { html: string; consultationUrl: string };
  profile: OwnProfile;
}

interface DiscountCode {
  id: string;
  code: string;
  percentOff: number;
  expiresAt: string | null;
  maxUses: number | null;
  firstConsultationOnly: boolean;
  usesCount: number;
  status: 'active' | 'disabled' | 'expired' | 'used_up';
}

export const workspacePage: Page = async ({ notice }) => {
  const title = t('workspace.title');
  const user = await requireExpert(WORKSPACE_PATH, title, notice);
  if (user instanceof Node) return user;
  const [workspace, pricing, availability, banner] = await Promise.all([
    apiCall<WorkspaceView>('GET', '/api/experts/me/workspace'),
    apiCall<PricingView>('GET', '/api/experts/me/pricing'),
    apiCall<AvailabilityView>('GET', '/api/experts/me/availability'),
    apiCall<{ html: string }>('GET', `/api/experts/me/banner?language=${language()}`),
  ]);
  const summary = h('div', {}, pricingSummary(pricing));
  const contents: [string, string][] = [
    ['workspace-profile', t('workspace.profile')],
    ['workspace-pricing', t('workspace.pricing')],
    ['workspace-availability', t('workspace.availability')],
    ['workspace-presence', t('workspace.presence')],
    ['workspace-discounts', t('workspace.discounts')],
    ['workspace-share', t('workspace.share')],
    ['workspace-consultations', t('workspace.consultations')],
    ['workspace-earnings', t('workspace.earnings')],
    ['workspace-statements', t('workspace.statements')],
  ];
  return pageLayout(
    title,
    notice,
    h('p', { class: 'lead' }, t('workspace.hello', { name: `${user.firstName} ${user.lastName}` })),
    h(
      'p',
      { class: workspace.published ? 'notice' : 'error-text', 'data-testid': 'publication' },
      workspace.published ? t('workspace.published') : t('workspace.notPublished'),
    ),
    h(
      'nav',
      { 'aria-label': t('workspace.contents'), class: 'workspace-contents' },
      h(
        'ul',
        {},
        contents.map(([id, label]) => h('li', {}, h('a', { href: `#${id}` }, label))),
        h('li', {}, h('a', { href: '/parrainage' }, t('workspace.referralsLink'))),
      ),
    ),
    profileSection(workspace.profile),
    pricingSection(pricing, (saved) => summary.replaceChildren(pricingSummary(saved))),
    h('div', { class: 'card' }, h('h3', {}, t('workspace.offerSummary')), summary),
    availabilitySection(availability),
    presenceSection(workspace.profile.availableNow),
    discountSection(),
    shareSection(workspace, banner.html),
    consultationsSection(),
    earningsSection(),
    statementsSection(),
  );
};

function profileSection(profile: OwnProfile): HTMLElement {
  const descriptionId = 'workspace-description';
  const description = h('textarea', { id: descriptionId, name: 'description', rows: 6, maxlength: DESCRIPTION_MAX_CHARS, 'aria-describedby': `${descriptionId}-hint` });
  description.value = profile.description;
  const form = createForm({
    label: t('workspace.profile'),
    submitLabel: t('workspace.profileSubmit'),
    children: [
      inputField({ name: 'headline', label: t('workspace.headline'), value: profile.headline, maxLength: HEADLINE_MAX_CHARS, hint: t('workspace.headlineHint') }),
      h(
        'div',
        { class: 'field' },
        h('label', { for: descriptionId }, t('workspace.description'), h('span', { class: 'optional' }, ` ${t('form.optional')}`)),
        h('p', { class: 'hint', id: `${descriptionId}-hint` }, t('workspace.descriptionHint', { max: DESCRIPTION_MAX_CHARS })),
        description,
      ),
      selectField({ name: 'category', label: t('field.category'), options: categoryOptions(), value: profile.category, required: true }),
    ],
    onSubmit: async (handle) => {
      await apiCall('PATCH', '/api/experts/me/profile', {
        json: { headline: handle.value('headline'), description: description.value.trim(), category: handle.value('category') },
      });
      handle.showSuccess(t('workspace.profileSaved'));
    },
  });
  return section('workspace-profile', t('workspace.profile'), h('p', { class: 'hint' }, h('a', { href: '/compte' }, t('workspace.photoLink'))), form.form);
}

const discountStatusLabel = (status: DiscountCode['status']) => t(`workspace.discountStatus.${status}`);

/** EXP-7: percentage off, optional expiry, optional max uses, optional first consultation only. */
function discountSection(): HTMLElement {
  const list = h('div', { 'data-testid': 'discount-codes' });
  const actionStatus = h('p', { role: 'status' });
  const load = () =>
    loadInto(list, async () => {
      const { discountCodes } = await apiCall<{ discountCodes: DiscountCode[] }>('GET', '/api/experts/me/discount-codes');
      if (discountCodes.length === 0) return h('p', { class: 'hint' }, t('workspace.noDiscounts'));
      return dataTable(
        t('workspace.discountList'),
        [t('workspace.col.code'), t('workspace.col.percent'), t('workspace.col.expiry'), t('workspace.col.uses'), t('workspace.col.status'), t('workspace.col.actions')],
        discountCodes.map((code) => {
          let action: Node | string = '—';
          if (code.status === 'active') {
            const button = h('button', { type: 'button', class: 'button button-secondary button-small', 'aria-label': t('workspace.disableCode', { code: code.code }) }, t('workspace.disable'));
            button.addEventListener('click', () => {
              button.disabled = true;
              apiCall('POST', `/api/experts/me/discount-codes/${code.id}/disable`)
                .then(() => {
                  actionStatus.textContent = t('workspace.codeDisabled', { code: code.code });
                  load();
                })
                .catch((error: unknown) => {
                  button.disabled = false;
                  actionStatus.textContent = apiErrorMessage(error);
                });
            });
            action = button;
          }
          return [
            code.code,
            `${code.percentOff} %`,
            code.expiresAt ? formatDateTime(code.expiresAt) : t('workspace.noExpiry'),
            `${code.usesCount}${code.maxUses === null ? '' : ` / ${code.maxUses}`}${code.firstConsultationOnly ? ` (${t('workspace.firstOnlyShort')})` : ''}`,
            discountStatusLabel(code.status),
            action,
          ];
        }),
        {},
      );
    });
  load();
  const form = createForm({
    label: t('workspace.newDiscount'),
    submitLabel: t('workspace.discountSubmit'),
    submitClass: 'button button-secondary',
    children: [
      inputField({ name: 'code', label: t('workspace.discountCode'), required: true, maxLength: 32, hint: t('workspace.discountCodeHint') }),
      inputField({ name: 'percentOff', label: t('workspace.percentOff'), required: true, inputMode: 'numeric', hint: t('workspace.percentOffHint') }),
      inputField({ name: 'expiresAt', label: t('workspace.expiresAt'), type: 'date', hint: t('workspace.expiresAtHint') }),
      inputField({ name: 'maxUses', label: t('workspace.maxUses'), inputMode: 'numeric' }),
      checkboxField({ name: 'firstConsultationOnly', label: t('workspace.firstOnly') }),
    ],
    validate: (handle) => {
      const errors: FieldError[] = [];
      if (handle.value('code') && !DISCOUNT_CODE_PATTERN.test(handle.value('code'))) errors.push({ name: 'code', message: t('workspace.error.code') });
      const percent = Number(handle.value('percentOff'));
      if (handle.value('percentOff') && !(Number.isInteger(percent) && percent >= 1 && percent <= 100)) errors.push({ name: 'percentOff', message: t('workspace.error.percent') });
      const maxUses = handle.value('maxUses');
      if (maxUses && !/^[1-9]\d{0,5}$/.test(maxUses)) errors.push({ name: 'maxUses', message: t('workspace.error.maxUses') });
      return errors;
    },
    onSubmit: async (handle) => {
      const expiry = handle.value('expiresAt');
      // The code stays valid until the end of the chosen day, in the expert's own clock.
      const expiresAt = expiry ? new Date(`${expiry}T23:59:59`).toISOString() : null;
      try {
        await apiCall('POST', '/api/experts/me/discount-codes', {
          json: {
            code: handle.value('code'),
            percentOff: Number(handle.value('percentOff')),
            expiresAt,
            maxUses: handle.value('maxUses') ? Number(handle.value('maxUses')) : null,
            firstConsultationOnly: handle.checked('firstConsultationOnly'),
          },
        });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'discount_code_taken') handle.showErrors([{ name: 'code', message: t('workspace.error.codeTaken') }]);
        else handle.showApiError(error);
        return;
      }
      handle.form.reset();
      handle.showSuccess(t('workspace.discountCreated'));
      load();
    },
  });
  return section('workspace-discounts', t('workspace.discounts'), h('p', { class: 'hint' }, t('workspace.discountsHint')), list, actionStatus, h('h3', {}, t('workspace.newDiscount')), form.form);
}

/** EXP-1 … EXP-3: what the expert shares so that clients find them (the platform brings none). */
function shareSection(workspace: WorkspaceView, bannerHtml: string): HTMLElement {
  const name = `${workspace.profile.firstName} ${workspace.profile.lastName}`;
  return section(
    'workspace-share',
    t('workspace.share'),
    h('p', { class: 'hint' }, t('workspace.shareHint')),
    copyableUrl(t('workspace.consultationUrl'), workspace.consultationUrl, t('workspace.openUrl')),
    h('h3', {}, t('workspace.qrCode')),
    qrBlock(workspace.qrSvgUrl, workspace.qrPngUrl, t('workspace.qrAlt', { name })),
    h('h3', {}, t('workspace.banner')),
    bannerBlock(bannerHtml, t('workspace.bannerCode')),
  );
}
