import { useState } from 'preact/hooks';
import { apiCall, apiDocument } from '../../api.ts';
import { defineMessages, formatDuration, formatMoney, locale } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { BarChart } from '../../ui/bar-chart.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { apiErrorMessage } from '../../ui/errors.ts';
import { kitText } from '../../ui/kit-messages.ts';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { StatTile } from '../../ui/stat-tile.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { shortDayLabel } from './expert-time.ts';
import type { MonthEarnings } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import { modeWord, statusWord } from './workspace-messages.ts';
import { SECTION_PATHS } from './workspace-sections.ts';

const CHART_MONTHS = 12;
/** Lines listed at first; "show more" adds as many again (the API sends a year's lines, at most 1000). */
const LINES_PAGE_SIZE = 20;
/** Earnings, receipts and statements count in Paris time (BILL-9, server DOCUMENT_TIME_ZONE). */
const EARNINGS_TIME_ZONE = 'Europe/Paris';

const text = defineMessages({
  fr: {
    title: 'Gains',
    intro: 'Montants réglés, comptés en heure de Paris comme vos reçus et relevés. Les gains nets tiennent compte des pénalités et des remboursements.',
    year: 'Gains nets sur 12 mois',
    thisMonth: 'Gains nets ce mois-ci',
    fees: 'Frais de service sur 12 mois',
    consultations: { one: '{count} consultation réglée', other: '{count} consultations réglées' },
    chartTitle: 'Gains nets par mois',
    chartCaption: 'Gains nets des {months} derniers mois ; le tableau ci-dessous donne les mêmes chiffres.',
    monthlyTable: 'Gains par mois',
    month: 'Mois',
    count: 'Consultations',
    clientPrice: 'Payé par les clients',
    paidByClients: 'Payé par les clients : {amount}',
    fee: 'Frais de service',
    net: 'Gains nets',
    lines: 'Détail par consultation (12 derniers mois)',
    linesTable: 'Gains par consultation',
    date: 'Date',
    kind: 'Type',
    status: 'Statut',
    duration: 'Durée',
    cancellation: 'annulation tardive',
    noLines: 'Aucune consultation réglée sur les 12 derniers mois.',
    truncated: 'Seules les 1000 consultations les plus récentes sont listées ; les totaux couvrent toute la période.',
    statements: 'Relevés mensuels',
    statementsHint: 'Le relevé des frais de service de chaque mois, à garder pour votre comptabilité.',
    noStatements: 'Aucun relevé pour le moment.',
    statementLine: { one: '{count} consultation, frais de service {fee}', other: '{count} consultations, frais de service {fee}' },
    open: 'Ouvrir',
    openStatement: 'Ouvrir le relevé de {month}',
    pdfStatement: 'Télécharger le relevé de {month} en PDF',
    walletLink: 'Mon portefeuille et mes virements',
  },
  en: {
    title: 'Earnings',
    intro: 'Settled amounts, counted in Paris time like your receipts and statements. Net earnings account for penalties and refunds.',
    year: 'Net earnings over 12 months',
    thisMonth: 'Net earnings this month',
    fees: 'Operating fees over 12 months',
    consultations: { one: '{count} settled consultation', other: '{count} settled consultations' },
    chartTitle: 'Net earnings per month',
    chartCaption: 'Net earnings of the last {months} months; the table below gives the same figures.',
    monthlyTable: 'Earnings per month',
    month: 'Month',
    count: 'Consultations',
    clientPrice: 'Paid by clients',
    paidByClients: 'Paid by clients: {amount}',
    fee: 'Operating fee',
    net: 'Net earnings',
    lines: 'Per consultation (last 12 months)',
    linesTable: 'Earnings per consultation',
    date: 'Date',
    kind: 'Kind',
    status: 'Status',
    duration: 'Length',
    cancellation: 'late cancellation',
    noLines: 'No settled consultation in the last 12 months.',
    truncated: 'Only the 1000 most recent consultations are listed; the totals cover the whole period.',
    statements: 'Monthly statements',
    statementsHint: 'Each month’s statement of operating fees, to keep for your accounts.',
    noStatements: 'No statement yet.',
    statementLine: { one: '{count} consultation, operating fee {fee}', other: '{count} consultations, operating fee {fee}' },
    open: 'Open',
    openStatement: 'Open the statement of {month}',
    pdfStatement: 'Download the statement of {month} as a PDF',
    walletLink: 'My wallet and payouts',
  },
});

interface EarningsLine {
  consultationId: string;
  kind: 'consultation' | 'cancellation';
  status: string;
  date: string;
  mode: 'video' | 'phone';
  durationSeconds: number;
  clientPriceCents: number;
  operatingFeeCents: number;
  netEarningsCents: number;
}

interface Earnings {
  consultations: EarningsLine[];
  truncated: boolean;
  totals: { consultationCount: number; clientPriceCents: number; operatingFeeCents: number; netEarningsCents: number };
}

const monthDate = (month: string) => {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, index - 1, 1));
};
const monthName = (month: string) => new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(monthDate(month));
const shortMonth = (month: string) => new Intl.DateTimeFormat(locale(), { month: 'short', timeZone: 'UTC' }).format(monthDate(month));

/** `/espace/gains` (EXP-8, BILL-9): totals, the monthly chart with its table, the lines, the statements. */
export default function EarningsPage({ notice }: PageProps) {
  const monthly = useResource(() => apiCall<{ months: MonthEarnings[] }>('GET', `/api/experts/me/earnings/monthly?months=${CHART_MONTHS}`), []);
  const earnings = useResource(() => apiCall<Earnings>('GET', '/api/experts/me/earnings'), []);
  return (
    <WorkspacePage section="earnings" title={text('title')} notice={notice}>
      <p class="ws-intro">{text('intro')}</p>
      {earnings.state === 'ready' && monthly.state === 'ready' ? <Totals earnings={earnings.data} months={monthly.data.months} /> : null}
      <section class="card" aria-labelledby="chart-title">
        <h2 id="chart-title">{text('chartTitle')}</h2>
        {monthly.state === 'ready' ? (
          <MonthlyChart months={monthly.data.months} />
        ) : monthly.state === 'failed' ? (
          <LoadFailed error={monthly.error} onRetry={monthly.reload} />
        ) : (
          <Loading />
        )}
      </section>
      <section class="card" aria-labelledby="lines-title">
        <h2 id="lines-title">{text('lines')}</h2>
        {earnings.state === 'ready' ? (
          <Lines earnings={earnings.data} />
        ) : earnings.state === 'failed' ? (
          <LoadFailed error={earnings.error} onRetry={earnings.reload} />
        ) : (
          <Loading />
        )}
      </section>
      <Statements />
      <p>
        <a href={SECTION_PATHS.wallet}>{text('walletLink')}</a>
      </p>
    </WorkspacePage>
  );
}

function Totals({ earnings, months }: { earnings: Earnings; months: MonthEarnings[] }) {
  const current = months[months.length - 1];
  return (
    <div class="ws-tiles" data-testid="earnings-totals">
      <StatTile label={text('year')} value={formatMoney(earnings.totals.netEarningsCents)}>
        <p>{text('consultations', { count: earnings.totals.consultationCount })}</p>
      </StatTile>
      <StatTile label={text('thisMonth')} value={formatMoney(current?.netEarningsCents ?? 0)}>
        <p>{text('consultations', { count: current?.consultationCount ?? 0 })}</p>
      </StatTile>
      <StatTile label={text('fees')} value={formatMoney(earnings.totals.operatingFeeCents)}>
        <p>{text('paidByClients', { amount: formatMoney(earnings.totals.clientPriceCents) })}</p>
      </StatTile>
    </div>
  );
}

/** EXP-8: the chart, and the same figures as a table for whoever does not see the bars. */
function MonthlyChart({ months }: { months: MonthEarnings[] }) {
  return (
    <BarChart
      caption={text('chartCaption', { months: months.length })}
      testId="earnings-chart"
      bars={months.map((month) => ({
        key: month.month,
        axisLabel: shortMonth(month.month),
        title: `${monthName(month.month)} — ${formatMoney(month.netEarningsCents)}`,
        value: month.netEarningsCents,
        valueLabel: formatMoney(month.netEarningsCents),
      }))}
    >
      <DataTable
        caption={text('monthlyTable')}
        columns={[
          { label: text('month') },
          { label: text('count'), numeric: true },
          { label: text('clientPrice'), numeric: true },
          { label: text('fee'), numeric: true },
          { label: text('net'), numeric: true },
        ]}
        rows={[...months].reverse().map((month) => ({
          key: month.month,
          cells: [
            monthName(month.month),
            String(month.consultationCount),
            formatMoney(month.clientPriceCents),
            formatMoney(month.operatingFeeCents),
            formatMoney(month.netEarningsCents),
          ],
        }))}
      />
    </BarChart>
  );
}

function Lines({ earnings }: { earnings: Earnings }) {
  const [shown, setShown] = useState(LINES_PAGE_SIZE);
  if (earnings.consultations.length === 0) return <p class="empty">{text('noLines')}</p>;
  const lines = earnings.consultations.slice(0, shown);
  return (
    <>
      <DataTable
        caption={text('linesTable')}
        captionHidden
        columns={[
          { label: text('date') },
          { label: text('kind') },
          { label: text('status') },
          { label: text('duration'), numeric: true },
          { label: text('clientPrice'), numeric: true },
          { label: text('fee'), numeric: true },
          { label: text('net'), numeric: true },
        ]}
        rows={lines.map((line) => ({
          key: line.consultationId,
          cells: [
            shortDayLabel(line.date, EARNINGS_TIME_ZONE),
            line.kind === 'cancellation' ? text('cancellation') : modeWord(line.mode),
            statusWord(line.status),
            formatDuration(line.durationSeconds),
            formatMoney(line.clientPriceCents),
            formatMoney(line.operatingFeeCents),
            formatMoney(line.netEarningsCents),
          ],
        }))}
      />
      {earnings.consultations.length > shown ? (
        <div class="list-more">
          <p class="hint">{kitText('shownOf', { shown, count: earnings.consultations.length })}</p>
          <button type="button" class="button button-secondary" onClick={() => setShown(shown + LINES_PAGE_SIZE)}>
            {kitText('more')}
          </button>
        </div>
      ) : null}
      {earnings.truncated ? <p class="hint">{text('truncated')}</p> : null}
    </>
  );
}

/** BILL-9: the statements need the session, so they are fetched and handed to the browser as a file. */
function Statements() {
  const statements = useResource(
    () => apiCall<{ months: { month: string; consultationCount: number; operatingFeeCents: number }[] }>('GET', '/api/experts/me/statements'),
    [],
  );
  const [shown, setShown] = useState(CHART_MONTHS);
  const [status, setStatus] = useState('');
  const open = (month: string, format: 'html' | 'pdf') => {
    // Opened now, while the click still counts as the user's: a window opened after the fetch would be blocked.
    const opened = format === 'html' ? window.open('', '_blank') : null;
    apiDocument(`/api/experts/me/statements/${month}.${format}`).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        if (opened) opened.location.href = url;
        else {
          const link = document.createElement('a');
          link.href = url;
          link.download = `consulto-${month}.${format}`;
          link.click();
        }
        window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      },
      (error: unknown) => {
        opened?.close();
        setStatus(apiErrorMessage(error));
      },
    );
  };
  return (
    <section class="card" aria-labelledby="statements-title">
      <h2 id="statements-title">{text('statements')}</h2>
      <p class="hint">{text('statementsHint')}</p>
      {statements.state === 'failed' ? <LoadFailed error={statements.error} onRetry={statements.reload} /> : null}
      {statements.state === 'loading' ? <Loading /> : null}
      {statements.state === 'ready' && statements.data.months.length === 0 ? <p class="empty">{text('noStatements')}</p> : null}
      {statements.state === 'ready' ? (
        <ul class="statement-list">
          {statements.data.months.slice(0, shown).map((entry) => {
            const name = monthName(entry.month);
            return (
              <li key={entry.month}>
                <span class="statement-month">{name}</span>
                <span class="statement-figures">{text('statementLine', { count: entry.consultationCount, fee: formatMoney(entry.operatingFeeCents) })}</span>
                <span class="statement-actions">
                  <button
                    type="button"
                    class="button button-secondary button-small"
                    aria-label={text('openStatement', { month: name })}
                    onClick={() => open(entry.month, 'html')}
                  >
                    {text('open')}
                  </button>
                  <button
                    type="button"
                    class="button button-secondary button-small"
                    aria-label={text('pdfStatement', { month: name })}
                    onClick={() => open(entry.month, 'pdf')}
                  >
                    PDF
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
      {statements.state === 'ready' && statements.data.months.length > shown ? (
        <button type="button" class="button button-secondary" onClick={() => setShown(shown + CHART_MONTHS)}>
          {kitText('more')}
        </button>
      ) : null}
      <p class="form-status" role="status" data-kind={status ? 'error' : undefined}>
        {status}
      </p>
    </section>
  );
}
