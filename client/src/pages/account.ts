import { h } from '../dom.ts';
import { formatDate, t } from '../i18n/index.ts';
import { ApiError, apiCall, changePassword, getMe, isSignedIn, logout, updateMe, uploadPhoto, type Civility, type ProfileUpdate, type User } from '../api.ts';
import { apiErrorMessage, createForm, fieldset, inputField, selectField, type FormHandle } from '../forms.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { PASSWORD_MIN_LENGTH } from '../password.ts';
import { countryOptions } from '../countries.ts';
import { civilityOptions, photoErrors, PHOTO_ACCEPT } from './profile-fields.ts';
import { pageLayout } from './layout.ts';
import { receiptButton, upcomingConsultationsSection } from './account-consultations.ts';
import { emailCodeStep } from './email-code.ts';

const ACCOUNT_PATH = '/compte';

/** `/compte`: the profile, the expert's consultation URL and photo, the ACC-2 details, the password, sign-out. */
export const accountPage: Page = async ({ notice }) => {
  if (!isSignedIn()) return goToLogin();
  let user: User;
  try {
    user = await getMe();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return goToLogin(t('error.sessionExpired'));
    return pageLayout(t('account.title'), notice, h('p', { class: 'error-text' }, `${t('account.loadFailed')} ${apiErrorMessage(error)}`));
  }
  return pageLayout(
    t('account.title'),
    notice,
    h('p', { class: 'lead' }, t('account.hello', { name: `${user.firstName} ${user.lastName}` })),
    user.emailVerified ? null : emailPendingSection(user),
    summarySection(user),
    user.role === 'expert' && user.slug ? photoSection(user.slug) : null,
    profileSection(user),
    passwordSection(user),
    user.role === 'expert'
      ? section(
          'account-workspace',
          t('account.workspace'),
          h('ul', {}, h('li', {}, h('a', { href: '/espace' }, t('account.workspaceLink'))), h('li', {}, h('a', { href: '/parrainage' }, t('account.referralsLink')))),
        )
      : null,
    user.role === 'admin' ? section('account-admin', t('account.adminConsole'), h('a', { href: '/admin' }, t('account.adminConsole'))) : null,
    user.role === 'client' ? upcomingConsultationsSection() : null,
    user.role === 'client' ? pastConsultationsSection() : null,
    user.role === 'expert' ? blockingSection() : null,
    user.role === 'admin' ? null : complaintsSection(user),
    user.role === 'admin' ? null : dataRightsSection(),
    sessionSection(),
  );
};

/** ACC-10: a code not typed at signup can be typed here (or a new one asked for). */
function emailPendingSection(user: User): HTMLElement {
  const holder = h('div', {}, h('p', { class: 'notice' }, t('emailCode.pending')));
  holder.append(emailCodeStep({ email: user.email, focus: false, onVerified: () => navigate(ACCOUNT_PATH, { replace: true, notice: t('emailCode.verified') }) }));
  return holder;
}

/** Signed out: sign in first, then come back here (the router drops this page's empty result). */
function goToLogin(notice?: string): Node {
  navigate(`/connexion?retour=${encodeURIComponent(ACCOUNT_PATH)}`, { replace: true, notice });
  return document.createTextNode('');
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

function summarySection(user: User): HTMLElement {
  const row = (term: string, ...description: (Node | string | null)[]) => [h('dt', {}, term), h('dd', {}, description)];
  return section(
    'account-summary',
    t('account.summary'),
    h(
      'dl',
      { class: 'summary' },
      row(t('account.role'), t(`account.role.${user.role}`)),
      row(t('account.email'), user.email),
      row(t('account.memberSince'), formatDate(user.createdAt)),
      user.consultationUrl
        ? row(
            t('account.consultationUrl'),
            h('a', { href: user.consultationUrl, class: 'url' }, user.consultationUrl),
            h('span', { class: 'hint' }, t('account.consultationUrlHint')),
          )
        : [],
      user.referralUrl
        ? row(
            t('account.referralUrl'),
            h('a', { href: user.referralUrl, class: 'url' }, user.referralUrl),
            h('span', { class: 'hint' }, t('account.referralUrlHint')),
          )
        : [],
    ),
  );
}

function photoSection(slug: string): HTMLElement {
  const figure = h('div', { class: 'photo' });
  const showPhoto = () => {
    // The API caches the photo for a few minutes: a new query string shows a new upload at once.
    const image = h('img', { src: `/api/experts/${encodeURIComponent(slug)}/photo?v=${Date.now()}`, alt: t('account.photoAlt'), width: 96, height: 96 });
    image.addEventListener('error', () => figure.replaceChildren(h('p', { class: 'hint' }, t('account.noPhoto'))), { once: true });
    figure.replaceChildren(image);
  };
  showPhoto();
  const form = createForm({
    label: t('account.photo'),
    submitLabel: t('account.photoSubmit'),
    submitClass: 'button button-secondary',
    children: [
      inputField({ name: 'photo', label: t('field.photo'), type: 'file', accept: PHOTO_ACCEPT, required: true, hint: t('field.photoHint') }),
    ],
    validate: (handle) => photoErrors(handle, 'photo'),
    onSubmit: async (handle) => {
      await uploadPhoto(handle.file('photo')!);
      showPhoto();
      handle.showSuccess(t('account.photoSaved'));
    },
  });
  return section('account-photo', t('account.photo'), figure, form.form);
}

/** ACC-2's optional details; for an expert they were required at signup (ACC-3) and stay required. */
function profileSection(user: User): HTMLElement {
  const required = user.role === 'expert';
  const form = createForm({
    label: t('account.profile'),
    submitLabel: t('account.profileSubmit'),
    children: [
      h('p', { class: 'hint' }, required ? t('account.profileHintExpert') : t('account.profileHint')),
      selectField({ name: 'civility', label: t('field.civility'), options: civilityOptions(), value: user.civility, required, autocomplete: 'honorific-prefix' }),
      inputField({ name: 'birthDate', label: t('field.birthDate'), type: 'date', value: user.birthDate, required, autocomplete: 'bday' }),
      inputField({ name: 'profession', label: t('field.profession'), value: user.profession, maxLength: 100, autocomplete: 'organization-title' }),
      inputField({ name: 'phoneLandline', label: t('field.phoneLandline'), type: 'tel', value: user.phoneLandline, required, autocomplete: 'tel', hint: t('field.phoneHint') }),
      inputField({ name: 'phoneMobile', label: t('field.phoneMobile'), type: 'tel', value: user.phoneMobile, required, autocomplete: 'tel', hint: t('field.phoneHint') }),
      fieldset(
        t('fieldset.address'),
        inputField({ name: 'address.line1', label: t('field.addressLine'), value: user.address?.line1, required, autocomplete: 'street-address', maxLength: 200 }),
        inputField({ name: 'address.postalCode', label: t('field.postalCode'), value: user.address?.postalCode, required, autocomplete: 'postal-code', maxLength: 12 }),
        inputField({ name: 'address.city', label: t('field.city'), value: user.address?.city, required, autocomplete: 'address-level2', maxLength: 100 }),
        selectField({ name: 'address.country', label: t('field.country'), options: countryOptions(), value: user.address?.country ?? 'FR', required, autocomplete: 'country' }),
      ),
    ],
    validate: (handle) => {
      // An address is all or nothing in the API: once one line is typed, the others are needed.
      const parts = ['address.line1', 'address.postalCode', 'address.city'];
      if (required || parts.every((name) => handle.value(name) === '')) return [];
      return parts.filter((name) => handle.value(name) === '').map((name) => ({ name, message: t('error.required') }));
    },
    onSubmit: async (handle) => {
      await updateMe(profileUpdate(handle));
      handle.showSuccess(t('account.profileSaved'));
    },
  });
  return section('account-profile', t('account.profile'), form.form);
}

function profileUpdate(handle: FormHandle): ProfileUpdate {
  const orNull = (name: string) => handle.value(name) || null;
  const line1 = handle.value('address.line1');
  const postalCode = handle.value('address.postalCode');
  const city = handle.value('address.city');
  return {
    civility: orNull('civility') as Civility | null,
    birthDate: orNull('birthDate'),
    profession: orNull('profession'),
    phoneLandline: orNull('phoneLandline'),
    phoneMobile: orNull('phoneMobile'),
    address: line1 || postalCode || city ? { line1, postalCode, city, country: handle.value('address.country') } : null,
  };
}

function passwordSection(user: User): HTMLElement {
  const form = createForm({
    label: t('account.password'),
    submitLabel: t('account.passwordSubmit'),
    submitClass: 'button button-secondary',
    children: [
      // Lets password managers tie the new password to the right account.
      h('input', { type: 'email', name: 'username', value: user.email, autocomplete: 'username', hidden: true, readonly: true, tabindex: '-1', 'aria-hidden': 'true' }),
      inputField({ name: 'currentPassword', label: t('field.currentPassword'), type: 'password', required: true, autocomplete: 'current-password' }),
      inputField({
        name: 'newPassword',
        label: t('field.newPassword'),
        type: 'password',
        required: true,
        autocomplete: 'new-password',
        hint: t('field.passwordHint'),
        minLength: { length: PASSWORD_MIN_LENGTH, message: 'error.passwordTooShort' },
      }),
    ],
    onSubmit: async (handle) => {
      const current = handle.control('currentPassword')!;
      const next = handle.control('newPassword')!;
      try {
        await changePassword(user.email, current.value, next.value);
      } catch (error) {
        // The API names the new password `password` in its strength errors.
        handle.showApiError(error, { password: 'newPassword' });
        return;
      }
      current.value = '';
      next.value = '';
      handle.showSuccess(t('account.passwordChanged'));
    },
  });
  return section('account-password', t('account.password'), form.form);
}

function sessionSection(): HTMLElement {
  const button = h('button', { type: 'button', class: 'button button-secondary' }, t('account.logout'));
  button.addEventListener('click', () => {
    button.disabled = true;
    void logout().then(() => navigate('/connexion', { notice: t('account.loggedOut') }));
  });
  return section('account-session', t('account.logoutHeading'), button);
}

interface ComplaintSummary {
  id: string;
  kind: 'consultation' | 'platform';
  status: 'open' | 'escalated' | 'resolved';
  comment: string;
  answerDueAt: string;
  resolution: string | null;
  reply: string | null;
  mediatorUrl: string | null;
  expert: { id: string } | null;
}

/** TRUST-2, TRUST-3: my complaints (an expert answers theirs here) and a complaint about the platform. */
function complaintsSection(user: User): HTMLElement {
  const list = h('ul', { class: 'complaints' });
  const load = async () => {
    const { complaints } = await apiCall<{ complaints: ComplaintSummary[] }>('GET', '/api/complaints');
    if (complaints.length === 0) return list.replaceChildren(h('li', {}, t('account.noComplaints')));
    list.replaceChildren(
      ...complaints.map((complaint) => {
        const mine = complaint.expert?.id === user.id && complaint.status === 'open';
        const reply = h('textarea', { name: `reply-${complaint.id}`, rows: 2, maxlength: 5000, 'aria-label': t('account.complaintReply') });
        const answer = (resolution: 'full_refund' | 'rejected') => {
          const button = h('button', { type: 'button', class: 'button button-secondary' }, t(resolution === 'full_refund' ? 'account.complaintRefund' : 'account.complaintReject'));
          button.addEventListener('click', () => {
            apiCall('POST', `/api/complaints/${complaint.id}/answer`, { json: { resolution, reply: reply.value || undefined } })
              .then(load)
              .catch((error: unknown) => list.prepend(h('li', { role: 'alert', class: 'error-text' }, apiErrorMessage(error))));
          });
          return button;
        };
        return h(
          'li',
          {},
          h('p', {}, `${t(`account.complaintStatus.${complaint.status}`)} — ${complaint.comment}`),
          complaint.status === 'resolved' ? null : h('p', { class: 'hint' }, t('account.complaintDue', { date: formatDate(complaint.answerDueAt) })),
          complaint.reply ? h('p', {}, `« ${complaint.reply} »`) : null,
          complaint.mediatorUrl ? h('p', {}, t('account.complaintMediator'), ' ', h('a', { href: complaint.mediatorUrl, rel: 'noopener' }, complaint.mediatorUrl)) : null,
          mine ? [reply, answer('full_refund'), answer('rejected')] : null,
        );
      }),
    );
  };
  void load().catch((error: unknown) => list.replaceChildren(h('li', { class: 'error-text' }, apiErrorMessage(error))));
  const form = createForm({
    label: t('account.platformComplaint'),
    submitLabel: t('account.platformComplaintSubmit'),
    submitClass: 'button button-secondary',
    children: [inputField({ name: 'comment', label: t('account.platformComplaint'), required: true, maxLength: 5000 })],
    onSubmit: async (handle) => {
      await apiCall('POST', '/api/complaints', { json: { kind: 'platform', comment: handle.value('comment') } });
      handle.showSuccess(t('account.complaintSent'));
      await load();
    },
  });
  return section('account-complaints', t('account.complaints'), list, form.form);
}

/** ACC-9: download everything as JSON; ACC-8: close the account (refused with the reason while money or a complaint is open). */
function dataRightsSection(): HTMLElement {
  const message = h('p', { role: 'status' });
  const download = h('button', { type: 'button', class: 'button button-secondary' }, t('account.exportData'));
  download.addEventListener('click', () => {
    apiCall<unknown>('GET', '/api/me/export')
      .then((data) => {
        const link = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })), download: 'consulto-data.json' });
        link.click();
        URL.revokeObjectURL(link.href);
      })
      .catch((error: unknown) => (message.textContent = apiErrorMessage(error)));
  });
  const close = h('button', { type: 'button', class: 'button button-secondary' }, t('account.deregister'));
  close.addEventListener('click', () => {
    if (!window.confirm(t('account.deregisterConfirm'))) return;
    apiCall('POST', '/api/me/deregistration')
      .then(() => logout())
      .then(() => navigate('/', { notice: t('account.deregistered') }))
      .catch((error: unknown) => {
        message.setAttribute('role', 'alert');
        message.textContent = apiErrorMessage(error);
      });
  });
  return section('account-data', t('account.dataRights'), h('p', { class: 'hint' }, t('account.dataRightsHint')), h('div', { class: 'button-row' }, download, close), message);
}

interface ConsultationSummary {
  id: string;
  status: string;
  startAt: string | null;
  chargeCents: number | null;
  expert: { id: string; slug: string; firstName: string; lastName: string };
  client: { id: string; firstName: string; lastName: string };
}

/** TRUST-1, TRUST-2, TRUST-5 from the client area: rate, complain about, or report a past consultation's expert. */
function pastConsultationsSection(): HTMLElement {
  const list = h('ul', { class: 'past-consultations' });
  void apiCall<{ consultations: ConsultationSummary[] }>('GET', '/api/consultations?role=client&when=past&limit=20')
    .then(({ consultations }) => {
      if (consultations.length === 0) return list.replaceChildren(h('li', {}, t('account.noPastConsultations')));
      list.replaceChildren(
        ...consultations.map((consultation) => {
          const status = h('p', { role: 'status' });
          const report = (message: string) => (status.textContent = message);
          const fail = (error: unknown) => report(apiErrorMessage(error));
          const charged = consultation.status === 'ended' && (consultation.chargeCents ?? 0) > 0;
          const stars = h('select', { 'aria-label': t('account.rateStars') }, [5, 4, 3, 2, 1].map((value) => h('option', { value }, '★'.repeat(value))));
          const text = h('input', { type: 'text', maxlength: 2000, 'aria-label': t('account.commentLabel') });
          const button = (label: string, run: () => Promise<unknown>, done: string) => {
            const element = h('button', { type: 'button', class: 'button button-secondary' }, label);
            element.addEventListener('click', () => void run().then(() => report(done), fail));
            return element;
          };
          return h(
            'li',
            {},
            h('p', {}, `${consultation.expert.firstName} ${consultation.expert.lastName}${consultation.startAt ? ` — ${formatDate(consultation.startAt)}` : ''}`),
            text,
            charged ? receiptButton(consultation.id) : null,
            charged ? [stars, button(t('account.rate'), () => apiCall('POST', `/api/consultations/${consultation.id}/review`, { json: { stars: Number(stars.value), comment: text.value || undefined } }), t('account.rated'))] : null,
            button(t('account.complain'), () => apiCall('POST', '/api/complaints', { json: { kind: 'consultation', consultationId: consultation.id, comment: text.value } }), t('account.complaintSent')),
            button(t('account.reportExpert'), () => apiCall('POST', '/api/reports', { json: { targetType: 'profile', expertSlug: consultation.expert.slug, reason: 'other', comment: text.value || undefined } }), t('account.reported')),
            status,
          );
        }),
      );
    })
    .catch((error: unknown) => list.replaceChildren(h('li', { class: 'error-text' }, apiErrorMessage(error))));
  return section('account-past', t('account.pastConsultations'), h('p', { class: 'hint' }, t('account.pastConsultationsHint')), list);
}

/** TRUST-6 from the expert area: block a client (their open appointments are cancelled without fee), or unblock. */
function blockingSection(): HTMLElement {
  const list = h('ul', { class: 'clients' });
  const load = async () => {
    const [past, upcoming, blocks] = await Promise.all([
      apiCall<{ consultations: ConsultationSummary[] }>('GET', '/api/consultations?role=expert&when=past&limit=100'),
      apiCall<{ consultations: ConsultationSummary[] }>('GET', '/api/consultations?role=expert&when=upcoming&limit=100'),
      apiCall<{ blocks: { clientId: string; firstName: string; lastName: string }[] }>('GET', '/api/experts/me/blocks'),
    ]);
    const clients = new Map<string, { firstName: string; lastName: string }>();
    for (const consultation of [...upcoming.consultations, ...past.consultations]) clients.set(consultation.client.id, consultation.client);
    for (const block of blocks.blocks) clients.set(block.clientId, block);
    const blocked = new Set(blocks.blocks.map((block) => block.clientId));
    if (clients.size === 0) return list.replaceChildren(h('li', {}, t('account.noClients')));
    list.replaceChildren(
      ...[...clients].map(([clientId, client]) => {
        const isBlocked = blocked.has(clientId);
        const button = h('button', { type: 'button', class: 'button button-secondary' }, t(isBlocked ? 'account.unblock' : 'account.block'));
        button.addEventListener('click', () => {
          const change = isBlocked
            ? apiCall('DELETE', `/api/experts/me/blocks/${clientId}`)
            : apiCall('POST', '/api/experts/me/blocks', { json: { clientId } });
          void change.then(load, (error: unknown) => list.prepend(h('li', { role: 'alert', class: 'error-text' }, apiErrorMessage(error))));
        });
        return h('li', {}, `${client.firstName} ${client.lastName}${isBlocked ? ` — ${t('account.blocked')}` : ''} `, button);
      }),
    );
  };
  void load().catch((error: unknown) => list.replaceChildren(h('li', { class: 'error-text' }, apiErrorMessage(error))));
  return section('account-clients', t('account.clients'), h('p', { class: 'hint' }, t('account.clientsHint')), list);
}
