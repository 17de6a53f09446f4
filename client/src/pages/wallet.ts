import { h } from '../dom.ts';
import { formatDate, language, t, type MessageKey } from '../i18n/index.ts';
import { ApiError, apiCall, isSignedIn } from '../api.ts';
import { apiErrorMessage, createForm, inputField } from '../forms.ts';
import { navigate } from '../router.ts';
import { refresh, type Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';

/** PAY-5: the smallest payout, as the API enforces it. */
const PAYOUT_MINIMUM_CENTS = 5000;
const DOCUMENT_ACCEPT = 'application/pdf,image/jpeg,image/png';
const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
const MOVEMENTS_PAGE_SIZE = 20;

interface Wallet {
  pendingCents: number;
  availableCents: number;
  kycStatus: 'not_submitted' | 'pending' | 'validated' | 'refused';
  blocked: boolean;
}
interface KycView {
  status: Wallet['kycStatus'];
  refusalReason: string | null;
  requiredDocuments: string[];
  companyNameRequired: boolean;
  documents: { id: string; kind: string; fileName: string; uploadedAt: string }[];
  bankDetails: { ibanLast4: string; bic: string } | null;
  companyName: string | null;
  missing: string[];
}
interface Payout {
  id: string;
  amountCents: number;
  status: 'requested' | 'paid' | 'failed';
  failureReason: string | null;
  createdAt: string;
}
interface Movement {
  id: number;
  at: string;
  balance: 'pending' | 'available';
  amountCents: number;
  kind: string;
}

const money = (cents: number) => new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);

/** `/portefeuille`: balances (PAY-3), identity check (PAY-4), payouts (PAY-5) and movements, for experts and sponsors. */
export const walletPage: Page = async ({ notice }) => {
  if (!isSignedIn()) {
    navigate(`/connexion?retour=${encodeURIComponent('/portefeuille')}`, { replace: true });
    return document.createTextNode('');
  }
  let wallet: Wallet;
  let kyc: KycView;
  let payouts: Payout[];
  let movements: { movements: Movement[]; nextBefore: number | null };
  try {
    [wallet, kyc, { payouts }, movements] = await Promise.all([
      apiCall<Wallet>('GET', '/api/wallet'),
      apiCall<KycView>('GET', '/api/wallet/kyc'),
      apiCall<{ payouts: Payout[] }>('GET', '/api/payouts'),
      apiCall<{ movements: Movement[]; nextBefore: number | null }>('GET', `/api/wallet/movements?limit=${MOVEMENTS_PAGE_SIZE}`),
    ]);
  } catch (error) {
    const message = error instanceof ApiError && error.status === 403 ? t('wallet.expertsOnly') : apiErrorMessage(error);
    return pageLayout(t('wallet.title'), notice, h('p', { class: 'error-text' }, message));
  }
  return pageLayout(
    t('wallet.title'),
    notice,
    balancesSection(wallet),
    payoutSection(wallet, payouts),
    kycSection(kyc),
    movementsSection(movements),
  );
};

function section(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

function balancesSection(wallet: Wallet): HTMLElement {
  const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
  return section(
    'wallet-balances',
    t('wallet.balances'),
    h(
      'dl',
      { class: 'summary' },
      row(t('wallet.available'), money(wallet.availableCents)),
      row(t('wallet.pending'), money(wallet.pendingCents)),
      row(t('wallet.kycStatus'), t(`wallet.kyc.${wallet.kycStatus}` as MessageKey)),
    ),
    h('p', { class: 'hint' }, t('wallet.pendingHint')),
    wallet.blocked ? h('p', { class: 'error-text', role: 'alert' }, t('wallet.blocked')) : null,
    wallet.availableCents < 0 ? h('p', { class: 'error-text' }, t('wallet.negative')) : null,
  );
}

function payoutSection(wallet: Wallet, payouts: Payout[]): HTMLElement {
  // BILL-14: one key per displayed form, so a double click or a retry is one payout.
  const idempotencyKey = crypto.randomUUID();
  const canPay = wallet.kycStatus === 'validated' && !wallet.blocked && wallet.availableCents >= PAYOUT_MINIMUM_CENTS;
  const form = createForm({
    label: t('wallet.payout'),
    submitLabel: t('wallet.payoutSubmit'),
    children: [
      inputField({ name: 'amount', label: t('wallet.payoutAmount'), required: true, hint: t('wallet.payoutHint', { minimum: money(PAYOUT_MINIMUM_CENTS), available: money(Math.max(0, wallet.availableCents)) }) }),
    ],
    validate: (handle) => {
      const cents = Math.round(Number(handle.value('amount').replace(',', '.')) * 100);
      if (!Number.isFinite(cents) || cents < PAYOUT_MINIMUM_CENTS) return [{ name: 'amount', message: t('wallet.payoutTooSmall', { minimum: money(PAYOUT_MINIMUM_CENTS) }) }];
      return [];
    },
    onSubmit: async (handle) => {
      const amountCents = Math.round(Number(handle.value('amount').replace(',', '.')) * 100);
      try {
        await apiCall('POST', '/api/payouts', { json: { amountCents }, headers: { 'idempotency-key': idempotencyKey } });
      } catch (error) {
        handle.showApiError(error, { amountCents: 'amount' });
        return;
      }
      await refresh();
    },
  });
  const amount = form.control('amount');
  if (amount) {
    amount.setAttribute('inputmode', 'decimal');
  }
  const history = payouts.length
    ? h(
        'table',
        {},
        h('caption', {}, t('wallet.payoutHistory')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('wallet.date')), h('th', { scope: 'col' }, t('wallet.amount')), h('th', { scope: 'col' }, t('wallet.status')))),
        h(
          'tbody',
          {},
          payouts.map((payout) =>
            h(
              'tr',
              {},
              h('td', {}, formatDate(payout.createdAt)),
              h('td', {}, money(payout.amountCents)),
              h('td', {}, t(`wallet.payout.${payout.status}` as MessageKey), payout.failureReason ? ` (${payout.failureReason})` : ''),
            ),
          ),
        ),
      )
    : h('p', { class: 'hint' }, t('wallet.noPayouts'));
  return section('wallet-payout', t('wallet.payout'), canPay ? form.form : h('p', { class: 'hint' }, t('wallet.payoutUnavailable')), history);
}

function kycSection(kyc: KycView): HTMLElement {
  const editable = kyc.status !== 'pending';
  const uploaded = new Map(kyc.documents.map((document) => [document.kind, document]));
  const documentForms = kyc.requiredDocuments.map((kind) => {
    const current = uploaded.get(kind);
    const recent = kind !== 'id_document';
    const form = createForm({
      label: t(`wallet.doc.${kind}` as MessageKey),
      submitLabel: t('wallet.upload'),
      submitClass: 'button button-secondary',
      children: [
        inputField({ name: 'file', label: t(`wallet.doc.${kind}` as MessageKey), type: 'file', accept: DOCUMENT_ACCEPT, required: true, hint: current ? t('wallet.uploaded', { name: current.fileName }) : t('wallet.documentHint') }),
        recent ? inputField({ name: 'issuedOn', label: t('wallet.issuedOn'), type: 'date', required: true, hint: t('wallet.issuedOnHint') }) : h('span', {}),
      ],
      validate: (handle) => {
        const file = handle.file('file');
        return file && file.size > DOCUMENT_MAX_BYTES ? [{ name: 'file', message: t('wallet.tooBig') }] : [];
      },
      onSubmit: async (handle) => {
        const file = handle.file('file')!;
        const query = new URLSearchParams({ type: kind, fileName: file.name, ...(recent ? { issuedOn: handle.value('issuedOn') } : {}) });
        await apiCall('POST', `/api/wallet/kyc/documents?${query}`, { body: file, contentType: file.type || 'application/octet-stream' });
        await refresh();
      },
    });
    return form.form;
  });
  const details = createForm({
    label: t('wallet.bankDetails'),
    submitLabel: t('wallet.saveBankDetails'),
    submitClass: 'button button-secondary',
    children: [
      inputField({ name: 'iban', label: 'IBAN', required: true, autocomplete: 'off', hint: kyc.bankDetails ? t('wallet.ibanSaved', { last4: kyc.bankDetails.ibanLast4 }) : undefined }),
      inputField({ name: 'bic', label: 'BIC', required: true, value: kyc.bankDetails?.bic, autocomplete: 'off' }),
      kyc.companyNameRequired ? inputField({ name: 'companyName', label: t('wallet.companyName'), required: true, value: kyc.companyName }) : h('span', {}),
    ],
    onSubmit: async (handle) => {
      await apiCall('PUT', '/api/wallet/kyc/details', {
        json: { iban: handle.value('iban'), bic: handle.value('bic'), ...(kyc.companyNameRequired ? { companyName: handle.value('companyName') } : {}) },
      });
      await refresh();
    },
  });
  const submit = h('button', { type: 'button', class: 'button button-primary' }, t('wallet.submitKyc'));
  const submitStatus = h('p', { class: 'form-status', 'aria-live': 'polite' });
  submit.disabled = kyc.missing.length > 0;
  submit.addEventListener('click', () => {
    submit.disabled = true;
    apiCall('POST', '/api/wallet/kyc/submit').then(
      () => refresh(),
      (error: unknown) => {
        submitStatus.textContent = apiErrorMessage(error);
        submit.disabled = false;
      },
    );
  });
  return section(
    'wallet-kyc',
    t('wallet.kyc'),
    h('p', {}, t('wallet.kycStatusIs'), ' ', h('strong', {}, t(`wallet.kyc.${kyc.status}` as MessageKey))),
    kyc.refusalReason ? h('p', { class: 'error-text' }, t('wallet.refusedBecause', { reason: kyc.refusalReason })) : null,
    h('p', { class: 'hint' }, t('wallet.kycHint')),
    editable
      ? h('div', {}, documentForms, details.form, kyc.missing.length ? h('p', { class: 'hint' }, t('wallet.missing', { count: kyc.missing.length })) : null, submit, submitStatus)
      : h('p', {}, t('wallet.kycUnderReview')),
  );
}

function movementsSection(page: { movements: Movement[]; nextBefore: number | null }): HTMLElement {
  const body = h('tbody', {});
  const more = h('button', { type: 'button', class: 'button button-secondary' }, t('wallet.more'));
  let nextBefore = page.nextBefore;
  const addRows = (movements: Movement[]) => {
    for (const movement of movements) {
      body.append(
        h('tr', {}, h('td', {}, formatDate(movement.at)), h('td', {}, t(`wallet.balance.${movement.balance}` as MessageKey)), h('td', {}, movement.kind), h('td', {}, money(movement.amountCents))),
      );
    }
    more.hidden = nextBefore === null;
  };
  addRows(page.movements);
  more.addEventListener('click', () => {
    if (nextBefore === null) return;
    apiCall<{ movements: Movement[]; nextBefore: number | null }>('GET', `/api/wallet/movements?limit=${MOVEMENTS_PAGE_SIZE}&before=${nextBefore}`).then((next) => {
      nextBefore = next.nextBefore;
      addRows(next.movements);
    }, () => undefined);
  });
  return section(
    'wallet-movements',
    t('wallet.movements'),
    page.movements.length
      ? h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('wallet.date')), h('th', { scope: 'col' }, t('wallet.balance')), h('th', { scope: 'col' }, t('wallet.kind')), h('th', { scope: 'col' }, t('wallet.amount')))),
          body,
        )
      : h('p', { class: 'hint' }, t('wallet.noMovements')),
    more,
  );
}
