/** `/admin/messages`: publish a site notice in both languages (TRUST-4), and every notice with its state, paged. */
import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../../i18n/time-zone.ts';
import { replaceQuery, type PageProps } from '../../router.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { RadioGroup, TextAreaField, TextField } from '../../ui/form.tsx';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { PageNumbers } from '../../ui/pager.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { TableScroll } from '../../ui/table-scroll.tsx';
import { fetchNotices, publishNotice, withdrawNotice, type NoticeState } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { readPage } from './admin-parts.tsx';
import { FilterSelect } from './filter-select.tsx';
import { ReasonForm } from './reason-form.tsx';

const STATES: readonly NoticeState[] = ['all', 'active', 'scheduled', 'ended'];
/** The API keeps notices of up to 1000 characters per language. */
const NOTICE_MAX_LENGTH = 1000;
type ShownState = 'active' | 'scheduled' | 'ended' | 'withdrawn';
const STATE_TONE: Record<ShownState, string> = { active: 'badge-good', scheduled: 'badge-warning', ended: 'badge-neutral', withdrawn: 'badge-neutral' };

/** A `datetime-local` value is the admin's own wall-clock time; the API wants an instant. */
const instantOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

export default function NoticesPage({ query, notice }: PageProps) {
  const requested = query.get('state');
  const state: NoticeState = STATES.includes(requested as NoticeState) ? (requested as NoticeState) : 'all';
  const page = readPage(query);
  const notices = useRefreshable(() => fetchNotices(state, page), [state, page]);
  const [withdrawing, setWithdrawing] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const [publishGeneration, setPublishGeneration] = useState(0);
  const show = (next: { state: NoticeState; page: number }) => {
    const address = new URLSearchParams();
    if (next.state !== 'all') address.set('state', next.state);
    if (next.page > 1) address.set('page', String(next.page));
    replaceQuery(address, { push: true });
  };
  const current = notices.data?.notices.find((item) => item.id === withdrawing);
  return (
    <AdminLayout notice={notice}>
      <section class="card" aria-labelledby="publish-title">
        <h2 id="publish-title">{am('publishTitle')}</h2>
        <ReasonForm
          key={publishGeneration}
          initial={{ reason: '', messageFr: '', messageEn: '', level: 'info', startsAt: '', endsAt: '' }}
          label={am('publishTitle')}
          submitLabel={am('publish')}
          onSubmit={async (values) => {
            await publishNotice({
              messageFr: values.messageFr.trim(),
              messageEn: values.messageEn.trim(),
              level: values.level === 'warning' ? 'warning' : 'info',
              startsAt: instantOf(values.startsAt),
              endsAt: instantOf(values.endsAt),
              reason: values.reason,
            });
            setPublishGeneration(publishGeneration + 1);
            setMessage({ kind: 'success', text: am('done', { action: am('publish') }) });
            void notices.refresh();
          }}
        >
          {(form) => (
            <>
              <TextAreaField form={form} name="messageFr" label={am('messageFr')} required rows={2} maxLength={NOTICE_MAX_LENGTH} />
              <TextAreaField form={form} name="messageEn" label={am('messageEn')} required rows={2} maxLength={NOTICE_MAX_LENGTH} />
              <RadioGroup
                form={form}
                name="level"
                label={am('level')}
                required
                class="inline-choices"
                choices={[
                  { value: 'info', label: am('level.info') },
                  { value: 'warning', label: am('level.warning') },
                ]}
              />
              <div class="field-pair">
                <TextField form={form} name="startsAt" label={am('startsAt')} type="datetime-local" hint={am('startsAtHint')} />
                <TextField form={form} name="endsAt" label={am('endsAt')} type="datetime-local" hint={am('endsAtHint')} />
              </div>
            </>
          )}
        </ReasonForm>
        <LiveStatus message={message} />
      </section>
      <section aria-labelledby="notices-title">
        <h2 id="notices-title">{am('noticesTitle')}</h2>
        <FilterSelect
          label={am('noticeState')}
          value={state}
          options={STATES.map((value) => ({ value, label: am(`noticeState.${value}`) }))}
          onChange={(value) => show({ state: value as NoticeState, page: 1 })}
        />
        {notices.data === undefined ? (
          notices.error ? (
            <p class="error-text" role="alert">
              {errorInWords(notices.error, adminErrorWords)}
            </p>
          ) : (
            <p aria-busy="true" class="hint">
              {am('loading')}
            </p>
          )
        ) : notices.data.notices.length === 0 ? (
          <p>{am('noNotices')}</p>
        ) : (
          <div class="admin-list">
            <TableScroll label={am('noticesTitle')}>
              <table class="data-table admin-table">
                <thead>
                  <tr>
                    <th scope="col">{am('noticeState')}</th>
                    <th scope="col">{am('messageFr')}</th>
                    <th scope="col">{am('messageEn')}</th>
                    <th scope="col">{am('period')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{am('withdraw')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {notices.data.notices.map((item) => (
                    <tr key={item.id}>
                      <td data-label={am('noticeState')}>
                        <span class={`badge ${STATE_TONE[item.state as ShownState]}`}>{am(`noticeState.${item.state as ShownState}`)}</span>{' '}
                        <span class="cell-detail">{am(`level.${item.level as 'info' | 'warning'}`)}</span>
                      </td>
                      <td data-label={am('messageFr')} lang="fr" class="long-text">
                        {item.messageFr}
                      </td>
                      <td data-label={am('messageEn')} lang="en" class="long-text">
                        {item.messageEn}
                      </td>
                      <td data-label={am('period')}>
                        {item.endsAt
                          ? am('fromUntil', { from: formatShortDateTime(item.startsAt), to: formatShortDateTime(item.endsAt) })
                          : am('fromOn', { from: formatShortDateTime(item.startsAt) })}
                      </td>
                      <td>
                        {item.state === 'active' || item.state === 'scheduled' ? (
                          <DialogButton class="button button-secondary button-small" label={am('withdraw')} onOpen={() => setWithdrawing(item.id)} />
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <PageNumbers
              page={notices.data.page}
              limit={notices.data.limit}
              total={notices.data.total}
              label={am('noticesTitle')}
              onPage={(next) => show({ state, page: next })}
            />
          </div>
        )}
        <Dialog open={current !== undefined} title={am('withdrawTitle')} onClose={() => setWithdrawing(undefined)}>
          {current ? (
            <ReasonForm
              initial={{ reason: '' }}
              label={am('withdrawTitle')}
              effect={current.messageFr}
              submitLabel={am('withdraw')}
              danger
              onSubmit={async (values) => {
                await withdrawNotice(current.id, values.reason);
                setWithdrawing(undefined);
                setMessage({ kind: 'success', text: am('withdrawn') });
                void notices.refresh();
              }}
            />
          ) : null}
        </Dialog>
      </section>
    </AdminLayout>
  );
}
