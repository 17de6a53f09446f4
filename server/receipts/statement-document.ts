import type { PrintedDocument } from './document.ts';
import { formatCents, formatDate, formatDateTime, formatDuration, formatMonth, type Language } from './format.ts';
import { PLATFORM_NAME, legalStatusLabel } from './receipt-document.ts';
import type { FeeStatement } from './statement.ts';
import { VAT_RATE_PERCENT, vatBreakdown } from './vat.ts';

const NBSP = '\u00a0';

const WORDS = {
  fr: {
    title: (month: string) => `Relevé des frais de fonctionnement — ${month}`,
    lead: (expert: string) => `Relevé mensuel établi par ${PLATFORM_NAME} pour ${expert}.`,
    platform: 'Plateforme',
    expert: 'Expert',
    siret: 'SIRET',
    vatNumber: 'N° TVA intracommunautaire',
    period: 'Période',
    periodValue: (from: string, to: string) => `du ${from} au ${to} (heure de Paris)`,
    generatedAt: 'Établi le',
    consultations: 'Consultations réglées',
    columns: ['Date', 'Reçu', 'Prestation', 'Prix client', 'Frais de fonct.', 'Suppl. tél.', 'Gains nets'],
    kind: { consultation: 'Consultation', cancellation: 'Annulation' },
    noConsultation: 'Aucune consultation réglée ce mois-ci.',
    penalties: 'Pénalités (annulation ou absence de votre part)',
    penaltyColumns: ['Date', 'Consultation', 'Montant débité'],
    noPenalty: 'Aucune pénalité ce mois-ci.',
    total: 'Total',
    summary: 'Récapitulatif',
    clientPrices: 'Total payé par les clients',
    operatingFees: 'Frais de fonctionnement',
    feesVat: (percent: number) => `dont TVA ${percent}${NBSP}%`,
    surcharges: 'Suppléments téléphoniques (reversés à la plateforme)',
    earnings: 'Vos gains nets',
    penaltyTotal: 'Pénalités débitées',
    net: 'Gains nets après pénalités',
    truncated: `Ce relevé est trop long pour être imprimé en entier : seules les premières lignes figurent, les totaux portent sur tout le mois.`,
    notes: [
      `Les frais de fonctionnement sont la part de ${PLATFORM_NAME} sur chaque consultation, TTC ; ils ne s'ajoutent jamais au prix payé par le client.`,
      'Un mois regroupe les consultations réglées entre le premier et le dernier jour du mois, en heure de Paris.',
    ],
  },
  en: {
    title: (month: string) => `Operating fee statement — ${month}`,
    lead: (expert: string) => `Monthly statement issued by ${PLATFORM_NAME} for ${expert}.`,
    platform: 'Platform',
    expert: 'Expert',
    siret: 'SIRET',
    vatNumber: 'VAT number',
    period: 'Period',
    periodValue: (from: string, to: string) => `from ${from} to ${to} (Paris time)`,
    generatedAt: 'Issued on',
    consultations: 'Settled consultations',
    columns: ['Date', 'Receipt', 'Service', 'Client price', 'Operating fee', 'Phone surch.', 'Net earnings'],
    kind: { consultation: 'Consultation', cancellation: 'Cancellation' },
    noConsultation: 'No consultation settled this month.',
    penalties: 'Penalties (your cancellations or no-shows)',
    penaltyColumns: ['Date', 'Consultation', 'Amount debited'],
    noPenalty: 'No penalty this month.',
    total: 'Total',
    summary: 'Summary',
    clientPrices: 'Total paid by clients',
    operatingFees: 'Operating fees',
    feesVat: (percent: number) => `of which VAT ${percent}%`,
    surcharges: 'Phone surcharges (kept by the platform)',
    earnings: 'Your net earnings',
    penaltyTotal: 'Penalties debited',
    net: 'Net earnings after penalties',
    truncated: 'This statement is too long to print in full: only the first lines are listed; the totals cover the whole month.',
    notes: [
      `Operating fees are ${PLATFORM_NAME}'s share of each consultation, VAT included; they are never added to the price the client pays.`,
      'A month groups the consultations settled from its first to its last day, Paris time.',
    ],
  },
} as const;

/** Pure: the printed form of a monthly operating fee statement (BILL-9). */
export function statementDocument(statement: FeeStatement, language: Language): PrintedDocument {
  const w = WORDS[language];
  const money = (cents: number) => formatCents(cents, language);
  const colon = language === 'fr' ? `${NBSP}:` : ':';
  const { expert, totals } = statement;
  const expertLines = [expert.name, legalStatusLabel(expert.legalStatus, language)];
  if (expert.siret) expertLines.push(`${w.siret}${colon} ${expert.siret}`);
  if (expert.vatNumber) expertLines.push(`${w.vatNumber}${colon} ${expert.vatNumber}`);
  const lastInstant = new Date(new Date(statement.periodEnd).getTime() - 1).toISOString();
  const feesVat = vatBreakdown(totals.operatingFeeCents);

  return {
    language,
    title: w.title(formatMonth(statement.month, language)),
    lead: [w.lead(expert.name)],
    datedAt: statement.generatedAt,
    fileName: `${language === 'fr' ? 'releve' : 'statement'}-${statement.month}`,
    sections: [
      {
        kind: 'parties',
        parties: [
          { heading: w.platform, lines: [PLATFORM_NAME] },
          { heading: w.expert, lines: expertLines },
        ],
      },
      {
        kind: 'facts',
        heading: w.summary,
        rows: [
          { label: w.period, value: w.periodValue(formatDate(statement.periodStart, language), formatDate(lastInstant, language)) },
          { label: w.generatedAt, value: formatDateTime(statement.generatedAt, language) },
        ],
      },
      {
        kind: 'amounts',
        heading: w.total,
        rows: [
          { label: w.clientPrices, value: money(totals.clientPriceCents) },
          { label: w.operatingFees, value: money(totals.operatingFeeCents), strong: true },
          { label: w.feesVat(VAT_RATE_PERCENT), value: money(feesVat.vatCents) },
          { label: w.surcharges, value: money(totals.surchargeCents) },
          { label: w.earnings, value: money(totals.expertEarningsCents) },
          { label: w.penaltyTotal, value: money(-totals.penaltyCents) },
          { label: w.net, value: money(totals.netAfterPenaltiesCents), strong: true },
        ],
      },
      {
        kind: 'table',
        heading: w.consultations,
        columns: w.columns.map((label, index) => ({ label, align: index >= 3 ? 'right' : 'left', weight: [11, 17, 13, 11, 12, 10, 11][index]! })),
        rows: statement.consultations.map((line) => [
          formatDate(line.settledAt, language),
          line.receiptNumber ?? '',
          line.kind === 'consultation' ? `${w.kind.consultation} ${formatDuration(line.billedSeconds)}` : w.kind.cancellation,
          money(line.clientPriceCents),
          money(line.operatingFeeCents),
          money(line.surchargeCents),
          money(line.expertEarningsCents),
        ]),
        totals: [
          w.total,
          '',
          String(totals.consultationCount),
          money(totals.clientPriceCents),
          money(totals.operatingFeeCents),
          money(totals.surchargeCents),
          money(totals.expertEarningsCents),
        ],
        empty: w.noConsultation,
      },
      {
        kind: 'table',
        heading: w.penalties,
        columns: w.penaltyColumns.map((label, index) => ({ label, align: index === 2 ? 'right' : 'left', weight: [1, 3, 1][index]! })),
        rows: statement.penalties.map((line) => [formatDate(line.debitedAt, language), line.consultationId ?? '', money(-line.amountCents)]),
        totals: statement.penalties.length ? [w.total, String(totals.penaltyCount), money(-totals.penaltyCents)] : null,
        empty: w.noPenalty,
      },
      { kind: 'notes', lines: [...(statement.linesTruncated ? [w.truncated] : []), ...w.notes] },
    ],
    footer: [],
  };
}
