import { h, uniqueId } from '../dom.ts';
import { language } from '../i18n/index.ts';
import { ApiError, apiCall, getMe, isSignedIn } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { pageLayout } from './layout.ts';
import { at, type AdminMessageKey } from './admin-messages.ts';

const ADMIN_PATH = '/admin';

interface AdminUser {
  id: string;
  role: 'client' | 'expert' | 'admin';
  email: string;
  firstName: string;
  lastName: string;
  status: 'active' | 'suspended' | 'closed';
  slug: string | null;
  walletBlocked: boolean;
  profile?: { headline: string; description: string; hasPhoto: boolean } | null;
}

const money = (cents: number) =>
  new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const dateTime = (iso: string) =>
  new Intl.DateTimeFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** A labelled control: every field of the console has a visible label (accessible forms). */
function field(label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): HTMLElement {
  const id = uniqueId('admin');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  const id = uniqueId('admin-section');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

/** Announces the outcome of an action: polite for success, assertive for errors. */
function messageArea(): { element: HTMLElement; ok(text: string): void; fail(error: unknown): void } {
  const element = h('p', { role: 'status', class: 'notice', hidden: true });
  return {
    element,
    ok(text) {
      element.hidden = false;
      element.setAttribute('role', 'status');
      element.className = 'notice';
      element.textContent = text;
    },
    fail(error) {
      element.hidden = false;
      element.setAttribute('role', 'alert');
      element.className = 'error-text';
      element.textContent = typeof error === 'string' ? error : apiErrorMessage(error);
    },
  };
}

/** `/admin`: the TRUST-4 console. Every action asks for a reason, which the server writes to the audit log. */
export const adminPage: Page = async ({ notice }) => {
  if (!isSignedIn()) {
    navigate(`/connexion?retour=${encodeURIComponent(ADMIN_PATH)}`, { replace: true });
    return document.createTextNode('');
  }
  try {
    const me = await getMe();
    if (me.role !== 'admin') return pageLayout(at('title'), notice, h('p', { class: 'error-text', role: 'alert' }, at('forbidden')));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      navigate(`/connexion?retour=${encodeURIComponent(ADMIN_PATH)}`, { replace: true });
      return document.createTextNode('');
    }
    return pageLayout(at('title'), notice, h('p', { class: 'error-text' }, `${at('loadFailed')} ${apiErrorMessage(error)}`));
  }
  return pageLayout(at('title'), notice, usersSection(), complaintsSection(), reportsSection(), feesSection(), noticeSection(), auditSection());
};

function usersSection(): HTMLElement {
  const query = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
  const results = h('div', { class: 'admin-results' });
  const detail = h('div', { class: 'admin-detail' });
  const form = h('form', { class: 'admin-search', role: 'search' }, field(at('search'), query), h('button', { type: 'submit' }, at('searchButton')));
  const search = async () => {
    try {
      const { users } = await apiCall<{ users: AdminUser[] }>('GET', `/api/admin/users?${new URLSearchParams({ q: query.value, limit: '50' })}`);
      if (users.length === 0) {
        results.replaceChildren(h('p', {}, at('noUsers')));
        return;
      }
      results.replaceChildren(
        h(
          'table',
          { class: 'admin-table' },
          h('thead', {}, h('tr', {}, ...[at('name'), at('email'), at('role'), at('status'), ''].map((title) => h('th', { scope: 'col' }, title)))),
          h(
            'tbody',
            {},
            users.map((user) => {
              const manage = h('button', { type: 'button', 'data-user-id': user.id }, at('manage'), h('span', { class: 'visually-hidden' }, ` ${user.firstName} ${user.lastName}`));
              manage.addEventListener('click', () => void showUser(user.id, detail, search));
              return h(
                'tr',
                {},
                h('td', {}, `${user.firstName} ${user.lastName}`),
                h('td', {}, user.email),
                h('td', {}, at(`role.${user.role}` as AdminMessageKey)),
                h('td', { 'data-status': user.status }, at(`status.${user.status}` as AdminMessageKey)),
                h('td', {}, manage),
              );
            }),
          ),
        ),
      );
    } catch (error) {
      results.replaceChildren(h('p', { class: 'error-text', role: 'alert' }, apiErrorMessage(error)));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search();
  });
  return section(at('usersTitle'), form, results, detail);
}

async function showUser(userId: string, container: HTMLElement, refreshList: () => Promise<void>): Promise<void> {
  let user: AdminUser;
  try {
    user = await apiCall<AdminUser>('GET', `/api/admin/users/${userId}`);
  } catch (error) {
    container.replaceChildren(h('p', { class: 'error-text', role: 'alert' }, apiErrorMessage(error)));
    return;
  }
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 2000, required: true });
  const message = messageArea();
  const act = (label: AdminMessageKey, path: string, body: object = {}) => {
    const button = h('button', { type: 'button' }, at(label));
    button.addEventListener('click', async () => {
      if (!reason.value.trim()) {
        message.fail(at('reasonMissing'));
        reason.focus();
        return;
      }
      try {
        await apiCall('POST', `/api/admin/users/${user.id}/${path}`, { json: { ...body, reason: reason.value.trim() } });
        await refreshList();
        await showUser(user.id, container, refreshList);
        container.querySelector<HTMLElement>('[role="status"]')?.replaceChildren(at('done', { action: at(label) }));
        const status = container.querySelector<HTMLElement>('[role="status"]');
        if (status) status.hidden = false;
      } catch (error) {
        message.fail(error);
      }
    });
    return button;
  };
  const expert = user.role === 'expert';
  const actions = [
    user.status === 'active' && user.role !== 'admin' ? act('suspend', 'suspend') : null,
    user.status === 'suspended' ? act('reinstate', 'reinstate') : null,
    user.status !== 'closed' && user.role !== 'admin' ? act('terminate', 'terminate') : null,
    expert && user.profile?.hasPhoto ? act('removePhoto', 'remove-photo') : null,
    expert && (user.profile?.headline || user.profile?.description) ? act('removeContent', 'remove-content', { fields: ['headline', 'description'] }) : null,
    expert && !user.walletBlocked ? act('blockWallet', 'wallet/block') : null,
    expert && user.walletBlocked ? act('unblockWallet', 'wallet/unblock') : null,
  ];
  const headingId = uniqueId('admin-user');
  container.replaceChildren(
    h(
      'div',
      { class: 'card', role: 'region', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, `${user.firstName} ${user.lastName}`),
      h('p', { 'data-account-status': user.status }, at('accountStatus', { status: at(`status.${user.status}` as AdminMessageKey) })),
      user.walletBlocked ? h('p', {}, at('walletBlocked')) : null,
      field(at('reason'), reason),
      h('div', { class: 'button-row' }, actions),
      message.element,
    ),
  );
}

function complaintsSection(): HTMLElement {
  const list = h('div', {});
  const load = async () => {
    try {
      const { complaints } = await apiCall<{ complaints: { id: string; kind: string; status: string; comment: string; answerDueAt: string; overdue: boolean; complainant: { firstName: string; lastName: string } }[] }>(
        'GET',
        '/api/admin/complaints',
      );
      if (complaints.length === 0) return list.replaceChildren(h('p', {}, at('noComplaints')));
      list.replaceChildren(
        h(
          'ul',
          { class: 'admin-list' },
          complaints.map((complaint) => {
            const resolution = h(
              'select',
              { name: 'resolution' },
              (complaint.kind === 'platform' ? ['answered'] : ['rejected', 'partial_refund', 'full_refund']).map((value) => h('option', { value }, at(`resolution.${value}` as AdminMessageKey))),
            );
            const reply = h('textarea', { name: 'reply', rows: 2, maxlength: 5000 });
            const refund = h('input', { type: 'number', name: 'refundCents', min: 1, step: 1 });
            const message = messageArea();
            const answer = h('button', { type: 'button' }, at('answer'));
            answer.addEventListener('click', async () => {
              try {
                const refundCents = resolution.value === 'partial_refund' ? Number(refund.value) : undefined;
                await apiCall('POST', `/api/admin/complaints/${complaint.id}/answer`, { json: { resolution: resolution.value, reply: reply.value || undefined, refundCents } });
                await load();
              } catch (error) {
                message.fail(error);
              }
            });
            return h(
              'li',
              { class: complaint.overdue ? 'overdue' : undefined },
              h('p', {}, h('strong', {}, `${complaint.complainant.firstName} ${complaint.complainant.lastName}`), ` — ${complaint.comment}`),
              h('p', {}, at('dueBy', { date: dateTime(complaint.answerDueAt) }), complaint.overdue ? h('strong', { class: 'badge-overdue' }, ` ${at('overdue')}`) : null),
              field(at('resolution'), resolution),
              complaint.kind === 'platform' ? null : field(at('refundCents'), refund),
              field(at('reply'), reply),
              answer,
              message.element,
            );
          }),
        ),
      );
    } catch (error) {
      list.replaceChildren(h('p', { class: 'error-text' }, `${at('loadFailed')} ${apiErrorMessage(error)}`));
    }
  };
  void load();
  return section(at('complaintsTitle'), list);
}

function reportsSection(): HTMLElement {
  const list = h('div', {});
  const load = async () => {
    try {
      const { reports } = await apiCall<{ reports: { id: string; targetType: string; reason: string; comment: string | null; expert: { firstName: string; lastName: string }; review: { id: string; comment: string | null; stars: number } | null }[] }>(
        'GET',
        '/api/admin/reports',
      );
      if (reports.length === 0) return list.replaceChildren(h('p', {}, at('noReports')));
      list.replaceChildren(
        h(
          'ul',
          { class: 'admin-list' },
          reports.map((report) => {
            const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000 });
            const message = messageArea();
            const decide = (label: AdminMessageKey, decision: 'dismissed' | 'actioned', removeReview: boolean) => {
              const button = h('button', { type: 'button' }, at(label));
              button.addEventListener('click', async () => {
                if (!reason.value.trim()) return message.fail(at('reasonMissing'));
                try {
                  await apiCall('POST', `/api/admin/reports/${report.id}/decide`, { json: { decision, removeReview, reason: reason.value.trim() } });
                  await load();
                } catch (error) {
                  message.fail(error);
                }
              });
              return button;
            };
            return h(
              'li',
              {},
              h('p', {}, h('strong', {}, `${report.expert.firstName} ${report.expert.lastName}`), ` — ${report.targetType} — ${report.reason}${report.comment ? ` — ${report.comment}` : ''}`),
              report.review ? h('blockquote', {}, `${'★'.repeat(report.review.stars)} ${report.review.comment ?? ''}`) : null,
              field(at('reason'), reason),
              h('div', { class: 'button-row' }, decide('dismiss', 'dismissed', false), report.review ? decide('removeReview', 'actioned', true) : decide('action', 'actioned', false)),
              message.element,
            );
          }),
        ),
      );
    } catch (error) {
      list.replaceChildren(h('p', { class: 'error-text' }, `${at('loadFailed')} ${apiErrorMessage(error)}`));
    }
  };
  void load();
  return section(at('reportsTitle'), list);
}

function feesSection(): HTMLElement {
  const list = h('div', {});
  const fee = h('input', { type: 'number', name: 'feePerMinuteCents', min: 0, max: 1000, step: 1, required: true });
  const effectiveFrom = h('input', { type: 'datetime-local', name: 'effectiveFrom', required: true });
  const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000, required: true });
  const message = messageArea();
  const form = h('form', {}, field(at('newFee'), fee), field(at('effectiveFrom'), effectiveFrom), field(at('reason'), reason), h('button', { type: 'submit' }, at('addFee')), message.element);
  const load = async () => {
    try {
      const data = await apiCall<{ feeSchedules: { id: number; feePerMinuteCents: number; effectiveFrom: string; status: string }[]; surchargeTables: { franceCents: number; euCents: number; worldCents: number; effectiveFrom: string; status: string }[] }>(
        'GET',
        '/api/admin/fee-schedules',
      );
      list.replaceChildren(
        h(
          'ul',
          {},
          data.feeSchedules
            .filter((row) => row.status !== 'past')
            .map((row) => h('li', {}, at(row.status === 'scheduled' ? 'feeScheduled' : 'feeInForce', { fee: money(row.feePerMinuteCents), date: dateTime(row.effectiveFrom) }))),
          data.surchargeTables
            .filter((row) => row.status !== 'past')
            .map((row) => h('li', {}, at('surcharge', { france: money(row.franceCents), eu: money(row.euCents), world: money(row.worldCents), date: dateTime(row.effectiveFrom) }))),
        ),
      );
    } catch (error) {
      list.replaceChildren(h('p', { class: 'error-text' }, `${at('loadFailed')} ${apiErrorMessage(error)}`));
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await apiCall('POST', '/api/admin/fee-schedules', { json: { feePerMinuteCents: Number(fee.value), effectiveFrom: new Date(effectiveFrom.value).toISOString(), reason: reason.value.trim() } });
      form.reset();
      await load();
    } catch (error) {
      message.fail(error);
    }
  });
  void load();
  return section(at('feesTitle'), list, form);
}

function noticeSection(): HTMLElement {
  const messageFr = h('textarea', { name: 'messageFr', rows: 2, maxlength: 1000, required: true });
  const messageEn = h('textarea', { name: 'messageEn', rows: 2, maxlength: 1000, required: true });
  const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000, required: true });
  const message = messageArea();
  const form = h('form', {}, field(at('messageFr'), messageFr), field(at('messageEn'), messageEn), field(at('reason'), reason), h('button', { type: 'submit' }, at('publish')), message.element);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await apiCall('POST', '/api/admin/notices', { json: { messageFr: messageFr.value, messageEn: messageEn.value, reason: reason.value.trim() } });
      form.reset();
      message.ok(at('done', { action: at('publish') }));
    } catch (error) {
      message.fail(error);
    }
  });
  return section(at('noticeTitle'), form);
}

function auditSection(): HTMLElement {
  const list = h('ol', { class: 'admin-audit' });
  void apiCall<{ entries: { id: number; adminEmail: string; action: string; targetType: string; targetId: string | null; reason: string; at: string }[] }>('GET', '/api/admin/audit-log?limit=50')
    .then(({ entries }) =>
      list.replaceChildren(...entries.map((entry) => h('li', {}, `${dateTime(entry.at)} — ${entry.adminEmail} — ${entry.action} (${entry.targetType} ${entry.targetId ?? ''}) — ${entry.reason}`))),
    )
    .catch((error: unknown) => list.replaceChildren(h('li', { class: 'error-text' }, apiErrorMessage(error))));
  return section(at('auditTitle'), list);
}
