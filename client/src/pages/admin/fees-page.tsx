/**
 * `/admin/frais`: the operating fee per minute and the phone surcharge table with their effective
 * dates (BILL-7, BILL-8, BILL-13), and a change scheduled from a future date (every expert is
 * e-mailed). Amounts are typed in euros; the API speaks cents.
 */
import { formatMoney, language } from '../../i18n/index.ts';
import { formatLongDay, instantOfWallTime } from '../../i18n/time-zone.ts';
import type { PageProps } from '../../router.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { eurosToCents } from '../../ui/euros.ts';
import { TextField, type FieldError } from '../../ui/form.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { TableScroll } from '../../ui/table-scroll.tsx';
import { addFeeSchedule, addSurchargeTable, fetchFeeSchedules, type FeeSchedules } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { ReasonForm } from './reason-form.tsx';
import { useState } from 'preact/hooks';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';

/** BILL-13: fee changes take effect at midnight in Paris, the platform's legal seat. */
const FEE_TIME_ZONE = 'Europe/Paris';
const STATUS_TONE = { in_force: 'badge-good', scheduled: 'badge-warning', past: 'badge-neutral' } as const;

const effectiveInstant = (date: string) => instantOfWallTime(date, '00:00', FEE_TIME_ZONE).toISOString();
const euroErrors = (values: Record<string, string | boolean>, names: readonly string[]): FieldError[] =>
  names.filter((name) => eurosToCents(String(values[name] ?? '')) === undefined).map((name) => ({ name, message: am('amountInvalid') }));

export default function FeesPage({ notice }: PageProps) {
  const schedules = useRefreshable(fetchFeeSchedules, []);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const scheduled = () => {
    setGeneration(generation + 1);
    setMessage({ kind: 'success', text: am('scheduled') });
    void schedules.refresh();
  };
  const placeholder = language() === 'fr' ? '0,15' : '0.15';
  return (
    <AdminLayout notice={notice}>
      <h2>{am('feesTitle')}</h2>
      <p class="hint">{am('feesHint')}</p>
      <LiveStatus message={message} />
      {schedules.data === undefined ? (
        schedules.error ? (
          <p class="error-text" role="alert">
            {errorInWords(schedules.error, adminErrorWords)}
          </p>
        ) : (
          <p aria-busy="true" class="hint">
            {am('loading')}
          </p>
        )
      ) : (
        <div class="fee-columns">
          <section class="card" aria-labelledby="fee-title">
            <h3 id="fee-title">{am('feeSchedule')}</h3>
            <FeeTable schedules={schedules.data} />
            <h4>{am('newFee')}</h4>
            <ReasonForm
              key={`fee-${generation}`}
              initial={{ reason: '', fee: '', effectiveFrom: '' }}
              label={am('newFee')}
              submitLabel={am('schedule')}
              validate={(values) => euroErrors(values, ['fee'])}
              onSubmit={async (values) => {
                await addFeeSchedule({
                  feePerMinuteCents: eurosToCents(values.fee)!,
                  effectiveFrom: effectiveInstant(values.effectiveFrom),
                  reason: values.reason,
                });
                scheduled();
              }}
            >
              {(form) => (
                <div class="field-pair">
                  <TextField form={form} name="fee" label={am('feePerMinute')} required inputMode="decimal" suffix="€" placeholder={placeholder} />
                  <TextField form={form} name="effectiveFrom" label={am('effectiveFrom')} hint={am('effectiveFromHint')} type="date" required />
                </div>
              )}
            </ReasonForm>
          </section>
          <section class="card" aria-labelledby="surcharge-title">
            <h3 id="surcharge-title">{am('surchargeTable')}</h3>
            <SurchargeTable schedules={schedules.data} />
            <h4>{am('newSurcharge')}</h4>
            <ReasonForm
              key={`surcharge-${generation}`}
              initial={{ reason: '', france: '', eu: '', world: '', effectiveFrom: '' }}
              label={am('newSurcharge')}
              submitLabel={am('schedule')}
              validate={(values) => euroErrors(values, ['france', 'eu', 'world'])}
              onSubmit={async (values) => {
                await addSurchargeTable({
                  franceCents: eurosToCents(values.france)!,
                  euCents: eurosToCents(values.eu)!,
                  worldCents: eurosToCents(values.world)!,
                  effectiveFrom: effectiveInstant(values.effectiveFrom),
                  reason: values.reason,
                });
                scheduled();
              }}
            >
              {(form) => (
                <>
                  <div class="field-trio">
                    <TextField form={form} name="france" label={am('france')} required inputMode="decimal" suffix="€" placeholder={placeholder} />
                    <TextField form={form} name="eu" label={am('eu')} required inputMode="decimal" suffix="€" placeholder={placeholder} />
                    <TextField form={form} name="world" label={am('world')} required inputMode="decimal" suffix="€" placeholder={placeholder} />
                  </div>
                  <TextField form={form} name="effectiveFrom" label={am('effectiveFrom')} hint={am('effectiveFromHint')} type="date" required />
                </>
              )}
            </ReasonForm>
          </section>
        </div>
      )}
    </AdminLayout>
  );
}

function FeeTable({ schedules }: { schedules: FeeSchedules }) {
  return (
    <table class="data-table admin-table">
      <thead>
        <tr>
          <th scope="col">{am('effectiveFrom')}</th>
          <th scope="col" class="numeric">
            {am('feePerMinute')}
          </th>
          <th scope="col">{am('statusColumn')}</th>
        </tr>
      </thead>
      <tbody>
        {schedules.feeSchedules.map((row) => (
          <tr key={row.id}>
            <td data-label={am('effectiveFrom')}>{formatLongDay(row.effectiveFrom, FEE_TIME_ZONE)}</td>
            <td data-label={am('feePerMinute')} class="numeric">
              {formatMoney(row.feePerMinuteCents)}
            </td>
            <td data-label={am('statusColumn')}>
              <span class={`badge ${STATUS_TONE[row.status as keyof typeof STATUS_TONE]}`}>{am(`feeStatus.${row.status as keyof typeof STATUS_TONE}`)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SurchargeTable({ schedules }: { schedules: FeeSchedules }) {
  return (
    <TableScroll label={am('surchargeTable')}>
      <table class="data-table admin-table">
        <thead>
          <tr>
            <th scope="col">{am('effectiveFrom')}</th>
            <th scope="col" class="numeric">
              {am('france')}
            </th>
            <th scope="col" class="numeric">
              {am('eu')}
            </th>
            <th scope="col" class="numeric">
              {am('world')}
            </th>
            <th scope="col">{am('statusColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {schedules.surchargeTables.map((row) => (
            <tr key={row.id}>
              <td data-label={am('effectiveFrom')}>{formatLongDay(row.effectiveFrom, FEE_TIME_ZONE)}</td>
              <td data-label={am('france')} class="numeric">
                {formatMoney(row.franceCents)}
              </td>
              <td data-label={am('eu')} class="numeric">
                {formatMoney(row.euCents)}
              </td>
              <td data-label={am('world')} class="numeric">
                {formatMoney(row.worldCents)}
              </td>
              <td data-label={am('statusColumn')}>
                <span class={`badge ${STATUS_TONE[row.status as keyof typeof STATUS_TONE]}`}>{am(`feeStatus.${row.status as keyof typeof STATUS_TONE}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
