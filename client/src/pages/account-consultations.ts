import { h } from '../dom.ts';
import { formatDate, t } from '../i18n/index.ts';
import { apiCall, apiDocument } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { money } from './workspace-parts.ts';

interface UpcomingConsultation {
  id: string;
  status: string;
  mode: 'video' | 'phone';
  startAt: string | null;
  expert: { firstName: string; lastName: string };
}

/** Client area: upcoming consultations, with the way in (video room) and cancellation (BILL-10, BILL-11). */
export function upcomingConsultationsSection(): HTMLElement {
  const list = h('ul', { class: 'upcoming-consultations' });
  // Outside the list: the list is redrawn after a cancellation, the message must stay.
  const status = h('p', { role: 'status', class: 'upcoming-status' });
  const load = () =>
    apiCall<{ consultations: UpcomingConsultation[] }>('GET', '/api/consultations?role=client&when=upcoming&limit=50')
      .then(({ consultations }) => {
        if (consultations.length === 0) return list.replaceChildren(h('li', {}, t('account.noUpcomingConsultations')));
        list.replaceChildren(...consultations.map((consultation) => upcomingItem(consultation, status, load)));
      })
      .catch((error: unknown) => list.replaceChildren(h('li', { class: 'error-text' }, apiErrorMessage(error))));
  void load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'account-upcoming' },
    h('h2', { id: 'account-upcoming' }, t('account.upcomingConsultations')),
    h('p', { class: 'hint' }, t('account.cancellationTerms')),
    status,
    list,
  );
}

function upcomingItem(consultation: UpcomingConsultation, status: HTMLElement, reload: () => Promise<unknown>): HTMLElement {
  const cancel = h('button', { type: 'button', class: 'button button-secondary' }, t('account.cancelConsultation'));
  cancel.addEventListener('click', () => {
    if (!window.confirm(t('account.cancelConfirm'))) return;
    void apiCall<{ cancellationChargeCents: number | null }>('POST', `/api/consultations/${consultation.id}/cancel`)
      .then((cancelled) => {
        status.textContent = t('account.cancelled', { amount: money(cancelled.cancellationChargeCents ?? 0) });
        return reload();
      })
      .catch((error: unknown) => (status.textContent = apiErrorMessage(error)));
  });
  const when = consultation.startAt ? formatDate(consultation.startAt) : t('account.immediateRequest');
  return h(
    'li',
    {},
    h('p', {}, `${consultation.expert.firstName} ${consultation.expert.lastName} — ${when} — ${t(consultation.mode === 'video' ? 'account.modeVideo' : 'account.modePhone')}`),
    consultation.mode === 'video' ? h('a', { class: 'button', href: `/salle/${consultation.id}` }, t('account.joinRoom')) : null,
    consultation.status === 'requested' || consultation.status === 'scheduled' ? cancel : null,
  );
}

/** BILL-9: the receipt of a charged consultation, fetched with the session and opened in a new tab. */
export function receiptButton(consultationId: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'button button-secondary' }, t('account.receipt'));
  button.addEventListener('click', () => {
    void apiDocument(`/api/consultations/${consultationId}/receipt.html`)
      .then((blob) => window.open(URL.createObjectURL(blob), '_blank', 'noopener'))
      .catch((error: unknown) => button.after(h('p', { class: 'error-text', role: 'alert' }, apiErrorMessage(error))));
  });
  return button;
}
