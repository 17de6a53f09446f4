/**
 * `/admin/utilisateurs/<id>`: one user's account, profile, wallet and counts, the moderation
 * actions that apply to them (each in its own dialog with its consequences and a required reason,
 * TRUST-4), and the audit log's entries about them.
 */
import { useState } from 'preact/hooks';
import { formatDate, formatMoney, formatNumber } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { CheckboxField, Fieldset } from '../../ui/form.tsx';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { fetchAudit, fetchUser, moderateUser, type UserAction, type UserDetail } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { AuditTable } from './audit-table.tsx';
import { ReasonForm } from './reason-form.tsx';

/** The entries about one user shown on their page; the journal has the rest. */
const USER_HISTORY_ENTRIES = 20;

/** The actions that apply to this user as they are now (the API refuses the others anyway). */
function applicableActions(user: UserDetail): UserAction[] {
  const actions: UserAction[] = [];
  if (user.role === 'admin') return actions;
  if (user.status === 'active') actions.push('suspend');
  if (user.status === 'suspended') actions.push('reinstate');
  if (user.status !== 'closed') actions.push('terminate');
  if (user.role === 'expert' && user.profile?.hasPhoto) actions.push('remove-photo');
  if (user.role === 'expert' && (user.profile?.headline || user.profile?.description)) actions.push('remove-content');
  if (user.role === 'expert') actions.push(user.walletBlocked ? 'wallet/unblock' : 'wallet/block');
  return actions;
}

const DANGEROUS: ReadonlySet<UserAction> = new Set(['suspend', 'terminate', 'remove-photo', 'remove-content', 'wallet/block']);

export default function UserPage({ params, notice }: PageProps) {
  const id = params['id'] ?? '';
  const user = useRefreshable(() => fetchUser(id), [id]);
  const history = useRefreshable(() => fetchAudit({ before: null, action: '', targetId: id }), [id]);
  const [action, setAction] = useState<UserAction | undefined>(undefined);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const detail = user.data;
  return (
    <AdminLayout notice={notice}>
      <p class="back-link">
        <a href="/admin">
          <span aria-hidden="true">← </span>
          {am('backToUsers')}
        </a>
      </p>
      {detail === undefined ? (
        user.error ? (
          <p class="error-text" role="alert">
            {errorInWords(user.error, adminErrorWords)}
          </p>
        ) : (
          <p aria-busy="true" class="hint">
            {am('loading')}
          </p>
        )
      ) : (
        <>
          <section class="card" aria-labelledby="user-title">
            <h2 id="user-title">
              {detail.firstName} {detail.lastName}
            </h2>
            <p class="account-status" data-account-status={detail.status}>
              {am('accountStatus', { status: am(`status.${detail.status}`) })}
            </p>
            <UserFacts user={detail} />
          </section>
          <section class="card" aria-labelledby="moderation-title">
            <h2 id="moderation-title">{am('moderation')}</h2>
            <p class="hint">{am('moderationHint')}</p>
            <LiveStatus message={message} />
            <div class="button-row">
              {applicableActions(detail).map((candidate) => (
                <DialogButton key={candidate} label={am(`action.${candidate}`)} onOpen={() => setAction(candidate)} />
              ))}
            </div>
            <Dialog open={action !== undefined} title={action ? am(`action.${action}`) : ''} onClose={() => setAction(undefined)}>
              {action ? (
                <ActionForm
                  user={detail}
                  action={action}
                  onDone={() => {
                    setMessage({ kind: 'success', text: am('done', { action: am(`action.${action}`) }) });
                    setAction(undefined);
                    void user.refresh();
                    void history.refresh();
                  }}
                />
              ) : null}
            </Dialog>
          </section>
          <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{am('history')}</h2>
            {history.data ? <AuditTable entries={history.data.entries.slice(0, USER_HISTORY_ENTRIES)} empty={am('noHistory')} /> : null}
          </section>
        </>
      )}
    </AdminLayout>
  );
}

function UserFacts({ user }: { user: UserDetail }) {
  const profile = user.profile;
  return (
    <dl class="summary">
      <dt>{am('email')}</dt>
      <dd>{user.email}</dd>
      <dt>{am('role')}</dt>
      <dd>{am(`role.${user.role}`)}</dd>
      <dt>{am('signedUp')}</dt>
      <dd>{formatDate(user.createdAt)}</dd>
      {user.closure === 'deregistered' || user.closure === 'terminated' ? (
        <>
          <dt>{am('status')}</dt>
          <dd>{am('closure', { kind: am(`closure.${user.closure}`) })}</dd>
        </>
      ) : null}
      {user.slug ? (
        <>
          <dt>{am('consultationPage')}</dt>
          <dd>
            <a href={`/consultation/${encodeURIComponent(user.slug)}`}>/consultation/{user.slug}</a>
          </dd>
        </>
      ) : null}
      <dt>{am('consultations')}</dt>
      <dd>{formatNumber(user.consultationsCount)}</dd>
      <dt>{am('openComplaints')}</dt>
      <dd>{formatNumber(user.openComplaintsCount)}</dd>
      <dt>{am('openReports')}</dt>
      <dd>{formatNumber(user.openReportsCount)}</dd>
      {user.rating ? (
        <>
          <dt>{am('rating')}</dt>
          <dd>
            {user.rating.averageStars === null
              ? am('noRating')
              : am('ratingValue', { average: formatNumber(user.rating.averageStars), count: user.rating.count })}
          </dd>
        </>
      ) : null}
      {user.wallet ? (
        <>
          <dt>{am('walletPending')}</dt>
          <dd>{formatMoney(user.wallet.pendingCents)}</dd>
          <dt>{am('walletAvailable')}</dt>
          <dd>
            {formatMoney(user.wallet.availableCents)} {user.wallet.blocked ? <span class="badge badge-bad">{am('walletBlockedBadge')}</span> : null}
          </dd>
        </>
      ) : null}
      {profile ? (
        <>
          <dt>{am('profilePhoto')}</dt>
          <dd>{profile.hasPhoto ? am('hasPhoto') : am('noPhoto')}</dd>
          <dt>{am('profileHeadline')}</dt>
          <dd>{profile.headline || am('empty')}</dd>
          <dt>{am('profileDescription')}</dt>
          <dd class="long-text">{profile.description || am('empty')}</dd>
        </>
      ) : null}
    </dl>
  );
}

function ActionForm({ user, action, onDone }: { user: UserDetail; action: UserAction; onDone: () => void }) {
  const label = am(`action.${action}`);
  if (action === 'remove-content') {
    return (
      <ReasonForm
        initial={{ reason: '', headline: Boolean(user.profile?.headline), description: Boolean(user.profile?.description) }}
        label={label}
        effect={am('effect.remove-content')}
        submitLabel={label}
        danger
        validate={(values) => (values.headline || values.description ? [] : [{ name: 'headline', message: am('removeNothing') }])}
        onSubmit={async (values) => {
          const fields = (['headline', 'description'] as const).filter((field) => values[field]);
          await moderateUser(user.id, action, { reason: values.reason, fields });
          onDone();
        }}
      >
        {(form) => (
          <Fieldset legend={am('removeWhich')}>
            <CheckboxField form={form} name="headline" label={am('removeHeadline')} />
            <CheckboxField form={form} name="description" label={am('removeDescription')} />
          </Fieldset>
        )}
      </ReasonForm>
    );
  }
  return (
    <ReasonForm
      initial={{ reason: '' }}
      label={label}
      effect={am(`effect.${action}`)}
      submitLabel={label}
      danger={DANGEROUS.has(action)}
      onSubmit={async (values) => {
        await moderateUser(user.id, action, { reason: values.reason });
        onDone();
      }}
    />
  );
}
