/**
 * The expert workspace's history: upcoming and past consultations, earnings per consultation
 * and per month (EXP-8) with a chart, and the monthly fee statements (BILL-9). Every amount
 * comes from the API (settlement and ledger); the page only formats it.
 */
import { h } from '../dom.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { apiCall, apiDocument } from '../api.ts';
import { apiErrorMessage } from '../forms.ts';
import { dataTable, formatDateTime, formatDuration, formatMonth, formatShortMonth, loadInto, money, section } from './workspace-parts.ts';

const CONSULTATIONS_LIMIT = 20;
const CHART_MONTHS = 12;
/** Chart geometry in SVG user units; the SVG scales to its container. */
const CHART_WIDTH = 640;
const CHART_HEIGHT = 240;
const CHART_AXIS_HEIGHT = 28;
const CHART_TOP_MARGIN = 20;
const SVG_NS = 'http://www.w3.org/2000/svg';

interface ConsultationSummary {
  id: string;
  status: string;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  startAt: string | null;
  createdAt: string;
  reservedMinutes: number;
  connectedSeconds: number;
  chargeCents: number | null;
  expertEarningsCents: number | null;
  client: { firstName: string; lastName: string };
}

interface EarningsLine {
  consultationId: string;
  kind: 'consultation' | 'cancellation';
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

interface MonthlyEarnings {
  month: string;
  consultationCount: number;
  clientPriceCents: number;
  operatingFeeCents: number;
  netEarningsCents: number;
}

const CONSULTATION_STATUSES = ['requested', 'scheduled', 'live', 'ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert'];
/** A status added to the API later shows as its code rather than breaking the list. */
const statusLabel = (status: string) => (CONSULTATION_STATUSES.includes(status) ? t(`workspace.status.${status}` as MessageKey) : status);

function consultationTable(caption: string, consultations: ConsultationSummary[], emptyText: string): HTMLElement {
  if (consultations.length === 0) return h('p', { class: 'hint' }, emptyText);
  return dataTable(
    caption,
    [t('workspace.col.when'), t('workspace.col.client'), t('workspace.col.mode'), t('workspace.col.status'), t('workspace.col.clientPrice')],
    consultations.map((consultation) => [
      consultation.startAt ? formatDateTime(consultation.startAt) : `${t('workspace.immediate')} — ${formatDateTime(consultation.createdAt)}`,
      `${consultation.client.firstName} ${consultation.client.lastName}`,
      t(`workspace.mode.${consultation.mode}`),
      statusLabel(consultation.status),
      consultation.chargeCents === null ? '—' : money(consultation.chargeCents),
    ]),
    { numericFrom: 4 },
  );
}

export function consultationsSection(): HTMLElement {
  const upcoming = h('div', {});
  const past = h('div', {});
  const list = (when: 'upcoming' | 'past') =>
    apiCall<{ consultations: ConsultationSummary[] }>('GET', `/api/consultations?role=expert&when=${when}&limit=${CONSULTATIONS_LIMIT}`);
  loadInto(upcoming, async () => consultationTable(t('workspace.upcoming'), (await list('upcoming')).consultations, t('workspace.noUpcoming')));
  loadInto(past, async () => consultationTable(t('workspace.past'), (await list('past')).consultations, t('workspace.noPast')));
  return section(
    'workspace-consultations',
    t('workspace.consultations'),
    h('h3', {}, t('workspace.upcoming')),
    upcoming,
    h('h3', {}, t('workspace.past')),
    past,
  );
}

function svg<Tag extends keyof SVGElementTagNameMap>(tag: Tag, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[Tag] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * EXP-8: net earnings per month as bars. The SVG is one image with a name for screen
 * readers; the table right after it holds the same numbers as text, so nothing depends on
 * seeing the bars. No chart library: twelve rectangles do not need one.
 */
export function earningsChart(months: MonthlyEarnings[]): HTMLElement {
  const captionId = 'workspace-chart-caption';
  const maxCents = Math.max(1, ...months.map((month) => month.netEarningsCents));
  const plotHeight = CHART_HEIGHT - CHART_AXIS_HEIGHT - CHART_TOP_MARGIN;
  const slot = CHART_WIDTH / Math.max(1, months.length);
  const barWidth = slot * 0.6;
  const chart = svg('svg', {
    viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
    role: 'img',
    'aria-labelledby': captionId,
    class: 'earnings-chart',
    'data-testid': 'earnings-chart',
    preserveAspectRatio: 'xMidYMid meet',
  });
  const baseline = CHART_HEIGHT - CHART_AXIS_HEIGHT;
  chart.append(svg('line', { x1: 0, y1: baseline, x2: CHART_WIDTH, y2: baseline, class: 'chart-axis' }));
  months.forEach((month, index) => {
    const cents = Math.max(0, month.netEarningsCents);
    const height = Math.round((cents / maxCents) * plotHeight);
    const x = index * slot + (slot - barWidth) / 2;
    const bar = svg('rect', { x, y: baseline - height, width: barWidth, height: Math.max(height, cents > 0 ? 1 : 0), class: 'chart-bar' });
    bar.append(svg('title', {}, `${formatMonth(month.month)} — ${money(month.netEarningsCents)}`));
    chart.append(bar);
    chart.append(svg('text', { x: index * slot + slot / 2, y: CHART_HEIGHT - 8, 'text-anchor': 'middle', class: 'chart-label' }, formatShortMonth(month.month)));
    if (cents > 0) {
      chart.append(svg('text', { x: index * slot + slot / 2, y: baseline - height - 4, 'text-anchor': 'middle', class: 'chart-value' }, money(cents)));
    }
  });
  return h(
    'figure',
    { class: 'chart-figure' },
    chart,
    h('figcaption', { id: captionId }, t('workspace.chartCaption', { months: months.length })),
    dataTable(
      t('workspace.monthlyTable'),
      [t('workspace.col.month'), t('workspace.col.count'), t('workspace.col.clientPrice'), t('workspace.col.fee'), t('workspace.col.net')],
      [...months].reverse().map((month) => [
        formatMonth(month.month),
        String(month.consultationCount),
        money(month.clientPriceCents),
        money(month.operatingFeeCents),
        money(month.netEarningsCents),
      ]),
      { numericFrom: 1 },
    ),
  );
}

export function earningsSection(): HTMLElement {
  const monthly = h('div', {});
  const lines = h('div', {});
  loadInto(monthly, async () => earningsChart((await apiCall<{ months: MonthlyEarnings[] }>('GET', `/api/experts/me/earnings/monthly?months=${CHART_MONTHS}`)).months));
  loadInto(lines, async () => {
    const earnings = await apiCall<Earnings>('GET', '/api/experts/me/earnings');
    const totals = earnings.totals;
    const summary = h(
      'dl',
      { class: 'summary', 'data-testid': 'earnings-totals' },
      h('dt', {}, t('workspace.totalCount')),
      h('dd', {}, String(totals.consultationCount)),
      h('dt', {}, t('workspace.totalClientPrice')),
      h('dd', {}, money(totals.clientPriceCents)),
      h('dt', {}, t('workspace.totalFee')),
      h('dd', {}, money(totals.operatingFeeCents)),
      h('dt', {}, t('workspace.totalNet')),
      h('dd', {}, money(totals.netEarningsCents)),
    );
    if (earnings.consultations.length === 0) return [summary, h('p', { class: 'hint' }, t('workspace.noEarnings'))];
    return [
      summary,
      dataTable(
        t('workspace.earningsTable'),
        [t('workspace.col.date'), t('workspace.col.mode'), t('workspace.col.duration'), t('workspace.col.clientPrice'), t('workspace.col.fee'), t('workspace.col.net')],
        earnings.consultations.map((line) => [
          formatDateTime(line.date),
          line.kind === 'cancellation' ? t('workspace.cancellation') : t(`workspace.mode.${line.mode}`),
          formatDuration(line.durationSeconds),
          money(line.clientPriceCents),
          money(line.operatingFeeCents),
          money(line.netEarningsCents),
        ]),
        { numericFrom: 2 },
      ),
      earnings.truncated ? h('p', { class: 'hint' }, t('workspace.earningsTruncated')) : null,
    ];
  });
  return section(
    'workspace-earnings',
    t('workspace.earnings'),
    h('p', { class: 'hint' }, t('workspace.earningsHint')),
    h('h3', {}, t('workspace.monthlyEarnings')),
    monthly,
    h('h3', {}, t('workspace.earningsList')),
    lines,
    h('p', {}, h('a', { href: '/portefeuille' }, t('workspace.walletLink'))),
  );
}

/** BILL-9: the statements need the session, so they are fetched and handed to the browser as a file. */
function statementButton(month: string, format: 'html' | 'pdf', status: HTMLElement): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'button button-secondary button-small', 'aria-label': t(format === 'html' ? 'workspace.statementOpen' : 'workspace.statementPdf', { month: formatMonth(month) }) },
    format === 'html' ? t('workspace.open') : 'PDF',
  );
  button.addEventListener('click', () => {
    const opened = format === 'html' ? window.open('', '_blank') : null;
    apiDocument(`/api/experts/me/statements/${month}.${format}`)
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        if (opened) opened.location.href = url;
        else {
          const link = h('a', { href: url, download: `consulto-${month}.${format}` });
          link.click();
        }
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      })
      .catch((error: unknown) => {
        opened?.close();
        status.textContent = apiErrorMessage(error);
      });
  });
  return button;
}

export function statementsSection(): HTMLElement {
  const body = h('div', {});
  const status = h('p', { role: 'status', class: 'error-text' });
  loadInto(body, async () => {
    const { months } = await apiCall<{ months: { month: string; consultationCount: number; operatingFeeCents: number }[] }>('GET', '/api/experts/me/statements');
    if (months.length === 0) return h('p', { class: 'hint' }, t('workspace.noStatements'));
    return h(
      'ul',
      { class: 'statement-list' },
      months.map((entry) =>
        h(
          'li',
          {},
          `${formatMonth(entry.month)} — ${t('workspace.statementLine', { count: entry.consultationCount, fee: money(entry.operatingFeeCents) })} `,
          statementButton(entry.month, 'html', status),
          ' ',
          statementButton(entry.month, 'pdf', status),
        ),
      ),
    );
  });
  return section('workspace-statements', t('workspace.statements'), h('p', { class: 'hint' }, t('workspace.statementsHint')), body, status);
}
